"""German labels of the ids and units the report shows: one dict per vocabulary of the catalog (the `allowed` values
of warehouse/fields.py) and one for units. tests/warehouse/test_labels.py fails on any id or unit without a label."""

from __future__ import annotations

from warehouse.vocabularies import (CARRIERS, EEA_AWARD_DE, FIELDS_OF_ACTION_DE, MEASURE_STATUS_DE, SECTORS,
                                    TECHNOLOGIES)

SECTORS_DE = {"households": "Private Haushalte", "commerce": "Gewerbe, Handel, Dienstleistungen",
              "industry": "Industrie", "municipal": "Kommunale Einrichtungen", "transport": "Verkehr"}
CARRIERS_DE = {
    "electricity": "Strom", "natural_gas": "Erdgas", "heating_oil": "Heizöl", "lpg": "Flüssiggas",
    "hard_coal": "Steinkohle", "lignite": "Braunkohle", "solid_biomass": "Feste Biomasse (Holz)", "biogas": "Biogas",
    "biomethane": "Biomethan", "district_heat": "Fernwärme", "solar_thermal": "Solarthermie",
    "ambient_heat": "Umweltwärme", "diesel": "Diesel", "petrol": "Benzin", "cng": "Erdgas (CNG)",
    "lng": "Flüssigerdgas (LNG)", "biodiesel": "Biodiesel", "bioethanol": "Bioethanol", "hydrogen": "Wasserstoff",
    "other_fossil": "Sonstige fossile Energieträger", "other_renewable": "Sonstige erneuerbare Energieträger",
}  # fmt: skip
TECHNOLOGIES_DE = {"solar_pv": "Photovoltaik", "wind_onshore": "Windenergie an Land", "biomass": "Biomasse",
                   "hydro": "Wasserkraft", "other_renewable": "Sonstige erneuerbare", "fossil_chp": "Fossile KWK",
                   "other_fossil": "Sonstige fossile"}
RENEWABLE_TECHNOLOGIES = ("solar_pv", "wind_onshore", "biomass", "hydro", "other_renewable")
STATUS_DE = {"met": "erreicht", "missed": "verfehlt", "on_track": "auf Kurs", "off_track": "nicht auf Kurs",
             "not_assessable": "nicht bewertbar", "no_target": "ohne Ziel"}

