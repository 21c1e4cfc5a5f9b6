"""Derived exports of a release (Parquet stays the record): CSV in UTF-8, CSV in the German Excel dialect (`;`,
decimal comma, UTF-8 with BOM, CRLF) and JSON, one file each per table under `exports/`.

Written by DuckDB straight from the release's Parquet files (columnar, in C++: a national lineage table of millions
of rows takes seconds, not minutes). Text that came from partners is neutralised against formula injection in the
CSV files: a cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading apostrophe, so a
spreadsheet shows it as text instead of running it; JSON keeps the value. List columns are written as JSON text.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_BOM = b"\xef\xbb\xbf"


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _csv_columns(con: duckdb.DuckDBPyConnection, source: str, german: bool) -> str:
    """The SELECT list of a CSV export: text neutralised, lists as JSON, numbers with a decimal comma if German."""
    starts = ", ".join("'" + s.replace("'", "''") + "'" for s in _FORMULA_START)
    columns = []
    for name, kind, *_ in con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall():
        col = _quoted(name)
        if kind == "VARCHAR":
            expr = f"CASE WHEN left({col}, 1) IN ({starts}) THEN '''' || {col} ELSE {col} END"
        elif kind.endswith("[]"):
            expr = f"CAST(to_json({col}) AS VARCHAR)"
        elif german and (kind in ("DOUBLE", "FLOAT") or kind.startswith("DECIMAL")):
            expr = f"replace(CAST({col} AS VARCHAR), '.', ',')"
        else:
            expr = col
        columns.append(f"{expr} AS {col}")
    return ", ".join(columns)


def write_exports(release_dir: Path, tables: list[str]) -> list[Path]:
    folder = Path(release_dir) / "exports"
    (folder / "de").mkdir(parents=True, exist_ok=True)
    written = []
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")  # timestamps as stored (UTC), whatever the machine's zone
    try:
        for name in tables:
            parquet = str(Path(release_dir) / f"{name}.parquet").replace("'", "''")
            source = f"read_parquet('{parquet}')"
            plain, german, js = folder / f"{name}.csv", folder / "de" / f"{name}.csv", folder / f"{name}.json"
            con.execute(f"COPY (SELECT {_csv_columns(con, source, False)} FROM {source}) TO '{_sql_path(plain)}' "
                        "(FORMAT csv, HEADER)")
            body = german.with_suffix(".body")
            con.execute(f"COPY (SELECT {_csv_columns(con, source, True)} FROM {source}) TO '{_sql_path(body)}' "
                        "(FORMAT csv, HEADER, DELIMITER ';', NEW_LINE '\r\n')")
            with open(german, "wb") as out, open(body, "rb") as data:
                out.write(_BOM)
                shutil.copyfileobj(data, out, 16 * 2**20)
            body.unlink()
            con.execute(f"COPY (SELECT * FROM {source}) TO '{_sql_path(js)}' (FORMAT json, ARRAY true)")
            written += [plain, german, js]
    finally:
        con.close()
    return written


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")
