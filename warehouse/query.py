"""`klimamonitor sql`: an analyst's query against a release, which must stay as published.

The release's DuckDB database is opened read-only; file access is switched off except for the release's own folder
(`enable_external_access = false`, `allowed_directories`), extensions are neither installed nor loaded, and the
configuration is locked (`lock_configuration`), so no statement can switch any of it back. Only read statements
run (SELECT, which includes SHOW, DESCRIBE, SUMMARIZE): COPY ... TO (even into the release folder), EXPORT, ATTACH,
INSTALL/LOAD, SET, PRAGMA, CALL and every write are refused before anything runs.

With a scratch database (`--scratch FILE`) the analyst may also create and fill tables, in FILE only: the release
is attached read-only as `release`, its views are found without the prefix, and file access, attaching and
configuration stay as closed as above.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pandas as pd

from warehouse.release import DUCKDB_FILE

READ_STATEMENTS = frozenset({"SELECT"})
SCRATCH_STATEMENTS = READ_STATEMENTS | {"CREATE", "INSERT", "UPDATE", "DELETE", "DROP", "ALTER", "TRANSACTION"}
_CLOSED = {"autoinstall_known_extensions": False, "autoload_known_extensions": False,
           "allow_community_extensions": False, "allow_unsigned_extensions": False}


class QueryRefused(ValueError):
    """A statement `klimamonitor sql` does not run (it could write or reach outside the release)."""


def _kinds(con: duckdb.DuckDBPyConnection, query: str) -> list[tuple[str, str]]:
    return [(str(s.type).rsplit(".", 1)[-1], s.query) for s in con.extract_statements(query)]


@contextmanager
def _inside(folder: Path):
    """Relative paths of the release's views (`read_parquet('population.parquet')`) resolve in the release folder,
    and DuckDB checks them there against `allowed_directories`."""
    before = os.getcwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(before)


def query_release(release_dir: Path, query: str, scratch: Path | None = None) -> pd.DataFrame | None:
    """The result of the last statement of `query` (None when it returns no rows, e.g. CREATE in scratch mode);
    raises QueryRefused before anything runs, or duckdb.Error from DuckDB's own refusals and mistakes."""
    release_dir = Path(release_dir).resolve()
    database = release_dir / DUCKDB_FILE
    allowed = SCRATCH_STATEMENTS if scratch else READ_STATEMENTS
    scratch = Path(scratch).resolve() if scratch else None
    if scratch and scratch.parent == release_dir:
        raise QueryRefused(f"the scratch database {scratch} would lie inside the release, which stays as published")
    with _inside(release_dir):
        if scratch:
            con = duckdb.connect(str(scratch), config=_CLOSED)
            con.execute("ATTACH ? AS release (READ_ONLY)", [str(database)])
            con.execute("SET allowed_paths = ?", [[str(scratch), f"{scratch}.wal"]])
        else:
            con = duckdb.connect(str(database), read_only=True, config=_CLOSED)
        try:
            con.execute("SET allowed_directories = ?", [[f"{release_dir}/"]])
            con.execute("SET enable_external_access = false")
            if scratch:
                name = con.execute("SELECT current_database()").fetchall()[0][0].replace('"', '""')
                con.execute("SET search_path = ?", [f'"{name}".main,release.main'])
            con.execute("SET lock_configuration = true")
            statements = _kinds(con, query)
            refused = [(kind, text) for kind, text in statements if kind not in allowed]
            if refused:
                kind, text = refused[0]
                raise QueryRefused(
                    f"{kind} statements are not run ({text.strip()[:80]!r}): `klimamonitor sql` "
                    + ("writes only into the scratch database, never files, attachments or settings"
                       if scratch else "only reads the release; use --scratch FILE for tables of your own"))
            result = None
            for _, text in statements:
                result = con.execute(text)
            frame = result.df() if result is not None and result.description else None
        finally:
            con.close()
    return frame
