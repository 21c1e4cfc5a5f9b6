"""The synthetic work programme of the demo: a list of 40 measures over the six eea fields of action, delivered twice
a year apart (March 2024 and March 2025: statuses move on, budgets are spent, one measure is stopped, four are new,
two are overdue on the 2025 list), and the eea assessments of 2021 and 2024. Titles, numbers and estimates are
invented (synthetic_demo), not the district's real programme."""

from __future__ import annotations

import csv
import io
import random
from pathlib import Path

HEADER = ["Nr.", "Titel", "Beschreibung", "Handlungsfeld", "Federführung", "Beteiligte Kommunen", "Status", "Beginn",
          "Ende", "Budget geplant (EUR)", "Budget verausgabt (EUR)", "Einsparung (t CO2e/a)", "Einsparung (MWh/a)",
          "Schätzmethode", "Ziele", "Letzte Aktualisierung"]
FIELDS = {
    "EP": "Entwicklungsplanung und Raumordnung", "KG": "Kommunale Gebäude und Anlagen",
    "VE": "Versorgung und Entsorgung", "MO": "Mobilität", "IO": "Interne Organisation",
    "KK": "Kommunikation und Kooperation",
}
# (id, title, lead, municipalities, targets, t CO2e/a, MWh/a, status 2024, status 2025)
MEASURES = [
    ("EP01", "Klimaschutz in der Bauleitplanung", "Kreisplanung", "Lippstadt; Soest", "co2_total_vs_2007", 800, None,
     "in Umsetzung", "in Umsetzung"),
    ("EP02", "Potenzialflächen Windenergie", "Kreisplanung", "Rüthen; Warstein; Geseke",
     "renewable_electricity_share", None, 60000, "in Vorbereitung", "in Umsetzung"),
    ("EP03", "Freiflächen-PV an Autobahn und Bahn", "Kreisplanung", "Werl; Erwitte", "renewable_electricity_share",
     None, 25000, "geplant", "in Vorbereitung"),
    ("EP04", "Kommunale Wärmeplanung begleiten", "Klimaschutzmanagement", "", "co2_total_vs_2007", 5000, None,
     "in Umsetzung", "in Umsetzung"),
    ("EP05", "Klimaangepasste Gewerbegebiete", "Wirtschaftsförderung", "Geseke; Erwitte",
     "production_co2_annual_change", 1500, None, "geplant", "geplant"),
    ("EP06", "Flächensparende Siedlungsentwicklung", "Kreisplanung", "", "co2_total_vs_2007", None, None, "geplant",
     "gestoppt"),
    ("EP07", "Leitfaden klimagerechtes Bauen", "Bauaufsicht", "", "old_building_renovation_growth", 300, None,
     "abgeschlossen", "abgeschlossen"),
    ("KG01", "Energiemanagement kreiseigene Liegenschaften", "Gebäudemanagement", "",
     "own_properties_co2_vs_2007; own_organisation_climate_neutral_2030", 900, 3200, "abgeschlossen",
     "abgeschlossen"),
    ("KG02", "PV-Anlagen auf Kreisgebäuden", "Gebäudemanagement", "", "own_organisation_climate_neutral_2030", 450,
     1100, "in Umsetzung", "in Umsetzung"),
    ("KG03", "Sanierung Kreishaus Soest", "Gebäudemanagement", "Soest", "own_properties_co2_vs_2007", 700, 2600,
     "in Vorbereitung", "in Umsetzung"),
    ("KG04", "LED-Umrüstung Berufskollegs", "Gebäudemanagement", "Lippstadt; Soest", "own_properties_co2_vs_2007",
     250, 600, "in Umsetzung", "abgeschlossen"),
    ("KG05", "Heizungstausch Förderschulen", "Gebäudemanagement", "Werl", "own_properties_co2_vs_2007", 180, 700,
     "geplant", "in Umsetzung"),
    ("KG06", "Ökostrom für alle Liegenschaften", "Zentrale Vergabestelle", "", "own_organisation_climate_neutral_2030",
     1200, None, "abgeschlossen", "abgeschlossen"),
    ("KG07", "Gebäudeleittechnik Kreishaus", "Gebäudemanagement", "Soest", "own_properties_co2_vs_2007", 120, 450,
     "in Umsetzung", "in Umsetzung"),
    ("VE01", "Bürgerenergie-Genossenschaften unterstützen", "Klimaschutzmanagement", "", "renewable_electricity_share",
     None, 8000, "in Umsetzung", "in Umsetzung"),
    ("VE02", "Nahwärmenetz Bad Sassendorf", "Gemeinde Bad Sassendorf", "Bad Sassendorf", "co2_total_vs_2007", 2100,
     7500, "in Vorbereitung", "in Umsetzung"),
    ("VE03", "Deponiegasnutzung", "Entsorgungswirtschaft Soest", "", "co2_total_vs_2007", 3500, None, "abgeschlossen",
     "abgeschlossen"),
    ("VE04", "Klärschlammverwertung", "Abwasserverband", "Lippstadt", "co2_total_vs_2007", 1200, None, "geplant",
     "in Vorbereitung"),
    ("VE05", "Solardachkataster und Beratung", "Klimaschutzmanagement", "", "renewable_electricity_share", None,
     15000, "abgeschlossen", "abgeschlossen"),
    ("VE06", "Abwärme Zementwerke nutzen", "Wirtschaftsförderung", "Erwitte; Geseke", "production_co2_annual_change",
     25000, 90000, "geplant", "geplant"),
    ("VE07", "Biogas-Aufbereitung zu Biomethan", "Landwirtschaftskammer", "Lippetal; Welver",
     "co2_total_vs_2007", 4000, None, "geplant", "in Vorbereitung"),
    ("MO01", "Radschnellweg Lippstadt–Soest", "Straßenbau", "Lippstadt; Soest", "transport_co2_vs_2007", 2500, None,
     "in Umsetzung", "in Umsetzung"),
    ("MO02", "Mobilstationen an Bahnhöfen", "ÖPNV", "Werl; Soest; Lippstadt; Geseke", "transport_co2_vs_2007", 900,
     None, "in Vorbereitung", "in Umsetzung"),
    ("MO03", "Elektrobusse im Regionalverkehr", "ÖPNV", "", "transport_co2_vs_2007", 3000, None, "geplant",
     "in Vorbereitung"),
    ("MO04", "Ladeinfrastruktur an Kreisliegenschaften", "Gebäudemanagement", "",
     "transport_co2_vs_2007; own_organisation_climate_neutral_2030", 200, None, "in Umsetzung", "abgeschlossen"),
    ("MO05", "Betriebliches Mobilitätsmanagement", "Personalamt", "", "own_organisation_climate_neutral_2030", 150,
     None, "in Umsetzung", "in Umsetzung"),
    ("MO06", "Elektrifizierung Kreisfuhrpark", "Fuhrparkmanagement", "", "own_organisation_climate_neutral_2030", 300,
     None, "in Umsetzung", "verzögert"),
    ("MO07", "On-Demand-Verkehr im ländlichen Raum", "ÖPNV", "Rüthen; Möhnesee; Lippetal", "transport_co2_vs_2007",
     600, None, "geplant", "in Umsetzung"),
    ("IO01", "Klimacheck für Kreistagsvorlagen", "Büro des Landrats", "", "co2_total_vs_2007", None, None,
     "abgeschlossen", "abgeschlossen"),
    ("IO02", "Klimaschutzmanagement verstetigen", "Klimaschutzmanagement", "", "co2_total_vs_2007", None, None,
     "in Umsetzung", "in Umsetzung"),
    ("IO03", "Nachhaltige Beschaffungsrichtlinie", "Zentrale Vergabestelle", "",
     "own_organisation_climate_neutral_2030", 100, None, "in Vorbereitung", "in Vorbereitung"),
    ("IO04", "eea-Energieteam", "Klimaschutzmanagement", "", "co2_total_vs_2007", None, None, "abgeschlossen",
     "abgeschlossen"),
    ("IO05", "Dienstreiserichtlinie klimafreundlich", "Personalamt", "", "own_organisation_climate_neutral_2030", 80,
     None, "geplant", "in Umsetzung"),
    ("IO06", "Klimabilanz der Kreisverwaltung", "Klimaschutzmanagement", "", "own_organisation_climate_neutral_2030",
     None, None, "in Umsetzung", "in Umsetzung"),
    ("KK01", "Energieberatung für Hauseigentümer", "Verbraucherzentrale", "", "old_building_renovation_growth", 1800,
     6000, "in Umsetzung", "in Umsetzung"),
    ("KK02", "Klimaschutzpreis des Kreises", "Klimaschutzmanagement", "", "co2_total_vs_2007", None, None,
     "abgeschlossen", "abgeschlossen"),
    ("KK03", "Netzwerk Energieeffizienz Unternehmen", "Wirtschaftsförderung", "",
     "production_co2_annual_change", 6000, 20000, "in Umsetzung", "in Umsetzung"),
    ("KK04", "Schulprojekte Energiesparen", "Schulamt", "", "own_properties_co2_vs_2007", 60, 200, "in Umsetzung",
     "in Umsetzung"),
    ("KK05", "Kampagne Heizungstausch", "Klimaschutzmanagement", "", "old_building_renovation_growth", 1200, 4000,
     "geplant", "in Umsetzung"),
    ("KK06", "Klimaforum mit den 14 Kommunen", "Klimaschutzmanagement", "", "co2e_per_inhabitant_2045", None, None,
     "geplant", "in Umsetzung"),
]
NEW_IN_2025 = {"EP07", "KG07", "VE07", "MO07"}
LATE = "MO06"       # end date 31.12.2024 passed, still not completed on the 2025 list: overdue
STALE = "IO03"      # not updated since November 2023: more than a year before the 2025 list, overdue
DATE_2024, DATE_2025 = "2024-03-01", "2025-03-03"


