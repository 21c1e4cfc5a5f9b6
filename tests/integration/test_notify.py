"""Notifications and expected-delivery monitoring: a failed run reaches a real SMTP server (aiosmtpd) and a real
webhook receiver on loopback; overdue sources show as failed freshness checks, in the summary and in `status`."""

import datetime as dt
import json
import shutil
import threading
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pandas as pd
import pytest
from aiosmtpd.controller import Controller
from click.testing import CliRunner

from assets.compute.freshness import freshness
from pipelines.cli import main
from assets.config import ExpectedDelivery
from pipelines.notify import Notification, for_run, send

from ..configs import write_config

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
TOKEN = "tok-3f9a1c-never-show-me"


class _Mailbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content, policy=policy.default)))
        return "250 OK"


@pytest.fixture
def smtp_server():
    import socket

    with socket.socket() as probe:  # a free port (the controller's own start-up check cannot use port 0)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    mailbox = _Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield "127.0.0.1", port, mailbox
    controller.stop()


@pytest.fixture
def webhook():
    received = []

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((dict(self.headers), json.loads(body)))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hooks/klimamonitor?channel=energie", received
    server.shutdown()


def _source(drop: Path) -> dict:
    return {"id": "westnetz_electricity", "partner": "Westnetz GmbH", "connector": "file_drop",
            "location": str(drop), "format": "grid_sheet",
            "options": {"pattern": "*.csv", "carrier": "electricity", "encoding": "cp1252"},
            "mappings": {"customer_groups": {"SLP Haushalt": "households", "SLP Gewerbe": "commerce",
                                             "RLM Industrie": "industry"}},
            "expected_delivery": {"month": 6, "day": 30}}


def test_a_failed_run_notifies_by_mail_and_webhook(tmp_path, smtp_server, webhook, monkeypatch):
    host, port, mailbox = smtp_server
    url, received = webhook
    drop = tmp_path / "drop"
    drop.mkdir()
    shutil.copy(CORPUS / "wrong_separator" / "Netzabsatz_Strom_2021.csv", drop)
    cfg = write_config(tmp_path / "district.yaml", [_source(drop)])
    for name, value in {"SMTP_HOST": host, "SMTP_PORT": str(port), "MAIL_TO": "energie@kreis-soest.test, it@test",
                        "MAIL_FROM": "klimamonitor@kreis-soest.test", "WEBHOOK_URL": url, "WEBHOOK_TOKEN": TOKEN,
                        "TODAY": "2022-12-01"}.items():
        monkeypatch.setenv(f"KLIMAMONITOR_{name}", value)
    result = CliRunner().invoke(main, ["run", "--no-history", "--config", str(cfg), "--data-dir",
                                       str(tmp_path / "data")])
    assert result.exit_code == 1, result.output
    assert "notification: e-mail sent to 2 recipient(s)" in result.output
    assert f"notification: webhook http://127.0.0.1:{url.split(':')[2].split('/')[0]} notified" in result.output
    assert TOKEN not in result.output and "channel=energie" not in result.output  # no secret, no query in the log

    [(recipients, mail)] = mailbox.messages
    assert recipients == ["energie@kreis-soest.test", "it@test"]
    assert "run failed" in mail["Subject"] and "Kreis Soest (test)" in mail["Subject"]
    body = mail.get_content()
    assert "westnetz_electricity_deliveries_readable" in body and "Netzabsatz_Strom_2021.csv" in body
    assert "westnetz_electricity_delivery_on_time" in body  # 2021 was due on 30 June 2022: overdue too
    assert TOKEN not in body

    [(headers, payload)] = received
    assert headers["Authorization"] == f"Bearer {TOKEN}"
    assert payload["district"] == "Kreis Soest (test)" and payload["failed_checks"] and payload["overdue"]
    assert payload["run_id"] in body

    status = CliRunner().invoke(main, ["status", "--config", str(cfg), "--data-dir", str(tmp_path / "data")])
    assert status.exit_code == 1, status.output
    assert "FAILED" in status.output and "overdue" in status.output
    assert "data for 2021 were due on 2022-06-30" in status.output


def test_nothing_is_sent_when_nothing_needs_a_human(monkeypatch):
    assert for_run("Kreis Soest", "r1", [], [], []) is None
    note = for_run("Kreis Soest", "r1", [], [], ["deliveries:it_nrw_population_delivery_on_time — overdue"])
    assert note.subject == "klimamonitor Kreis Soest: 1 source(s) overdue"
    assert send(note, env={}) == []  # no channel configured: nothing to do, no error


def test_a_broken_channel_is_reported_not_raised():
    note = Notification("Kreis Soest", "r1", "klimamonitor Kreis Soest: run failed", failures=["x: boom"])
    outcomes = send(note, env={"KLIMAMONITOR_SMTP_HOST": "127.0.0.1", "KLIMAMONITOR_SMTP_PORT": "1",
                               "KLIMAMONITOR_MAIL_TO": "a@b", "KLIMAMONITOR_SMTP_PASSWORD": "pw-secret",
                               "KLIMAMONITOR_WEBHOOK_URL": "http://127.0.0.1:1/hook?token=pw-secret"})
    assert len(outcomes) == 2 and all("failed" in o for o in outcomes)
    assert not any("pw-secret" in o for o in outcomes)


class _Src:
    def __init__(self, source_id, expected):
        self.id, self.expected_delivery = source_id, expected


def _deliveries(rows):
    return pd.DataFrame(rows, columns=["source_id", "status", "received_at", "scope_years"])


def test_freshness_by_hand():
    on = ExpectedDelivery(month=6, day=30)
    sources = [_Src("population", on), _Src("snapshot", ExpectedDelivery(month=1, day=31)),
               _Src("pulled", ExpectedDelivery(month=6, day=30, max_age_days=40)), _Src("free", None)]
    deliveries = _deliveries([
        ["population", "accepted", "2022-07-01T00:00:00Z", [2020]],
        ["population", "rejected", "2022-07-02T00:00:00Z", [2021]],   # rejected: does not count
        ["snapshot", "accepted", "2022-02-01T00:00:00Z", []],
        ["pulled", "accepted", "2022-07-01T00:00:00Z", [2021]],
    ])
    fresh = freshness(sources, deliveries, dt.date(2022, 9, 1), last_year=2024).set_index("source_id")
    assert fresh.loc["population", "status"] == "overdue" and fresh.loc["population", "due_year"] == 2021
    assert fresh.loc["snapshot", "status"] == "on_time"  # arrived after 31 January 2022, the due date of 2021
    assert fresh.loc["pulled", "status"] == "stale"      # 62 days old, 40 allowed
    assert fresh.loc["free", "status"] == "unmonitored"
    # the reporting horizon: with last_year 2020 nothing after 2020 is owed
    assert freshness(sources[:1], deliveries, dt.date(2022, 9, 1), last_year=2020).iloc[0]["status"] == "on_time"
    # before the first due date nothing is owed
    early = freshness(sources[:1], deliveries.iloc[:0], dt.date(1991, 1, 1), last_year=1990)
    assert early.iloc[0]["status"] == "not_due"
