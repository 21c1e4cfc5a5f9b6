"""Deterministic generator of the synthetic Kreis Soest demo deliveries, in the partners' real formats.

    python -m sources.demo.generate [--out DIR]

writes (default: sources/demo/fixtures/kreis_soest, the committed copy that the demo configuration reads):

- statistik/  GENESIS flat-file CSV of population per municipality and the district for the years no real table in
  sources/demo/real/ covers (2007, 2016–2023), with rows of a neighbouring municipality the pipeline filters out;
- strom/, gas/, fernwaerme/  grid operators' yearly sheets (Windows-1252, `;`, German numbers, header block,
  footnotes, a confidential mark, a dash for a missing value, a provisional 2023 sheet superseded by a corrected
  one);
- facility.sqlite  the district's facility database: buildings and monthly cumulative meter readings with a meter
  exchange;
- lastgang/  15-minute interval data (gzip CSV) of two of those meters for 2024, consistent with their monthly
  readings: the Kreishaus's electricity as quarter-hour consumptions and a school's gas meter as a counter with a
  meter exchange (`--interval-meters all --interval-years 2015-2024` makes more);
- mastr/, eeg/  Marktstammdatenregister web export (capacities at the 2021 and 2024 cut-offs exactly as published)
  and EEG feed-in of wind, biomass and hydro units;
- schornsteinfeger/, verkehr/, solarthermie/  chimney-sweep surveys every three years, vehicle-kilometres by drive
  (combustion, battery-electric), train-kilometres by rail category and traction, solar-thermal collector areas;
- gebaeude/, ets/, landwirtschaft/, kba/, dwd/  renovations and the old-building stock (census 2011, 2022), EU ETS
  verified emissions of cement and lime works, agriculture, passenger cars by fuel (scaled to the real KBA totals
  of 2021; that year itself comes from the real FZ 3 file), monthly degree days;
- massnahmen/, eea/  the work programme's list of 40 measures delivered in March 2024 and March 2025, and the eea
  assessments of 2021 and 2024 (sources/demo/measures.py).

The numbers are synthetic, calibrated to published figures (kreis_soest_calibration.yaml): population exact for
2021; 2007 electricity per inhabitant as published for the district and five municipalities. Same code, same
bytes: a test regenerates everything and compares.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import gzip
import io
import random
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import yaml
from zoneinfo import ZoneInfo

from sources.demo.measures import write_measures

HERE = Path(__file__).resolve().parent
CALIBRATION = HERE / "kreis_soest_calibration.yaml"
DEFAULT_OUT = HERE / "fixtures" / "kreis_soest"
SEED = 20120308  # the Kreistag decision, 8 March 2012

NAMES = {
    "05974004": "Anröchte", "05974008": "Bad Sassendorf", "05974012": "Ense", "05974016": "Erwitte, Stadt",
    "05974020": "Geseke, Stadt", "05974024": "Lippetal", "05974028": "Lippstadt, Stadt", "05974032": "Möhnesee",
    "05974036": "Rüthen, Stadt", "05974040": "Soest, Stadt", "05974044": "Warstein, Stadt", "05974048": "Welver",
    "05974052": "Werl, Stadt", "05974056": "Wickede (Ruhr)",
}  # fmt: skip
NEIGHBOUR = ("05958004", "Arnsberg, Stadt")  # Hochsauerlandkreis: a valid key outside the region
ELECTRICITY_GROUPS = ("SLP Haushalt", "Wärmepumpe", "Speicherheizung", "SLP Gewerbe", "RLM Industrie",
                      "Kommunale Einrichtungen")  # fmt: skip
GAS_GROUPS = ("SLP Haushalt", "SLP Gewerbe", "RLM Industrie", "Kommunale Einrichtungen")
HEAT_GROUPS = ("Haushalte", "Gewerbe", "Kommunale Einrichtungen")


def german(value: float, decimals: int = 0) -> str:
    """1234567.5 -> '1.234.567,5' (German thousands dot, decimal comma)."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


@dataclass
class Demo:
    calibration: dict
    years: list[int]
    population: dict[tuple[str, int], int]

    @property
    def keys(self) -> list[str]:
        return sorted(self.calibration["population_2021"])


def population_series(cal: dict, years: list[int], rng: random.Random) -> dict[tuple[str, int], int]:
    """District-wide curve (slow decline to 2010, Zensus 2011 correction, slight growth after 2015 and 2022),
    scaled to the exact 2021 figure of each municipality, with a small fixed wiggle per municipality."""
    curve = {}
    for y in years:
        if y <= 2010:
            f = 1.016 - (y - 2007) * 0.0043
        elif y <= 2015:
            f = 0.990 + (y - 2011) * 0.0005
        else:
            f = 0.992 + (y - 2015) * (0.008 / 6)
        if y >= 2022:
            f = 1.0 + (y - 2021) * 0.0022
        curve[y] = f
    curve[2021] = 1.0
    result = {}
    for key in sorted(cal["population_2021"]):
        base = cal["population_2021"][key]
        tilt = rng.uniform(-0.0012, 0.0012)
        for y in years:
            factor = 1.0 if y == 2021 else curve[y] * (1 + tilt * (2021 - y))
            result[(key, y)] = int(round(base * factor))
    return result


def electricity_2007_per_capita(cal: dict, pop2007: dict[str, int]) -> dict[str, float]:
    spec = cal["electricity_per_capita_2007_kwh"]
    published = {k: v for k, v in spec["published"].items() if k != cal["district_ags"]}
    district_total = spec["published"][cal["district_ags"]] * sum(pop2007.values())
    known = sum(published[k] * pop2007[k] for k in published)
    weights = spec["assumed_weights"]
    weighted = sum(weights[k] * pop2007[k] for k in weights)
    scale = (district_total - known) / weighted
    return {**published, **{k: w * scale for k, w in weights.items()}}