# every vocabulary of the catalog, by field name (warehouse/fields.py)
LABELS: dict[str, dict[str, str]] = {
    "kind": {"district": "Kreis", "municipality": "Gemeinde", "district_free_city": "kreisfreie Stadt"},
    "value_status": {"reported": "gemeldet", "estimated": "geschätzt", "confidential": "vertraulich",
                     "not_applicable": "entfällt", "missing": "fehlt"},
    "data_quality": {"A": "A – regionale Primärdaten", "B": "B – hochgerechnete Primärdaten",
                     "C": "C – regionale Kennwerte und Statistiken", "D": "D – bundesweite Kennwerte"},
    "criterion": {"territorial_final_energy": "Territorial und endenergiebasiert", "five_sectors": "Fünf Sektoren",
                  "lca_factors_with_upstream": "Emissionsfaktoren mit Vorketten",
                  "federal_electricity_mix": "Bundesstrommix", "no_weather_correction": "Ohne Witterungskorrektur",
                  "district_heat_method": "Fernwärme nach BISKO-Methode",
                  "data_quality_stated": "Datenqualität angegeben",
                  "required_cells_present": "Alle Pflichtfelder vorhanden"},
    "conformity": {"conformant": "BISKO-konform", "non_conformant": "nicht BISKO-konform",
                   "incomplete": "BISKO-Konformität nicht prüfbar (Daten unvollständig)",
                   "not_applicable": "keine BISKO-Bilanz (eigene Liegenschaften oder Statistik)"},
    "delivery_status": {"accepted": "angenommen", "superseded": "ersetzt", "rejected": "abgelehnt"},
    "finding_kind": {"rejected": "abgelehnt", "structural": "strukturell", "filtered": "ausgefiltert"},
    "data_origin": {"synthetic_demo": "synthetische Demonstrationsdaten",
                    "partner_deliveries": "Lieferungen der Partner"},
    "origin": {"real_public": "amtliche Veröffentlichung (echte Daten)", "synthetic_demo": "synthetische Demodaten",
               "partner_deliveries": "Lieferung des Partners"},
    "sector": SECTORS_DE,
    "carrier": CARRIERS_DE,
    "calorific_basis": {"Hs": "Brennwert (Hs)", "Hi": "Heizwert (Hi)"},
    "view": {"bisko": "BISKO-Bilanz", "local_mix": "mit lokalem Strommix (keine BISKO-Bilanz)",
             "weather_corrected": "witterungsbereinigt (keine BISKO-Bilanz)",
             "ets_production": "Prozessemissionen der Industrie (EU-Emissionshandel)"},
    "balance_scope": {"total": "alle Sektoren", **SECTORS_DE},
    "technology": TECHNOLOGIES_DE,
    "unit_status": {"operating": "in Betrieb", "planned": "in Planung",
                    "temporarily_closed": "vorübergehend stillgelegt", "closed": "endgültig stillgelegt"},
    "method": {"metered": "gemessen", "estimated": "geschätzt"},
    "road_type": {"motorway": "Autobahn", "rural": "Außerorts", "urban": "Innerorts"},
    "vehicle_class": {"car": "Pkw", "motorcycle": "Motorrad", "light_commercial": "Leichte Nutzfahrzeuge",
                      "heavy_goods": "Schwere Nutzfahrzeuge", "bus": "Linienbus", "coach": "Reisebus"},
    "drive": {"combustion": "Verbrennungsmotor", "battery_electric": "batterieelektrisch"},
    "rail_category": {"local_passenger": "Schienenpersonennahverkehr", "long_distance_passenger":
                      "Schienenpersonenfernverkehr", "freight": "Schienengüterverkehr"},
    "traction": {"electric": "elektrisch", "diesel": "Diesel"},
    "stock_method": {"census": "Zensus", "interpolated": "interpoliert", "carried_forward": "fortgeschrieben",
                     "carried_back": "zurückgeschrieben"},
    "vehicle_fuel": {"petrol": "Benzin", "diesel": "Diesel", "battery_electric": "batterieelektrisch",
                     "plug_in_hybrid": "Plug-in-Hybrid", "hybrid": "Hybrid", "gas": "Gas", "other": "Sonstige",
                     "all": "alle Kraftstoffe"},
    "target_scope": {"territorial_bisko": "BISKO-Bilanz (energiebedingt, territorial)",
                     "bisko_plus_agriculture": "BISKO-Bilanz plus Landwirtschaft",
                     "organisational": "eigene Verwaltung (eigene Liegenschaften)"},
    "comparator": {">=": "mindestens", "<=": "höchstens"},
    "statistic": {"area": "Bodenfläche", "residential_buildings": "Wohngebäude",
                  "buildings_with_dwellings": "Gebäude mit Wohnraum", "flats": "Wohnungen",
                  "living_area": "Wohnfläche in Wohngebäuden", "passenger_cars": "Pkw-Bestand",
                  "motor_vehicles": "Kraftfahrzeugbestand",
                  "industry_energy_use_incl_non_energy": "Energieverwendung des Verarbeitenden Gewerbes "
                                                         "(einschl. nichtenergetischer Verwendung)"},
    "indicator_status": STATUS_DE,
    "reading_kind": {"counter": "Zählerstand", "consumption": "Verbrauch"},
    "consumption_method": {"interval_meter": "Lastgang (15-Minuten-Werte)", "meter_readings": "Zählerablesungen"},
    "sector_scope": {"all": "alle Sektoren", **SECTORS_DE},
    "census_basis": {"zensus_2022": "Zensus 2022", "zensus_2011": "Zensus 2011",
                     "vz_1987_register_1990": "Volkszählung 1987 / Register 1990"},
}
# how a measure changed from one delivery of the list to the next (measure_status_history.change)
HISTORY_CHANGE_DE = {"first_listed": "neu in der Liste", "status_changed": "Status geändert",
                     "budget_changed": "Budget geändert", "status_and_budget_changed": "Status und Budget geändert",
                     "unchanged": "unverändert", "not_in_list": "nicht mehr in der Liste"}