def _german(value: float) -> str:
    return f"{value:,.0f}".replace(",", ".")


def _rows(year: int, rng: random.Random) -> list[list[str]]:
    rows = [HEADER]
    for (mid, title, lead, places, targets, t_co2e, mwh, status_2024, status_2025) in MEASURES:
        if year == 2024 and mid in NEW_IN_2025:
            continue
        status = status_2024 if year == 2024 else status_2025
        start = 2021 + sum(map(ord, mid)) % 3
        end = "2024-12-31" if mid == LATE else f"{2025 + sum(map(ord, mid)) % 4}-12-31"
        planned = 20000 * (1 + sum(map(ord, title)) % 40)
        share = {"geplant": 0.0, "in Vorbereitung": 0.05, "gestoppt": 0.1, "abgeschlossen": 1.0}.get(status, None)
        spent = planned * (share if share is not None else rng.uniform(0.2, 0.5) + (0.3 if year == 2025 else 0))
        if year == 2025 and mid == "KG03":
            planned *= 1.2  # a budget raised between the lists
        updated = "2023-11-15" if mid == STALE else (DATE_2024 if year == 2024 else DATE_2025)
        if year == 2025 and mid not in (STALE,) and status_2024 == status_2025 and rng.random() < 0.3:
            updated = "2025-01-20"
        method = "" if t_co2e is None and mwh is None else rng.choice(
            ["Leitfaden Klimaschutz in Kommunen (Difu)", "eigene Abschätzung Klimaschutzmanagement",
             "Messung Vorjahr", "Herstellerangaben", "Förderantrag"])
        rows.append([mid, title, f"{title} (synthetic demo)", FIELDS[mid[:2]], lead, places, status,
                     f"{start}-01-01", end, _german(planned), _german(spent),
                     "" if t_co2e is None else _german(t_co2e), "" if mwh is None else _german(mwh), method, targets,
                     updated])
    return rows