def electricity_by_group(demo: Demo, rng: random.Random) -> dict[tuple[str, int, str], tuple[float, int]]:
    """kWh and meter count per municipality, year and customer group."""
    cal = demo.calibration
    pop = demo.population
    per_capita_2007 = electricity_2007_per_capita(cal, {k: pop[(k, 2007)] for k in demo.keys})
    hh_pc = cal["household_electricity_per_capita_2007_kwh"]
    base: dict[str, dict[str, float]] = {}
    for k in demo.keys:
        p = pop[(k, 2007)]
        total = per_capita_2007[k] * p
        households = hh_pc * p * rng.uniform(0.93, 1.07)
        heat_pump = households * 0.025
        storage = households * 0.05
        municipal = 45 * p
        commerce = min(1800.0, 0.22 * per_capita_2007[k]) * p
        industry = total - households - heat_pump - storage - municipal - commerce
        if industry < 0.02 * total:
            raise ValueError(f"calibration leaves no industry electricity for {k}")
        base[k] = {"SLP Haushalt": households, "Wärmepumpe": heat_pump, "Speicherheizung": storage,
                   "SLP Gewerbe": commerce, "RLM Industrie": industry, "Kommunale Einrichtungen": municipal}
    # industry grows so that the district reaches the published 2020 consumption, then eases off
    target_2020 = cal["electricity_consumption_2020_gwh"] * 1e6
    non_industry_2020 = 0.0
    industry_2007 = sum(b["RLM Industrie"] for b in base.values())
    trends = {}
    for y in demo.years:
        t = y - 2007
        trends[y] = {"SLP Haushalt": 0.995 ** t, "Wärmepumpe": 1.0 + 0.16 * t, "Speicherheizung": 0.97 ** t,
                     "SLP Gewerbe": 1.0 + 0.004 * t, "Kommunale Einrichtungen": 0.99 ** t}
    for k, b in base.items():
        non_industry_2020 += sum(b[g] * trends[2020][g] * pop[(k, 2020)] / pop[(k, 2007)]
                                 for g in b if g != "RLM Industrie")
    industry_growth_2020 = (target_2020 - non_industry_2020) / industry_2007
    out = {}
    for k, b in base.items():
        for y in demo.years:
            ratio = pop[(k, y)] / pop[(k, 2007)]
            if y <= 2020:
                ind = 1 + (industry_growth_2020 - 1) * (y - 2007) / 13
            else:
                ind = industry_growth_2020 * (0.985 ** (y - 2020))
            for g in ELECTRICITY_GROUPS:
                if g == "RLM Industrie":
                    kwh = b[g] * ind * rng.uniform(0.985, 1.015)
                else:
                    kwh = b[g] * trends[y][g] * ratio * rng.uniform(0.99, 1.01)
                meters = _meters(g, pop[(k, y)], y)
                out[(k, y, g)] = (round(kwh), meters)
    return out


def _meters(group: str, population: int, year: int) -> int:
    per_person = {"SLP Haushalt": 0.52, "Wärmepumpe": 0.004 + 0.0012 * (year - 2007), "Speicherheizung": 0.012,
                  "SLP Gewerbe": 0.06, "RLM Industrie": 0.0012, "Kommunale Einrichtungen": 0.002, "Haushalte": 0.01,
                  "Gewerbe": 0.002}[group]  # fmt: skip
    return max(3, int(population * per_person))


def gas_by_group(demo: Demo, rng: random.Random) -> dict[tuple[str, int, str], tuple[float, int]]:
    """kWh (gross calorific value Hs) per municipality, year and customer group."""
    industry_pc = {"05974028": 5200, "05974044": 6100, "05974052": 3900, "05974020": 3600, "05974016": 2600}
    coverage = {"05974036": 0.55, "05974024": 0.7, "05974032": 0.75}
    out = {}
    for k in demo.keys:
        cov = coverage.get(k, 1.0)
        per_capita = {"SLP Haushalt": 5600 * cov, "SLP Gewerbe": 1300 * cov,
                      "RLM Industrie": industry_pc.get(k, 900) * cov, "Kommunale Einrichtungen": 150 * cov}
        for y in demo.years:
            t = y - 2007
            trend = {"SLP Haushalt": 0.99 ** t, "SLP Gewerbe": 0.995 ** t, "RLM Industrie": 1.0 - 0.006 * t,
                     "Kommunale Einrichtungen": 0.985 ** t}
            weather = 1 + 0.06 * ((y * 7919) % 11 - 5) / 5  # a fixed "weather" swing per year
            for g in GAS_GROUPS:
                heat_share = 0.0 if g == "RLM Industrie" else 1.0
                kwh = per_capita[g] * demo.population[(k, y)] * trend[g] * (1 + (weather - 1) * heat_share)
                meters = _meters(g, int(demo.population[(k, y)] * cov * (0.7 if g == "SLP Haushalt" else 1)), y)
                out[(k, y, g)] = (round(kwh * rng.uniform(0.99, 1.01)), meters)
    return out


def heat_by_group(demo: Demo, rng: random.Random) -> dict[tuple[str, int, str], tuple[float, int]]:
    """MWh of district heat in Lippstadt and Soest."""
    base = {"05974028": {"Haushalte": 18000, "Gewerbe": 14000, "Kommunale Einrichtungen": 3000},
            "05974040": {"Haushalte": 9000, "Gewerbe": 8000, "Kommunale Einrichtungen": 2000}}
    out = {}
    for k, groups in base.items():
        for y in demo.years:
            for g, mwh in groups.items():
                value = mwh * (1.012 ** (y - 2007)) * rng.uniform(0.97, 1.03)
                out[(k, y, g)] = (round(value, 1), _meters(g, demo.population[(k, y)], y))
    return out


# ---------------------------------------------------------------------------------------------------------------
# writers


def _csv_text(rows: list[list[str]], newline: str) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";", lineterminator=newline, quoting=csv.QUOTE_MINIMAL)
    writer.writerows(rows)
    return buf.getvalue()


def grid_sheet(operator: str, title: str, year: int, unit: str, rows: list[list[str]], *, status: str,
               extra_header: list[list[str]] = (), footnotes: list[str] = ()) -> bytes:
    head = [[f"Netzbetreiber: {operator}"], [title], [f"Berichtsjahr: {year}"], [f"Stand: {status}"],
            [f"Einheit: {unit}"], *extra_header, []]
    header = [["Gemeindeschlüssel", "Gemeinde", "Kundengruppe", "Zählpunkte", "Energiemenge"]]
    tail = [[], *[[f] for f in footnotes]]
    return _csv_text(head + header + rows + tail, "\r\n").encode("cp1252")


