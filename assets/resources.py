"""Dagster resources: the run settings (which configuration, which data directory) and the Parquet IO manager;
and the asset group of a table, from the catalog.

Assets receive `settings` and return frames; the IO manager writes each frame to the store through the catalog,
so a table that is not in the catalog, or does not match it, fails where it is written.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pandas as pd
from dagster import (
    ConfigurableIOManager,
    ConfigurableResource,
    InputContext,
    MetadataValue,
    OutputContext,
    TableColumn,
    TableSchema,
)

from assets.config import DistrictConfig, load_config
from warehouse.catalog import get_table
from warehouse.store import ParquetStore


@lru_cache(maxsize=8)
def _cached_config(path: str, mtime_ns: int) -> DistrictConfig:
    return load_config(path)


class Settings(ConfigurableResource):
    """Which district configuration and which data directory a run uses."""

    config_path: str
    data_dir: str

    def config(self) -> DistrictConfig:
        path = Path(self.config_path)
        return _cached_config(str(path), path.stat().st_mtime_ns if path.exists() else 0)

    @property
    def data_path(self) -> Path:
        return Path(self.data_dir)

    def store(self) -> ParquetStore:
        return ParquetStore(self.data_path / "warehouse")


def group_of(table: str) -> str:
    """The asset group of a table: its layer in the catalog (one place; no asset names its group itself)."""
    return get_table(table).layer


def column_schema(table_name: str) -> TableSchema:
    table = get_table(table_name)
    return TableSchema(
        columns=[
            TableColumn(c.name, c.type, description=c.description + (f" [{c.unit}]" if c.unit else ""))
            for c in table.columns
        ]
    )


class ParquetIOManager(ConfigurableIOManager):
    """Stores each asset's frame as DATA_DIR/warehouse/<asset name>.parquet with the catalog schema; a year-partitioned
    asset as one file per year it materialised (`<asset name>/year=<YYYY>.parquet`), leaving the other years as they
    are. A partitioned downstream asset reads its own years, an unpartitioned one every year. Rows under the empty
    key are not stored: a district-free city's totals, which are its one municipality's rows."""

    data_dir: str

    def _store(self) -> ParquetStore:
        return ParquetStore(Path(self.data_dir) / "warehouse")

    def handle_output(self, context: OutputContext, obj: pd.DataFrame | None) -> None:
        if obj is None:
            return
        if "ags" in obj.columns:  # totals a district-free city computes under no key (DistrictConfig.totals_ags)
            obj = obj[obj["ags"] != ""].reset_index(drop=True)
        name = context.asset_key.path[-1]
        if context.has_asset_partitions:
            parts = self._store().write_partitions(name, obj, sorted(context.asset_partition_keys))
            metadata = {"dagster/row_count": sum(p.rows for p in parts), "partitions written": len(parts),
                        "path": MetadataValue.path(str(parts[0].path.parent)) if parts else ""}
        else:
            written = self._store().write(name, obj)
            metadata = {"dagster/row_count": written.rows, "path": MetadataValue.path(str(written.path)),
                        "sha256": written.sha256}
        context.add_output_metadata({**metadata, "dagster/column_schema": column_schema(name)})

    def load_input(self, context: InputContext) -> pd.DataFrame:
        name = context.upstream_output.asset_key.path[-1]
        if context.has_asset_partitions:  # the upstream is partitioned: the years this step needs (all, unpartitioned)
            return self._store().read(name, partitions=sorted(context.asset_partition_keys))
        return self._store().read(name)
