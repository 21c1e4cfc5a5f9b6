"""Fault injection: the main job killed with SIGKILL at many points, a database connection dropped mid-read, and the
file-size limit (`ulimit -f`) hit while writing. After every fault the data directory is consistent — no Parquet file
that cannot be read, `published/latest` a complete release, every landed delivery byte-identical to its sha256 — and
an undisturbed run afterwards publishes exactly what a run that was never disturbed publishes."""

import hashlib
import json
import resource
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
import sqlalchemy as sa

from sources.connectors import ConnectorError, fetch_sql
from warehouse.files import TMP_PREFIX
from warehouse.release import latest_release, verify_release

from ..configs import write_config

ROOT = Path(__file__).resolve().parents[2]
BASELINE = ROOT / "tests" / "corpus" / "_baseline" / "grid_electricity" / "Netzabsatz_Strom_2020.csv"
KILL_AFTER_S = [0.5, 2.0, 3.5, 4.5, 5.5, 6.5, 7.5, 9.0]  # spread over a run, from start-up to the release


def _district(root: Path) -> Path:
    drop = root / "drop"
    drop.mkdir(parents=True)
    shutil.copy(BASELINE, drop)
    sheet = BASELINE.read_bytes().decode("cp1252").replace("Berichtsjahr: 2020", "Berichtsjahr: 2021")
    (drop / "Netzabsatz_Strom_2021.csv").write_bytes(sheet.replace("16.833.076", "16.400.000").encode("cp1252"))
    return write_config(root / "district.yaml", [{
        "id": "westnetz_electricity", "partner": "Westnetz GmbH", "connector": "file_drop", "location": str(drop),
        "format": "grid_sheet", "options": {"pattern": "*.csv", "carrier": "electricity", "encoding": "cp1252"},
        "mappings": {"customer_groups": {"SLP Haushalt": "households", "SLP Gewerbe": "commerce",
                                         "RLM Industrie": "industry"}}}])


def _run(cfg: Path, data: Path, preexec=None) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "pipelines.cli", "run", "--no-history", "--config", str(cfg),
                             "--data-dir", str(data)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, preexec_fn=preexec)


def _published(data: Path) -> dict[str, object]:
    """The published tables: bytes, but the delivery register without its arrival times (they differ by nature
    between two data directories)."""
    release = latest_release(data)
    tables: dict[str, object] = {p.name: p.read_bytes() for p in sorted(release.glob("*.parquet"))}
    deliveries = pd.read_parquet(release / "deliveries.parquet").drop(columns=["received_at"])
    tables["deliveries.parquet"] = deliveries.sort_values("delivery_id").to_json(orient="records")
    return tables


def _problems(data: Path) -> list[str]:
    """What is inconsistent in a data directory (empty: nothing)."""
    problems = []
    for path in (data / "warehouse").rglob("*.parquet") if (data / "warehouse").exists() else []:
        if path.name.startswith(TMP_PREFIX):
            continue  # a temporary file of an interrupted write: never read, removed by the next write
        try:
            pq.read_metadata(path)
        except Exception as exc:  # noqa: BLE001
            problems.append(f"unreadable {path}: {exc}")
    latest = latest_release(data)
    if latest is not None:
        try:
            verify_release(latest)
        except Exception as exc:  # noqa: BLE001
            problems.append(f"latest release incomplete: {exc}")
    register = data / "landing" / "register.json"
    if register.exists():
        try:
            entries = json.loads(register.read_text(encoding="utf-8"))
        except ValueError as exc:
            return [*problems, f"landing register unreadable: {exc}"]
        for entry in entries:
            landed = data / entry["landed_path"]
            if not landed.exists() or hashlib.sha256(landed.read_bytes()).hexdigest() != entry["sha256"]:
                problems.append(f"landed delivery lost or changed: {entry['landed_path']}")
    return problems


