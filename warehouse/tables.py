"""Every table klimamonitor writes: its columns (names from `warehouse/fields.py`), primary key and layer.

Names follow the layers (tests/test_architecture.py asserts it): `landing__deliveries` (the landing register),
`raw_<format>__<shape>` (what one format's parser read, with lineage; the format keys of sources/formats.py),
`raw_..._rejected` (its quarantine), `core_<domain>__<table>` (harmonised: rows in use at today's keys) and the
plain names of docs/contract.md for published tables.
"""

from functools import partial

from warehouse.schema import Table, build_table
from warehouse.fields import FIELDS

_t = partial(build_table, FIELDS)

LINEAGE = ("delivery_id", "source_row")

_TABLE_LIST: list[Table] = [
    # --- published (docs/contract.md)
    _t("municipalities", "core", "The configured region: the district key and each municipality with name and area",
       ["ags", "name", "kind", "area_ha"], ["ags"], published=True),
    _t("deliveries", "core", "Every partner delivery in the landing zone, archived unchanged, with its scope and "
       "whether it is in use",
       ["delivery_id", "source_id", "partner", "file_name", "landed_path", "sha256", "size_bytes", "received_at",
        "scope_years", "scope_ags", ("status", "delivery_status"), "superseded_by", "status_reason", "provisional", "rows_parsed",
        "rows_rejected", "rows_out_of_region", "cells_confidential", "cells_without_value", "origin"],
       ["delivery_id"], published=True),
    _t("population", "core", "Inhabitants per municipality and year (31 December), with the census the figure "
       "rests on and the first year of a new basis flagged; district rows are the district's own delivered figure where the delivery of its municipalities states one, else their sum",
       ["ags", "year", "population", "value_status", "complete", "delivery_id", "source_row", "census_basis",
        "basis_break"],
       ["ags", "year"], published=True),
    _t("statistics", "core", "Values of the statistical offices' tables for the region (area, residential buildings "
       "and flats, passenger cars, the industry's energy use including non-energy use, ...), in the statistic's "
       "unit, each with its table, column and delivered row; beside the balance, never an input of it",
       ["ags", "year", "statistic", ("detail", "statistic_detail"), ("value", "statistic_value"),
        ("unit", "statistic_unit"), "value_status", "quality_mark", "table_code", ("variable", "table_variable"),
        ("time", "reference_time"), "delivery_id", "source_row"],
       ["ags", "year", "statistic", "detail", "table_code"], published=True),
    _t("emission_factors", "balance", "The emission factor set of the balance: one factor per carrier, sector scope "
       "and year, each citing its source and stating how it was derived",
       ["factor_set", "carrier", "sector_scope", "region_scope", "year", "g_co2e_per_kwh", "source", "derivation",
        "bisko_rule", "delivery_id", "source_row"], ["factor_set", "carrier", "sector_scope", "region_scope", "year"],
       published=True),
    _t("final_energy", "balance", "Final energy per municipality, year, BISKO sector and carrier (gas at net "
       "calorific value); district rows are the sums of the municipalities",
       ["ags", "year", "sector", "carrier", "final_energy_mwh", "data_quality", "data_quality_score", "value_status",
        "complete", "provisional"], ["ags", "year", "sector", "carrier"], published=True),
    _t("emissions", "balance", "Emissions per municipality, year, sector and carrier and balance view; the bisko "
       "view uses the federal electricity mix of the year",
       ["ags", "year", "sector", "carrier", "view", "final_energy_mwh", "g_co2e_per_kwh", "emissions_t_co2e",
        "factor_set", "bisko_conformant", "complete"], ["ags", "year", "sector", "carrier", "view"], published=True),
    _t("balance_summary", "balance", "The BISKO balance per place and year, in total and per sector: final energy, "
       "emissions, per inhabitant, final-energy-weighted data quality",
       ["ags", "year", "balance_scope", "final_energy_mwh", "emissions_t_co2e", "population",
        "t_co2e_per_inhabitant", "mwh_per_inhabitant", "data_quality_score", "data_quality", "complete",
        "per_inhabitant_complete", "bisko_conformant"], ["ags", "year", "balance_scope"], published=True),
    _t("electricity_generation", "balance", "Electricity generation per municipality, year and technology: installed "
       "gross capacity at year end (MaStR) and generation (EEG feed-in where delivered, else capacity × full-load "
       "hours)", ["ags", "year", "technology", "installed_kw", "generation_mwh", "method", "data_quality"],
       ["ags", "year", "technology"], published=True),
    _t("renovations", "indicators", "Energy renovations of pre-1979 buildings per municipality and year with the "
       "old-building stock (censuses interpolated) and the renovation rate",
       ["ags", "year", "energy_renovations", "buildings_pre_1979", "stock_method", "renovation_rate_pct",
        "value_status", "complete", "delivery_id", "source_row"], ["ags", "year"], published=True),
    _t("ets_installations", "balance", "Verified EU ETS emissions per installation in the territory (process and "
       "combustion emissions of industry; outside the BISKO balance, shown as the ets_production view)",
       ["ags", "year", "installation_id", "installation_name", "activity_code", "ets_phase",
        "verified_emissions_t_co2e", "delivery_id", "source_row"], ["installation_id", "year"], published=True),
    _t("agriculture_emissions", "balance", "Agricultural emissions per municipality and year (outside BISKO; used "
       "only by targets whose scope includes agriculture); district rows are the district's own delivered figure "
       "where the delivery of its municipalities states one, else their sum",
       ["ags", "year", "emissions_t_co2e", "value_status", "complete", "delivery_id", "source_row"], ["ags", "year"],
       published=True),
    _t("vehicle_stock", "indicators", "Registered passenger cars on 1 January by fuel (KBA), per municipality; "
       "district rows are the registration district's total (FZ 3 `ZUSAMMEN`) where its delivery states one, else the "
       "sum of the municipalities", ["ags", "year", "vehicle_fuel", "vehicles", "value_status", "complete",
                                    "delivery_id", "source_row"],
       ["ags", "year", "vehicle_fuel"], published=True),
    _t("targets", "indicators", "The targets (and supporting indicators) as configured: what is measured, against "
       "which base year, by when, and where the target comes from",
       ["target_set", "indicator_id", "indicator", "title_de", "title_en", ("scope", "target_scope"), "base_year",
        "target_year", "comparator", "target_value", "unit", "source", "definition", "notes", "processing",
        "target_set_title_de", "definition_de", "notes_de", "interpretation_de", "source_de", "processing_de"],
       ["target_set", "indicator_id"], published=True),
    _t("indicators", "indicators", "Every target's indicator per place and year: value, base and target, gap, "
       "straight path, trend projection and status with its reason",
       ["target_set", "indicator_id", "ags", "year", "value", "unit", "base_year", "base_value", "target_year",
        "target_value", "gap", "path_value", "projected_value_at_target_year", "projected_year_reached",
        ("status", "indicator_status"), "status_reason", "data_quality", "complete", "conformity"],
       ["target_set", "indicator_id", "ags", "year"], published=True),
    _t("bisko_conformity", "balance", "Conformity of the balance with BISKO per place and year: each criterion "
       "conformant, non_conformant or incomplete, with the reason in words",
       ["ags", "year", "criterion", "conformity", "conformity_reason"], ["ags", "year", "criterion"],
       published=True),
    _t("lineage", "balance", "For every final_energy and emissions cell: the delivered rows (delivery_id, source_row) "
       "and the emission factor row behind it; `klimamonitor trace` follows it to the landed files",
       ["output_table", "output_key", "delivery_id", "source_row", "factor_set", "factor_row"],
       sort_by=["output_table", "output_key", "delivery_id", "source_row", "factor_row"], published=True),
    _t("measure_status_history", "core", "Every delivery of the list of measures, per measure: status and budget as "
       "delivered and what changed against the previous delivery (the list's date: its latest last_updated)",
       ["measure_id", "delivery_id", "list_date", "source_row", "measure_status", "previous_status",
        "budget_planned_eur", "budget_spent_eur", "budget_planned_change_eur", "budget_spent_change_eur",
        "last_updated", "history_change"], ["measure_id", "delivery_id"], published=True,
       sort_by=["measure_id", "list_date", "delivery_id"]),
    _t("measures", "indicators", "The work programme: every measure as the latest list states it, with its field of "
       "action, lead, status, dates, budget, expected savings (the measures' own estimates) and whether it is overdue",
       ["measure_id", "measure_title", "measure_description", "field_of_action", "field_of_action_de", "lead",
        "municipalities_involved", "measure_status", "measure_status_de", "start_date", "end_date",
        "budget_planned_eur", "budget_spent_eur", "savings_t_co2e_per_year", "savings_mwh_per_year",
        "savings_method", "target_indicators", "last_updated", "overdue", "overdue_reason",
        "overdue_reference_date", "delivery_id", "source_row"], ["measure_id"], published=True,
       required=["field_of_action", "measure_status", "overdue"]),
    _t("eea_assessment", "indicators", "The European Energy Award assessment per field of action and year (and "
       "their total): points possible and achieved, the share achieved and the award level it reaches (eea from "
       "50 %, eea Gold from 75 %)",
       [("field_of_action", "eea_field_of_action"), "year", "eea_points_possible", "eea_points_achieved",
        "eea_share_pct", "eea_award", "complete"], ["field_of_action", "year"], published=True),
    _t("target_measures", "indicators", "Gap analysis per target: the remaining gap at the latest complete year (in "
       "the target's unit and, for emissions targets, in t CO2e) beside the expected savings of the measures that "
       "serve it by status (completed, in progress, planned): the measures' own estimates, not measured savings",
       ["target_set", "indicator_id", "ags", "year", "value", "target_value", "unit", "gap", "gap_t_co2e",
        "measures_count", "measures_without_estimate", "savings_completed_t_co2e", "savings_in_progress_t_co2e",
        "savings_planned_t_co2e", "savings_completed_mwh", "savings_in_progress_mwh", "savings_planned_mwh",
        "shortfall_t_co2e", "gap_status", "gap_reason", "complete"], ["target_set", "indicator_id"],
       published=True, required=["gap_status"]),
    # --- core inputs of the balance
    _t("core_facility__consumption", "core", "Consumption of the district's own buildings per carrier and year, "
       "from a complete year of 15-minute interval data where there is one, else from the cumulative meter readings "
       "(gas at net calorific value)",
       ["building_id", "ags", "year", "carrier", "final_energy_mwh", "consumption_method", "days_covered", "complete",
        "delivery_id"],
       ["building_id", "carrier", "year"]),
    _t("core_facility__interval_months", "core", "Consumption of the district's buildings per carrier and month "
       "from 15-minute interval meters, with the quarter hours missing and whether the month is complete",
       ["building_id", "carrier", "year", "month", "consumption_kwh", "meters", "gap_quarter_hours", "complete",
        "delivery_id"], ["building_id", "carrier", "year", "month"]),
    _t("core_energy__inputs", "core", "Every input of the final-energy balance in one shape, with its delivery and "
       "row: grid sheets, tidy deliveries, the district's buildings, ambient heat",
       ["input_kind", "ags", "year", "sector", "carrier", "detail", "input_mwh", "value_status", "data_quality",
        "provisional", "delivery_id", "source_row"], ["input_kind", "ags", "year", "sector", "carrier", "detail"],
       required=["data_quality", "value_status"]),
    # --- landing
    _t("landing__deliveries", "landing", "The landing register: every delivery archived in DATA_DIR/landing, as "
       "received (facts only; statuses are derived in `deliveries`)",
       ["delivery_id", "source_id", "partner", "file_name", "landed_path", "sha256", "size_bytes", "received_at"],
       ["delivery_id"]),
]  # fmt: skip


