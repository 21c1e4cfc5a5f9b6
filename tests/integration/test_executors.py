"""A multi-year backfill of the year-partitioned assets (the year range 2020–2021 in one run, as their single-run
backfill policy does it) on Dagster's multiprocess executor and on the Celery executor with a real worker process and
the RabbitMQ broker on 127.0.0.1: every step runs in another process, every year's partitions are written.

The district is built once in process first; the backfill then recomputes the partitioned chain (inputs, final energy,
emissions and their checks), which keeps the number of step processes, each importing Dagster, small."""

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from dagster import AssetKey, DagsterEventType, DagsterInstance, execute_job, reconstructable

from pipelines.cli import main
from pipelines.automation import year_range_tags
from pipelines.definitions import BROKER_ENV, main_celery_job, main_job

from ..conftest import require_service
from ..configs import write_config

ROOT = Path(__file__).resolve().parents[2]
CHAIN = [AssetKey("core_energy__inputs"), AssetKey("final_energy"), AssetKey("emissions")]
BASELINE = ROOT / "tests" / "corpus" / "_baseline" / "grid_electricity" / "Netzabsatz_Strom_2020.csv"
BROKER = "pyamqp://guest:guest@127.0.0.1:5672//"


@pytest.fixture
def district(tmp_path, monkeypatch):
    """A two-year district with its data directory and a persistent instance, named by the environment the way a
    deployment names them (worker processes read the same variables)."""
    drop = tmp_path / "drop"
    drop.mkdir()
    shutil.copy(BASELINE, drop)
    sheet = BASELINE.read_bytes().decode("cp1252").replace("Berichtsjahr: 2020", "Berichtsjahr: 2021")
    (drop / "Netzabsatz_Strom_2021.csv").write_bytes(sheet.encode("cp1252"))
    cfg = write_config(tmp_path / "district.yaml", [{
        "id": "westnetz_electricity", "partner": "Westnetz GmbH", "connector": "file_drop", "location": str(drop),
        "format": "grid_sheet", "options": {"pattern": "*.csv", "carrier": "electricity", "encoding": "cp1252"},
        "mappings": {"customer_groups": {"SLP Haushalt": "households", "SLP Gewerbe": "commerce",
                                         "RLM Industrie": "industry"}}}])
    home = tmp_path / "instance"
    home.mkdir()
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    for name, value in {"KLIMAMONITOR_CONFIG": str(cfg), "KLIMAMONITOR_DATA_DIR": str(tmp_path / "data"),
                        "DAGSTER_HOME": str(home)}.items():
        monkeypatch.setenv(name, value)
    first = CliRunner().invoke(main, ["run", "--no-history"])
    assert first.exit_code == 0, first.output
    for table in ("final_energy", "emissions"):  # the backfill must write them again
        shutil.rmtree(tmp_path / "data" / "warehouse" / table)
    return tmp_path / "data"


def _step_pids(instance, run_id) -> set[int]:
    records = instance.get_records_for_run(run_id, of_type=DagsterEventType.STEP_START).records
    return {r.event_log_entry.dagster_event.pid for r in records}


def _years_written(data: Path) -> list[int]:
    frame = pd.read_parquet(data / "warehouse" / "final_energy")
    return sorted(frame["year"].unique())


def test_backfill_on_the_multiprocess_executor(district):
    with DagsterInstance.get() as instance:
        result = execute_job(reconstructable(main_job), instance=instance, tags=year_range_tags(2020, 2021),
                             asset_selection=CHAIN,
                             run_config={"execution": {"config": {"multiprocess": {"max_concurrent": 2}}}})
        assert result.success
        pids = _step_pids(instance, result.run_id)
    assert os.getpid() not in pids and len(pids) >= 3  # one process per step
    assert _years_written(district) == [2020, 2021]


@pytest.fixture
def celery_worker(district, tmp_path):
    require_service("RabbitMQ", 5672)
    config = tmp_path / "celery.yaml"
    config.write_text(f"broker: '{BROKER}'\nbackend: 'rpc://'\n")
    log = tmp_path / "worker.log"
    worker = subprocess.Popen(
        [str(Path(sys.executable).parent / "dagster-celery"), "worker", "start", "-A", "dagster_celery.app", "-y",
         str(config), "-n", f"klimamonitor-test-{os.getpid()}", "--", "--concurrency=2", "--pool=prefork"],
        cwd=ROOT, env={**os.environ, BROKER_ENV: BROKER,
                       "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"},
        stdout=log.open("w"), stderr=subprocess.STDOUT,
        start_new_session=True)  # its own process group: `dagster-celery` starts `celery` as a child
    deadline = time.monotonic() + 60
    while "ready" not in log.read_text(errors="replace"):
        if worker.poll() is not None or time.monotonic() > deadline:
            os.killpg(worker.pid, signal.SIGKILL)
            pytest.fail(f"the Celery worker did not start:\n{log.read_text(errors='replace')[-3000:]}")
        time.sleep(0.5)
    try:
        yield worker
    finally:  # stop the whole group, so no worker outlives the test and takes another run's tasks
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
        deadline = time.monotonic() + 30
        while _group_alive(worker.pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        if _group_alive(worker.pid):
            os.killpg(worker.pid, signal.SIGKILL)


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def test_backfill_on_the_celery_executor(district, celery_worker, monkeypatch):
    monkeypatch.setenv(BROKER_ENV, BROKER)
    with DagsterInstance.get() as instance:
        result = execute_job(reconstructable(main_celery_job), instance=instance, tags=year_range_tags(2020, 2021),
                             asset_selection=CHAIN)
        assert result.success
        pids = _step_pids(instance, result.run_id)
        engine_events = instance.get_records_for_run(result.run_id, of_type=DagsterEventType.ENGINE_EVENT).records
    assert os.getpid() not in pids and len(pids) >= 2  # the worker's pool processes ran the steps
    assert any("celery" in (r.event_log_entry.user_message or "").lower() for r in engine_events)
    assert _years_written(district) == [2020, 2021]
