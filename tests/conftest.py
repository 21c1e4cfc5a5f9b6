"""Shared fixtures: temporary data directories, the demo configuration, and reachability of local services.

Tests that need a service (PostgreSQL, MariaDB, ...) use the `postgres_url`/`mariadb_url` fixtures: on a laptop
without the service they skip with the reason; with CI=true they fail instead, so CI never silently skips them.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest

from assets.config import DEFAULT_CONFIG

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# Figures the reliability tests report (cases tried, faults injected, secrets leaked, data lost), printed at the end.
# Tests record them with `record_property("figure:<name>", value)`; the values travel with the test reports (also
# from xdist workers) and are summed here.
FIGURES: dict[str, int] = {}


def pytest_runtest_logreport(report):
    if report.when != "teardown":
        return
    for name, value in report.user_properties:
        if name.startswith("figure:"):
            FIGURES[name[len("figure:"):]] = FIGURES.get(name[len("figure:"):], 0) + int(value)


def pytest_terminal_summary(terminalreporter):
    if FIGURES:
        terminalreporter.section("reliability figures")
        for name, value in FIGURES.items():
            terminalreporter.write_line(f"{name}: {value}")


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    d = tmp_path / "data"
    d.mkdir()
    return d


@pytest.fixture
def demo_config() -> Path:
    return DEFAULT_CONFIG


@contextmanager
def _exclusive(lock_file: Path):
    """Hold an exclusive lock on a file (fcntl): the xdist workers take turns."""
    with open(lock_file, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def record_demo_run(shared: Path) -> None:
    """Run the main job twice on the demo into `shared`/demo_run and leave its record there (a failed run is
    recorded too), unless a record exists: under a lock, so whoever comes first runs it and the others wait."""
    from click.testing import CliRunner

    from pipelines.cli import main
    from warehouse.release import latest_release

    root = shared / "demo_run"
    record = root / "record.json"
    with _exclusive(shared / "demo_run.lock"):
        if record.exists():
            return
        (root / "home").mkdir(parents=True, exist_ok=True)
        (root / "home" / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
        data = root / "data"
        outputs: dict[str, object] = {"data": str(data)}
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("DAGSTER_HOME", str(root / "home"))
            for var in ("KLIMAMONITOR_CONFIG", "KLIMAMONITOR_DATA_DIR"):  # the demo, whatever the shell has set
                mp.delenv(var, raising=False)
            for run in ("first", "second"):
                result = CliRunner().invoke(main, ["run", "--data-dir", str(data)])
                outputs[run], outputs[f"{run}_exit"] = result.output, result.exit_code
                outputs[f"release_{1 if run == 'first' else 2}"] = str(latest_release(data) or "")
                if result.exit_code:
                    break
        record.write_text(json.dumps(outputs))


_WARM_UP: list[subprocess.Popen] = []


@pytest.hookimpl(trylast=True)
def pytest_configure(config):
    """The whole suite on xdist workers: the controller starts the demo run at once in a process of its own, so the
    workers run other tests meanwhile instead of one running it while the other waits for it (a minute of two
    cores). Only for a run of the whole suite (no paths given): a run of a few files may not need it at all."""
    whole_suite = list(config.args) in (list(config.getini("testpaths")), [str(config.rootpath)], ["."])
    if (os.environ.get("PYTEST_XDIST_WORKER") or not getattr(config.option, "numprocesses", None)
            or config.option.collectonly or not whole_suite):
        return
    shared = config._tmp_path_factory.getbasetemp()
    log = open(shared / "demo_run_warm_up.log", "w")  # noqa: SIM115 (open for the process's lifetime)
    _WARM_UP.append(subprocess.Popen(
        [sys.executable, "-c", "import sys; from pathlib import Path; from tests.conftest import record_demo_run; "
         "record_demo_run(Path(sys.argv[1]))", str(shared)], cwd=PROJECT_ROOT, stdout=log, stderr=subprocess.STDOUT))


def pytest_unconfigure(config):
    for process in _WARM_UP:
        if process.poll() is None:  # the session ended early (-x, ^C): the warm-up is not needed any more
            process.kill()
        process.wait()


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory):
    """The main job run twice on the demo (the second run sees the same deliveries): outputs and releases.

    Run once per test session, not once per xdist worker: the first to ask (usually the controller's warm-up,
    `pytest_configure`) runs it under a lock in the session's shared temporary folder, the others wait and read the
    record it leaves (a failed run is recorded too, so every worker reports the same failure). Tests only read it;
    a test that changes data copies it first."""
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    record_demo_run(shared)
    outputs = json.loads((shared / "demo_run" / "record.json").read_text())
    for run in ("first", "second"):
        assert outputs.get(f"{run}_exit") == 0, f"{run} demo run: " + str(outputs.get(run))
    return {"data": Path(outputs["data"]), "first": outputs["first"], "second": outputs["second"],
            "release_1": Path(outputs["release_1"]), "release_2": Path(outputs["release_2"])}


@pytest.fixture(autouse=True)
def _isolated_dagster_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster_home"))
    (tmp_path / "dagster_home").mkdir(exist_ok=True)
    (tmp_path / "dagster_home" / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    for var in ("KLIMAMONITOR_CONFIG", "KLIMAMONITOR_DATA_DIR"):
        monkeypatch.delenv(var, raising=False)


def service_available(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def require_service(name: str, port: int) -> None:
    if service_available("127.0.0.1", port):
        return
    message = f"{name} is not reachable on 127.0.0.1:{port}"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{message}, and CI=true requires it (start it in .ci/run)")
    pytest.skip(f"{message}; start it to run this test")


POSTGRES_URL = os.environ.get("KLIMAMONITOR_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
MARIADB_URL = os.environ.get("KLIMAMONITOR_TEST_MARIADB_URL", "mysql+pymysql://root@127.0.0.1:3306/test")


@pytest.fixture
def postgres_url() -> str:
    require_service("PostgreSQL", 5432)
    return POSTGRES_URL


@pytest.fixture
def mariadb_url() -> str:
    require_service("MariaDB", 3306)
    return MARIADB_URL


def pytest_collection_modifyitems(items):
    """Every test under tests/integration/ runs the whole pipeline (or the UI, or the CLI on a run): marked
    `integration`, so `pytest -m "not integration"` is the quick unit suite. The files with tests on the demo run
    go last (a worker takes a file whole; the order otherwise kept): by the time a worker reaches them, the warm-up
    (`pytest_configure`) has run it."""
    for item in items:
        if "integration" in item.path.parts:
            item.add_marker(pytest.mark.integration)
    on_demo = {item.path for item in items if "demo_run" in getattr(item, "fixturenames", ())}
    items.sort(key=lambda item: item.path in on_demo)


def stop_process_group(proc, timeout_s: float = 20) -> None:
    """Stop a process started with `start_new_session=True` and everything it started: SIGTERM to its group, then
    SIGKILL if it has not ended within `timeout_s`."""
    import signal
    import subprocess

    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
