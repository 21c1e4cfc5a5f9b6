"""Planted secrets never leak: a database password (PostgreSQL on 127.0.0.1; in the URL's password part, then in its
query string, `?password=`, which libpq accepts), a GENESIS login (a loopback API), an SMTP password and a webhook
token (header and URL query) are given to two real runs — one that succeeds with every source, one whose pull fails
and notifies — and then searched for in everything the runs left behind: the console output, every file of the data
directory (landing zone, warehouse, releases, validation reports, `.runs/`, Dagster's run and event storage with all
asset metadata and compute logs), the error messages and the body a real loopback webhook receiver got."""

import sqlite3
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pandas as pd
import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from pipelines.cli import main
from sources.demo.generate import DEFAULT_OUT

from ..configs import write_config

SECRETS = {
    "KLIMAMONITOR_TEST_FACILITY_URL": "PLANTED-pg-7f3a9",     # inside the database URL (user:password@)
    "query string": "PLANTED-query-e0b42",                    # the database URL's ?password= (libpq accepts it)
    "GENESIS_PASSWORD": "PLANTED-genesis-19c2e",
    "KLIMAMONITOR_SMTP_PASSWORD": "PLANTED-smtp-a41d0",
    "KLIMAMONITOR_WEBHOOK_TOKEN": "PLANTED-hook-5be77",
}
DATABASE = "klimamonitor_secrets_test"
FFCSV = ("statistics_code;time;1_variable_code;1_variable_attribute_code;value_variable_code;value\n"
         + "".join(f"12411;31.12.{y};GEMEIN;05974{n:03d};BEVSTD;{10000 + n}\n" for y in (2020, 2021)
                   for n in range(4, 57, 4)))


class Webhook(BaseHTTPRequestHandler):
    received: list[bytes] = []

    def log_message(self, *args):
        pass

    def do_POST(self):  # noqa: N802
        Webhook.received.append(self.rfile.read(int(self.headers["Content-Length"])))  # the token may be in the URL
        self.send_response(204)
        self.end_headers()


@pytest.fixture
def webhook():
    Webhook.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Webhook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook"
    server.shutdown()


class Genesis(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):  # noqa: N802
        q = {k: v[0] for k, v in parse_qs(urlparse(self.path).query).items()}
        ok = q.get("username") == "KREIS" and q.get("password") == SECRETS["GENESIS_PASSWORD"]
        body = FFCSV.encode() if ok else b'{"Status": {"Code": 15, "Content": "Ungueltige Anmeldung"}}'
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def genesis_api():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Genesis)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/genesisWS/rest/2020"
    server.shutdown()


def _facility_database(postgres_url: str) -> str:
    """The demo facility tables in a fresh PostgreSQL database; the URL carries the planted password (trust auth
    accepts it, as a production server would accept the real one)."""
    engine = sa.create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        conn.exec_driver_sql(f"CREATE DATABASE {DATABASE}")
    engine.dispose()
    url = sa.engine.make_url(postgres_url).set(password=SECRETS["KLIMAMONITOR_TEST_FACILITY_URL"], database=DATABASE)
    target = sa.create_engine(url)
    with sqlite3.connect(DEFAULT_OUT / "facility.sqlite") as demo:
        for table in ("gebaeude", "zaehlerstaende"):
            pd.read_sql(f"SELECT * FROM {table}", demo).to_sql(table, target, index=False)
    target.dispose()
    return url.render_as_string(hide_password=False)


def _sources(genesis_url: str, db_port: int | None = None) -> list[dict]:
    facility = {
        "id": "facility_db", "partner": "Kreis Soest", "connector": "sql", "format": "facility_db",
        "url_env": "KLIMAMONITOR_TEST_FACILITY_URL",
        "options": {"tables": {
            "buildings": {"table": "gebaeude", "order_by": ["id"], "columns": {
                "building_id": "id", "building_name": "bezeichnung", "building_use": "nutzung",
                "gross_floor_area_m2": "bgf_m2", "ags": "gemeindeschluessel"}},
            "meter_readings": {"table": "zaehlerstaende", "order_by": ["zaehler_id", "ablesedatum"], "columns": {
                "meter_id": "zaehler_id", "building_id": "gebaeude_id", "carrier": "energietraeger",
                "reading_date": "ablesedatum", "reading_value": "stand", "reading_unit": "einheit",
                "reading_kind": "art", "meter_exchange": "zaehlerwechsel"}}}}}
    genesis = {"id": "it_nrw_api", "partner": "IT.NRW", "connector": "http", "format": "genesis_population",
               "location": genesis_url,
               "options": {"api": "genesis", "table": "12411-01-01-5", "retries": 0,
                           "login_env": {"username": "GENESIS_USER", "password": "GENESIS_PASSWORD"}}}
    return [facility, genesis]


