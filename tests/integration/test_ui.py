"""`klimamonitor ui` starts the Dagster UI on the project's workspace: the asset graph with groups, no warnings."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from ..conftest import PROJECT_ROOT, stop_process_group


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.integration
def test_ui_serves_the_asset_graph_without_supersession_warnings(data_dir, tmp_path):
    port = _free_port()
    log = tmp_path / "ui.log"
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "pipelines.cli", "ui", "--data-dir", str(data_dir), "--host", "127.0.0.1",
             "--port", str(port)],
            cwd=PROJECT_ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    try:
        query = json.dumps({"query": "{ assetNodes { assetKey { path } groupName } shouldShowNux }"}).encode()
        nodes = None
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                req = urllib.request.Request(f"http://127.0.0.1:{port}/graphql", data=query,
                                             headers={"content-type": "application/json"})
                with urllib.request.urlopen(req, timeout=5) as resp:
                    data = json.load(resp)["data"]
                    nodes = data["assetNodes"]
                    break
            except OSError:
                time.sleep(1)
        assert nodes, f"the UI did not answer; log:\n{log.read_text()}"
        groups = {n["assetKey"]["path"][-1]: n["groupName"] for n in nodes}
        assert groups["municipalities"] == "core" and groups["release"] == "publish"
        assert data["shouldShowNux"] is False  # no community pop-up over the first view
    finally:
        stop_process_group(proc)
    text = log.read_text()
    assert "SupersessionWarning" not in text and "superseded" not in text
    assert (data_dir / ".dagster" / "dagster.yaml").read_text().count("enabled: false") == 2  # telemetry, nux
    assert f"Dagster UI on http://127.0.0.1:{port}" in text


def _descendants(pid: int) -> set[int]:
    """Every process below `pid` (from /proc: children of children ...)."""
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = open(f"/proc/{entry}/stat").read()
            except OSError:
                continue
            parents.setdefault(int(stat.rsplit(")", 1)[1].split()[1]), []).append(int(entry))
    found, todo = set(), [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        return open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.integration
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_ui_stops_all_its_processes_on_a_signal_to_its_pid(data_dir, tmp_path, sig, record_property):
    """The webserver, the daemon and the code server go with `klimamonitor ui` when its PID alone gets SIGINT or
    SIGTERM (as from `kill` or a service manager, not Ctrl-C to the whole terminal group)."""
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "pipelines.cli", "ui", "--data-dir", str(data_dir), "--port",
                             str(port)], cwd=PROJECT_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    started: set[int] = set()
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:  # waits for a state: the UI answers
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/server_info", timeout=5):
                    break
            except OSError:
                time.sleep(1)
        started = _descendants(proc.pid)
        assert len(started) >= 3, started  # dagster dev, the webserver, the daemon (and code servers)
        os.kill(proc.pid, sig)
        proc.wait(timeout=90)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and any(_alive(p) for p in started):
            time.sleep(0.5)
        left = [p for p in started if _alive(p)]
        assert not left, left
    finally:
        for p in [p for p in started if _alive(p)]:  # only what this test started, should the test fail
            os.kill(p, signal.SIGKILL)
        if proc.poll() is None:
            proc.kill()
    record_property("figure:faults injected", 1)
