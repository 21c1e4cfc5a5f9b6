"""Benchmark: the whole pipeline at the size of a district, a state or the country, on deterministic synthetic
deliveries in the partners' real formats, against a plain pandas baseline of the same core work in the same run.

    python benchmarks/scale.py --size tiny            # a smoke test (CI): 6 municipalities, 3 years
    python benchmarks/scale.py --size soest           # 14 municipalities × 2007–2024
    python benchmarks/scale.py --size nrw             # 396 municipalities
    python benchmarks/scale.py --size germany         # 10,800 municipalities (by hand; minutes, GBs)

Generated per size: the region (municipalities.csv), grid operators' electricity and gas sheets per year (cp1252,
`;`, German numbers, header block), a GENESIS population flat file, a Marktstammdatenregister web export
of about the real size (Soest 35,000, NRW 594,000, Germany 5 million units; `--mastr-units` per municipality), the
facility database's buildings with a year of 15-minute load profiles (200 buildings for NRW and Germany) and the
factor set; then `klimamonitor run` in a fresh process, and an incremental run taking in one corrected sheet.

Printed per stage (landing, raw, core, balance, indicators, publish; checks as "validation"): wall time, rows
written, rows per second; the run's peak RSS and the step it was reached in; validation's share; the incremental
run as a share of the full one; and two pandas baselines in the same run — the grid sheets read and summed to final
energy per municipality, year, sector and carrier (against the pipeline's raw + core + balance stages), and the
unit export read and summed to capacity per municipality and carrier (against parsing and aggregating the units).
Also measured in the same command, each in a fresh process: the import floor (`python -c "import dagster, pandas,
great_expectations, duckdb, pyarrow, sqlalchemy"`, the best of three) against the bundled demo's main job on an empty
data directory, and the 15-minute interval aggregation with its validation (`sources.interval.aggregate_days`) against
pandas on the same generated readings (10 million from the size `soest` up). Each row of the performance table in
benchmarks/README.md is then judged against its target (`targets` in the JSON: value, target, reached).

The report is printed, then written as JSON with the machine to `benchmarks/results/scale_<size>.json` (`--out` to
write it elsewhere) and printed on one line prefixed `JSON `. Free disk is checked first; the generated data are
deleted afterwards unless `--keep` (the path is printed).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from interval_aggregation import QUARTER_HOURS_PER_YEAR, generate as write_load_profiles

ROOT = Path(__file__).resolve().parent.parent
SIZES = {  # municipalities, first year, last year, Marktstammdatenregister units per municipality
    "tiny": (6, 2019, 2021, 20),
    "soest": (14, 2007, 2024, 2_500),   # Kreis Soest has about 35,000 units
    "nrw": (396, 2007, 2024, 1_500),    # NRW about 600,000
    "germany": (10_800, 2007, 2024, 463),  # Germany about 5 million
}
BUILDINGS = {"tiny": 2, "soest": 20, "nrw": 200, "germany": 200}  # public buildings with 15-minute load profiles
INTERVAL_READINGS = {"tiny": 200_000, "soest": 10_000_000, "nrw": 10_000_000, "germany": 10_000_000}
IMPORT_FLOOR = "import dagster, pandas, great_expectations, duckdb, pyarrow, sqlalchemy"
TECHNOLOGY_MIX = [("Solare Strahlungsenergie", 0.90, 3, 30), ("Wind", 0.02, 1500, 5000), ("Biomasse", 0.03, 50, 800),
                  ("Wasser", 0.01, 10, 500), ("Speicher", 0.04, 5, 20)]  # carrier, share, kW from, kW to
# customer group, sector, MWh per inhabitant, inhabitants per metering point
GROUPS = {"electricity": [("SLP Haushalt", "households", 0.8, 2), ("SLP Gewerbe", "commerce", 0.9, 15),
                          ("RLM Industrie", "industry", 2.0, 500), ("Kommunale Einrichtungen", "municipal", 0.1, 400)],
          "natural_gas": [("SLP Haushalt", "households", 4.5, 2), ("SLP Gewerbe", "commerce", 2.0, 20),
                          ("RLM Industrie", "industry", 3.5, 600), ("Kommunale Einrichtungen", "municipal", 0.4, 500)]}


def german(value: float) -> str:
    return f"{value:,.0f}".replace(",", ".")


def german_decimal(value: float) -> str:
    """1234.5678 → '1.234,568' (thousands dot, decimal comma), as the Marktstammdatenregister writes."""
    return f"{value:,.3f}".replace(",", " ").replace(".", ",").replace(" ", ".")


def region(n: int) -> tuple[str, str, list[tuple[str, str]]]:
    """(region key, region name, [(key, name)]): one district for up to 60 municipalities, else districts of 27
    municipalities over the states in order (a whole state or the country)."""
    if n <= 60:
        return "09799000", "Landkreis Musterland", [(f"09799{i * 3 + 100:03d}", f"Gemeinde {i + 1}") for i in range(n)]
    keys = []
    states = [f"{s:02d}" for s in range(1, 17)] if n > 1000 else ["05"]
    per_state = -(-n // len(states))
    for state in states:
        for i in range(per_state):
            district, municipality = divmod(i, 27)
            keys.append((f"{state}{district // 50 + 1}{district % 50 + 1:02d}{municipality * 7 + 1:03d}",
                         f"Gemeinde {state}-{i + 1}"))
    keys = keys[:n]
    return ("05000000", "Land Nordrhein-Westfalen", keys) if len(states) == 1 else ("00000000", "Deutschland", keys)


def generate(folder: Path, size: str, mastr_per_municipality: int, seed: int = 2012) -> tuple[Path, Path]:
    """The deliveries and a configuration; returns (configuration, grid folder)."""
    n, first, last, _ = SIZES[size]
    rng = random.Random(seed)
    ags, name, places = region(n)
    folder.mkdir(parents=True, exist_ok=True)
    population = {key: rng.randint(800, 60_000) for key, _ in places}
    (folder / "municipalities.csv").write_text(
        "ags,name,kind,area_ha\n" + f"{ags},{name},district,{n * 4000}\n"
        + "".join(f"{key},{label},municipality,{rng.randint(800, 9000)}\n" for key, label in places), encoding="utf-8")
    grid = folder / "grid"
    grid.mkdir(exist_ok=True)
    for carrier, groups in GROUPS.items():
        for year in range(first, last + 1):
            trend = 1 - 0.012 * (year - first)
            basis = "Brennwertbezug: Hs\n" if carrier == "natural_gas" else ""
            lines = [f"Netzbetreiber: Synthetische Netz GmbH\nNetzabsatz {carrier} nach Gemeinden\nBerichtsjahr: {year}\n"
                     f"Einheit: MWh\n{basis}\nGemeindeschlüssel;Gemeinde;Kundengruppe;Zählpunkte;Energiemenge\n"]
            for key, label in places:
                for group, _, per_head, per_meter in groups:
                    mwh = population[key] * per_head * trend * rng.uniform(0.8, 1.2)
                    lines.append(f"{key};{label};{group};{german(population[key] / per_meter + 3)};{german(mwh)}\n")
            (grid / f"Netzabsatz_{carrier}_{year}.csv").write_bytes("".join(lines).encode("cp1252", "replace"))
    stats = folder / "statistik"
    stats.mkdir(exist_ok=True)
    with open(stats / "12411_flat.csv", "w", encoding="utf-8") as fh:
        fh.write("statistics_code;time;1_variable_code;1_variable_attribute_code;value_variable_code;value\n")
        for year in range(first, last + 1):
            for key, _ in places:
                fh.write(f"12411;31.12.{year};GEMEIN;{key};BEVSTD;{population[key] + (year - first) * 3}\n")
    mastr = folder / "mastr"
    mastr.mkdir(exist_ok=True)
    with open(mastr / "Stromerzeugungseinheiten.csv", "w", encoding="utf-8-sig") as fh:
        fh.write("MaStR-Nr. der Einheit;Anzeige-Name der Einheit;Betriebs-Status;Energieträger;Bruttoleistung der "
                 "Einheit;Nettonennleistung der Einheit;Inbetriebnahmedatum der Einheit;Datum der endgültigen "
                 "Stilllegung;Gemeindeschlüssel\n")
        carriers = [c for c, *_ in TECHNOLOGY_MIX]
        weights = [w for _, w, *_ in TECHNOLOGY_MIX]
        ranges = {c: (lo, hi) for c, _, lo, hi in TECHNOLOGY_MIX}
        unit = 0
        for key, _ in places:
            chunk = []
            for carrier in rng.choices(carriers, weights, k=mastr_per_municipality):
                unit += 1
                kw = rng.uniform(*ranges[carrier])
                closed = rng.random() < 0.03
                status = "Endgültig stillgelegt" if closed else "In Betrieb"
                start = rng.randint(1995, last)
                end = f"{rng.randint(1, 28):02d}.06.{rng.randint(start, last)}" if closed else ""
                chunk.append(f"SEE{unit:012d};Einheit {unit};{status};{carrier};{german_decimal(kw)};"
                             f"{german_decimal(kw * 0.95)};{rng.randint(1, 28):02d}.{rng.randint(1, 12):02d}.{start};"
                             f"{end};{key}\n")
            fh.write("".join(chunk))
    groups = {g: s for carrier in GROUPS.values() for g, s, _, _ in carrier}
    buildings = BUILDINGS[size]
    facility = folder / "gebaeude"
    (facility / "lastgang").mkdir(parents=True, exist_ok=True)
    with open(facility / "buildings.csv", "w", encoding="utf-8") as fh:  # the facility database's snapshot
        fh.write("building_id,building_name,building_use,gross_floor_area_m2,ags\n")
        for b in range(buildings):
            fh.write(f"B{b:06d},Gebäude {b + 1},Schule,{rng.randint(800, 12000)},{places[b % n][0]}\n")
    # two meters per building (every 4th a gas counter), every quarter hour of 2024 (benchmarks/interval_aggregation)
    write_load_profiles(facility / "lastgang" / "Lastgang_2024.csv.gz", 2 * buildings * QUARTER_HOURS_PER_YEAR)
    config = {
        "district": {"id": f"scale_{size}", "name": name, "ags": ags, "municipalities": "municipalities.csv",
                     "years": {"first": first, "last": last}},
        "data_origin": "synthetic_demo",
        "sources": [
            *[{"id": f"grid_{carrier}", "partner": "Synthetische Netz GmbH", "connector": "file_drop",
               "location": "grid", "format": "grid_sheet",
               "options": {"pattern": f"Netzabsatz_{carrier}_*.csv", "carrier": carrier, "encoding": "cp1252"},
               "mappings": {"customer_groups": groups}} for carrier in GROUPS],
            {"id": "population", "partner": "Statistikamt", "connector": "file_drop", "location": "statistik",
             "format": "genesis_population", "options": {"pattern": "*.csv"}},
            {"id": "mastr", "partner": "Bundesnetzagentur", "connector": "file_drop", "location": "mastr",
             "format": "mastr_csv", "options": {"pattern": "*.csv"}},
            {"id": "facility_db", "partner": "Gebäudemanagement", "connector": "file_drop", "location": "gebaeude",
             "format": "facility_db", "options": {"pattern": "*.csv"}},
            {"id": "facility_interval", "partner": "Messstellenbetreiber", "connector": "file_drop",
             "location": "gebaeude/lastgang", "format": "interval_csv", "options": {"pattern": "*.csv.gz"}},
            {"id": "emission_factors", "partner": "klimamonitor", "connector": "file_drop",
             "location": str(ROOT / "config" / "kreis_soest" / "factors"), "format": "emission_factors"},
        ],
        "validation": {"severity": {"inputs_complete": "warn", "electricity_per_inhabitant_plausible": "warn"}},
        "balance": {"factor_set": "lca_compiled_2026", "interpolate": ["electricity"],
                    "required_cells": {"electricity": ["households"]}},
    }
    import yaml

    path = folder / "district.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path, grid


MASTR_STEPS = ("parse_raw_mastr__units", "electricity_generation")  # MaStR aggregation: units parsed → capacity
STEP = re.compile(r"\[\s*\d+/\d+\]\s+(\S+)\s+(ok|FAILED|skipped)\s+([\d.]+) s(?:\s+([\d,]+) rows)?"
                  r"(?:\s+peak ([\d,]+) MB)?")


def _stage(step: str) -> str:
    """The stage of a progress line: an asset's layer from the catalog; anything else is a check."""
    from warehouse.catalog import all_tables

    if step == "landing__deliveries":
        return "landing"
    if step == "release":
        return "publish"
    if step.startswith("parse_"):
        return "raw"
    table = all_tables().get(step)
    return table.layer if table else "validation"