def _leaks(texts: dict[str, str | bytes]) -> list[tuple[str, str]]:
    found = []
    for where, content in texts.items():
        data = content.encode("utf-8", "replace") if isinstance(content, str) else content
        for secret in SECRETS.values():
            if secret.encode() in data:
                found.append((where, secret))
    return found


def test_planted_secrets_appear_nowhere(tmp_path, postgres_url, genesis_api, webhook, monkeypatch, record_property):
    url = _facility_database(postgres_url)
    monkeypatch.setenv("KLIMAMONITOR_TEST_FACILITY_URL", url)
    monkeypatch.setenv("GENESIS_USER", "KREIS")
    monkeypatch.setenv("GENESIS_PASSWORD", SECRETS["GENESIS_PASSWORD"])
    data = tmp_path / "data"
    cfg = write_config(tmp_path / "district.yaml", _sources(genesis_api),  # no grid data: electricity is low
                       validation={"severity": {"electricity_per_inhabitant_plausible": "warn"}})
    good = CliRunner().invoke(main, ["run", "--config", str(cfg), "--data-dir", str(data)])  # with run history
    assert good.exit_code == 0, good.output
    assert (data / "landing" / "facility_db").is_dir() and (data / "landing" / "it_nrw_api").is_dir()

    # the database moves (its password now in the query string) and the pull fails; the failure is notified by
    # mail (unreachable) and webhook (a real loopback receiver)
    moved = sa.engine.make_url(url).set(port=1, password=None).update_query_dict({"password": SECRETS["query string"]})
    monkeypatch.setenv("KLIMAMONITOR_TEST_FACILITY_URL", moved.render_as_string(hide_password=False))
    for name, value in {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": "1", "SMTP_USER": "klimamonitor",
                        "MAIL_TO": "energie@kreis-soest.test",
                        "WEBHOOK_URL": f"{webhook}?token={SECRETS['KLIMAMONITOR_WEBHOOK_TOKEN']}"}.items():
        monkeypatch.setenv(f"KLIMAMONITOR_{name}", value)
    monkeypatch.setenv("KLIMAMONITOR_SMTP_PASSWORD", SECRETS["KLIMAMONITOR_SMTP_PASSWORD"])
    monkeypatch.setenv("KLIMAMONITOR_WEBHOOK_TOKEN", SECRETS["KLIMAMONITOR_WEBHOOK_TOKEN"])
    bad = CliRunner().invoke(main, ["run", "--config", str(cfg), "--data-dir", str(data)])
    assert bad.exit_code == 1
    # both planted passwords masked: the URL's password part and its query string
    assert "postgresql+psycopg://postgres:***@127.0.0.1:1/klimamonitor_secrets_test?password=***" in bad.output
    assert "notification: e-mail to 127.0.0.1:1 failed" in bad.output and "webhook http://127.0.0.1" in bad.output
    assert len(Webhook.received) == 1 and b"127.0.0.1:1/klimamonitor_secrets_test" in Webhook.received[0]

    places = {"output of the good run": good.output, "output of the failed run": bad.output,
              "received webhook body": Webhook.received[0]}
    files = [p for p in data.rglob("*") if p.is_file()]
    places.update({str(p.relative_to(data)): p.read_bytes() for p in files})
    assert any(".dagster" in p.parts for p in files)  # Dagster's event storage (all metadata) is searched too
    assert _leaks({"control": url}) == [("control", SECRETS["KLIMAMONITOR_TEST_FACILITY_URL"])]  # the search works
    # SQLAlchemy's own rendering hides only the password part, not a password in the query string
    assert _leaks({"control": moved.render_as_string()}) == [("control", SECRETS["query string"])]
    leaks = _leaks(places)
    record_property("figure:secrets planted", len(SECRETS))
    record_property("figure:places searched for secrets", len(places))
    record_property("figure:secrets leaked", len(leaks))
    assert not leaks, leaks


def test_no_published_table_has_per_building_figures():
    """Buildings' and meters' figures stay internal: no published table has a building or meter column."""
    from warehouse.catalog import all_tables

    published = {name: t for name, t in all_tables().items() if t.published}
    assert published
    for name, table in published.items():
        assert not {"building_id", "meter_id", "building_name"} & set(table.column_names), name
