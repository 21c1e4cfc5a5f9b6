"""Notifications when a run needs a human: a failed run or a failed blocking check, sent by e-mail (SMTP) and to a
generic webhook (JSON POST), each configured only by environment variables, so credentials never sit in a file of
the repository:

    KLIMAMONITOR_SMTP_HOST, KLIMAMONITOR_SMTP_PORT (25; 465 = implicit TLS), KLIMAMONITOR_SMTP_STARTTLS (true/false),
    KLIMAMONITOR_SMTP_USER, KLIMAMONITOR_SMTP_PASSWORD, KLIMAMONITOR_MAIL_FROM, KLIMAMONITOR_MAIL_TO (comma-separated)
    KLIMAMONITOR_WEBHOOK_URL, KLIMAMONITOR_WEBHOOK_TOKEN (sent as `Authorization: Bearer ...`)

A channel without its variables is simply off. A channel that fails is reported (returned and logged), never raised:
a broken mail server must not hide the pipeline's own failure.
"""

from __future__ import annotations

import json
import os
import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from email.message import EmailMessage

import requests

from warehouse.redact import redact

PREFIX = "KLIMAMONITOR_"


@dataclass
class Notification:
    district: str
    run_id: str
    subject: str
    failures: list[str] = field(default_factory=list)         # steps that failed, with their error
    failed_checks: list[str] = field(default_factory=list)    # blocking checks that failed, with their description
    overdue: list[str] = field(default_factory=list)          # sources whose delivery is overdue (freshness)
    data_dir: str = ""

    def text(self) -> str:
        lines = [self.subject, "", f"District: {self.district}", f"Run: {self.run_id}"]
        if self.data_dir:
            lines.append(f"Data directory: {self.data_dir}")
        for title, items in (("Failed steps", self.failures), ("Failed blocking checks", self.failed_checks),
                             ("Overdue or stale sources", self.overdue)):
            if items:
                lines += ["", f"{title}:", *[f"- {item}" for item in items]]
        lines += ["", "The last good release was not changed. `klimamonitor status` shows where things stand; "
                      "docs/operations.md says how to recover."]
        return "\n".join(lines)


def for_run(district: str, run_id: str, failures: list[str], failed_checks: list[str], overdue: list[str],
            data_dir: str = "") -> Notification | None:
    """The notification a finished run calls for, or None when nothing needs a human."""
    if not (failures or failed_checks or overdue):
        return None
    if failures or failed_checks:
        subject = f"klimamonitor {district}: run failed ({len(failures)} steps, {len(failed_checks)} blocking checks)"
    else:
        subject = f"klimamonitor {district}: {len(overdue)} source(s) overdue"
    return Notification(district, run_id, subject, failures, failed_checks, overdue, data_dir)


def _env(env: Mapping[str, str], name: str, default: str | None = None) -> str | None:
    value = env.get(PREFIX + name, default)
    return value if value not in (None, "") else default


def send_mail(note: Notification, env: Mapping[str, str]) -> str | None:
    host = _env(env, "SMTP_HOST")
    recipients = [a.strip() for a in (_env(env, "MAIL_TO") or "").split(",") if a.strip()]
    if not host or not recipients:
        return None
    port = int(_env(env, "SMTP_PORT", "25"))
    message = EmailMessage()
    message["Subject"] = note.subject
    message["From"] = _env(env, "MAIL_FROM", "klimamonitor@localhost")
    message["To"] = ", ".join(recipients)
    message.set_content(note.text())
    try:
        smtp_class = smtplib.SMTP_SSL if port == 465 else smtplib.SMTP
        with smtp_class(host, port, timeout=30) as smtp:
            if port != 465 and _env(env, "SMTP_STARTTLS", "false").lower() == "true":
                smtp.starttls(context=ssl.create_default_context())
            user = _env(env, "SMTP_USER")
            if user:
                smtp.login(user, _env(env, "SMTP_PASSWORD", ""))
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:  # the password is never part of these messages
        return f"e-mail to {host}:{port} failed: {type(exc).__name__}: {str(exc)[:200]}"
    return f"e-mail sent to {len(recipients)} recipient(s) via {host}:{port}"


def send_webhook(note: Notification, env: Mapping[str, str]) -> str | None:
    url = _env(env, "WEBHOOK_URL")
    if not url:
        return None
    headers = {"Content-Type": "application/json"}
    token = _env(env, "WEBHOOK_TOKEN")
    if token:
        headers["Authorization"] = f"Bearer {token}"
    target = requests.utils.urlparse(url)
    where = f"{target.scheme}://{target.hostname}{f':{target.port}' if target.port else ''}"  # no path, no query
    try:
        response = requests.post(url, data=json.dumps({"text": note.text(), **asdict(note)}), headers=headers,
                                 timeout=30)
    except requests.RequestException as exc:
        return f"webhook {where} failed: {type(exc).__name__}"
    if response.status_code >= 300:
        return f"webhook {where} answered HTTP {response.status_code}"
    return f"webhook {where} notified"


def send(note: Notification, env: Mapping[str, str] | None = None) -> list[str]:
    """Send on every configured channel; what happened on each, in words (empty: no channel configured). Every text
    of the note goes out with its credentials masked (warehouse/redact.py)."""
    env = os.environ if env is None else env
    note = replace(note, subject=redact(note.subject), failures=[redact(i) for i in note.failures],
                   failed_checks=[redact(i) for i in note.failed_checks], overdue=[redact(i) for i in note.overdue],
                   data_dir=redact(note.data_dir))
    return [r for r in (send_mail(note, env), send_webhook(note, env)) if r]