def run_pipeline(config: Path, data: Path, *extra: str) -> dict:
    """`klimamonitor run` in a fresh process: per-stage seconds and rows, peak RSS, exit code."""
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "pipelines.cli", "run", "--no-history", "--config", str(config),
                             "--data-dir", str(data), *extra], cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    stages: dict[str, dict] = {}
    mastr_seconds = 0.0
    peak_step, peak_step_mb = None, 0.0
    for step, status, secs, rows, peak in STEP.findall(result.stdout):
        if status == "skipped":
            continue
        if peak and float(peak.replace(",", "")) > peak_step_mb:  # the step during which the peak was reached
            peak_step, peak_step_mb = step, float(peak.replace(",", ""))
        if step in MASTR_STEPS:
            mastr_seconds += float(secs)
        entry = stages.setdefault(_stage(step), {"seconds": 0.0, "rows": 0})
        entry["seconds"] += float(secs)
        entry["rows"] += int(rows.replace(",", "")) if rows else 0
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"exit_code": result.returncode, "seconds": round(seconds, 2), "peak_rss_mb": round(peak_mb, 1),
            "mastr_seconds": round(mastr_seconds, 2), "peak_reached_in": peak_step,
            "stages": {k: {"seconds": round(v["seconds"], 2), "rows": v["rows"],
                           "rows_per_second": round(v["rows"] / v["seconds"]) if v["seconds"] else None}
                       for k, v in stages.items()},
            "tail": (result.stdout[-1500:] + result.stderr[-1500:]) if result.returncode else ""}


