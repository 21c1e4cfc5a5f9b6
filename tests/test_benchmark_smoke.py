"""The scale benchmark at its smallest size, as a smoke test: it generates, runs the pipeline, measures every stage and
the pandas baselines, judges each row of the performance table, cleans up and writes its JSON (figures are not
judged here; benchmarks/README.md has them). The demo row is skipped: the suite runs the demo anyway."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_scale_benchmark_runs_at_the_small_size(tmp_path):
    out = tmp_path / "scale_tiny.json"
    result = subprocess.run([sys.executable, "benchmarks/scale.py", "--size", "tiny", "--skip", "demo", "--out",
                             str(out)], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    report = json.loads(next(line for line in result.stdout.splitlines() if line.startswith("JSON "))[5:])
    assert json.loads(out.read_text(encoding="utf-8")) == report
    assert report["exit_code"] == 0 and report["municipalities"] == 6
    assert {"raw", "core", "balance", "indicators", "publish", "validation"} <= set(report["stages"])
    assert report["stages"]["balance"]["rows"] > 0 and report["peak_rss_mb"] > 0
    assert report["baseline"]["cells"] == 6 * 3 * 8  # municipalities × years × (sector, carrier) pairs
    assert 0 < report["validation_share"] < 1
    assert report["interval"]["pipeline"]["groups"] == report["interval"]["pandas"]["groups"] > 0  # same days
    rows = {t["key"]: t for t in report["targets"]}
    assert set(rows) == {"demo_to_import_floor", "raw_core_balance_to_pandas", "mastr_to_pandas",
                         "interval_speed_vs_pandas", "incremental_share", "full_run", "validation_share"}
    assert rows["demo_to_import_floor"]["reached"] is None  # skipped: no figure, no verdict
    assert rows["full_run"]["reached"] is None  # its target is the country's
    assert all(isinstance(rows[k]["reached"], bool) for k in ("raw_core_balance_to_pandas", "incremental_share"))