def write_population(demo: Demo, out: Path) -> None:
    header = ["statistics_code", "statistics_label", "time_code", "time_label", "time", "1_variable_code",
              "1_variable_label", "1_variable_attribute_code", "1_variable_attribute_label", "value_variable_code",
              "value_variable_label", "value", "value_unit", "value_q"]  # fmt: skip
    district = demo.calibration["district_ags"]

    def rows_for(years: list[int]) -> list[list[str]]:
        rows = []
        for y in years:
            q = "p" if y == demo.years[-1] else "e"
            total = 0
            for k in demo.keys:
                v = demo.population[(k, y)]
                total += v
                rows.append(["12411", "Fortschreibung des Bevölkerungsstandes", "STAG", "Stichtag", f"31.12.{y}",
                             "GEMEIN", "Gemeinden", k, NAMES[k], "BEVSTD", "Bevölkerungsstand", str(v), "Anzahl", q])
            rows.append(["12411", "Fortschreibung des Bevölkerungsstandes", "STAG", "Stichtag", f"31.12.{y}",
                         "KREISE", "Kreise und krfr. Städte", district[:5], "Soest, Kreis", "BEVSTD",
                         "Bevölkerungsstand", str(total), "Anzahl", q])
            rows.append(["12411", "Fortschreibung des Bevölkerungsstandes", "STAG", "Stichtag", f"31.12.{y}",
                         "GEMEIN", "Gemeinden", NEIGHBOUR[0], NEIGHBOUR[1], "BEVSTD", "Bevölkerungsstand",
                         str(73000 - 150 * (y - 2007)), "Anzahl", q])
        return rows

    folder = out / "statistik"
    folder.mkdir(parents=True, exist_ok=True)
    # the other years come from the real tables (sources/demo/real/), not from here
    real = set(demo.calibration["real_population_years"])
    years = [y for y in demo.years if y not in real]
    (folder / "12411-01-01-5_2007_2016-2023_flat.csv").write_bytes(
        _csv_text([header, *rows_for(years)], "\n").encode("utf-8"))


def write_electricity(demo: Demo, values: dict, out: Path) -> None:
    folder = out / "strom"
    folder.mkdir(parents=True, exist_ok=True)
    footnotes = ["1) Zählpunkte: Anzahl der Marktlokationen am 31.12.",
                 "• = aus Datenschutzgründen nicht ausgewiesen (weniger als 3 Zählpunkte)",
                 "Quelle: Westnetz GmbH, Netzabsatz nach Gemeinden"]
    for y in demo.years:
        def rows(adjust: float = 1.0) -> list[list[str]]:
            out_rows = []
            for k in demo.keys:
                for g in ELECTRICITY_GROUPS:
                    kwh, meters = values[(k, y, g)]
                    cell = german(kwh * adjust if g == "RLM Industrie" else kwh)
                    count = german(meters)
                    if y == 2015 and k == "05974048" and g == "RLM Industrie":  # Welver: fewer than 3 meters
                        cell, count = "•", "2"
                    out_rows.append([k, NAMES[k], g, count, cell])
            out_rows.append([NEIGHBOUR[0], NEIGHBOUR[1], "SLP Haushalt", german(36000), german(60_000_000)])
            return out_rows

        title = "Netzabsatz Strom nach Gemeinden und Kundengruppen"
        if y == 2023:  # provisional sheet first, then the corrected one supersedes it
            data = grid_sheet("Westnetz GmbH", title, y, "kWh", rows(0.97), status="15.03.2024 (vorläufig)",
                              footnotes=footnotes)
            (folder / f"Netzabsatz_Strom_{y}.csv").write_bytes(data)
            data = grid_sheet("Westnetz GmbH", title, y, "kWh", rows(), status="30.06.2024", footnotes=footnotes)
            (folder / f"Netzabsatz_Strom_{y}_korrigiert.csv").write_bytes(data)
        else:
            status = "15.03.2025 (vorläufig)" if y == demo.years[-1] else f"30.06.{y + 1}"
            data = grid_sheet("Westnetz GmbH", title, y, "kWh", rows(), status=status, footnotes=footnotes)
            (folder / f"Netzabsatz_Strom_{y}.csv").write_bytes(data)


def write_gas(demo: Demo, values: dict, out: Path) -> None:
    folder = out / "gas"
    folder.mkdir(parents=True, exist_ok=True)
    for y in demo.years:
        rows = [[k, NAMES[k], g, german(values[(k, y, g)][1]), german(values[(k, y, g)][0])]
                for k in demo.keys for g in GAS_GROUPS]
        status = "15.03.2025 (vorläufig)" if y == demo.years[-1] else f"30.06.{y + 1}"
        data = grid_sheet("Westnetz GmbH", "Netzabsatz Erdgas nach Gemeinden und Kundengruppen", y, "kWh", rows,
                          status=status, extra_header=[["Brennwertbezug: Hs"]],
                          footnotes=["Mengen bezogen auf den Brennwert (Hs)", "Quelle: Westnetz GmbH"])
        (folder / f"Netzabsatz_Gas_{y}.csv").write_bytes(data)


def write_heat(demo: Demo, values: dict, out: Path) -> None:
    folder = out / "fernwaerme"
    folder.mkdir(parents=True, exist_ok=True)
    for y in demo.years:
        rows = []
        for k in ("05974028", "05974040"):
            for g in HEAT_GROUPS:
                mwh, meters = values[(k, y, g)]
                cell = german(mwh, 1)
                if y == 2009 and k == "05974040" and g == "Gewerbe":  # a value the utility could not deliver
                    cell = "-"
                rows.append([k, NAMES[k], g, german(meters), cell])
        data = grid_sheet("Stadtwerke Lippstadt und Soest (Wärme)", "Wärmeabsatz Fernwärme nach Gemeinden", y,
                          "MWh", rows, status=f"31.03.{y + 1}", footnotes=["- = kein Wert verfügbar"])
        (folder / f"Waermeabsatz_{y}.csv").write_bytes(data)