BASELINE = """
import glob, sys, pandas as pd
groups = {g: s for g, s in [%s]}
frames = []
for path in sorted(glob.glob(sys.argv[1] + "/Netzabsatz_*.csv")):
    carrier = path.rsplit("Netzabsatz_", 1)[1].rsplit("_", 1)[0]
    year = int(path.rsplit("_", 1)[1][:4])
    f = pd.read_csv(path, sep=";", skiprows=6 if "natural_gas" in path else 5, encoding="cp1252", dtype=str)
    f["mwh"] = pd.to_numeric(f["Energiemenge"].str.replace(".", "", regex=False).str.replace(",", ".", regex=False))
    frames.append(f.assign(year=year, carrier=carrier, sector=f["Kundengruppe"].map(groups)))
cells = pd.concat(frames).groupby(["Gemeindeschlüssel", "year", "sector", "carrier"])["mwh"].sum()
print(len(cells))
"""


def run_incremental(config: Path, data: Path, grid: Path, year: int) -> dict:
    """One new delivery after the full run: the grid operator corrects its electricity sheet of `year` (every value
    1 % higher, a new file); `klimamonitor run --years YEAR` takes it in. Wall time of that run."""
    sheet = grid / f"Netzabsatz_electricity_{year}.csv"
    text = sheet.read_bytes().decode("cp1252")
    head, _, body = text.partition("Energiemenge\n")
    lines = [line.rsplit(";", 1) for line in body.splitlines()]
    corrected = "".join(f"{rest};{german(float(v.replace('.', '')) * 1.01)}\n" for rest, v in lines)
    (grid / f"Netzabsatz_electricity_{year}_korrigiert.csv").write_bytes(
        (head + "Energiemenge\n" + corrected).encode("cp1252"))
    run = run_pipeline(config, data, "--years", str(year))
    return {"seconds": run["seconds"], "exit_code": run["exit_code"]}  # (peak RSS: children's maximum, not its own)