EEA_POINTS = {  # field: (possible, achieved 2021, achieved 2024)
    "Entwicklungsplanung und Raumordnung": (74, 36, 44), "Kommunale Gebäude und Anlagen": (76, 45, 52),
    "Versorgung und Entsorgung": (60, 27, 32), "Mobilität": (84, 38, 47), "Interne Organisation": (44, 29, 33),
    "Kommunikation und Kooperation": (82, 47, 55),
}


def _csv(rows: list[list[str]]) -> bytes:
    buf = io.StringIO()
    csv.writer(buf, delimiter=";", lineterminator="\r\n").writerows(rows)
    return buf.getvalue().encode("utf-8")


def write_measures(out: Path) -> None:
    rng = random.Random(23)
    folder = out / "massnahmen"
    folder.mkdir(parents=True, exist_ok=True)
    for year in (2024, 2025):
        (folder / f"Arbeitsprogramm_{year}-03.csv").write_bytes(_csv(_rows(year, rng)))
    rows = [["Handlungsfeld", "Jahr", "Punkte möglich", "Punkte erreicht"]]
    for field, (possible, first, second) in EEA_POINTS.items():
        rows += [[field, "2021", str(possible), str(first)], [field, "2024", str(possible), str(second)]]
    (out / "eea").mkdir(parents=True, exist_ok=True)
    (out / "eea" / "eea_Bewertung_2021_2024.csv").write_bytes(_csv(rows))