# --- raw: parsed deliveries, one row per delivered value, with lineage (delivery_id, source_row). A shape is what
# a table's rows are; every format that fills it has its own raw table `raw_<format>__<shape>` (the format keys of
# sources/formats.py), so a raw table holds exactly what one parser read.
RawShape = tuple[str, tuple[str, ...], list, list, list]  # description, formats, columns, primary key, scope detail
RAW_SHAPES: dict[str, RawShape] = {
    "population": (
        "Population from GENESIS deliveries of the statistics offices, as delivered, with quality marks and census "
        "basis", ("genesis_population",),
        [*LINEAGE, "ags", "year", "population", "quality_mark", "value_status", "provisional", "census_basis",
         "basis_break"], [*LINEAGE, "year"], []),  # a wide table holds several years in one line
    "table_values": (
        "Every value of a GENESIS table (classic CSV, xlsx download or flat file) for the region and the regions "
        "above it, one row per cell, as published", ("genesis_table",),
        [*LINEAGE, "table_code", "region_key", "region_name", ("time", "reference_time"), "year",
         ("variable", "table_variable"), ("unit", "table_unit"), ("value", "table_value"), "value_status",
         "quality_mark"], [*LINEAGE, "variable", "time"], ["table_code", "region_key", "variable"]),
    "municipalities": (
        "Municipalities of the Destatis directory in the region: key, name, area, population and the directory's "
        "date", ("gv100ad", "auszug_gv"),
        [*LINEAGE, "ags", "name", "area_ha", ("population", "population_directory"), "directory_date"], [*LINEAGE],
        []),
    "energy": (
        "Grid operators' yearly electricity, gas and district-heat sheets per municipality and customer group, "
        "converted to MWh (gas still at the delivered calorific basis)", ("grid_sheet",),
        [*LINEAGE, "ags", "year", "carrier", "customer_group", "consumers", "delivered_mwh", "calorific_basis",
         "hi_per_hs", "value_status", "provisional"], [*LINEAGE], []),
    "final_energy": (
        "Tidy final-energy deliveries (balances made elsewhere) per municipality, year, sector and carrier",
        ("final_energy",),
        [*LINEAGE, "ags", "year", "sector", "carrier", "final_energy_mwh", "data_quality", "value_status"],
        [*LINEAGE], []),
    "emission_factors": (
        "Emission factor sets as delivered: one row per carrier, sector scope and year (year empty: published "
        "without a year)", ("emission_factors",),
        [*LINEAGE, "factor_set", "carrier", "sector_scope", "year", "g_co2e_per_kwh", "source", "derivation",
         "bisko_rule"], [*LINEAGE], []),
    "district_heat_factors": (
        "Emission factors of district heat from plant data (exergetic allocation for CHP) per municipality and "
        "year, as delivered by the heat supplier", ("district_heat_factors",),
        [*LINEAGE, "ags", "year", "g_co2e_per_kwh", "source"], [*LINEAGE], []),
    "units": (
        "Generation units of the Marktstammdatenregister inside the region, with gross capacity, dates and status",
        ("mastr_csv", "mastr_xml"),
        [*LINEAGE, "unit_id", "ags", "technology", "unit_status", "gross_kw", "net_kw", "commissioned_on",
         "decommissioned_on", "eeg_id"], [*LINEAGE], []),
    "feed_in": (
        "Yearly EEG feed-in per EEG plant (transmission operators' settlement data)", ("eeg_feed_in",),
        [*LINEAGE, "eeg_id", "year", "feed_in_mwh", "ags", "technology", "value_status"], [*LINEAGE], []),
    "heating_systems": (
        "Chimney-sweep survey: heating systems per municipality, survey year, fuel and power class",
        ("chimney_sweep",), [*LINEAGE, "ags", "year", "fuel", "power_class", "systems", "value_status"],
        [*LINEAGE], []),
    "vehicle_km": (
        "Vehicle-kilometres per municipality, year, road type, vehicle class and drive (BISKO transport defaults "
        "or traffic counts)", ("vehicle_km",),
        [*LINEAGE, "ags", "year", "road_type", "vehicle_class", "drive", "vehicle_km_million", "value_status"],
        [*LINEAGE], []),
    "rail_train_km": (
        "Train-kilometres per municipality, year, rail category and traction (railway operators or the BISKO "
        "transport defaults)", ("rail_train_km",),
        [*LINEAGE, "ags", "year", "rail_category", "traction", "train_km_thousand", "value_status"], [*LINEAGE],
        []),
    "solar_thermal": (
        "Solar-thermal collector area per municipality at year end (funding statistics such as BAFA / Solaratlas, "
        "or the district's own survey)", ("solar_thermal",),
        [*LINEAGE, "ags", "year", "collector_area_m2", "value_status"], [*LINEAGE], []),
    "renovations": (
        "Energy renovations of pre-1979 buildings per municipality and year", ("renovations",),
        [*LINEAGE, "ags", "year", "energy_renovations", "value_status"], [*LINEAGE], []),
    "building_stock": (
        "Residential buildings built before 1979 per municipality (census years)", ("building_stock",),
        [*LINEAGE, "ags", "year", "buildings_pre_1979", "value_status"], [*LINEAGE], []),
    "verified_emissions": (
        "EU ETS verified emissions per installation and year, with address municipality and activity code",
        ("ets",),
        [*LINEAGE, "installation_id", "installation_name", "ags", "activity_code", "year",
         "verified_emissions_t_co2e", "value_status"], [*LINEAGE], []),
    "agriculture": (
        "Agricultural emissions per municipality and year as delivered", ("agriculture",),
        [*LINEAGE, "ags", "year", "emissions_t_co2e", "value_status"], [*LINEAGE], []),
    "vehicle_stock": (
        "KBA passenger-car stock on 1 January per municipality and fuel", ("vehicle_stock", "kba_fz3"),
        [*LINEAGE, "ags", "year", "vehicle_fuel", "vehicles", "value_status"], [*LINEAGE], []),
    "degree_days": (
        "DWD monthly heating degree days per station", ("degree_days", "dwd_degree_days"),
        [*LINEAGE, "station_id", "year", "month", "heating_degree_days", "value_status"], [*LINEAGE], []),
    "key_changes": (
        "Changes of municipality keys (Gebietsänderungen) leading into the region: former key, successor, date and "
        "share of inhabitants; used to move data delivered under former keys to today's keys",
        ("key_changes", "territorial_changes", "ags_history"),
        [*LINEAGE, "former_ags", "ags", "effective_date", "share"], [*LINEAGE], []),
    "measures": (
        "The climate manager's list of measures (energy-policy work programme) as delivered: one row per measure "
        "and delivery", ("measures",),
        [*LINEAGE, "measure_id", "measure_title", "measure_description", "field_of_action", "lead",
         "municipalities_involved", "measure_status", "start_date", "end_date", "budget_planned_eur",
         "budget_spent_eur", "savings_t_co2e_per_year", "savings_mwh_per_year", "savings_method",
         "target_indicators", "last_updated"], [*LINEAGE], ["measure_id"]),
    "eea_points": (
        "The eea auditor's assessment: points possible and achieved per field of action and year",
        ("eea_assessment",),
        [*LINEAGE, "field_of_action", "year", "eea_points_possible", "eea_points_achieved"],
        [*LINEAGE], ["field_of_action"]),
    "buildings": (
        "Buildings of the district's facility database (snapshot pulls)", ("facility_db",),
        [*LINEAGE, "building_id", "building_name", "building_use", "gross_floor_area_m2", "ags"], [*LINEAGE], []),
    "meter_readings": (
        "Meter readings of the district's facility database (snapshot pulls): cumulative counters or consumptions, "
        "with meter exchanges", ("facility_db",),
        [*LINEAGE, "meter_id", "building_id", "carrier", "reading_date", "reading_value", "reading_unit",
         "reading_kind", "meter_exchange"], [*LINEAGE], []),
    "interval_days": (
        "15-minute interval meter data aggregated per meter and local day while parsing (source_row: the first "
        "line of the day's readings)", ("interval_csv", "facility_db"),
        [*LINEAGE, "meter_id", "building_id", "carrier", "year", "day", "consumption_kwh", "quarter_hours",
         "expected_quarter_hours", "negative_steps", "duplicate_readings"], [*LINEAGE], ["meter_id", "day"]),
}


