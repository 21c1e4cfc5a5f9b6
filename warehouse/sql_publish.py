"""Publishing a release into a SQL database (PostgreSQL in production) for report tools that read tables.

Each table is replaced in one transaction (lock, empty, fill, commit), so a concurrent reader sees either the old
or the new table, never half of one; publishing the same release twice gives the same tables. List columns are
stored as JSON text. A `klimamonitor_release` table records which release the tables hold.

On PostgreSQL every table and column carries the catalog's description (and unit) as a comment (`COMMENT ON`, in
the same transaction), so Metabase, Power BI or DBeaver show what a column means; other databases get the tables
without comments.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import sqlalchemy as sa

from warehouse.database import sql_failure
from warehouse.catalog import comment_statements, get_table


def _frame(path: Path) -> pd.DataFrame:
    frame = pq.read_table(path).to_pandas()
    for col in frame.columns:
        if frame[col].dtype == object and frame[col].map(lambda v: hasattr(v, "__len__") and not isinstance(v, str)).any():
            frame[col] = frame[col].map(lambda v: None if v is None else json.dumps(
                [x.item() if hasattr(x, "item") else x for x in v], ensure_ascii=False))
    return frame


def publish_to_sql(url: str, release_dir: Path, tables: list[str], schema: str | None = None) -> dict[str, int]:
    engine = sa.create_engine(url)
    counts = {}
    try:
        for name in sorted(tables):
            frame = _frame(Path(release_dir) / f"{name}.parquet")
            qualified = f'"{schema}"."{name}"' if schema else f'"{name}"'
            with engine.begin() as conn:
                inspector = sa.inspect(conn)
                if inspector.has_table(name, schema=schema):
                    existing = [c["name"] for c in inspector.get_columns(name, schema=schema)]
                    if existing == list(frame.columns):
                        if conn.dialect.name == "postgresql":
                            conn.exec_driver_sql(f"LOCK TABLE {qualified} IN ACCESS EXCLUSIVE MODE")
                            conn.exec_driver_sql(f"TRUNCATE {qualified}")
                        else:
                            conn.exec_driver_sql(f"DELETE FROM {qualified}")
                        frame.to_sql(name, conn, schema=schema, if_exists="append", index=False, chunksize=5000,
                                     method="multi")
                    else:
                        frame.to_sql(name, conn, schema=schema, if_exists="replace", index=False, chunksize=5000,
                                     method="multi")
                else:
                    frame.to_sql(name, conn, schema=schema, if_exists="replace", index=False, chunksize=5000,
                                 method="multi")
                if conn.dialect.name == "postgresql":
                    for statement in comment_statements(get_table(name), qualified):
                        conn.exec_driver_sql(statement)
            counts[name] = len(frame)
        with engine.begin() as conn:
            pd.DataFrame([{"release_id": Path(release_dir).name, "tables": json.dumps(counts)}]).to_sql(
                "klimamonitor_release", conn, schema=schema, if_exists="replace", index=False)
    except sa.exc.SQLAlchemyError as exc:
        raise RuntimeError(sql_failure("publishing to", url, exc)) from None
    finally:
        engine.dispose()
    return counts
