"""Killed runs (issue #26): a `klimamonitor run` killed with SIGKILL mid-run is reported as failed by `status` and
closed, and the real `dagster-daemon` then launches the run waiting in the queue. A module of its own, so that the
test workers share the slow attack tests (tests/integration/test_attacks.py) with these."""

import json
import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from pipelines.cli import main

from ..conftest import stop_process_group
from .test_attacks import _attack
from .test_fault_injection import ROOT, _district


def test_a_killed_run_is_reported_failed_and_does_not_block_the_queue(tmp_path, record_property):
    """`klimamonitor run` (with run history) killed with SIGKILL mid-run: `status` reports it as failed (exit 1)
    instead of the older successful run, and Dagster's run storage has no run left in progress — the condition
    under which the daemon's queue (one run at a time) launches the next run."""
    import json
    import signal
    import time

    from dagster import DagsterInstance, DagsterRunStatus, RunsFilter
    from dagster._core.storage.dagster_run import IN_PROGRESS_RUN_STATUSES

    cfg = _district(tmp_path)
    data = tmp_path / "data"
    env = {**os.environ, "DAGSTER_HOME": str(data / ".dagster")}
    command = [sys.executable, "-m", "pipelines.cli", "run", "--config", str(cfg), "--data-dir", str(data)]
    first = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert first.returncode == 0, first.stdout[-2000:]
    run = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    last_run = data / ".runs" / "last_run.json"
    deadline = time.monotonic() + 300  # waits for a state, not a duration: the run has begun its Dagster run
    while time.monotonic() < deadline and not json.loads(last_run.read_text()).get("running"):
        time.sleep(0.2)
    for line in run.stdout:
        if "landing__deliveries" in line:  # the first step finished: the Dagster run is STARTED
            break
    run.send_signal(signal.SIGKILL)
    run.wait(timeout=60)

    os.environ["DAGSTER_HOME"] = str(data / ".dagster")
    with DagsterInstance.get() as instance:
        stuck = instance.get_runs(filters=RunsFilter(statuses=IN_PROGRESS_RUN_STATUSES))
    assert len(stuck) == 1  # the hole: a killed run stays STARTED

    status = CliRunner().invoke(main, ["status", "--config", str(cfg), "--data-dir", str(data)])
    assert status.exit_code == 1, status.output
    assert "FAILED" in status.output and "interrupted: the process ended before the run finished" in status.output
    with DagsterInstance.get() as instance:
        assert not instance.get_runs(filters=RunsFilter(statuses=IN_PROGRESS_RUN_STATUSES))
        assert instance.get_run_by_id(stuck[0].run_id).status == DagsterRunStatus.FAILURE
    again = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stdout[-2000:]
    assert CliRunner().invoke(main, ["status", "--config", str(cfg), "--data-dir", str(data)]).output.count(
        "succeeded") == 1
    record_property("figure:faults injected", 1)
    _attack(record_property, 1, 1)


def test_after_a_killed_run_the_daemon_launches_the_queued_run(tmp_path, record_property):
    """The queue behind a kill, with the real `dagster-daemon`: a `klimamonitor run` (with run history) is killed
    with SIGKILL mid-run and stays STARTED in Dagster's run storage; the next run is submitted with Dagster's own
    `dagster job launch` and waits in the instance's queue (one run at a time). The daemon, started on the
    project's workspace, closes the killed run (the close_interrupted_runs sensor) and then launches the queued one,
    which succeeds."""
    import signal
    import time

    from dagster import DagsterInstance, DagsterRunStatus

    from assets.config import CONFIG_ENV, DATA_DIR_ENV
    from pipelines.automation import year_range_tags

    cfg = _district(tmp_path)
    data = tmp_path / "data"
    env = {**os.environ, "DAGSTER_HOME": str(data / ".dagster"), CONFIG_ENV: str(cfg), DATA_DIR_ENV: str(data),
           "PYTHONWARNINGS": "ignore"}
    killed = subprocess.Popen([sys.executable, "-m", "pipelines.cli", "run", "--config", str(cfg), "--data-dir",
                               str(data)], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    for line in killed.stdout:
        if "landing__deliveries" in line:  # the first step finished: the Dagster run is STARTED
            break
    killed.send_signal(signal.SIGKILL)
    killed.wait(timeout=60)

    bin_dir = Path(sys.executable).parent
    launch = subprocess.run([str(bin_dir / "dagster"), "job", "launch", "-w", str(ROOT / "workspace.yaml"), "-j", "main",
                             "--tags", json.dumps(year_range_tags(2020, 2021))], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=300)
    assert launch.returncode == 0, launch.stdout[-2000:] + launch.stderr[-2000:]
    os.environ["DAGSTER_HOME"] = env["DAGSTER_HOME"]  # (the autouse fixture restores it)
    with DagsterInstance.get() as instance:
        runs = {r.status: r.run_id for r in instance.get_runs()}
    assert set(runs) == {DagsterRunStatus.STARTED, DagsterRunStatus.QUEUED}  # the killed run blocks the queue

    log = (tmp_path / "daemon.log").open("w")
    daemon = subprocess.Popen([str(bin_dir / "dagster-daemon"), "run", "-w", str(ROOT / "workspace.yaml")], cwd=ROOT,
                              env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 300  # waits for a state, not a duration
        while time.monotonic() < deadline:
            with DagsterInstance.get() as instance:
                queued = instance.get_run_by_id(runs[DagsterRunStatus.QUEUED])
                if queued.status in (DagsterRunStatus.SUCCESS, DagsterRunStatus.FAILURE, DagsterRunStatus.CANCELED):
                    break
            time.sleep(1)
        with DagsterInstance.get() as instance:
            assert instance.get_run_by_id(runs[DagsterRunStatus.STARTED]).status == DagsterRunStatus.FAILURE
            assert instance.get_run_by_id(runs[DagsterRunStatus.QUEUED]).status == DagsterRunStatus.SUCCESS, \
                (tmp_path / "daemon.log").read_text()[-3000:]
    finally:
        stop_process_group(daemon, timeout_s=60)
        log.close()
    status = CliRunner().invoke(main, ["status", "--config", str(cfg), "--data-dir", str(data)])
    assert status.exit_code == 0, status.output  # the newest run, the daemon's, succeeded
    assert f"last run: {runs[DagsterRunStatus.QUEUED]}" in status.output and "succeeded" in status.output
    assert "launched from the UI or `dagster job launch`" in status.output
    record_property("figure:faults injected", 1)
    _attack(record_property, 1, 1)