def raw_table_name(fmt: str, shape: str) -> str:
    """The raw table a format's parser fills with rows of a shape: `raw_<format>__<shape>`."""
    return f"raw_{fmt}__{shape}"


_TABLE_LIST += [
    _t(raw_table_name(fmt, shape), "raw", f"{description} (format {fmt})", columns, key, scope_detail=detail)
    for shape, (description, formats, columns, key, detail) in RAW_SHAPES.items() for fmt in formats
]

# --- core: every raw shape once, the rows in use (accepted deliveries, the later delivery winning per key) of all
# its formats, at today's municipality keys. `core_<domain>__<shape>`; the key is what a row is unique for.
CoreFamily = tuple[str, str, list, str]  # core table, raw shape, key, description
CORE_FAMILIES: list[CoreFamily] = [
    ("core_region__key_changes", "key_changes", ["former_ags", "ags", "effective_date"],
     "Municipality key changes in use (accepted deliveries of every key-change format)"),
    ("core_region__directory", "municipalities", ["ags"], "Municipalities of the directory deliveries in use"),
    ("core_statistics__population", "population", ["ags", "year"],
     "Population rows in use at today's keys (merged municipalities summed, split ones by share)"),
    ("core_statistics__table_values", "table_values", ["table_code", "region_key", "variable", "time"],
     "GENESIS table values in use"),
    ("core_grid__energy", "energy", ["ags", "year", "carrier", "customer_group"],
     "Grid sheets' rows in use (moved to today's keys with the other balance inputs)"),
    ("core_energy__final_energy", "final_energy", ["ags", "year", "sector", "carrier"],
     "Tidy final-energy rows in use"),
    ("core_factors__emission_factors", "emission_factors", ["factor_set", "carrier", "sector_scope", "year"],
     "Emission factor rows in use"),
    ("core_factors__district_heat_factors", "district_heat_factors", ["ags", "year"],
     "Plant district-heat factors in use, each at its plant's municipality of today"),
    ("core_electricity__units", "units", ["unit_id"],
     "Marktstammdatenregister units in use (web CSV and bulk XML), each at its municipality of today"),
    ("core_electricity__feed_in", "feed_in", ["eeg_id", "year"], "EEG feed-in rows in use"),
    ("core_heat__heating_systems", "heating_systems", ["ags", "year", "fuel", "power_class"],
     "Chimney-sweep heating systems in use at today's keys"),
    ("core_heat__solar_thermal", "solar_thermal", ["ags", "year"], "Solar-thermal collector areas at today's keys"),
    ("core_transport__vehicle_km", "vehicle_km", ["ags", "year", "road_type", "vehicle_class", "drive"],
     "Vehicle-kilometres in use at today's keys"),
    ("core_transport__rail_train_km", "rail_train_km", ["ags", "year", "rail_category", "traction"],
     "Train-kilometres in use at today's keys"),
    ("core_transport__vehicle_stock", "vehicle_stock", ["ags", "year", "vehicle_fuel"],
     "Passenger-car stock in use (tidy deliveries and KBA FZ3) at today's keys"),
    ("core_buildings__renovations", "renovations", ["ags", "year"], "Energy renovations in use at today's keys"),
    ("core_buildings__building_stock", "building_stock", ["ags", "year"],
     "Pre-1979 building stock in use at today's keys"),
    ("core_ets__verified_emissions", "verified_emissions", ["installation_id", "year"],
     "EU ETS verified emissions in use, each installation at its municipality of today"),
    ("core_agriculture__emissions", "agriculture", ["ags", "year"], "Agricultural emissions in use at today's keys"),
    ("core_weather__degree_days", "degree_days", ["station_id", "year", "month"],
     "Monthly heating degree days in use (tidy and DWD formats)"),
    ("core_programme__measures", "measures", ["measure_id"],
     "Measures in use: per measure the row of the latest accepted delivery of the list"),
    ("core_programme__eea_points", "eea_points", ["field_of_action", "year"], "eea assessment points in use"),
    ("core_facility__buildings", "buildings", ["building_id"],
     "The facility database's buildings in use, each at its municipality of today"),
    ("core_facility__meter_readings", "meter_readings", ["meter_id", "reading_date"], "Meter readings in use"),
    ("core_facility__interval_days", "interval_days", ["meter_id", "day"],
     "Interval meter days in use (interval files and facility-database pulls)"),
]

_TABLE_LIST += [
    _t(core, "core", description, RAW_SHAPES[shape][2], sort_by=key)
    for core, shape, key, description in CORE_FAMILIES
]

REJECTED_COLUMNS = ["source_id", "delivery_id", "source_row", "column", "raw_value", "reason", "finding_kind",
                    "rows_affected"]


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
