"""Two runs started at once on one data directory: one refuses with a clear message (or waits with --wait), neither
corrupts the other; a killed run leaves no stale lock."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from warehouse.release import latest_release, verify_release

from ..configs import write_config

BASELINE = Path(__file__).resolve().parent.parent / "corpus" / "_baseline" / "grid_electricity"
CLI = [sys.executable, "-m", "pipelines.cli"]


def _config(tmp_path: Path) -> Path:
    import shutil

    drop = tmp_path / "drop"
    shutil.copytree(BASELINE, drop)
    return write_config(tmp_path / "district.yaml", [{
        "id": "westnetz_electricity", "partner": "Westnetz GmbH", "connector": "file_drop", "location": str(drop),
        "format": "grid_sheet", "options": {"pattern": "*.csv", "carrier": "electricity", "encoding": "cp1252"},
        "mappings": {"customer_groups": {"SLP Haushalt": "households", "SLP Gewerbe": "commerce",
                                         "RLM Industrie": "industry"}}}])


def _start(cfg: Path, data: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen([*CLI, "run", "--no-history", "--config", str(cfg), "--data-dir", str(data), *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            cwd=Path(__file__).resolve().parents[2])


def test_two_runs_at_once_one_refuses_then_both_with_wait(tmp_path):
    cfg, data = _config(tmp_path), tmp_path / "data"
    runs = [_start(cfg, data), _start(cfg, data)]
    outputs = [r.communicate(timeout=300)[0] for r in runs]
    codes = sorted(r.returncode for r in runs)
    assert codes == [0, 1], outputs
    refused = outputs[[r.returncode for r in runs].index(1)]
    assert "another run is using" in refused and "pid" in refused and "--wait" in refused
    first_release = latest_release(data)
    verify_release(first_release)

    runs = [_start(cfg, data, "--wait", "300"), _start(cfg, data, "--wait", "300")]
    outputs = [r.communicate(timeout=600)[0] for r in runs]
    assert [r.returncode for r in runs] == [0, 0], outputs
    verify_release(latest_release(data))  # every file's sha256 as the manifest says: nothing half-written
    assert latest_release(data) != first_release


def test_a_killed_run_leaves_no_stale_lock(tmp_path):
    cfg, data = _config(tmp_path), tmp_path / "data"
    holder = subprocess.Popen([sys.executable, "-c", "import sys, time; from pipelines.lock import RunLock; "
                               f"lock = RunLock({str(data)!r}).__enter__(); print('held', flush=True); time.sleep(60)"],
                              stdout=subprocess.PIPE, text=True, cwd=Path(__file__).resolve().parents[2])
    assert holder.stdout.readline().strip() == "held"
    refused = _start(cfg, data)
    output = refused.communicate(timeout=120)[0]
    assert refused.returncode == 1 and f"pid {holder.pid}" in output
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()
    started = time.monotonic()
    after = _start(cfg, data)
    output = after.communicate(timeout=300)[0]
    assert after.returncode == 0, output  # the OS released the lock with the killed process
    assert time.monotonic() - started < 120
