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

from ..conftest import PROJECT_ROOT


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
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    text = log.read_text()
    assert "SupersessionWarning" not in text and "superseded" not in text
    assert (data_dir / ".dagster" / "dagster.yaml").read_text().count("enabled: false") == 2  # telemetry, nux
    assert f"Dagster UI on http://127.0.0.1:{port}" in text