def write_heat_factors(demo: Demo, out: Path) -> None:
    """Stadtwerke Lippstadt's own district-heat factor (gas CHP, exergetic allocation) from 2016; Soest has none."""
    folder = out / "fernwaerme_faktoren"
    folder.mkdir(parents=True, exist_ok=True)
    rows = [["ags", "year", "g_co2e_per_kwh", "source"]]
    for y in [y for y in demo.years if y >= 2016]:
        rows.append(["05974028", str(y), f"{205 - 3 * (y - 2016)}",
                     "Stadtwerke Lippstadt, Fernwärme-Emissionsfaktor (Carnot-Methode), synthetic demo value"])
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    (folder / "Fernwaerme_Emissionsfaktoren_Lippstadt.csv").write_bytes(buf.getvalue().encode("utf-8"))


TECH_NAMES = {"solar_pv": "Solare Strahlungsenergie", "wind_onshore": "Wind", "biomass": "Biomasse", "hydro": "Wasser"}
TECH_COLUMNS = {"solar_pv": "pv_kw", "wind_onshore": "wind_onshore_kw", "biomass": "biomass_kw", "hydro": "hydro_kw"}
UNIT_SIZE_KW = {"solar_pv": 900.0, "wind_onshore": 2300.0, "biomass": 600.0, "hydro": 400.0}
FULL_LOAD_HOURS = {"solar_pv": 880.0, "wind_onshore": 1700.0, "biomass": 6500.0, "hydro": 3800.0}


def _split(total: float, n: int, rng: random.Random) -> list[float]:
    """n positive parts (3 decimals) that add up exactly to total."""
    if n <= 0 or total <= 0:
        return []
    weights = [rng.uniform(0.5, 1.5) for _ in range(n)]
    parts = [round(total * w / sum(weights), 3) for w in weights]
    parts[-1] = round(total - sum(parts[:-1]), 3)
    return parts


def mastr_units(demo: Demo, rng: random.Random) -> list[dict]:
    """Units whose capacities at the 2021 and 2024 cut-offs equal the published figures exactly."""
    cal = demo.calibration["renewable_capacity_kw"]
    reference = list(csv.DictReader(open(HERE / cal["file"], encoding="utf-8")))
    capacity = {(r["ags"], r["cutoff"][:4]): r for r in reference}
    units, serial = [], 0
    for ags in demo.keys:
        for tech, column in TECH_COLUMNS.items():
            c2021, c2024 = float(capacity[(ags, "2021")][column]), float(capacity[(ags, "2024")][column])
            closed = max(0.0, c2021 - c2024)  # capacity decommissioned 2022-2024
            if closed:
                closed += min(c2021 - closed, UNIT_SIZE_KW[tech] * 0.3)
            older = round(c2021 - closed, 3)
            newer = round(c2024 - older, 3)
            early = cal["share_installed_2007"][tech]
            groups = [(older, 2021, False), (closed, 2021, True), (newer, 2024, False)]
            for total, last_year, decommissioned in groups:
                n = max(1, round(total / UNIT_SIZE_KW[tech])) if total > 0 else 0
                for part in _split(total, n, rng):
                    serial += 1
                    if last_year == 2021:
                        year = rng.randint(1995, 2007) if rng.random() < early else rng.randint(2008, 2021)
                    else:
                        year = rng.randint(2022, 2024)
                    commissioned = dt.date(year, rng.randint(1, 12), rng.randint(1, 28))
                    end = None
                    if decommissioned:
                        end = dt.date(rng.randint(2022, 2024), rng.randint(1, 12), rng.randint(1, 28))
                    if last_year == 2024 and year == 2024:
                        commissioned = dt.date(2024, rng.randint(1, 11), rng.randint(1, 28))
                    units.append({"unit_id": f"SEE9{serial:08d}", "eeg_id": f"EEG9{serial:08d}", "ags": ags,
                                  "technology": tech, "gross_kw": part, "commissioned": commissioned, "end": end})
    return units


def write_mastr(demo: Demo, units: list[dict], rng: random.Random, out: Path) -> None:
    header = ["MaStR-Nr. der Einheit", "Anzeige-Name der Einheit", "Betriebs-Status", "Energieträger",
              "Bruttoleistung der Einheit", "Nettonennleistung der Einheit", "Inbetriebnahmedatum der Einheit",
              "Datum der endgültigen Stilllegung", "Gemeindeschlüssel", "Ort", "MaStR-Nr. der EEG-Anlage"]
    rows = [header]
    for u in units:
        status = "Endgültig stillgelegt" if u["end"] else "In Betrieb"
        rows.append([u["unit_id"], f"{TECH_NAMES[u['technology']]} {u['unit_id'][-4:]}", status,
                     TECH_NAMES[u["technology"]], german(u["gross_kw"], 3), german(u["gross_kw"] * 0.97, 3),
                     u["commissioned"].strftime("%d.%m.%Y"), u["end"].strftime("%d.%m.%Y") if u["end"] else "",
                     u["ags"], NAMES[u["ags"]], u["eeg_id"]])
    rows.append(["SEE800000001", "Windpark Arnsberg", "In Betrieb", "Wind", german(4200, 3), german(4000, 3),
                 "01.06.2016", "", NEIGHBOUR[0], NEIGHBOUR[1], "EEG800000001"])  # outside the region
    rows.append(["SEE800000002", "Batteriespeicher Soest", "In Betrieb", "Speicher", german(500, 3), german(500, 3),
                 "01.03.2021", "", "05974040", NAMES["05974040"], ""])  # storage: not generation
    rows.append(["SEE800000003", "Solarpark Geseke (geplant)", "In Planung", "Solare Strahlungsenergie",
                 german(9800, 3), german(9500, 3), "", "", "05974020", NAMES["05974020"], ""])  # planned
    folder = out / "mastr"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "Stromerzeugungseinheiten_Kreis_Soest.csv").write_bytes(b"\xef\xbb\xbf" + _csv_text(rows, "\n").encode("utf-8"))


