"""The Parquet store: one file per internal table under DATA_DIR/warehouse, schema from the catalog, atomic writes.
A table partitioned by year is a folder of files instead, `<table>/year=<YYYY>.parquet`, one per partition; reading
it reads every partition (a reader never needs to know), and `single_file` combines them for a release.

Output is deterministic: the same frame gives the same bytes (rows sorted by the key, no timestamps in the file).
"""

from __future__ import annotations

import hashlib
import shutil
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
        if (self.root / table).is_dir():  # the whole table replaces its partitions
            shutil.rmtree(self.root / table)
        return Written(table, target, arrow_table.num_rows, sha256_file(target))

    def partition_path(self, table: str, key: str, column: str = "year") -> Path:
        return self.root / table / f"{column}={key}.parquet"

    def partition_files(self, table: str) -> list[Path]:
        folder = self.root / table
        return sorted(folder.glob("*=*.parquet")) if folder.is_dir() else []

    def write_partitions(self, table: str, frame: pd.DataFrame, keys: list[str], column: str = "year") -> list[Written]:
        """One file per partition key with that key's rows (an empty file where a key has none: computed, no rows);
        other partitions are not touched. A single-file copy of the table from before partitioning is removed."""
        folder = self.root / table
        folder.mkdir(parents=True, exist_ok=True)
        clean_temporaries(folder)
        values = frame[column].astype("Int64").astype(str)
        written = []
        for key in keys:
            arrow_table = conform(frame[values == str(key)], get_table(table))
            target = self.partition_path(table, key, column)
            write_parquet(arrow_table, target)
            written.append(Written(table, target, arrow_table.num_rows, sha256_file(target)))
        self.path(table).unlink(missing_ok=True)
        return written

    def read(self, table: str, columns: list[str] | None = None, partitions: list[str] | None = None,
             column: str = "year") -> pd.DataFrame:
        """The whole table (every partition of a partitioned one), or only the named partitions."""
        files = self.partition_files(table)
        if partitions is not None:
            files = [self.partition_path(table, k, column) for k in partitions]
            missing = [f for f in files if not f.exists()]
            if missing:
                raise FileNotFoundError(f"table {table!r}: partitions not written yet: {[f.stem for f in missing]}")
        if files:
            return pd.concat([read_parquet(f, columns) for f in files], ignore_index=True)
        path = self.path(table)
        if not path.exists():
            raise FileNotFoundError(f"table {table!r} has not been written yet (expected {path})")
        return read_parquet(path, columns)

    def fingerprint(self, table: str) -> str:
        """The sha256 of the table's files (names and bytes): equal fingerprints, equal content."""
        files = self.partition_files(table) or [self.path(table)]
        return hashlib.sha256("\n".join(f"{f.name} {sha256_file(f)}" for f in files).encode()).hexdigest()

    def exists(self, table: str) -> bool:
        return self.path(table).exists() or bool(self.partition_files(table))

    def single_file(self, table: str) -> Path:
        """The table as one Parquet file (for releases): the table's file, or its partitions combined into
        `.combined/<table>.parquet` — the same bytes an unpartitioned write of the same rows gives."""
        if not self.partition_files(table):
            return self.path(table)
        combined = ParquetStore(self.root / ".combined")
        return combined.write(table, self.read(table)).path
