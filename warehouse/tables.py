"""Every table klimamonitor writes: its columns (names from `warehouse/fields.py`), primary key and layer.

Names follow the layers: `raw_<source>__<table>` (parsed deliveries with lineage), `core_<domain>__<table>`
(harmonised), and the plain names of CONTRACT.md for published tables.
"""

from functools import partial

from warehouse.catalog import Table, build_table
from warehouse.fields import FIELDS

_t = partial(build_table, FIELDS)

LINEAGE = ("delivery_id", "source_row")

_TABLE_LIST: list[Table] = [
    # --- published (CONTRACT.md)
    _t("municipalities", "core", "The configured region: the district key and each municipality with name and area",
       ["ags", "name", "kind", "area_ha"], ["ags"], published=True),
    _t("deliveries", "core", "Every partner delivery in the landing zone, archived unchanged, with its scope and "
       "whether it is in use",
       ["delivery_id", "source_id", "partner", "file_name", "landed_path", "sha256", "size_bytes", "received_at",
        "scope_years", "scope_ags", "status", "superseded_by", "status_reason", "provisional", "rows_parsed",
        "rows_rejected", "rows_out_of_region"],
       ["delivery_id"], published=True),
    _t("population", "core", "Inhabitants per municipality and year (31 December); district rows are the sum of "
       "the municipalities", ["ags", "year", "population", "value_status", "complete", "delivery_id"],
       ["ags", "year"], published=True),
    # --- raw: parsed deliveries, one row per delivered value, with lineage
    _t("raw_landing__rejected_rows", "raw", "Rows of deliveries that were not taken in, with the reason "
       "(the quarantine); kept for the partner and for audit",
       ["source_id", "delivery_id", "source_row", "column", "raw_value", "reason"],
       sort_by=["source_id", "delivery_id", "source_row", "column"]),
    _t("raw_genesis__population", "raw", "Population from GENESIS flat-file CSV deliveries (statistics offices), "
       "as delivered, with quality marks", [*LINEAGE, "ags", "year", "population", "quality_mark", "value_status"],
       [*LINEAGE]),
]  # fmt: skip

TABLES: dict[str, Table] = {}
for _table in _TABLE_LIST:
    if _table.name in TABLES:
        raise ValueError(f"table {_table.name!r} defined twice in warehouse/tables.py")
    TABLES[_table.name] = _table