def write_eeg(demo: Demo, units: list[dict], rng: random.Random, out: Path) -> None:
    """Yearly EEG feed-in (kWh) for wind, biomass and hydro units; solar units have none (estimated later)."""
    wind_year = {y: 1.0 + 0.12 * ((y * 4271) % 9 - 4) / 4 for y in demo.years}
    rows = [["EegMastrNummer", "Jahr", "Einspeisemenge_kWh"]]
    for u in units:
        if u["technology"] == "solar_pv":
            continue
        for y in demo.years:
            start = max(u["commissioned"], dt.date(y, 1, 1))
            stop = min(u["end"] or dt.date(y + 1, 1, 1), dt.date(y + 1, 1, 1))
            if start >= stop:
                continue
            share = (stop - start).days / (dt.date(y + 1, 1, 1) - dt.date(y, 1, 1)).days
            factor = wind_year[y] if u["technology"] == "wind_onshore" else rng.uniform(0.95, 1.05)
            kwh = u["gross_kw"] * FULL_LOAD_HOURS[u["technology"]] * share * factor
            rows.append([u["eeg_id"], str(y), german(round(kwh))])
    folder = out / "eeg"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "EEG_Jahresabrechnung_Einspeisung_2007-2024.csv").write_bytes(_csv_text(rows, "\n").encode("utf-8"))


HEATING = {  # fuel, power class, systems per 1,000 inhabitants in 2007, yearly change
    ("Heizöl", "11-25 kW"): (68.0, -0.022), ("Heizöl", "25-50 kW"): (38.0, -0.022),
    ("Heizöl", "50-100 kW"): (8.0, -0.02), ("Heizöl", "über 100 kW"): (2.4, -0.02),
    ("Flüssiggas", "11-25 kW"): (9.0, -0.01), ("Kohle", "11-25 kW"): (2.5, -0.06),
    ("Holz", "4-11 kW"): (95.0, 0.015), ("Holz", "11-25 kW"): (9.0, 0.04),
}  # fmt: skip
SURVEY_YEARS = (2007, 2010, 2013, 2016, 2019, 2022)


def write_chimney(demo: Demo, rng: random.Random, out: Path) -> None:
    rural = {"05974024": 1.3, "05974036": 1.35, "05974032": 1.2, "05974048": 1.25, "05974004": 1.2,
             "05974028": 0.8, "05974040": 0.85}
    folder = out / "schornsteinfeger"
    folder.mkdir(parents=True, exist_ok=True)
    for y in SURVEY_YEARS:
        rows = [["Gemeindeschlüssel", "Erhebungsjahr", "Brennstoff", "Leistungsklasse", "Anzahl"]]
        for ags in demo.keys:
            for (fuel, power_class), (per_1000, change) in HEATING.items():
                count = demo.population[(ags, y)] / 1000 * per_1000 * rural.get(ags, 1.0) * (1 + change) ** (y - 2007)
                rows.append([ags, str(y), fuel, power_class, german(round(count * rng.uniform(0.97, 1.03)))])
        (folder / f"Feuerstaetten_Erhebung_{y}.csv").write_bytes(_csv_text(rows, "\r\n").encode("cp1252"))


VKM_PER_PERSON = {"car": 9100.0, "motorcycle": 130.0, "light_commercial": 980.0, "heavy_goods": 1080.0,
                  "bus": 54.0, "coach": 14.0}  # vehicle-km per inhabitant and year, all road types
ROAD_SPLIT = {"motorway": 0.32, "rural": 0.40, "urban": 0.28}
MOTORWAY = {"05974052": 2.2, "05974040": 1.9, "05974016": 1.8, "05974020": 1.7, "05974056": 1.3}  # A44 / A445


BEV_SHARE_OF_CAR_VKM = {2007: 0.0, 2011: 0.0, 2012: 0.0005, 2018: 0.004, 2020: 0.010, 2022: 0.025, 2024: 0.038}


def _by_year(points: dict[int, float], year: int) -> float:
    """Linear between the stated years (the demo's calibration points)."""
    years = sorted(points)
    if year in points:
        return points[year]
    y0 = max(y for y in years if y < year)
    y1 = min(y for y in years if y > year)
    return points[y0] + (points[y1] - points[y0]) * (year - y0) / (y1 - y0)


def write_vehicle_km(demo: Demo, rng: random.Random, out: Path) -> None:
    """Vehicle-km by road type, vehicle class and drive; cars split into combustion and battery-electric (a share
    rising from 0 in 2011 to 3.8 % in 2024; delivered as 0 before, so the cell is stated, not absent)."""
    rows = [["ags", "year", "road_type", "vehicle_class", "drive", "vehicle_km_million"]]
    for ags in demo.keys:
        for y in demo.years:
            trend = 1 + 0.004 * (y - 2007) - (0.09 if y in (2020, 2021) else 0)  # pandemic dip
            bev = _by_year(BEV_SHARE_OF_CAR_VKM, y)
            for vclass, per_person in VKM_PER_PERSON.items():
                for road, share in ROAD_SPLIT.items():
                    weight = share * (MOTORWAY.get(ags, 0.6) if road == "motorway" else 1.0)
                    vkm = demo.population[(ags, y)] * per_person * weight * trend * rng.uniform(0.98, 1.02) / 1e6
                    if vclass == "car":
                        rows.append([ags, str(y), road, vclass, "combustion", f"{vkm * (1 - bev):.4f}"])
                        rows.append([ags, str(y), road, vclass, "battery_electric", f"{vkm * bev:.4f}"])
                    else:
                        rows.append([ags, str(y), road, vclass, "combustion", f"{vkm:.4f}"])
    folder = out / "verkehr"
    folder.mkdir(parents=True, exist_ok=True)
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    (folder / "Fahrleistungen_2007-2024.csv").write_bytes(buf.getvalue().encode("utf-8"))


