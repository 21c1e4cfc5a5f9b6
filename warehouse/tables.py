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
    # --- landing
    _t("raw_landing__deliveries", "raw", "The landing register: every delivery archived in DATA_DIR/landing, as "
       "received (facts only; statuses are derived in `deliveries`)",
       ["delivery_id", "source_id", "partner", "file_name", "landed_path", "sha256", "size_bytes", "received_at"],
       ["delivery_id"]),
    # --- raw: parsed deliveries, one row per delivered value, with lineage (delivery_id, source_row)
    _t("raw_genesis__population", "raw", "Population from GENESIS flat-file CSV deliveries of the statistics offices, "
       "as delivered, with quality marks",
       [*LINEAGE, "ags", "year", "population", "quality_mark", "value_status", "provisional"], [*LINEAGE]),
    _t("raw_grid__energy", "raw", "Grid operators' yearly electricity, gas and district-heat sheets per municipality "
       "and customer group, converted to MWh (gas still at the delivered calorific basis)",
       [*LINEAGE, "ags", "year", "carrier", "customer_group", "consumers", "delivered_mwh", "calorific_basis",
        "value_status", "provisional"], [*LINEAGE]),
    _t("raw_tidy__final_energy", "raw", "Tidy final-energy deliveries (balances made elsewhere) per municipality, "
       "year, sector and carrier", [*LINEAGE, "ags", "year", "sector", "carrier", "final_energy_mwh", "data_quality",
                                    "value_status"], [*LINEAGE]),
    _t("raw_factors__emission_factors", "raw", "Emission factor sets as delivered: one row per carrier, sector scope "
       "and year (year empty: published without a year)",
       [*LINEAGE, "factor_set", "carrier", "sector_scope", "year", "g_co2e_per_kwh", "source", "derivation",
        "bisko_rule"], [*LINEAGE]),
    _t("raw_facility__buildings", "raw", "Buildings of the district's facility database (snapshot pulls)",
       [*LINEAGE, "building_id", "building_name", "building_use", "gross_floor_area_m2"], [*LINEAGE]),
    _t("raw_facility__meter_readings", "raw", "Meter readings of the district's facility database (snapshot pulls): "
       "cumulative counters or consumptions, with meter exchanges",
       [*LINEAGE, "meter_id", "building_id", "carrier", "reading_date", "reading_value", "reading_unit",
        "reading_kind", "meter_exchange"], [*LINEAGE]),
]  # fmt: skip

REJECTED_COLUMNS = ["source_id", "delivery_id", "source_row", "column", "raw_value", "reason", "finding_kind"]


def rejected_table_name(raw_table: str) -> str:
    return f"{raw_table}_rejected"


# Every raw table has a quarantine beside it: rows not taken in (or filtered out), with the reason.
_TABLE_LIST += [
    _t(rejected_table_name(t.name), "raw", f"Rows of {t.name} deliveries that were not taken in or were filtered "
       "out, with the reason (the quarantine); a finding about a whole file has no row",
       REJECTED_COLUMNS, sort_by=["delivery_id", "source_row", "column"])
    for t in list(_TABLE_LIST) if t.layer == "raw"
]

TABLES: dict[str, Table] = {}
for _table in _TABLE_LIST:
    if _table.name in TABLES:
        raise ValueError(f"table {_table.name!r} defined twice in warehouse/tables.py")
    TABLES[_table.name] = _table