MASTR_BASELINE = """
import sys, pandas as pd
f = pd.read_csv(sys.argv[1], sep=";", decimal=",", thousands=".", encoding="utf-8-sig", dtype={"Gemeindeschlüssel": str},
                usecols=["Betriebs-Status", "Energieträger", "Bruttoleistung der Einheit", "Gemeindeschlüssel"])
kw = f[f["Betriebs-Status"] == "In Betrieb"].groupby(["Gemeindeschlüssel", "Energieträger"])["Bruttoleistung der Einheit"].sum()
print(len(f), len(kw))
"""


def run_mastr_baseline(export: Path) -> dict:
    """pandas reading the unit export and summing operating capacity per municipality and carrier (no checks)."""
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-c", MASTR_BASELINE, str(export)], capture_output=True, text=True,
                            check=True)
    units, cells = (int(v) for v in result.stdout.split()[-2:])
    return {"seconds": round(time.perf_counter() - started, 2), "units": units, "cells": cells}


def run_baseline(grid: Path) -> dict:
    pairs = ", ".join(f"({g!r}, {s!r})" for carrier in GROUPS.values() for g, s, _, _ in carrier)
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-c", BASELINE % pairs, str(grid)], capture_output=True, text=True,
                            check=True)
    return {"seconds": round(time.perf_counter() - started, 2), "cells": int(result.stdout.split()[-1])}