# Thousand train-km a year per municipality (synthetic): regional and long-distance lines Hamm–Soest–Paderborn and
# Dortmund–Soest, the Upper Ruhr valley line at Wickede, diesel freight on the WLE (Lippstadt–Erwitte–Warstein).
TRAIN_KM = {
    ("local_passenger", "electric"): {"05974040": 620, "05974028": 480, "05974052": 260, "05974020": 240,
                                      "05974008": 210, "05974048": 190, "05974056": 150},
    ("long_distance_passenger", "electric"): {"05974040": 120, "05974028": 110, "05974020": 70, "05974008": 60,
                                              "05974048": 45},
    ("freight", "electric"): {"05974040": 150, "05974028": 140, "05974020": 85, "05974048": 60, "05974008": 60,
                              "05974052": 55, "05974056": 40},
    ("freight", "diesel"): {"05974016": 45, "05974004": 30, "05974044": 40, "05974028": 30},
    ("local_passenger", "diesel"): {},
    ("long_distance_passenger", "diesel"): {},
}  # fmt: skip
COLLECTOR_M2_PER_PERSON = {2007: 0.11, 2012: 0.19, 2018: 0.26, 2024: 0.31}


def write_rail_and_solar_thermal(demo: Demo, out: Path) -> None:
    """Train-km by category and traction (0 where a municipality has no such traffic: stated, not absent) and the
    solar-thermal collector area; an rng of their own, so the other files keep their bytes."""
    rng = random.Random(SEED + 1)
    rows = [["ags", "year", "rail_category", "traction", "train_km_thousand"]]
    for ags in demo.keys:
        for y in demo.years:
            for (category, traction), per_place in TRAIN_KM.items():
                km = per_place.get(ags, 0) * (1 + 0.006 * (y - 2007)) * rng.uniform(0.97, 1.03)
                rows.append([ags, str(y), category, traction, f"{km:.1f}"])
    _write_csv(out / "verkehr" / "Zugkilometer_2007-2024.csv", rows)
    rural = {"05974024": 1.4, "05974036": 1.3, "05974032": 1.3, "05974048": 1.3, "05974004": 1.25,
             "05974028": 0.8, "05974040": 0.85}
    rows = [["ags", "year", "collector_area_m2"]]
    for ags in demo.keys:
        for y in demo.years:
            area = demo.population[(ags, y)] * _by_year(COLLECTOR_M2_PER_PERSON, y) * rural.get(ags, 1.0)
            rows.append([ags, str(y), str(round(area * rng.uniform(0.97, 1.03)))])
    _write_csv(out / "solarthermie" / "Kollektorflaechen_2007-2024.csv", rows)


def _write_csv(path: Path, rows: list[list[str]], separator: str = ",", encoding: str = "utf-8") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.StringIO()
    csv.writer(buf, delimiter=separator, lineterminator="\n").writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))


def write_context(demo: Demo, rng: random.Random, out: Path) -> None:
    """Renovations and old-building stock, EU ETS cement works, agriculture, passenger cars, degree days."""
    stock = {k: demo.population[(k, 2021)] * rng.uniform(0.095, 0.125) for k in demo.keys}
    rows = [["ags", "year", "buildings_pre_1979"]]
    for year, factor in ((2011, 1.0), (2022, 0.985)):  # Zensus 2011 and 2022
        rows += [[k, str(year), str(round(stock[k] * factor))] for k in demo.keys]
    _write_csv(out / "gebaeude" / "Zensus_Gebaeude_vor_1979.csv", rows)
    rows = [["ags", "year", "energy_renovations"]]
    for k in demo.keys:
        for y in demo.years:
            rate = 0.008 + 0.0004 * (y - 2007)  # renovations per old building and year, slowly rising
            rows.append([k, str(y), str(round(stock[k] * rate * rng.uniform(0.85, 1.15)))])
    _write_csv(out / "gebaeude" / "Energetische_Sanierungen_2007-2024.csv", rows)

    works = [("DE000000000001234", "Zementwerk Erwitte (synthetisch)", "05974016", 780_000),
             ("DE000000000001235", "Zementwerk Geseke Nord (synthetisch)", "05974020", 640_000),
             ("DE000000000001236", "Zementwerk Geseke Süd (synthetisch)", "05974020", 520_000),
             ("DE000000000001237", "Kalkwerk Warstein (synthetisch)", "05974044", 90_000)]
    rows = [["installation_id", "installation_name", "ags", "activity_code", "year", "verified_emissions_t_co2e"]]
    for iid, name, ags, base in works:
        for y in [y for y in demo.years if y >= 2008]:
            scope = 1.0 if y >= 2013 or "Kalk" not in name else 0.0  # lime works covered from phase 3 on
            if scope:
                rows.append([iid, name, ags, "29" if "Zement" in name else "30", str(y),
                             str(round(base * (1 - 0.012 * (y - 2008)) * rng.uniform(0.95, 1.05)))])
    _write_csv(out / "ets" / "EUTL_verified_emissions_2008-2024.csv", rows)

    areas = {r["ags"]: float(r["area_ha"]) for r in csv.DictReader(
        open(HERE.parent.parent / "config" / "kreis_soest" / "municipalities.csv", encoding="utf-8"))}
    rows = [["ags", "year", "emissions_t_co2e"]]
    for k in demo.keys:
        for y in demo.years:
            rows.append([k, str(y), f"{areas[k] * 3.1 * (1 - 0.006 * (y - 2007)) * rng.uniform(0.97, 1.03):.1f}"])
    _write_csv(out / "landwirtschaft" / "THG_Landwirtschaft_2007-2024.csv", rows)

    rows = [["ags", "year", "vehicle_fuel", "vehicles"]]
    real_2021 = demo.calibration["passenger_cars_2021"]
    for k in demo.keys:
        scale = real_2021[k] / (demo.population[(k, 2020)] * (0.56 + 0.004 * (2021 - 2008)))
        for y in [y for y in demo.years if y >= 2008 and y != 2021]:  # 2021: the real KBA FZ 3 (all fuels)
            cars = round(demo.population[(k, y - 1)] * (0.56 + 0.004 * (y - 2008)) * scale)
            bev = 0.0005 if y < 2015 else min(0.045, 0.0005 * 1.75 ** (y - 2014))
            phev = 0.0 if y < 2015 else min(0.03, 0.0004 * 1.7 ** (y - 2014))
            diesel = 0.32 - 0.004 * max(0, y - 2016)
            shares = {"battery_electric": bev, "plug_in_hybrid": phev, "diesel": diesel,
                      "hybrid": min(0.06, 0.002 * 1.35 ** (y - 2008)), "gas": 0.01}
            counts = {fuel: round(cars * share) for fuel, share in shares.items()}
            counts["petrol"] = cars - sum(counts.values())  # the fuels add up to the total exactly
            rows += [[k, str(y), fuel, str(n)] for fuel, n in counts.items()]
    _write_csv(out / "kba" / "Pkw_Bestand_nach_Kraftstoff_2008-2024_ohne_2021.csv", rows)

    normal = [520, 450, 400, 260, 120, 30, 10, 15, 90, 240, 390, 490]  # Kd per month, a normal year
    rows = [["Stationsnummer", "Jahr", "Monat", "Gradtagzahl"]]
    for y in demo.years:
        warmth = 1 + 0.08 * ((y * 3571) % 7 - 3) / 3 - 0.006 * (y - 2007)
        rows += [["03031", str(y), str(m), german(normal[m - 1] * warmth * rng.uniform(0.9, 1.1), 1)]
                 for m in range(1, 13)]
    path = out / "dwd" / "Gradtage_Monatswerte_03031.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    text = "# Deutscher Wetterdienst, Gradtagzahlen nach VDI 3807 (20/15), Monatswerte (synthetic demo)\n"
    text += "# Station 03031 Lippstadt-Bökenförde\n" + _csv_text(rows, "\n")
    path.write_bytes(text.encode("utf-8"))


