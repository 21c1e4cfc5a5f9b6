"""The project-local Dagster instance: DATA_DIR/.dagster with telemetry and the community pop-up off, shared by
`klimamonitor run` and the UI."""

from __future__ import annotations

import os
from pathlib import Path

DAGSTER_YAML = """\
# Written by klimamonitor. Local run and event storage (SQLite) for this data directory.
# For production storage on PostgreSQL see deploy/ (docs/operations.md).
telemetry:
  enabled: false
# No "join the community" pop-up over the UI's first view.
nux:
  enabled: false
# Runs launched from the UI, sensors and schedules wait in a queue and run one at a time (one data directory).
run_coordinator:
  module: dagster.core.run_coordinator
  class: QueuedRunCoordinator
  config:
    max_concurrent_runs: 1
# Runs whose worker died (killed, out of memory) are marked failed by the daemon, so the queue never waits for them;
# runs of `klimamonitor run` that were killed are closed by the next run, by `status` and by the
# close_interrupted_runs sensor (pipelines/interrupted.py).
run_monitoring:
  enabled: true
  start_timeout_seconds: 180
  max_resume_run_attempts: 0
  poll_interval_seconds: 60
"""


def ensure_dagster_home(data_dir: Path) -> Path:
    """Create DATA_DIR/.dagster with a dagster.yaml (telemetry and the community pop-up off) and point DAGSTER_HOME
    at it; a dagster.yaml written before the pop-up setting existed gets it added."""
    home = Path(data_dir).resolve() / ".dagster"
    home.mkdir(parents=True, exist_ok=True)
    cfg = home / "dagster.yaml"
    if not cfg.exists():
        cfg.write_text(DAGSTER_YAML)
    elif "nux:" not in (text := cfg.read_text()):
        cfg.write_text(text.rstrip("\n") + "\nnux:\n  enabled: false\n")
    os.environ["DAGSTER_HOME"] = str(home)
    return home