def _timed(*command: str, **kwargs) -> tuple[float, subprocess.CompletedProcess]:
    started = time.perf_counter()
    result = subprocess.run(list(command), cwd=ROOT, capture_output=True, text=True, **kwargs)
    return time.perf_counter() - started, result


def run_demo_against_import_floor(folder: Path) -> dict:
    """The bundled demo's main job (`klimamonitor run`, embedded default configuration) in a fresh process on an
    empty data directory, against the import floor: the same interpreter importing the libraries (best of three)."""
    floor = min(_timed(sys.executable, "-c", IMPORT_FLOOR, check=True)[0] for _ in range(3))
    env = {**os.environ, "DAGSTER_HOME": str(folder / "demo_home")}
    (folder / "demo_home").mkdir(parents=True, exist_ok=True)
    seconds, result = _timed(sys.executable, "-m", "pipelines.cli", "run", "--no-history", "--data-dir",
                             str(folder / "demo_data"), env=env)
    return {"seconds": round(seconds, 2), "exit_code": result.returncode, "import_floor_seconds": round(floor, 2),
            "ratio_to_import_floor": round(seconds / floor, 2),
            "tail": (result.stdout[-1500:] + result.stderr[-1500:]) if result.returncode else ""}


def run_interval_against_pandas(folder: Path, readings: int) -> dict:
    """`sources.interval.aggregate_days` (validation, counters, duplicates, line numbers) against pandas reading and
    summing the same readings per meter and day, each in a fresh process (benchmarks/interval_aggregation.py)."""
    from interval_aggregation import generate as write_readings, measure

    path = folder / "interval_readings.csv.gz"
    write_readings(path, readings)
    pipeline, pandas = measure("duckdb", path, readings), measure("pandas", path, readings)
    path.unlink()
    return {"readings": readings, "pipeline": pipeline, "pandas": pandas,
            "speed_vs_pandas": round(pandas["seconds"] / pipeline["seconds"], 2),
            "memory_vs_pandas": round(pipeline["peak_rss_mb"] / pandas["peak_rss_mb"], 2)}


def judged(report: dict) -> list[dict]:
    """Each row of the performance table (benchmarks/README.md) with its figure from this run and its target."""
    def row(key: str, measure: str, value, target: str, reached) -> dict:
        return {"key": key, "measure": measure, "value": value, "target": target,
                "reached": None if value is None or reached is None else bool(reached)}

    demo, interval = report.get("demo"), report.get("interval")
    ratio = report["baseline"]["ratio_pipeline_raw_core_balance_to_pandas"]
    mastr = report["mastr"]["ratio_pipeline_to_pandas"]
    share = report["incremental"]["share_of_full_run"]
    national = report["size"] == "germany"
    return [
        row("demo_to_import_floor", "demo main job, fresh process, empty data directory ÷ import floor",
            demo and demo["ratio_to_import_floor"], "≤ 2×", demo and demo["ratio_to_import_floor"] <= 2),
        row("raw_core_balance_to_pandas", "raw + core + balance ÷ check-free pandas baseline", ratio, "≤ 5×",
            ratio is not None and ratio <= 5),
        row("mastr_to_pandas", "Marktstammdatenregister parse, check, aggregate ÷ pandas read-and-sum", mastr,
            "≤ 1.5×", mastr is not None and mastr <= 1.5),
        row("interval_speed_vs_pandas", f"interval aggregation with validation vs pandas "
            f"({interval['readings']:,} readings)" if interval else "interval aggregation with validation vs pandas",
            interval and interval["speed_vs_pandas"], "≥ 2× as fast, memory flat",
            interval and interval["speed_vs_pandas"] >= 2 and interval["memory_vs_pandas"] <= 1),
        row("incremental_share", "incremental run (one corrected delivery-year) ÷ full run", share, "≤ 10 %",
            share <= 0.10),
        row("full_run", "full run: seconds and peak RSS (target for Germany)",
            {"seconds": report["seconds"], "peak_rss_mb": report["peak_rss_mb"]}, "≤ 150 s, ≤ 3 GB peak (Germany)",
            (report["seconds"] <= 150 and report["peak_rss_mb"] <= 3072) if national else None),
        row("validation_share", "validation share of run time", report["validation_share"], "≤ 15 %",
            report["validation_share"] is not None and report["validation_share"] <= 0.15),
    ]


