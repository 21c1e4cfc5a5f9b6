"""Benchmark: 15-minute meter data aggregated per meter and local day by `sources.interval.aggregate_days` (DuckDB,
typed copy on disk, memory limit) against a plain pandas baseline, in the same run. Every measurement runs in a fresh
process, so its peak RSS is what that aggregation needed.

    python benchmarks/interval_aggregation.py                                   # 1 and 3 million readings
    python benchmarks/interval_aggregation.py --readings 1e6,1e7,5e7 --baseline-max 1e7   # the 50-million case

Prints per size: readings, wall time, readings per second, peak RSS, and the ratios pandas/DuckDB; then the same as
JSON (one line, prefixed `JSON `). The files are generated with DuckDB (gzip CSV, a quarter of the meters cumulative
counters), in a temporary folder that is checked for free space first and deleted afterwards.

The pandas baseline does less than the pipeline: it reads the file, converts the times to local days and sums and
counts per meter and day (no validation, no counter differences, no duplicate detection). It is the floor of what a
hand-written pandas version would cost, with all readings in memory.
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUARTER_HOURS_PER_YEAR = 35_136  # 2024, a leap year
BYTES_PER_READING_GZ = 8  # measured: about 3.5 for this generator; kept generous


def generate(path: Path, readings: int) -> None:
    """Readings of 2024 for as many meters as needed, in file order meter by meter; every 4th meter a counter."""
    import duckdb

    per_meter = QUARTER_HOURS_PER_YEAR
    con = duckdb.connect()
    con.execute("SET preserve_insertion_order = true")
    con.execute(
        f"""
        COPY (
            SELECT 'M' || lpad(CAST(i // {per_meter} AS VARCHAR), 6, '0') AS meter_id,
                   'B' || lpad(CAST(i // {per_meter} // 2 AS VARCHAR), 6, '0') AS building_id,
                   CASE WHEN (i // {per_meter}) % 4 = 3 THEN 'natural_gas' ELSE 'electricity' END AS carrier,
                   strftime(TIMESTAMP '2023-12-31 23:00:00' + to_seconds(900 * (i % {per_meter})),
                            '%Y-%m-%dT%H:%M:%S+00:00') AS timestamp,
                   CASE WHEN (i // {per_meter}) % 4 = 3
                        THEN round(k + 0.25 * (21 * (k // 7) + (k % 7) * ((k % 7) - 1) / 2), 2)
                        ELSE 1 + (k % 7) * 0.25 END AS value,
                   CASE WHEN (i // {per_meter}) % 4 = 3 THEN 'counter' ELSE 'consumption' END AS kind,
                   'false' AS meter_exchange
            FROM (SELECT i, i % {per_meter} AS k FROM range({readings}) t(i))
        ) TO '{path}' (HEADER, COMPRESSION gzip)
        """
    )
    con.close()


AGGREGATIONS = {
    "duckdb": "from sources.interval import aggregate_days; import sys; "
              "print(len(aggregate_days(sys.argv[1]).days))",
    "pandas": "import pandas as pd, sys; f = pd.read_csv(sys.argv[1]); "
              "f['day'] = pd.to_datetime(f['timestamp'], utc=True).dt.tz_convert('Europe/Berlin').dt.date; "
              "print(len(f.groupby(['meter_id', 'day'])['value'].agg(['sum', 'count'])))",
}


def measure(kind: str, path: Path, readings: int) -> dict:
    code = AGGREGATIONS[kind] + "; import resource; print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, cwd=ROOT,
                            check=True)
    seconds = time.perf_counter() - started
    groups, peak_kb = (int(x) for x in result.stdout.split())
    return {"kind": kind, "readings": readings, "seconds": round(seconds, 2), "groups": groups,
            "readings_per_second": round(readings / seconds), "peak_rss_mb": round(peak_kb / 1024, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--readings", default="1e6,3e6", help="comma-separated sizes (default: 1e6,3e6)")
    parser.add_argument("--baseline-max", type=float, default=1e7,
                        help="largest size the pandas baseline runs at (it holds every reading in memory)")
    args = parser.parse_args()
    sizes = [int(float(s)) for s in args.readings.split(",")]
    folder = Path(tempfile.mkdtemp(prefix="klimamonitor-bench-"))
    needed = max(sizes) * BYTES_PER_READING_GZ * 3  # the file, DuckDB's typed copy, spill
    free = shutil.disk_usage(folder).free
    if free < needed:
        shutil.rmtree(folder)
        sys.exit(f"not enough free disk space in {folder}: {free / 1e9:.1f} GB free, {needed / 1e9:.1f} GB needed")
    results = []
    try:
        for readings in sizes:
            path = folder / f"lastgang_{readings}.csv.gz"
            started = time.perf_counter()
            generate(path, readings)
            print(f"generated {readings:,} readings ({path.stat().st_size / 1e6:.0f} MB gzip) in "
                  f"{time.perf_counter() - started:.1f} s", flush=True)
            kinds = ["duckdb"] + (["pandas"] if readings <= args.baseline_max else [])
            row = {kind: measure(kind, path, readings) for kind in kinds}
            for r in row.values():
                print(f"  {r['kind']:<7} {readings:>12,} readings  {r['seconds']:8.2f} s  "
                      f"{r['readings_per_second']:>12,} readings/s  peak RSS {r['peak_rss_mb']:8.1f} MB", flush=True)
            if "pandas" in row:
                print(f"  ratio pandas/duckdb: time {row['pandas']['seconds'] / row['duckdb']['seconds']:.2f}x, "
                      f"memory {row['pandas']['peak_rss_mb'] / row['duckdb']['peak_rss_mb']:.2f}x", flush=True)
            results += row.values()
            path.unlink()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    duck = [r for r in results if r["kind"] == "duckdb"]
    if len(duck) > 1:
        print(f"DuckDB peak RSS from {duck[0]['readings']:,} to {duck[-1]['readings']:,} readings: "
              f"{duck[0]['peak_rss_mb']:.0f} → {duck[-1]['peak_rss_mb']:.0f} MB "
              f"({duck[-1]['peak_rss_mb'] / duck[0]['peak_rss_mb']:.2f}x for "
              f"{duck[-1]['readings'] / duck[0]['readings']:.0f}x the readings)")
    machine = {"machine": platform.machine(), "cpus": __import__("os").cpu_count(), "python": platform.python_version()}
    print("JSON " + json.dumps({"benchmark": "interval_aggregation", **machine, "results": results}))


if __name__ == "__main__":
    main()
