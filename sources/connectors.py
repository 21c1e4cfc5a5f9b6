"""Connectors fetch what a source offers, as (file name, bytes) pairs for the landing zone; they never change the source.

- file drop: a folder or any fsspec URL; files matching a pattern are read, never moved or deleted.
- SQL: any SQLAlchemy URL (from an environment variable); tables and columns come from configuration, are checked
  against a strict identifier pattern and against the database's own catalog, and are read in a read-only
  transaction with bound parameters. Each table becomes a CSV snapshot file, so runs are reproducible from landed
  data alone.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import os
import re
from collections.abc import Mapping
from typing import Any

import fsspec
import sqlalchemy as sa

from warehouse.database import sql_failure
from warehouse.redact import redact, safe_url  # noqa: F401 (safe_url: re-exported for callers and tests)

SNAPSHOT_CHUNK_ROWS = 50_000
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")


class ConnectorError(RuntimeError):
    """A source could not be read; the message says which source and why (never a credential)."""


MAX_DELIVERY_BYTES = 2 * 2**30  # a file-drop delivery above this is refused unread (options.max_bytes changes it)


def fetch_file_drop(source_id: str, location: str, pattern: str = "*", max_bytes: int = MAX_DELIVERY_BYTES,
                    refused: list[str] | None = None) -> list[tuple[str, bytes]]:
    """Regular files in the drop location matching `pattern`, in name order (name re-deliveries so they sort later).

    A file that cannot be a delivery is refused and not read: a symbolic link (it may point anywhere on the machine,
    e.g. /etc/passwd or /proc/self/environ), anything that is not a regular file, a file that resolves outside the
    drop folder, a file larger than `max_bytes` (a runaway export). Each refusal is a sentence appended to `refused`,
    and the other files are still taken; without a `refused` list the first refusal raises ConnectorError."""
    try:
        fs, root = fsspec.core.url_to_fs(location)
    except (ValueError, ImportError) as exc:
        raise ConnectorError(f"source {source_id!r}: cannot open location {location!r}: {exc}") from None
    if not fs.exists(root):
        raise ConnectorError(f"source {source_id!r}: drop location {location!r} does not exist")
    local = "file" in ((fs.protocol,) if isinstance(fs.protocol, str) else fs.protocol)
    files = []
    for p in sorted(fs.glob(f"{root.rstrip('/')}/{pattern}")):
        name = p.rsplit("/", 1)[-1]
        try:
            data = _read_local(root, p, max_bytes) if local else _read_remote(fs, p, max_bytes)
        except _Refused as why:
            message = f"source {source_id!r}: file {name!r} was refused and not read: {why}"
            if refused is None:
                raise ConnectorError(message) from None
            refused.append(message)
            continue
        if data is not None:
            files.append((name, data))
    return files


class _Refused(Exception):
    """A drop-folder entry that is not taken (the reason is the message)."""


def _too_large(size: int, max_bytes: int) -> None:
    if size > max_bytes:
        raise _Refused(f"it has {size:,} bytes, more than the {max_bytes:,} allowed (options.max_bytes)")


def _read_local(root: str, path: str, max_bytes: int) -> bytes | None:
    """The bytes of a regular file inside `root`, opened without following a link (O_NOFOLLOW, then checked on the
    open descriptor, so a file swapped for a link in between is refused too) and with no other name (a hard link can
    give a file outside the folder a name inside it); None for a directory."""
    import stat

    info = os.lstat(path)
    if stat.S_ISDIR(info.st_mode):
        return None
    if stat.S_ISLNK(info.st_mode):
        raise _Refused(f"it is a symbolic link (to {os.readlink(path)!r}); deliver the file itself")
    real_root = os.path.realpath(root)
    if os.path.commonpath([real_root, os.path.realpath(path)]) != real_root:
        raise _Refused("it lies outside the drop folder (through a linked folder)")
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise _Refused(f"it cannot be opened ({exc.strerror})") from None
    with os.fdopen(fd, "rb") as fh:
        info = os.fstat(fh.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise _Refused("it is not a regular file (a device, pipe or socket)")
        if info.st_nlink > 1:  # the same file under another name, maybe outside the drop folder
            raise _Refused(f"it is a hard link ({info.st_nlink} names for one file, which may lie outside the drop "
                           "folder); deliver a copy of the file")
        _too_large(info.st_size, max_bytes)
        return fh.read()


def _read_remote(fs, path: str, max_bytes: int) -> bytes | None:
    if not fs.isfile(path):
        return None
    size = fs.size(path)
    if size is not None:
        _too_large(size, max_bytes)
    return fs.cat_file(path)


def _check_identifier(source_id: str, what: str, name: str) -> str:
    if not isinstance(name, str) or not _IDENTIFIER.match(name):
        raise ConnectorError(f"source {source_id!r}: {what} {name!r} is not a plain SQL identifier "
                             "(letters, digits, underscore)")
    return name


def resolve_sql_url(source_id: str, url_env: str | None, url_default: str | None, base_dir: str | None = None) -> str:
    url = os.environ.get(url_env) if url_env else None
    if not url:
        if not url_default:
            raise ConnectorError(f"source {source_id!r}: environment variable {url_env} is not set "
                                 "(it must hold the SQLAlchemy URL of the database)")
        url = url_default
    if url.startswith("sqlite:///") and not url.startswith("sqlite:////") and base_dir:
        url = "sqlite:///" + os.path.join(base_dir, url[len("sqlite:///"):])
    return url


def _read_only(conn: sa.Connection) -> None:
    dialect = conn.dialect.name
    if dialect == "sqlite":
        conn.exec_driver_sql("PRAGMA query_only = ON")
    elif dialect in ("mysql", "mariadb", "postgresql"):
        # first statement of the transaction (MySQL/MariaDB: applies to the transaction the next statement starts)
        conn.exec_driver_sql("SET TRANSACTION READ ONLY")


def fetch_sql(source_id: str, url: str, tables: Mapping[str, Mapping[str, Any]],
              params: Mapping[str, Any] | None = None) -> list[tuple[str, bytes]]:
    """One CSV snapshot per configured table: `{snapshot_name: {table, columns: {target: db_column}, order_by,
    since: {column, param}, gzip: bool}}`; rows ordered for byte-identical snapshots of unchanged data, streamed from
    the database in chunks (`gzip: true` for large tables such as 15-minute readings)."""
    params = dict(params or {})
    try:
        engine = sa.create_engine(url)
    except (sa.exc.ArgumentError, ImportError) as exc:
        raise ConnectorError(redact(f"source {source_id!r}: unusable database URL {safe_url(url)}: {exc}")) from None
    snapshots = []
    try:
        with engine.connect() as conn:
            with conn.begin() as txn:
                _read_only(conn)
                inspector = sa.inspect(conn)
                for snapshot_name in sorted(tables):
                    spec = tables[snapshot_name]
                    _check_identifier(source_id, "snapshot name", snapshot_name)
                    table_name = _check_identifier(source_id, "table", spec["table"])
                    if not inspector.has_table(table_name):
                        raise ConnectorError(f"source {source_id!r}: table {table_name!r} does not exist in "
                                             f"{safe_url(url)}")
                    existing = {c["name"] for c in inspector.get_columns(table_name)}
                    columns: Mapping[str, str] = spec["columns"]
                    for target, col in columns.items():
                        _check_identifier(source_id, "column alias", target)
                        _check_identifier(source_id, "column", col)
                        if col not in existing:
                            raise ConnectorError(f"source {source_id!r}: table {table_name!r} has no column {col!r}; "
                                                 f"it has {sorted(existing)}")
                    since = spec.get("since")
                    since_col = _check_identifier(source_id, "column", since["column"]) if since else None
                    order_by = [_check_identifier(source_id, "order_by column", c) for c in spec.get("order_by", [])]
                    unknown = [c for c in [*order_by, *([since_col] if since_col else [])] if c not in existing]
                    if unknown:
                        raise ConnectorError(f"source {source_id!r}: table {table_name!r} has no column(s) {unknown}")
                    used = dict.fromkeys([*columns.values(), *order_by, *([since_col] if since_col else [])])
                    table = sa.table(table_name, *[sa.column(c) for c in used])
                    query = sa.select(*[table.c[col].label(target) for target, col in columns.items()])
                    if since_col:
                        query = query.where(table.c[since_col] >= sa.bindparam("since_value", params[since["param"]]))
                    query = query.order_by(*[table.c[c] for c in order_by])
                    result = conn.execution_options(stream_results=True, yield_per=SNAPSHOT_CHUNK_ROWS).execute(query)
                    compressed = bool(spec.get("gzip"))
                    name = f"{snapshot_name}.csv" + (".gz" if compressed else "")
                    snapshots.append((name, _snapshot_csv(list(columns), result.partitions(), compressed)))
                txn.rollback()
    except sa.exc.SQLAlchemyError as exc:
        raise ConnectorError(f"source {source_id!r}: {sql_failure('reading', url, exc)}") from None
    finally:
        engine.dispose()
    return snapshots


def _snapshot_csv(header: list[str], chunks, compressed: bool = False) -> bytes:
    """The rows as CSV (dates ISO 8601, NULL empty), written chunk by chunk as they stream from the database, so a
    large table (15-minute readings) never sits in memory as rows; `compressed`: gzip without a time stamp, so an
    unchanged table gives the same bytes."""
    def cell(v: Any) -> Any:
        if isinstance(v, dt.datetime | dt.date):
            return v.isoformat()
        if isinstance(v, float) and v != v:
            return None
        return v

    buffer = io.BytesIO()
    raw = gzip.GzipFile(filename="", mode="wb", fileobj=buffer, mtime=0) if compressed else buffer
    text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(header)
    for chunk in chunks:
        writer.writerows([cell(v) for v in row] for row in chunk)
    text.flush()
    text.detach()
    if compressed:
        raw.close()
    return buffer.getvalue()
