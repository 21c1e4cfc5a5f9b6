"""The scale benchmark at its smallest size, as a smoke test: it generates, runs the pipeline, measures every stage and
the pandas baseline, cleans up and prints its JSON (figures are not judged here; benchmarks/README.md has them)."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_scale_benchmark_runs_at_the_small_size():
    result = subprocess.run([sys.executable, "benchmarks/scale.py", "--size", "tiny"], cwd=ROOT, capture_output=True,
                            text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    report = json.loads(next(line for line in result.stdout.splitlines() if line.startswith("JSON "))[5:])
    assert report["exit_code"] == 0 and report["municipalities"] == 6
    assert {"raw", "core", "balance", "indicators", "publish", "validation"} <= set(report["stages"])
    assert report["stages"]["balance"]["rows"] > 0 and report["peak_rss_mb"] > 0
    assert report["baseline"]["cells"] == 6 * 3 * 8  # municipalities × years × (sector, carrier) pairs
    assert 0 < report["validation_share"] < 1
