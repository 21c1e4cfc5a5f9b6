"""HTTP sources against a real HTTP server on loopback that replays responses shaped like the real APIs: a GENESIS
table download with login, its error answer, a timeout, a 5xx that recovers, one that does not (nothing returned),
an authentication error, paging, and a conditional request."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pandas as pd
import pytest

from sources.connectors import ConnectorError
from sources.http import HttpClient, credentials, fetch_genesis_table, fetch_json_pages

FFCSV = "statistics_code;time;1_variable_attribute_code;value_variable_code;value\n12411;31.12.2021;05974004;BEVSTD;10203\n"


class Replay(BaseHTTPRequestHandler):
    calls: dict[str, int] = {}

    def log_message(self, *args):  # keep the test output quiet
        pass

    def _send(self, status: int, body: bytes, content_type: str = "application/json", headers=None):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        url = urlparse(self.path)
        q = {k: v[0] for k, v in parse_qs(url.query).items()}
        Replay.calls[url.path] = Replay.calls.get(url.path, 0) + 1
        if url.path == "/genesisWS/rest/2020/data/tablefile":
            if q.get("username") != "GAST" or q.get("password") != "s3cret":
                return self._send(200, json.dumps({"Status": {"Code": 15, "Content": "Ungültige Anmeldung"}}).encode())
            if q.get("name") != "12411-01-01-5":
                return self._send(200, json.dumps({"Status": {"Code": 104, "Content": "Tabelle nicht gefunden"}}).encode())
            return self._send(200, FFCSV.encode(), "text/csv", {"ETag": '"v1"'}) \
                if self.headers.get("If-None-Match") != '"v1"' else self._send(304, b"")
        if url.path == "/flaky":
            return self._send(503, b"busy") if Replay.calls[url.path] <= 2 else self._send(200, b'{"items": []}')
        if url.path == "/down":
            return self._send(500, b"broken")
        if url.path == "/slow":
            time.sleep(1.5)
            return self._send(200, b"late")
        if url.path == "/secured":
            return self._send(401, b"who are you")
        if url.path == "/api/units":
            page = int(q["page"])
            items = [{"id": f"u{page}-{i}"} for i in range(2)] if page <= 3 else []
            return self._send(200, json.dumps({"items": items, "page": page}).encode())
        if url.path == "/api/energy":  # a municipal energy-data API: two pages of final-energy records
            pages = {1: [{"ags": "05974028", "year": 2022, "sector": "municipal", "carrier": "heating_oil",
                          "final_energy_mwh": 812.5, "data_quality": "A"},
                         {"ags": "05974040", "year": 2022, "sector": "municipal", "carrier": "heating_oil",
                          "final_energy_mwh": "viel", "data_quality": "A"}],
                     2: [{"ags": "05974004", "year": 2022, "sector": "municipal", "carrier": "lpg",
                          "final_energy_mwh": None, "data_quality": "A"}]}
            return self._send(200, json.dumps({"items": pages.get(int(q["page"]), [])}).encode())
        return self._send(404, b"")


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Replay)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def _client(tmp_path, **kw):
    return HttpClient("api", timeout=kw.pop("timeout", 5), backoff=0.01, state_file=tmp_path / "state.json", **kw)


def test_genesis_download_with_login_from_the_environment_and_conditional_request(server, tmp_path, monkeypatch):
    monkeypatch.setenv("GENESIS_USER", "GAST")
    monkeypatch.setenv("GENESIS_PASSWORD", "s3cret")
    login = credentials("genesis", {"username": "GENESIS_USER", "password": "GENESIS_PASSWORD"})
    client = _client(tmp_path)
    base = f"{server}/genesisWS/rest/2020"
    ((name, body),) = fetch_genesis_table(client, base, "12411-01-01-5", login)
    assert name == "12411-01-01-5_flat.csv" and body.decode() == FFCSV
    assert fetch_genesis_table(client, base, "12411-01-01-5", login) == []  # 304: nothing new
    with pytest.raises(ConnectorError, match="status 104: Tabelle nicht gefunden"):
        fetch_genesis_table(client, base, "99999-99", login)


def test_genesis_login_error_never_shows_the_password(server, tmp_path):
    with pytest.raises(ConnectorError) as err:
        fetch_genesis_table(_client(tmp_path), f"{server}/genesisWS/rest/2020", "12411-01-01-5",
                            {"username": "GAST", "password": "wrong-pw"})
    assert "Ungültige Anmeldung" in str(err.value) and "wrong-pw" not in str(err.value)


def test_missing_credential_variable_is_named(monkeypatch):
    monkeypatch.delenv("GENESIS_PASSWORD", raising=False)
    with pytest.raises(ConnectorError, match="GENESIS_PASSWORD"):
        credentials("genesis", {"password": "GENESIS_PASSWORD"})


def test_a_5xx_that_recovers(server, tmp_path):
    Replay.calls.pop("/flaky", None)
    assert fetch_json_pages(_client(tmp_path), f"{server}/flaky") == [("flaky.json", b"[]")]
    assert Replay.calls["/flaky"] == 3


def test_a_5xx_that_does_not_recover_returns_nothing(server, tmp_path):
    with pytest.raises(ConnectorError, match="HTTP 500 after retries"):
        fetch_json_pages(_client(tmp_path, retries=2), f"{server}/down")


def test_timeout(server, tmp_path):
    with pytest.raises(ConnectorError, match="did not answer within 0.3 s"):
        _client(tmp_path, timeout=0.3, retries=0).get(f"{server}/slow")


def test_authentication_error(server, tmp_path):
    with pytest.raises(ConnectorError, match="refused the credentials"):
        _client(tmp_path).get(f"{server}/secured")


def test_paging_collects_every_page_and_rate_limits(server, tmp_path):
    client = _client(tmp_path, min_interval=0.05)
    started = time.monotonic()
    ((name, body),) = fetch_json_pages(client, f"{server}/api/units")
    assert name == "units.json"
    assert [i["id"] for i in json.loads(body)] == ["u1-0", "u1-1", "u2-0", "u2-1", "u3-0", "u3-1"]
    assert time.monotonic() - started >= 3 * 0.05  # four requests, spaced by the minimum interval


def test_an_http_source_in_the_configuration_lands_through_the_connector(server, monkeypatch, tmp_path):
    from assets.landing import fetch_http_source
    from assets.config import Source

    monkeypatch.setenv("GENESIS_USER", "GAST")
    monkeypatch.setenv("GENESIS_PASSWORD", "s3cret")
    source = Source(id="it_nrw_api", partner="IT.NRW", connector="http", format="genesis_population",
                    location=f"{server}/genesisWS/rest/2020",
                    options={"api": "genesis", "table": "12411-01-01-5", "retries": 1,
                             "login_env": {"username": "GENESIS_USER", "password": "GENESIS_PASSWORD"}})
    ((name, body),) = fetch_http_source(source, tmp_path / ".http_state")
    assert name == "12411-01-01-5_flat.csv" and body.decode() == FFCSV
    assert fetch_http_source(source, tmp_path / ".http_state") == []  # unchanged: the ETag saved a download


def test_a_json_snapshot_parses_like_a_table(server, tmp_path):
    """Records of a paged JSON API land as one snapshot and parse into the format's raw table; findings name the
    record (row N = the N-th record) and the field."""
    from sources.formats import read_delivery
    from sources.parsers.common import Delivery
    from sources.region import Region

    ((name, body),) = fetch_json_pages(_client(tmp_path), f"{server}/api/energy")
    region = Region("05974000", frozenset(f"05974{n:03d}" for n in range(4, 57, 4)))
    target, result = read_delivery("final_energy", {}, {}, region, Delivery("energy_api:1", "energy_api", name, body))
    assert target.table == "raw_final_energy__final_energy"
    rows = result.rows.set_index("ags")
    assert rows.loc["05974028", "final_energy_mwh"] == 812.5 and rows.loc["05974028", "source_row"] == 1
    assert rows.loc["05974004", "value_status"] == "missing" and pd.isna(rows.loc["05974004", "final_energy_mwh"])
    [finding] = result.findings
    assert finding.source_row == 2 and finding.column == "final_energy_mwh" and finding.raw_value == "viel"
