"""Every column klimamonitor writes, defined once: name, type, unit, description, allowed values or range.

Tables (`warehouse/tables.py`) are lists of these names. The controlled vocabularies of docs/contract.md the fields
allow are in `warehouse/vocabularies.py`, so the catalog, the parsers and the validation suites use the same lists.
"""

from warehouse.schema import Field
from warehouse.vocabularies import (
    SECTORS,
    CARRIERS,
    TECHNOLOGIES,
    VALUE_STATUS,
    DATA_QUALITY,
    DELIVERY_STATUS,
    DELIVERY_ORIGINS,
    AGS_PATTERN,
    DRIVES,
    RAIL_CATEGORIES,
    CONFORMITY_CRITERIA,
    ID_PATTERN,
    PLACE_KINDS,
    FIELDS_OF_ACTION,
    MEASURE_STATUSES,
    EEA_AWARD_DE,
    GAP_STATUS,
    STATISTICS,
)

_FIELD_LIST = [
    # --- keys and places
    Field("ags", "ags", "Official municipality key (Amtlicher Gemeindeschlüssel), 8 characters, leading zero kept; "
          "the district key (e.g. 05974000) stands for the whole district", pattern=AGS_PATTERN),
    Field("name", "string", "Official name of the municipality or district"),
    Field("kind", "string", "Whether the key is the district (the region), one of its municipalities, or a "
          "district-free city (the region is its one municipality)",
          allowed=PLACE_KINDS),
    Field("area_ha", "number", "Land area", unit="ha", minimum=0, decimals=2),
    Field("year", "year", "Calendar year the value refers to", minimum=1990, maximum=2100),
    # --- values and their status
    Field("population", "number", "Inhabitants on 31 December of the year", unit="persons", minimum=0, decimals=0),
    Field("value_status", "string", "How the value came about; missing and confidential values are null, never 0",
          allowed=VALUE_STATUS),
    Field("quality_mark", "string", "Mark the statistics office gave instead of the value ('-' no figure, '.' "
          "unknown or secret, 'x' not meaningful, '/' not reliable, '...' later) or beside it in the _q column ('e' "
          "final, 'p' provisional, 'r' revised, 's' estimated)"),
    Field("data_quality", "string", "BISKO data-quality grade: A regional primary data, B extrapolated primary data, "
          "C regional key figures, D national key figures", allowed=DATA_QUALITY),
    Field("complete", "boolean", "False where any input behind the value is missing or confidential"),
    Field("per_inhabitant_complete", "boolean", "False where the balance or the population of the year is missing "
          "or incomplete; concerns the per-inhabitant figures only (tonnes need no population)"),
    Field("criterion", "string", "BISKO criterion assessed (docs/methodology.md, 'Conformity')",
          allowed=CONFORMITY_CRITERIA),
    Field("conformity", "string", "conformant, non_conformant or incomplete (unknown is never conformant); in "
          "indicators the worst state of the balance the value rests on in the year and the base year, "
          "not_applicable where it does not rest on the territorial balance",
          allowed=("conformant", "non_conformant", "incomplete", "not_applicable")),
    Field("conformity_reason", "string", "Why the criterion has this state, in words"),
    Field("provisional", "boolean", "True where the partner marked the value as provisional (vorläufig)"),
    # --- deliveries and lineage
    Field("delivery_id", "string", "Identifier of a partner delivery in the landing zone: <source_id>:<first 16 "
          "hex digits of the sha256 of its bytes>"),
    Field("source_row", "integer", "Line number of the value in the delivered file (1 = first line of the file), "
          "the row of the sheet for a workbook (as the spreadsheet numbers it), or the row number of an SQL "
          "snapshot; null where a value is a sum of several delivered rows", minimum=1),
    Field("source_id", "string", "Source as configured in the district configuration (sources[].id)"),
    Field("partner", "string", "Organisation that delivered the data"),
    Field("file_name", "string", "File name as delivered by the partner"),
    Field("landed_path", "string", "Path of the archived copy, relative to the data directory"),
    Field("sha256", "string", "SHA-256 of the delivered bytes (hex)", pattern=r"^[0-9a-f]{64}$"),
    Field("size_bytes", "integer", "Size of the delivered file", unit="bytes", minimum=0),
    Field("received_at", "datetime", "When the delivery was first seen by klimamonitor (UTC)"),
    Field("scope_years", "list_integer", "Years the delivery covers"),
    Field("scope_ags", "list_string", "Municipality keys the delivery covers (inside the configured region)"),
    Field("delivery_status", "string", "accepted: in use; superseded: a newer delivery covers the same scope; "
          "rejected: failed parsing or validation (kept, with the reason)", allowed=DELIVERY_STATUS),
    Field("superseded_by", "string", "delivery_id of the delivery that replaced this one"),
    Field("status_reason", "string", "Why a delivery was rejected or superseded, in words"),
    Field("rows_parsed", "integer", "Rows taken into the raw table", minimum=0),
    Field("rows_rejected", "integer", "Rows kept in the quarantine with a reason", minimum=0),
    Field("rows_out_of_region", "integer", "Rows with a valid key outside the configured region, filtered out",
          minimum=0),
    Field("column", "string", "Column of the delivered file the finding is about"),
    Field("raw_value", "string", "The delivered text of the cell, unchanged"),
    Field("reason", "string", "Why the row was rejected, in words a partner can act on"),
    Field("finding_kind", "string", "rejected: the row was quarantined (not taken in; the delivery is rejected only "
          "above the source's quarantine threshold); structural: the file could not be read as a whole (the "
          "delivery is rejected); filtered: left out on purpose (e.g. a valid key outside the region)",
          allowed=("rejected", "structural", "filtered")),
    Field("rows_affected", "integer", "How many delivered rows the finding stands for (1, or more for a summary "
          "such as units outside the region)", minimum=1),
    Field("cells_confidential", "integer", "Cells of the delivery the partner marked as confidential (•, x, "
          "vertraulich, ...): taken in without a value, value_status confidential", minimum=0),
    Field("cells_without_value", "integer", "Cells of the delivery the partner marked as having no value (-, k. A., "
          "...): taken in without a value, value_status missing", minimum=0),
    Field("origin", "string", "Where a delivery's data come from: real_public (a public body's file as it was "
          "published), synthetic_demo (generated demo data), partner_deliveries (a partner's own delivery); the "
          "source's `origin`, else the configuration's data_origin", allowed=DELIVERY_ORIGINS),
    Field("data_origin", "string", "synthetic_demo for the bundled demo data, partner_deliveries otherwise",
          allowed=("synthetic_demo", "partner_deliveries")),
    # --- energy
    Field("sector", "string", "BISKO sector", allowed=SECTORS),
    Field("carrier", "string", "Energy carrier", allowed=CARRIERS),
    Field("customer_group", "string", "Customer group as named by the grid operator (mapped to a sector by "
          "configuration)"),
    Field("delivered_mwh", "number", "Energy as delivered, converted to MWh (gas still in the calorific value the "
          "delivery declares, see calorific_basis)", unit="MWh", minimum=0, decimals=3),
    Field("hi_per_hs", "number", "Ratio of net to gross calorific value the delivery states for its gas (null: "
          "the configured default, balance.gas_hi_per_hs = 1 ÷ 1.11)", minimum=0.5, maximum=1, decimals=4),
    Field("calorific_basis", "string", "Calorific value the gas quantity refers to: Hs (gross) or Hi (net); "
          "null for other carriers", allowed=("Hs", "Hi")),
    Field("final_energy_mwh", "number", "Final energy (gas at net calorific value)", unit="MWh", minimum=0, decimals=3),
    Field("consumers", "integer", "Number of consumers (meters) behind the value, where delivered", minimum=0),
    Field("input_kind", "string", "What the balance input is: grid (metered by the grid operator), "
          "reported_balance (tidy delivery), facility (the district's own buildings), facility_reclassification (the "
          "same consumption taken out of the sector the grid operator counted it in), ambient_heat (heat pumps), absent "
          "(a required cell without delivery)"),
    Field("detail", "string", "Which part of the input: customer group, building id, ..."),
    Field("input_mwh", "number", "Contribution of the input to its cell (gas at net calorific value); negative only "
          "for reclassifications", unit="MWh", decimals=3),
    Field("data_quality_score", "number", "Final-energy-weighted data quality: A = 1, B = 0.5, C = 0.25, D = 0",
          minimum=0, maximum=1, decimals=3),
    Field("view", "string", "Which balance: bisko (the conformant balance) or a separately labelled non-BISKO view",
          allowed=("bisko", "local_mix", "weather_corrected", "ets_production")),
    Field("bisko_conformant", "boolean", "False where a factor behind the value was derived by a non-BISKO rule "
          "(interpolation, carry-forward) or the view is not the BISKO balance; it judges the factors only (a row "
          "without energy has none to judge): whether the balance is BISKO-conformant, criterion by criterion "
          "(required cells, district heat, ...), is the table bisko_conformity"),
    Field("emissions_t_co2e", "number", "Greenhouse-gas emissions in CO2 equivalents incl. upstream chains",
          unit="t CO2e", minimum=0, decimals=3),
    Field("balance_scope", "string", "total, or one BISKO sector", allowed=("total", "households", "commerce",
                                                                           "industry", "municipal", "transport")),
    Field("t_co2e_per_inhabitant", "number", "Emissions per inhabitant (population of the same year)",
          unit="t CO2e/person", minimum=0, decimals=4),
    Field("mwh_per_inhabitant", "number", "Final energy per inhabitant (population of the same year)",
          unit="MWh/person", minimum=0, decimals=4),
    Field("days_covered", "integer", "Days of the year covered by meter readings (the shortest of the building's "
          "meters)", unit="days", minimum=0),
    # --- renewables (Marktstammdatenregister, EEG)
    Field("unit_id", "string", "MaStR number of the unit (EinheitMastrNummer, SEE...)"),
    Field("technology", "string", "Generation technology", allowed=TECHNOLOGIES),
    Field("unit_status", "string", "Operating status in the Marktstammdatenregister",
          allowed=("operating", "planned", "temporarily_closed", "closed")),
    Field("gross_kw", "number", "Gross capacity of the unit (Bruttoleistung)", unit="kW", minimum=0, decimals=3),
    Field("net_kw", "number", "Net rated capacity of the unit (Nettonennleistung)", unit="kW", minimum=0, decimals=3),
    Field("commissioned_on", "date", "Commissioning date (Inbetriebnahmedatum)"),
    Field("decommissioned_on", "date", "Date of final decommissioning (Datum der endgültigen Stilllegung)"),
    Field("eeg_id", "string", "MaStR number of the EEG plant the unit belongs to (EegMastrNummer); links EEG feed-in"),
    Field("feed_in_mwh", "number", "Electricity fed in under the EEG in the year", unit="MWh", minimum=0, decimals=3),
    Field("installed_kw", "number", "Installed gross capacity at year end (MaStR Bruttoleistung of units in operation "
          "or temporarily closed on 31 December)", unit="kW", minimum=0, decimals=3),
    Field("generation_mwh", "number", "Electricity generated in the year: EEG feed-in where delivered, else capacity "
          "× full-load hours", unit="MWh", minimum=0, decimals=3),
    Field("method", "string", "metered: all from EEG feed-in; estimated: at least partly capacity × full-load hours",
          allowed=("metered", "estimated")),
    # --- heating fuels and transport
    Field("fuel", "string", "Fuel as named in the chimney-sweep survey (mapped to a carrier by configuration)"),
    Field("power_class", "string", "Power class of the heating systems as named in the survey"),
    Field("systems", "number", "Number of heating systems", unit="count", minimum=0, decimals=2),
    Field("road_type", "string", "Road type (BISKO transport)", allowed=("motorway", "rural", "urban")),
    Field("vehicle_class", "string", "Vehicle class (BISKO transport)",
          allowed=("car", "motorcycle", "light_commercial", "heavy_goods", "bus", "coach")),
    Field("vehicle_km_million", "number", "Vehicle-kilometres driven in the territory", unit="million vkm",
          minimum=0, decimals=4),
    Field("drive", "string", "Drive of the vehicles: combustion (fuels by configured shares) or battery_electric "
          "(electricity)", allowed=DRIVES),
    Field("rail_category", "string", "Rail transport category (BISKO): local_passenger, long_distance_passenger or "
          "freight", allowed=RAIL_CATEGORIES),
    Field("traction", "string", "Traction of the trains: electric or diesel", allowed=("electric", "diesel")),
    Field("train_km_thousand", "number", "Train-kilometres run in the territory", unit="thousand train-km",
          minimum=0, decimals=1),
    Field("collector_area_m2", "number", "Solar-thermal collector area installed at year end", unit="m²",
          minimum=0, decimals=0),
    # --- renovations, industry, agriculture, vehicles, weather
    Field("energy_renovations", "number", "Energy renovations of buildings built before 1979 completed in the year",
          unit="count", minimum=0, decimals=2),
    Field("buildings_pre_1979", "number", "Residential buildings built before 1979 (old-building stock)", unit="count",
          minimum=0, decimals=2),
    Field("renovation_rate_pct", "number", "Energy renovations ÷ old-building stock", unit="%/year", minimum=0,
          decimals=3),
    Field("stock_method", "string", "How the old-building stock of the year was obtained: census (the census year), "
          "interpolated between censuses, carried forward from the last or back from the first census",
          allowed=("census", "interpolated", "carried_forward", "carried_back")),
    Field("installation_id", "string", "Installation identifier in the EU Transaction Log / DEHSt"),
    Field("installation_name", "string", "Name of the installation"),
    Field("activity_code", "integer", "EU ETS activity code (e.g. 29 cement clinker)", minimum=1),
    Field("ets_phase", "integer", "EU ETS trading phase of the year (2: 2008-2012, 3: 2013-2020, 4: 2021-2030); the "
          "scope of covered installations widened in phase 3, so series across 2012/2013 are not comparable",
          minimum=1, maximum=4),
    Field("verified_emissions_t_co2e", "number", "Verified emissions reported under the EU ETS", unit="t CO2e",
          minimum=0, decimals=3),
    Field("vehicle_fuel", "string", "Fuel type of registered vehicles (KBA)",
          allowed=("petrol", "diesel", "battery_electric", "plug_in_hybrid", "hybrid", "gas", "other", "all")),
    Field("vehicles", "number", "Registered passenger cars on 1 January", unit="count", minimum=0, decimals=2),
    Field("station_id", "string", "Weather station (DWD Stationsnummer)"),
    Field("month", "integer", "Calendar month", minimum=1, maximum=12),
    Field("heating_degree_days", "number", "Heating degree days (VDI 3807, 20/15 °C)", unit="Kd", minimum=0,
          decimals=1),
    # --- lineage
    Field("output_table", "string", "Published table of the traced value"),
    Field("output_key", "string", "Key of the traced row as name=value pairs joined by ';'"),
    Field("factor_row", "string", "Emission factor row used: "
          "<factor_set>:<carrier>:<sector_scope>:<region_scope>:<year> (the key of emission_factors)"),
    # --- targets and indicators
    Field("target_set", "string", "Set of targets: kreistag_2012, klimaschutzkonzept_2024, supporting (no target), ...",
          pattern=ID_PATTERN),
    Field("indicator_id", "string", "Identifier of the target / indicator within its set", pattern=ID_PATTERN),
    Field("indicator", "string", "Which computation measures it (docs/indicators.md)"),
    Field("title_de", "string", "Title in German, as councillors read it"),
    Field("title_en", "string", "Title in English"),
    Field("target_scope", "string", "What the target covers: territorial BISKO balance, BISKO plus agriculture, or "
          "the district's own organisation", allowed=("territorial_bisko", "bisko_plus_agriculture", "organisational")),
    Field("base_year", "year", "Base year of the target", minimum=1990, maximum=2100),
    Field("target_year", "year", "Year by which the target is to be reached", minimum=1990, maximum=2100),
    Field("comparator", "string", "'>=': the value must reach at least the target; '<=': at most",
          allowed=(">=", "<=")),
    Field("target_value", "number", "Target value, in the indicator's unit", decimals=4),
    Field("unit", "string", "Unit of the indicator's values"),
    Field("definition", "string", "How the indicator is computed"),
    Field("notes", "string", "Interpretation, caveats and discrepancies"),
    Field("processing", "string", "Processing steps: which published tables and which formula produce the values"),
    Field("target_set_title_de", "string", "Heading of the target set in German, as the report shows it"),
    Field("definition_de", "string", "How the indicator is computed, in German"),
    Field("notes_de", "string", "Caveats and discrepancies in German (null: none)"),
    Field("interpretation_de", "string", "How to read the value against the target, in German (null: none)"),
    Field("source_de", "string", "Where the target comes from, in German"),
    Field("processing_de", "string", "The processing steps in German (sources and formula, no table names)"),
    Field("value", "number", "Indicator value in the year (unit in `unit`)", decimals=4),
    Field("base_value", "number", "Indicator value in the base year", decimals=4),
    Field("gap", "number", "Distance to the target: positive = still to go, negative = beyond the target", decimals=4),
    Field("path_value", "number", "Value on the straight path from the base-year value to the target in this year",
          decimals=4),
    Field("projected_value_at_target_year", "number", "Least-squares trend of the recent years (validation/indicators."
          "trend_years) extended to the target year", decimals=4),
    Field("projected_year_reached", "integer", "Year in which the trend reaches the target (this year if already "
          "reached; null if the trend moves away from it)"),
    Field("indicator_status", "string", "met / missed (target year reached or past), on_track / off_track (future target "
          "year), not_assessable (see status_reason), no_target (supporting indicators)",
          allowed=("met", "missed", "on_track", "off_track", "not_assessable", "no_target")),
    # --- facility database
    Field("building_id", "string", "Building identifier in the district's facility database"),
    Field("building_name", "string", "Building name in the facility database"),
    Field("building_use", "string", "Use of the building (school, administration, ...)"),
    Field("gross_floor_area_m2", "number", "Gross floor area (Bruttogrundfläche)", unit="m²", minimum=0, decimals=1),
    Field("meter_id", "string", "Meter identifier in the facility database"),
    Field("reading_date", "date", "Date of the meter reading"),
    Field("reading_value", "number", "Meter reading as delivered (cumulative counter or consumption, see "
          "reading_kind)", minimum=0, decimals=3),
    Field("reading_unit", "string", "Unit of the reading as delivered (kWh, MWh, m3)"),
    Field("reading_kind", "string", "counter: cumulative counter state; consumption: consumption since the "
          "previous reading", allowed=("counter", "consumption")),
    Field("meter_exchange", "boolean", "True where the meter was exchanged at this reading (counter restarts)"),
    Field("former_ags", "ags", "Municipality key that ceased to exist (or lost territory) with a boundary or key "
          "change", pattern=AGS_PATTERN),
    Field("effective_date", "date", "Date from which a key change applies; data of earlier years carry the former key"),
    Field("share", "number", "Share of the former territory's inhabitants that went to this successor (1 for a "
          "merge or a new key)", unit="fraction", minimum=0, maximum=1, decimals=6),
    Field("day", "date", "Local calendar day (Europe/Berlin)"),
    Field("consumption_kwh", "number", "Metered consumption; missing where readings of the period are unusable "
          "(duplicates), never filled", unit="kWh", minimum=0, decimals=3),
    Field("quarter_hours", "integer", "Quarter hours with a usable reading", minimum=0, maximum=100),
    Field("expected_quarter_hours", "integer", "Quarter hours the local day has: 96, 92 when clocks go forward, 100 "
          "when they go back", minimum=92, maximum=100),
    Field("gap_quarter_hours", "integer", "Quarter hours without a usable reading (gaps are reported, not filled)",
          minimum=0),
    Field("negative_steps", "integer", "Counter readings lower than the previous one without a meter exchange (not "
          "guessed at: their quarter hours stay missing)", minimum=0),
    Field("duplicate_readings", "integer", "Readings of a meter at a time that already had one (the day's "
          "consumption is then missing)", minimum=0),
    Field("meters", "integer", "Meters behind the value", minimum=0),
    Field("consumption_method", "string", "Where a building's yearly consumption comes from: interval_meter (a "
          "complete year of 15-minute data) or meter_readings (the facility database's readings)",
          allowed=("interval_meter", "meter_readings")),
    # --- factors
    Field("factor_set", "string", "Identifier of the emission factor set"),
    Field("sector_scope", "string", "Sector the factor applies to, or 'all'", allowed=("all", *SECTORS)),
    Field("region_scope", "string", "Where the factor applies: 'all' (the set's default) or the municipality key "
          "(AGS) of a plant factor (district heat from the supplier's plant data, BISKO rule 6)",
          pattern=r"^(all|\d{8})$"),
    Field("g_co2e_per_kwh", "number", "Emission factor in CO2 equivalents including upstream chains",
          unit="g CO2e/kWh", minimum=0, decimals=2),
    Field("source", "string", "Publication the value comes from"),
    Field("derivation", "string", "How the value was derived when not taken as published for that year "
          "(null where taken as published)"),
    Field("bisko_rule", "boolean", "True where the derivation is a BISKO rule (e.g. ambient heat = electricity "
          "mix ÷ 3.2)"),
    # --- published statistics as delivered (issue #21: real publications)
    Field("census_basis", "string", "Census the population update rests on: zensus_2022 (31.12.2022 on), "
          "zensus_2011 (2011-2021), vz_1987_register_1990 (earlier)",
          allowed=("zensus_2022", "zensus_2011", "vz_1987_register_1990")),
    Field("basis_break", "boolean", "True on the first delivered year of a new census basis in a key's series: the "
          "step from the previous year is partly the new count"),
    Field("statistic", "string", "Which statistic of the offices' tables the value is (config/genesis_statistics.yaml)",
          allowed=STATISTICS),
    Field("statistic_detail", "string", "Which part of the statistic (an energy carrier of the industry's energy "
          "use, ...); all for the whole"),
    Field("statistic_value", "number", "The value in the statistic's unit (converted from the published unit)",
          decimals=6),
    Field("statistic_unit", "string", "Unit of statistic_value: ha, m², MWh or count"),
    Field("table_code", "string", "Code of the statistical table (e.g. 12411-01-01-4, 12411-15i)"),
    Field("region_key", "string", "Region key as the statistical office wrote it (DG, 05, 059, 05974, 05974004)"),
    Field("region_name", "string", "Region name as published"),
    Field("reference_time", "string", "Reference date or year of the value as published (31.12.2024, 2015)"),
    Field("table_variable", "string", "Header path of the value's column (stacked header rows joined by ' / ')"),
    Field("table_unit", "string", "Unit as published (Anzahl, qkm, Tsd. MJ)"),
    Field("table_value", "number", "Value as published (marks give a null value and a status)", decimals=6),
    Field("directory_date", "date", "Date of the territorial status of a municipality directory (Gebietsstand)"),
    Field("population_directory", "number", "Inhabitants as given by the municipality directory", unit="persons",
          minimum=0, decimals=0),
    # --- the work programme (measures), the eea assessment and the gap analysis per target
    Field("measure_id", "string", "Identifier of the measure in the climate manager's list (stable across deliveries)"),
    Field("measure_title", "string", "Title of the measure, as the list gives it"),
    Field("measure_description", "string", "Description of the measure, as the list gives it"),
    Field("field_of_action", "string", "eea field of action: development_planning (Entwicklungsplanung und "
          "Raumordnung), municipal_buildings (Kommunale Gebäude und Anlagen), supply_disposal (Versorgung und "
          "Entsorgung), mobility (Mobilität), internal_organisation (Interne Organisation), communication_cooperation "
          "(Kommunikation und Kooperation)", allowed=FIELDS_OF_ACTION),
    Field("eea_field_of_action", "string", "eea field of action (as in measures.field_of_action), or total: the sum "
          "of the six fields", allowed=(*FIELDS_OF_ACTION, "total")),
    Field("field_of_action_de", "string", "The field of action's German name"),
    Field("lead", "string", "Who leads the measure (a unit of the district administration or a municipality)"),
    Field("municipalities_involved", "list_string", "Keys (AGS) of the municipalities involved, matched from the "
          "names or keys the list gives"),
    Field("measure_status", "string", "planned (geplant), in_preparation (in Vorbereitung), in_progress (in "
          "Umsetzung), completed (abgeschlossen), delayed (verzögert), stopped (gestoppt)",
          allowed=MEASURE_STATUSES),
    Field("measure_status_de", "string", "The status's German name"),
    Field("previous_status", "string", "Status in the previous delivery of the list (null: not listed before)",
          allowed=MEASURE_STATUSES),
    Field("start_date", "date", "Start of the measure (planned or actual)"),
    Field("end_date", "date", "End of the measure (planned or actual)"),
    Field("budget_planned_eur", "number", "Budget planned for the measure", unit="EUR", minimum=0, decimals=2),
    Field("budget_spent_eur", "number", "Budget spent so far", unit="EUR", minimum=0, decimals=2),
    Field("budget_planned_change_eur", "number", "Change of the planned budget against the previous delivery",
          unit="EUR", decimals=2),
    Field("budget_spent_change_eur", "number", "Change of the spent budget against the previous delivery", unit="EUR",
          decimals=2),
    Field("savings_t_co2e_per_year", "number", "Expected savings of the measure once in effect, as the list "
          "estimates them (not measured)", unit="t CO2e/year", minimum=0, decimals=1),
    Field("savings_mwh_per_year", "number", "Expected energy savings (or renewable generation) once in effect, as the "
          "list estimates them (not measured)", unit="MWh/year", minimum=0, decimals=1),
    Field("savings_method", "string", "How the expected savings were estimated, as the list says"),
    Field("target_indicators", "list_string", "indicator_id of each target the measure serves (targets table)"),
    Field("last_updated", "date", "Date of the measure's last update in the list"),
    Field("list_date", "date", "Date of the delivered list: the latest last_updated in it"),
    Field("overdue", "boolean", "True where the measure's last update is older than the configured age "
          "(measures.max_update_age_days) or its end date passed without completed, on the date of the latest list"),
    Field("overdue_reason", "string", "Why the measure is overdue, in words"),
    Field("overdue_reference_date", "date", "The date overdue is judged on: the date of the latest list"),
    Field("history_change", "string", "What changed against the previous delivery: first_listed, status_changed, "
          "budget_changed, status_and_budget_changed, unchanged, not_in_list (listed before, missing from this one)",
          allowed=("first_listed", "status_changed", "budget_changed", "status_and_budget_changed", "unchanged",
                   "not_in_list")),
    Field("eea_points_possible", "number", "Points possible in the eea assessment", unit="points", minimum=0,
          decimals=1),
    Field("eea_points_achieved", "number", "Points achieved in the eea assessment", unit="points", minimum=0,
          decimals=1),
    Field("eea_share_pct", "number", "Points achieved ÷ points possible", unit="%", minimum=0, maximum=100,
          decimals=1),
    Field("eea_award", "string", "Award level the share reaches: eea from 50 %, eea_gold from 75 % of the possible "
          "points, else none", allowed=tuple(EEA_AWARD_DE)),
    Field("measures_count", "integer", "Measures serving the target (stopped ones included in the count, not in "
          "the savings)", minimum=0),
    Field("measures_without_estimate", "integer", "Measures serving the target without an estimate of their savings "
          "(not stopped)", minimum=0),
    Field("gap_t_co2e", "number", "Emissions still to reduce to reach the target, at the year's value (emissions "
          "targets only; <= 0: reached)", unit="t CO2e", decimals=1),
    Field("savings_completed_t_co2e", "number", "Expected savings of the completed measures serving the target (the "
          "measures' own estimates, not measured)", unit="t CO2e/year", decimals=1),
    Field("savings_in_progress_t_co2e", "number", "Expected savings of the measures in progress or delayed (the "
          "measures' own estimates)", unit="t CO2e/year", decimals=1),
    Field("savings_planned_t_co2e", "number", "Expected savings of the measures planned or in preparation (the "
          "measures' own estimates)", unit="t CO2e/year", decimals=1),
    Field("savings_completed_mwh", "number", "Expected energy savings of the completed measures", unit="MWh/year",
          decimals=1),
    Field("savings_in_progress_mwh", "number", "Expected energy savings of the measures in progress or delayed",
          unit="MWh/year", decimals=1),
    Field("savings_planned_mwh", "number", "Expected energy savings of the measures planned or in preparation",
          unit="MWh/year", decimals=1),
    Field("shortfall_t_co2e", "number", "Gap in t CO2e minus the expected savings of the measures not yet completed "
          "(in progress and planned; completed measures are taken to be in the measured value): > 0 the measures "
          "do not close the gap by this much", unit="t CO2e", decimals=1),
    Field("gap_status", "string", "closed_by_measures / not_closed (the open measures' estimates against the gap), "
          "target_reached, not_assessable (the value is incomplete or missing: see gap_reason), no_emissions_gap "
          "(not an emissions target: the gap is in the target's unit only)", allowed=GAP_STATUS),
    Field("gap_reason", "string", "The gap analysis in words, or why it cannot be made"),
]  # fmt: skip

FIELDS: dict[str, Field] = {}
for _f in _FIELD_LIST:
    if _f.name in FIELDS:
        raise ValueError(f"field {_f.name!r} defined twice in warehouse/fields.py")
    FIELDS[_f.name] = _f
