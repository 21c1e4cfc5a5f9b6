"""Benchmark: aggregation of 15-minute meter data with DuckDB (sources/interval.py) against a plain pandas baseline,
in the same run. Prints readings, wall time, readings per second and peak memory (RSS) of each, and their ratios.

    python benchmarks/interval_aggregation.py --readings 1000000           # quick
    python benchmarks/interval_aggregation.py --readings 50000000 --no-baseline   # the 50-million-reading case

Generated data go to a temporary folder (gzip-compressed CSV, written in chunks) and are deleted afterwards.
"""

from __future__ import annotations

import argparse
import gzip
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

QUARTER_HOURS_PER_YEAR = 35_136


def generate(path: Path, readings: int) -> None:
    meters = max(1, readings // QUARTER_HOURS_PER_YEAR)
    start = 1_704_063_600  # 2024-01-01 00:00 Europe/Berlin as a Unix time
    with gzip.open(path, "wt", encoding="utf-8", compresslevel=1) as fh:
        fh.write("meter_id,building_id,carrier,timestamp,value,kind,meter_exchange\n")
        per_meter = readings // meters
        for m in range(meters):
            lines = []
            for i in range(per_meter):
                ts = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(start + 900 * i))
                lines.append(f"M{m:05d},B{m // 2:05d},electricity,{ts},{1 + (i % 7) * 0.25},consumption,false\n")
                if len(lines) == 100_000:
                    fh.writelines(lines)
                    lines = []
            fh.writelines(lines)


def measure(kind: str, path: Path) -> dict:
    """Run one aggregation in a fresh process; its peak RSS is what it needed."""
    code = {
        "duckdb": "from sources.interval import daily_consumption; import sys; "
                  "print(len(daily_consumption([sys.argv[1]])))",
        "pandas": "import pandas as pd, sys; f = pd.read_csv(sys.argv[1]); "
                  "f['day'] = pd.to_datetime(f['timestamp'], utc=True).dt.tz_convert('Europe/Berlin').dt.date; "
                  "print(len(f.groupby(['meter_id', 'day'])['value'].agg(['sum', 'count'])))",
    }[kind]
    code += "; import resource; print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True,
                            cwd=Path(__file__).resolve().parent.parent, check=True)
    seconds = time.perf_counter() - started
    groups, peak_kb = (int(x) for x in result.stdout.split())
    return {"kind": kind, "seconds": round(seconds, 2), "groups": groups, "peak_rss_mb": round(peak_kb / 1024, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--readings", type=int, default=1_000_000)
    parser.add_argument("--no-baseline", action="store_true", help="skip pandas (it needs memory ∝ readings)")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="klimamonitor-bench-"))
    free = shutil.disk_usage(folder).free
    if free < args.readings * 20:
        sys.exit(f"not enough free disk space in {folder}: {free / 1e9:.1f} GB")
    try:
        path = folder / "lastgang.csv.gz"
        generate(path, args.readings)
        results = [measure("duckdb", path)]
        if not args.no_baseline:
            results.append(measure("pandas", path))
        for r in results:
            r["readings_per_second"] = round(args.readings / r["seconds"])
            print(f"{r['kind']:<7} {args.readings:>12,} readings  {r['seconds']:8.2f} s  "
                  f"{r['readings_per_second']:>12,} readings/s  peak RSS {r['peak_rss_mb']:8.1f} MB")
        if len(results) == 2:
            print(f"ratio pandas/duckdb: time {results[1]['seconds'] / results[0]['seconds']:.1f}x, "
                  f"memory {results[1]['peak_rss_mb'] / results[0]['peak_rss_mb']:.1f}x")
        print(json.dumps({"readings": args.readings, "results": results}))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
