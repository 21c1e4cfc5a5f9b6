"""Runs interrupted by a kill (SIGKILL, out of memory, the machine stopped) are recognised and closed, so that
`klimamonitor status` tells the truth and the daemon's queue (one run at a time) does not wait for them for ever.

A `klimamonitor run` tags its Dagster run (`klimamonitor/launched_by = cli`, its pid) and holds the data directory's
run lock while it runs; it records itself as running in `.runs/last_run.json` before it starts. When the lock is
free, nobody runs: a run still recorded as running, or still STARTED/STARTING in Dagster, was interrupted. It is
marked failed — in `.runs/last_run.json` and in Dagster (a RUN_FAILURE event) — by the next `klimamonitor run`, by
`klimamonitor status` and by the daemon's `close_interrupted_runs` sensor. Runs the daemon launches itself are
watched by Dagster's run monitoring (enabled in the generated dagster.yaml).
"""

from __future__ import annotations

import json
from pathlib import Path

from pipelines.lock import RunLock

LAUNCHED_BY_TAG = "klimamonitor/launched_by"
PID_TAG = "klimamonitor/pid"
INTERRUPTED = ("interrupted: the process ended before the run finished (killed, out of memory or the machine "
               "stopped); nothing it did is lost, run `klimamonitor run` again")


def interrupted_record(record: dict) -> dict:
    """A `.runs/last_run.json` record of a run that never finished, as a failed run."""
    return {**record, "running": False, "success": False, "failures": [*record.get("failures", []), INTERRUPTED]}


def close_interrupted_runs(data_dir: Path, instance=None, lock_held: bool = False) -> list[str]:
    """Close what an interrupted run left behind; returns what was closed, in words. `lock_held`: the caller holds
    the run lock itself (the next `klimamonitor run`), so nobody else runs."""
    if not lock_held and not RunLock(data_dir).is_free():
        return []  # a run is in progress now
    closed = []
    last_run = Path(data_dir) / ".runs" / "last_run.json"
    if last_run.exists():
        record = json.loads(last_run.read_text(encoding="utf-8"))
        if record.get("running"):
            from warehouse.files import atomic_write_text

            atomic_write_text(last_run, json.dumps(interrupted_record(record), indent=1, ensure_ascii=False))
            closed.append(f"run started {record.get('started_at')} (pid {record.get('pid')})")
    if instance is not None:
        from dagster import DagsterRunStatus, RunsFilter

        runs = instance.get_runs(filters=RunsFilter(statuses=[DagsterRunStatus.STARTED, DagsterRunStatus.STARTING],
                                                    tags={LAUNCHED_BY_TAG: "cli"}))
        for run in runs:
            instance.report_run_failed(run, message=f"klimamonitor: {INTERRUPTED}")
            closed.append(f"Dagster run {run.run_id}")
    return closed