def markdown_table(reports: list[dict]) -> str:
    """The performance table of benchmarks/README.md from reports of several sizes (benchmarks/results/*.json): a
    row per target, a column per size with its figure and whether it is reached."""
    def cell(t: dict) -> str:
        v = t["value"]
        if v is None:
            return "not measured"
        text = f"{v['seconds']:,.0f} s, {v['peak_rss_mb']:,.0f} MB" if isinstance(v, dict) else (
            f"{v:.0%}" if t["key"] in ("incremental_share", "validation_share") else f"{v:g}×")
        return text + ("" if t["reached"] is None else " ✓" if t["reached"] else " ✗")

    rows = {}
    for report in reports:
        for t in report["targets"]:
            rows.setdefault(t["key"], {"measure": t["measure"], "target": t["target"]})[report["size"]] = cell(t)
    sizes = [r["size"] for r in reports]
    lines = [f"| measure | target | {' | '.join(sizes)} |", "|---|---|" + "---|" * len(sizes)]
    lines += [f"| {r['measure']} | {r['target']} | {' | '.join(r.get(s, '') for s in sizes)} |" for r in rows.values()]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", choices=sorted(SIZES), default="tiny")
    parser.add_argument("--mastr-units", type=int, help="Marktstammdatenregister units per municipality (default: "
                        "the size's, about the real count: Germany 463 × 10,800 = 5 million)")
    parser.add_argument("--keep", action="store_true", help="keep the generated data (the path is printed)")
    parser.add_argument("--skip", default="", help="comma-separated rows not to measure: demo, interval (the CI smoke "
                        "test skips the demo, which the suite runs anyway)")
    parser.add_argument("--table", nargs="+", type=Path, metavar="JSON",
                        help="print the README's performance table from these result files and stop")
    parser.add_argument("--out", type=Path, help="where to write the JSON report (default: "
                        "benchmarks/results/scale_<size>.json)")
    args = parser.parse_args()
    if args.table:
        print(markdown_table([json.loads(p.read_text(encoding="utf-8")) for p in args.table]))
        return
    n, first, last, per_municipality = SIZES[args.size]
    args.mastr_units = per_municipality if args.mastr_units is None else args.mastr_units
    skip = {name for name in args.skip.split(",") if name}
    if skip - {"demo", "interval"}:
        parser.error(f"--skip takes demo and interval, not {', '.join(sorted(skip - {'demo', 'interval'}))}")
    folder = Path(tempfile.mkdtemp(prefix=f"klimamonitor-scale-{args.size}-"))
    needed = n * (last - first + 1) * 8 * 120 * 20 + n * args.mastr_units * 200  # deliveries, warehouse, releases
    free = shutil.disk_usage(folder).free
    if free < needed:
        shutil.rmtree(folder)
        sys.exit(f"not enough free disk space in {folder}: {free / 1e9:.1f} GB free, {needed / 1e9:.1f} GB needed")
    try:
        started = time.perf_counter()
        config, grid = generate(folder / "deliveries", args.size, args.mastr_units)
        generated_s = round(time.perf_counter() - started, 2)
        run = run_pipeline(config, folder / "data")
        baseline = run_baseline(grid)  # before the incremental run adds a corrected sheet
        incremental = run_incremental(config, folder / "data", grid, last)
        mastr_baseline = run_mastr_baseline(folder / "deliveries" / "mastr" / "Stromerzeugungseinheiten.csv")
        interval = None if "interval" in skip else run_interval_against_pandas(folder, INTERVAL_READINGS[args.size])
        demo = None if "demo" in skip else run_demo_against_import_floor(folder)
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    core_work = sum(run["stages"].get(s, {}).get("seconds", 0) for s in ("raw", "core", "balance"))
    validation = run["stages"].get("validation", {}).get("seconds", 0.0)
    report = {"benchmark": "scale", "size": args.size, "municipalities": n, "years": [first, last],
              "machine": platform.machine(), "cpus": os.cpu_count(), "python": platform.python_version(),
              "generated_s": generated_s, **{k: v for k, v in run.items() if k != "tail"},
              "validation_share": round(validation / run["seconds"], 3) if run["seconds"] else None,
              "baseline": {**baseline, "ratio_pipeline_raw_core_balance_to_pandas":
                           round(core_work / baseline["seconds"], 2) if baseline["seconds"] else None},
              "incremental": {**incremental, "share_of_full_run": round(incremental["seconds"] / run["seconds"], 3)},
              "mastr": {"units": n * args.mastr_units, "pipeline_seconds": run["mastr_seconds"],
                        "baseline": mastr_baseline,
                        "ratio_pipeline_to_pandas": round(run["mastr_seconds"] / mastr_baseline["seconds"], 2)
                        if mastr_baseline["seconds"] else None},
              "interval": interval, "demo": demo and {k: v for k, v in demo.items() if k != "tail"},
              "measured_on": time.strftime("%Y-%m-%d")}
    report["targets"] = judged(report)
    print(f"size {args.size}: {n:,} municipalities × {last - first + 1} years, generated in {generated_s} s"
          + (f" (kept in {folder})" if args.keep else ""))
    print(f"{'stage':<12} {'seconds':>9} {'rows':>12} {'rows/s':>12}")
    for stage, v in sorted(run["stages"].items()):
        print(f"{stage:<12} {v['seconds']:>9.2f} {v['rows']:>12,} {v['rows_per_second'] or 0:>12,}")
    print(f"run: {run['seconds']} s wall, exit {run['exit_code']}, peak RSS {run['peak_rss_mb']:,.0f} MB "
          f"(reached in {run['peak_reached_in']}), "
          f"validation {report['validation_share'] or 0:.0%}")
    print(f"baseline (pandas, grid sheets → final energy cells): {baseline['seconds']} s; pipeline raw+core+balance "
          f"{core_work:.2f} s = {report['baseline']['ratio_pipeline_raw_core_balance_to_pandas']}× the baseline")
    inc = report["incremental"]
    print(f"incremental: a corrected {last} electricity sheet taken in by `run --years {last}` in {inc['seconds']} s "
          f"= {inc['share_of_full_run']:.0%} of the full run (exit {inc['exit_code']})")
    m = report["mastr"]
    print(f"MaStR: {m['units']:,} units parsed, checked and aggregated in {m['pipeline_seconds']} s; pandas reading and "
          f"summing them (no checks): {m['baseline']['seconds']} s = {m['ratio_pipeline_to_pandas']}× the baseline")
    if interval:
        print(f"interval: {interval['readings']:,} readings aggregated with validation in "
              f"{interval['pipeline']['seconds']} s ({interval['pipeline']['peak_rss_mb']:,.0f} MB); pandas without "
              f"checks {interval['pandas']['seconds']} s ({interval['pandas']['peak_rss_mb']:,.0f} MB): "
              f"{interval['speed_vs_pandas']}× as fast, memory {interval['memory_vs_pandas']}×")
    if demo:
        print(f"demo: main job in a fresh process on an empty data directory {demo['seconds']} s (exit "
              f"{demo['exit_code']}); import floor {demo['import_floor_seconds']} s: {demo['ratio_to_import_floor']}×")
    print(f"{'target':<28} {'value':>26}  {'target':<30} reached")
    for t in report["targets"]:
        value = t["value"] if not isinstance(t["value"], dict) else f"{t['value']['seconds']} s, " \
            f"{t['value']['peak_rss_mb']:,.0f} MB"
        print(f"{t['key']:<28} {str(value):>26}  {t['target']:<30} "
              f"{'—' if t['reached'] is None else 'yes' if t['reached'] else 'no'}")
    if run["exit_code"]:
        print(run["tail"])
    if demo and demo["exit_code"]:
        print(demo["tail"])
    out = args.out or ROOT / "benchmarks" / "results" / f"scale_{args.size}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    partial.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    partial.replace(out)  # atomic: a reader never sees half a report
    print(f"written: {out}")
    print("JSON " + json.dumps(report))
    failed = run["exit_code"] or incremental["exit_code"] or (demo and demo["exit_code"])
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