LABELS |= {
    "field_of_action": FIELDS_OF_ACTION_DE,
    "eea_field_of_action": {**FIELDS_OF_ACTION_DE, "total": "alle Handlungsfelder"},
    "measure_status": MEASURE_STATUS_DE,
    "previous_status": MEASURE_STATUS_DE,
    "history_change": HISTORY_CHANGE_DE,
    "eea_award": EEA_AWARD_DE,
    "gap_status": {"closed_by_measures": "durch die Maßnahmen geschlossen",
                   "not_closed": "durch die Maßnahmen nicht geschlossen", "target_reached": "Ziel erreicht",
                   "not_assessable": "nicht bewertbar (Wert unvollständig oder fehlend)",
                   "no_emissions_gap": "kein Emissionsziel (Lücke nur in der Einheit des Ziels)"},
}
# The source families as a not_assessable reason names them (assets/compute/families.py `Family.words`), in German.
SOURCE_FAMILIES_DE = {
    "population": "Bevölkerung", "grid / final-energy": "Netzabsatz bzw. Endenergie",
    "emission-factor": "Emissionsfaktoren",
    "renewable-generation": "erneuerbare Stromerzeugung (Marktstammdatenregister, EEG-Einspeisung)",
    "heating (chimney-sweep, solar-thermal)": "Heizungen (Schornsteinfeger, Solarthermie)",
    "transport (vehicle-km, train-km)": "Verkehr (Fahrleistungen, Zugkilometer)", "vehicle-stock": "Fahrzeugbestand",
    "renovation / building-stock": "Sanierungen bzw. Gebäudebestand", "facility-database": "Liegenschaftsdatenbank",
    "EU ETS": "EU-Emissionshandel", "agriculture": "Landwirtschaft", "degree-day": "Gradtagzahlen",
    "key-change": "Gebietsänderungen", "municipality-directory": "Gemeindeverzeichnis",
    "statistics-table": "Statistiktabellen", "work-programme (measures, eea assessment)":
        "Arbeitsprogramm (Maßnahmen, eea-Bewertung)",
}
# the role of an indicator in the report: a target, or a supporting indicator without a target
ROLES_DE = {"target": "Ziel", "supporting": "unterstützender Indikator (ohne Ziel)"}

UNITS_DE = {
    "%": "%", "%/year": "%/Jahr", "t CO2e": "t CO₂e", "t CO2e/person": "t CO₂e je Einwohner",
    "kg CO2e/m²": "kg CO₂e je m²", "g CO2e/kWh": "g CO₂e/kWh", "MWh": "MWh", "MWh/person": "MWh je Einwohner",
    "kWh": "kWh", "kW": "kW", "Kd": "Kd (Gradtage)", "ha": "ha", "m²": "m²", "persons": "Einwohner",
    "count": "Anzahl", "days": "Tage", "fraction": "Anteil", "bytes": "Byte", "million vkm": "Mio. Fahrzeug-km",
    "thousand train-km": "Tsd. Zug-km", "t CO2e/year": "t CO₂e/Jahr", "MWh/year": "MWh/Jahr", "points": "Punkte",
    "EUR": "Euro",
}  # fmt: skip

assert set(SECTORS_DE) == set(SECTORS) and set(CARRIERS_DE) == set(CARRIERS) and set(TECHNOLOGIES_DE) == set(
    TECHNOLOGIES), "warehouse/labels.py: a sector, carrier or technology of warehouse/vocabularies.py has no label"


def label(field: str, value) -> str:
    """The German label of an id of the catalog's vocabulary `field`; '–' for none. An id without a label raises
    (the report never shows a raw id)."""
    if value is None or value != value:
        return "–"
    try:
        return LABELS[field][str(value)]
    except KeyError:
        raise KeyError(f"warehouse/labels.py: no German label for {field}={value!r}") from None


def unit_de(unit) -> str:
    """The German spelling of a unit of the catalog or the target configuration ('%/year' → '%/Jahr')."""
    if unit is None or unit != unit or unit == "":
        return ""
    try:
        return UNITS_DE[str(unit)]
    except KeyError:
        raise KeyError(f"warehouse/labels.py: no German label for the unit {unit!r}") from None