def test_sigkill_at_many_points_loses_nothing(tmp_path, record_property):
    cfg = _district(tmp_path)
    reference = tmp_path / "undisturbed"
    run = _run(cfg, reference)
    assert run.wait(timeout=300) == 0, run.stdout.read()
    expected = _published(reference)

    data = tmp_path / "data"
    faults, inconsistent = 0, []
    for delay in KILL_AFTER_S:
        run = _run(cfg, data)
        time.sleep(delay)
        if run.poll() is None:
            run.send_signal(signal.SIGKILL)
            faults += 1
        run.wait(timeout=60)
        inconsistent += [f"after a kill at {delay} s: {p}" for p in _problems(data)]
    final = _run(cfg, data)
    output = final.communicate(timeout=300)[0]
    record_property("figure:kill faults injected", faults)
    record_property("figure:data lost after kills", len(inconsistent))
    assert not inconsistent, inconsistent
    assert final.returncode == 0, output
    assert faults >= len(KILL_AFTER_S) // 2
    assert _published(data) == expected  # the same published result as a run that was never disturbed


def test_file_size_limit_while_writing(tmp_path, record_property):
    cfg = _district(tmp_path)
    data = tmp_path / "data"
    first = _run(cfg, data)
    assert first.wait(timeout=300) == 0
    before = _published(data)
    release_before = latest_release(data)

    def limited():  # `ulimit -f 128` (KiB): landing and tables fit, the release's DuckDB file (256 KiB) does not
        resource.setrlimit(resource.RLIMIT_FSIZE, (128 * 1024, 128 * 1024))
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG instead

    run = _run(cfg, data, preexec=limited)
    output = run.communicate(timeout=300)[0]
    record_property("figure:file-size faults injected", 1)
    assert run.returncode == 1, output
    assert "File too large" in output or "EFBIG" in output or "Errno 27" in output, output
    assert latest_release(data) == release_before and _published(data) == before
    problems = _problems(data)
    assert not problems, problems
    assert not list((data / "published").glob(".staging*"))  # the half-built release was removed


class _DroppingProxy:
    """A TCP proxy on loopback in front of PostgreSQL that cuts the connection after `limit` bytes from the server."""

    def __init__(self, target_port: int, limit: int):
        self.limit = limit
        self.target_port = target_port
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.target_port))
            threading.Thread(target=self._pipe, args=(client, upstream, None), daemon=True).start()
            threading.Thread(target=self._pipe, args=(upstream, client, self.limit), daemon=True).start()

    @staticmethod
    def _pipe(source, sink, limit):
        sent = 0
        try:
            while chunk := source.recv(65536):
                if limit is not None and sent + len(chunk) > limit:
                    break
                sink.sendall(chunk)
                sent += len(chunk)
        except OSError:
            pass
        for s in (source, sink):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()

    def close(self):
        self.server.close()


def test_database_connection_dropped_mid_read(postgres_url, record_property):
    engine = sa.create_engine(postgres_url)
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE IF EXISTS km_fault_readings")
        conn.exec_driver_sql("CREATE TABLE km_fault_readings AS SELECT g AS id, md5(g::text) AS payload "
                             "FROM generate_series(1, 50000) g")
    engine.dispose()
    proxy = _DroppingProxy(sa.engine.make_url(postgres_url).port or 5432, limit=200_000)
    url = sa.engine.make_url(postgres_url).set(port=proxy.port).render_as_string(hide_password=False)
    spec = {"readings": {"table": "km_fault_readings", "columns": {"id": "id", "payload": "payload"},
                         "order_by": ["id"]}}
    try:
        with pytest.raises(ConnectorError) as err:
            fetch_sql("facility_db", url, spec)
    finally:
        proxy.close()
    record_property("figure:connection drops injected", 1)
    assert "source 'facility_db'" in str(err.value) and "failed" in str(err.value)
    assert f"127.0.0.1:{proxy.port}" in str(err.value)  # where it failed; nothing is returned, nothing lands
