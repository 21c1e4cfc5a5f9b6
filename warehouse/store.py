"""The Parquet store: one file per internal table under DATA_DIR/warehouse, schema from the catalog, atomic writes.

Output is deterministic: the same frame gives the same bytes (rows sorted by the key, no timestamps in the file).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from warehouse.catalog import conform, get_table
from warehouse.files import atomic_path, clean_temporaries, sha256_file

_PANDAS_TYPES = {pa.int64(): pd.Int64Dtype(), pa.bool_(): pd.BooleanDtype()}


@dataclass(frozen=True)
class Written:
    table: str
    path: Path
    rows: int
    sha256: str


def write_parquet(arrow_table: pa.Table, target: Path) -> None:
    """Write atomically with settings shared by the store and releases."""
    with atomic_path(target) as tmp:
        pq.write_table(arrow_table, tmp, compression="zstd", write_statistics=True, store_schema=True)


def read_parquet(path: Path, columns: list[str] | None = None) -> pd.DataFrame:
    """A Parquet file as pandas, keeping integer and boolean columns with nulls as nullable dtypes."""
    return pq.read_table(path, columns=columns).to_pandas(types_mapper=_PANDAS_TYPES.get)


def as_stored(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """The frame exactly as it would read back from the store (catalog types and order)."""
    return conform(frame, get_table(table)).to_pandas(types_mapper=_PANDAS_TYPES.get)


class ParquetStore:
    """Internal tables of one data directory."""

    def __init__(self, root: Path):
        self.root = Path(root)

    def path(self, table: str) -> Path:
        return self.root / f"{table}.parquet"

    def write(self, table: str, frame: pd.DataFrame) -> Written:
        arrow_table = conform(frame, get_table(table))
        self.root.mkdir(parents=True, exist_ok=True)
        clean_temporaries(self.root)
        target = self.path(table)
        write_parquet(arrow_table, target)
        return Written(table, target, arrow_table.num_rows, sha256_file(target))

    def read(self, table: str, columns: list[str] | None = None) -> pd.DataFrame:
        path = self.path(table)
        if not path.exists():
            raise FileNotFoundError(f"table {table!r} has not been written yet (expected {path})")
        return read_parquet(path, columns)

    def exists(self, table: str) -> bool:
        return self.path(table).exists()