BUILDINGS = [
    ("KS-001", "Kreishaus Soest", "Verwaltung", 18500.0, "05974040", "district_heat"),
    ("KS-002", "Berufskolleg Lippstadt", "Schule", 21400.0, "05974028", "natural_gas"),
    ("KS-003", "Hubertus-Schwartz-Berufskolleg Soest", "Schule", 16800.0, "05974040", "district_heat"),
    ("KS-004", "Börde-Berufskolleg Soest", "Schule", 14100.0, "05974040", "natural_gas"),
    ("KS-005", "Förderschule Lippstadt", "Schule", 5200.0, "05974028", "natural_gas"),
    ("KS-006", "Kreisstraßenmeisterei Warstein", "Betriebshof", 3900.0, "05974044", "natural_gas"),
    ("KS-007", "Rettungswache Lippstadt", "Rettungsdienst", 1800.0, "05974028", "natural_gas"),
    ("KS-008", "Kreisarchiv Soest", "Archiv", 2600.0, "05974040", "natural_gas"),
]


def write_facility_db(demo: Demo, rng: random.Random, out: Path) -> list[tuple]:
    """SQLite with German table and column names, as a facility-management system would have them; returns the
    readings (meter, building, carrier, date, counter, unit, kind, exchange)."""
    path = out / "facility.sqlite"
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        path.unlink()
    con = sqlite3.connect(path)
    con.executescript(
        """
        CREATE TABLE gebaeude (id TEXT PRIMARY KEY, bezeichnung TEXT NOT NULL, nutzung TEXT, bgf_m2 REAL,
                               gemeindeschluessel TEXT NOT NULL);
        CREATE TABLE zaehlerstaende (
            zaehler_id TEXT NOT NULL, gebaeude_id TEXT NOT NULL REFERENCES gebaeude(id), energietraeger TEXT NOT NULL,
            ablesedatum TEXT NOT NULL, stand REAL NOT NULL, einheit TEXT NOT NULL, art TEXT NOT NULL,
            zaehlerwechsel INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (zaehler_id, ablesedatum));
        """
    )
    con.executemany("INSERT INTO gebaeude VALUES (?, ?, ?, ?, ?)", [b[:5] for b in BUILDINGS])
    readings = []
    first, last = demo.years[0], demo.years[-1]
    for bid, _name, _use, area, _ags, heat in BUILDINGS:
        for carrier, per_m2 in (("electricity", 38.0), (heat, 120.0)):
            meter = f"{bid}-{'E' if carrier == 'electricity' else 'W'}"
            counter = round(rng.uniform(10_000, 900_000), 1)
            readings.append((meter, bid, carrier, f"{first}-01-01", counter, "kWh", "counter", 0))
            month = dt.date(first, 1, 1)
            while month < dt.date(last + 1, 1, 1):
                nxt = dt.date(month.year + (month.month == 12), month.month % 12 + 1, 1)
                year_factor = 1 - 0.022 * (month.year - 2007)  # the district's renovations pay off
                season = 1.0 if carrier == "electricity" else (1.8 if month.month in (11, 12, 1, 2, 3) else 0.35)
                use = area * per_m2 / 12 * year_factor * season * rng.uniform(0.9, 1.1)
                exchange = meter == "KS-002-W" and nxt == dt.date(2015, 6, 1)
                counter = round(use, 1) if exchange else round(counter + use, 1)
                readings.append((meter, bid, carrier, nxt.isoformat(), counter, "kWh", "counter", int(exchange)))
                month = nxt
    con.executemany("INSERT INTO zaehlerstaende VALUES (?, ?, ?, ?, ?, ?, ?, ?)", readings)
    con.commit()
    con.execute("VACUUM")
    con.close()
    return readings


BERLIN = ZoneInfo("Europe/Berlin")
INTERVAL_METERS = {"KS-001-E": "consumption", "KS-002-W": "counter"}  # the committed demo
INTERVAL_EXCHANGE = ("KS-002-W", dt.datetime(2024, 8, 15, 10, 0, tzinfo=BERLIN))  # the gas meter is replaced


