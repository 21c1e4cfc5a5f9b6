"""The controlled vocabularies of docs/contract.md and the key patterns, in one module that imports nothing: the
catalog's fields, the parsers and the configuration use these same lists."""

SECTORS = ("households", "commerce", "industry", "municipal", "transport")
CARRIERS = (
    "electricity", "natural_gas", "heating_oil", "lpg", "hard_coal", "lignite", "solid_biomass", "biogas",
    "biomethane", "district_heat", "solar_thermal", "ambient_heat", "diesel", "petrol", "cng", "lng", "biodiesel",
    "bioethanol", "hydrogen", "other_fossil", "other_renewable",
)  # fmt: skip
TECHNOLOGIES = ("solar_pv", "wind_onshore", "biomass", "hydro", "other_renewable", "fossil_chp", "other_fossil")
VALUE_STATUS = ("reported", "estimated", "confidential", "not_applicable", "missing")
DATA_QUALITY = ("A", "B", "C", "D")
DELIVERY_STATUS = ("accepted", "superseded", "rejected")
# municipalities.kind: the region's row (a district, or a district-free city that is its one municipality), and the
# municipalities of a district
DISTRICT, CITY, MUNICIPALITY = "district", "district_free_city", "municipality"
PLACE_KINDS = (DISTRICT, MUNICIPALITY, CITY)
DELIVERY_ORIGINS = ("real_public", "synthetic_demo", "partner_deliveries")  # deliveries.origin
AGS_PATTERN = r"^\d{8}$"
DRIVES = ("combustion", "battery_electric")
RAIL_CATEGORIES = ("local_passenger", "long_distance_passenger", "freight")
CONFORMITY_CRITERIA = ("territorial_final_energy", "five_sectors", "lca_factors_with_upstream",
                       "federal_electricity_mix", "no_weather_correction", "district_heat_method",
                       "data_quality_stated", "required_cells_present")
ID_PATTERN = r"^[a-z0-9_]{1,64}$"  # target sets, indicators, sources: they become file names and URLs of the report

# The work programme (energiepolitisches Arbeitsprogramm, European Energy Award): code → German label.
FIELDS_OF_ACTION_DE = {
    "development_planning": "Entwicklungsplanung und Raumordnung",
    "municipal_buildings": "Kommunale Gebäude und Anlagen",
    "supply_disposal": "Versorgung und Entsorgung",
    "mobility": "Mobilität",
    "internal_organisation": "Interne Organisation",
    "communication_cooperation": "Kommunikation und Kooperation",
}
FIELDS_OF_ACTION = tuple(FIELDS_OF_ACTION_DE)
MEASURE_STATUS_DE = {
    "planned": "geplant",
    "in_preparation": "in Vorbereitung",
    "in_progress": "in Umsetzung",
    "completed": "abgeschlossen",
    "delayed": "verzögert",
    "stopped": "gestoppt",
}
MEASURE_STATUSES = tuple(MEASURE_STATUS_DE)
# The three groups of the gap analysis: each status's expected savings count in one of them (stopped: in none).
SAVINGS_GROUP = {"completed": "completed", "in_progress": "in_progress", "delayed": "in_progress",
                 "planned": "planned", "in_preparation": "planned"}
# eea award levels by the share of the possible points achieved (lower bound in %, inclusive).
EEA_AWARD_DE = {"none": "keine Auszeichnung", "eea": "European Energy Award", "eea_gold": "European Energy Award Gold"}
EEA_AWARD_THRESHOLDS = (("eea_gold", 75.0), ("eea", 50.0))
GAP_STATUS = ("closed_by_measures", "not_closed", "target_reached", "not_assessable", "no_emissions_gap")

# The statistics of the offices' tables the `statistics` table holds (config/genesis_statistics.yaml), with the unit
# every value is converted to.
STATISTIC_UNITS = {
    "area": "ha", "residential_buildings": "count", "buildings_with_dwellings": "count", "flats": "count",
    "living_area": "m²", "passenger_cars": "count", "motor_vehicles": "count",
    "industry_energy_use_incl_non_energy": "MWh",
}  # fmt: skip
STATISTICS = tuple(STATISTIC_UNITS)
