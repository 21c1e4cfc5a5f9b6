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
AGS_PATTERN = r"^\d{8}$"
DRIVES = ("combustion", "battery_electric")
RAIL_CATEGORIES = ("local_passenger", "long_distance_passenger", "freight")
CONFORMITY_CRITERIA = ("territorial_final_energy", "five_sectors", "lca_factors_with_upstream",
                       "federal_electricity_mix", "no_weather_correction", "district_heat_method",
                       "data_quality_stated", "required_cells_present")
ID_PATTERN = r"^[a-z0-9_]{1,64}$"  # target sets, indicators, sources: they become file names and URLs of the report