def monthly_uses(readings: list[tuple]) -> dict[str, dict[tuple[int, int], float]]:
    """kWh per meter and month as the monthly readings give them (counter differences; at an exchange the reading)."""
    uses: dict[str, dict[tuple[int, int], float]] = {}
    previous: dict[str, float] = {}
    for meter, _b, _c, date, counter, _u, _k, exchange in readings:
        if meter in previous:
            month = dt.date.fromisoformat(date) - dt.timedelta(days=1)
            uses.setdefault(meter, {})[(month.year, month.month)] = counter if exchange else counter - previous[meter]
        previous[meter] = counter
    return uses


def _profile_weight(t: dt.datetime, carrier: str) -> float:
    """Relative use in the quarter hour starting at local time t: offices and schools on weekdays, 7–18 h."""
    working = t.weekday() < 5 and 7 <= t.hour < 18
    if carrier == "electricity":
        return 4.0 if working else 1.0
    return 3.0 if (t.weekday() < 5 and 5 <= t.hour < 17) else 1.5


def interval_rows(meter: str, building: str, carrier: str, kind: str, years: list[int],
                  uses: dict[tuple[int, int], float]) -> list[str]:
    """One year of quarter hours per year in `years`, each month summing (to 1 Wh) to the month's readings."""
    lines = []
    counter = 1000.0
    exchange_meter, exchange_at = INTERVAL_EXCHANGE
    if kind == "counter":
        start = dt.datetime(years[0], 1, 1, tzinfo=BERLIN)
        lines.append(f"{meter},{building},{carrier},{start.isoformat()},{counter:.3f},counter,false")
    for year in years:
        for month in range(1, 13):
            start = dt.datetime(year, month, 1, tzinfo=BERLIN)
            end = dt.datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=BERLIN)
            slots = []
            t = start.astimezone(dt.UTC)
            while t < end.astimezone(dt.UTC):
                slots.append(t.astimezone(BERLIN))
                t += dt.timedelta(minutes=15)
            weights = [_profile_weight(s, carrier) for s in slots]
            total, wsum = uses[(year, month)], sum(weights)
            values = [round(total * w / wsum, 3) for w in weights]
            values[-1] = round(total - sum(values[:-1]), 3)  # the month sums to its readings
            for slot, kwh in zip(slots, values, strict=True):
                if kind == "consumption":
                    lines.append(f"{meter},{building},{carrier},{slot.isoformat()},{kwh:.3f},consumption,false")
                    continue
                read_at = (slot.astimezone(dt.UTC) + dt.timedelta(minutes=15)).astimezone(BERLIN)  # not wall time
                exchange = meter == exchange_meter and read_at == exchange_at
                counter = kwh if exchange else counter + kwh
                lines.append(f"{meter},{building},{carrier},{read_at.isoformat()},{counter:.3f},counter,"
                             f"{'true' if exchange else 'false'}")
    return lines


def write_interval_data(readings: list[tuple], out: Path, meters: dict[str, str] | None = None,
                        years: list[int] | None = None) -> None:
    """Gzip CSV load profiles (`lastgang/`), byte-identical on every run (no time stamp in the gzip header)."""
    meters = meters or INTERVAL_METERS
    years = years or [2024]
    uses = monthly_uses(readings)
    info = {m: (b, c) for m, b, c, *_ in readings}
    folder = out / "lastgang"
    folder.mkdir(parents=True, exist_ok=True)
    for meter, kind in meters.items():
        building, carrier = info[meter]
        lines = ["meter_id,building_id,carrier,timestamp,value,kind,meter_exchange",
                 *interval_rows(meter, building, carrier, kind, years, uses[meter])]
        name = f"Lastgang_{meter}_{years[0]}-{years[-1]}.csv.gz" if len(years) > 1 else f"Lastgang_{meter}_{years[0]}.csv.gz"
        with open(folder / name, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as fh:
            fh.write(("\n".join(lines) + "\n").encode("utf-8"))


def generate(out: Path = DEFAULT_OUT, interval_meters: dict[str, str] | None = None,
             interval_years: list[int] | None = None) -> list[Path]:
    cal = yaml.safe_load(CALIBRATION.read_text(encoding="utf-8"))
    years = list(range(cal["years"]["first"], cal["years"]["last"] + 1))
    rng = random.Random(SEED)
    demo = Demo(cal, years, population_series(cal, years, rng))
    out.mkdir(parents=True, exist_ok=True)
    write_population(demo, out)
    write_electricity(demo, electricity_by_group(demo, rng), out)
    write_gas(demo, gas_by_group(demo, rng), out)
    write_heat(demo, heat_by_group(demo, rng), out)
    write_heat_factors(demo, out)
    units = mastr_units(demo, rng)
    write_mastr(demo, units, rng, out)
    write_eeg(demo, units, rng, out)
    write_chimney(demo, rng, out)
    write_vehicle_km(demo, rng, out)
    write_context(demo, rng, out)
    write_rail_and_solar_thermal(demo, out)
    readings = write_facility_db(demo, rng, out)
    write_interval_data(readings, out, interval_meters, interval_years)
    write_measures(out)
    (out / "README.md").write_text(
        "# Synthetic demo deliveries: Kreis Soest\n\n"
        "**synthetic_demo** — generated by `python -m sources.demo.generate`, calibrated to published figures "
        "(`sources/demo/kreis_soest_calibration.yaml`). Not real partner data. Do not edit by hand: a test "
        "regenerates these files and compares them byte by byte.\n",
        encoding="utf-8",
    )
    return sorted(p for p in out.rglob("*") if p.is_file())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder (default: the committed demo)")
    parser.add_argument("--interval-meters", choices=["demo", "all"], default="demo",
                        help="15-minute data for the two demo meters (default) or every meter of the facility database")
    parser.add_argument("--interval-years", default="2024", help="year or range FIRST-LAST of 15-minute data")
    args = parser.parse_args()
    first, _, last = args.interval_years.partition("-")
    years = list(range(int(first), int(last or first) + 1))
    meters = None
    if args.interval_meters == "all":
        meters = {f"{b[0]}-{suffix}": kind for b in BUILDINGS for suffix, kind in (("E", "consumption"),
                                                                                     ("W", "counter"))}
    files = generate(args.out, meters, years)
    print(f"wrote {len(files)} files to {args.out}")


if __name__ == "__main__":
    main()
