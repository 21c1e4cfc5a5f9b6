"""The human-readable validation report of one run: DATA_DIR/validation/<run id>/report.html, built from the check
results the run wrote beside it (one JSON file per check) and the run's failed steps, plus validation/latest.html
pointing at the newest. Each failure says what failed, why, and where: file, row and column."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

from warehouse.files import atomic_write_text

_STYLE = """
body{font-family:system-ui,sans-serif;margin:2rem;max-width:75rem;color:#1b1b1b}
table{border-collapse:collapse;width:100%;margin:1rem 0}th,td{border:1px solid #b5b5b5;padding:.3rem .5rem;
text-align:left;vertical-align:top;font-size:.9rem}th{background:#eef2f5}.passed{color:#1a6b30}
.error{color:#a0001c;font-weight:bold}.warn{color:#7a5200;font-weight:bold}code{font-size:.85rem}
"""
# where a failed step's message names its place (sources/errors.py `describe`): file 'x', row n, column 'c'
_WHERE = {"file": re.compile(r"file '([^']+)'"), "row": re.compile(r"\brow (\d+)"),
          "column": re.compile(r"column '([^']+)'")}


def load_outcomes(run_dir: Path) -> list[dict]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(Path(run_dir).glob("*.json"))]


def _e(value) -> str:
    return html.escape("" if value is None else str(value))


def places(outcome: dict, files: Mapping[str, str]) -> list[dict]:
    """Where each failure of a check result lies: one entry per sample row, with the file (by the row's delivery),
    the row in that file and the column; the expectation and why."""
    found = []
    for f in outcome["failures"]:
        rows = f["sample"] or [{}]
        for row in rows:
            delivery = row.get("delivery_id")
            found.append({"why": f"{f['expectation']}: {f['detail']}", "column": f["column"],
                          "file": files.get(delivery, delivery) if delivery else None,
                          "row": row.get("source_row"), "values": {k: v for k, v in row.items()
                                                                    if k not in ("delivery_id", "source_row")}})
    return found


def step_places(message: str) -> dict:
    """File, row and column named in a failed step's message (None where it names none)."""
    return {k: (m.group(1) if (m := p.search(message)) else None) for k, p in _WHERE.items()}


def delivery_files(warehouse: Path) -> dict[str, str]:
    """The file name of each delivery id, from the landing register ({} before anything landed)."""
    path = Path(warehouse) / "landing__deliveries.parquet"
    if not path.exists():
        return {}
    import pyarrow.parquet as pq

    register = pq.read_table(path, columns=["delivery_id", "file_name"]).to_pydict()
    return dict(zip(register["delivery_id"], register["file_name"], strict=True))


def render(run_dir: Path, title: str, failed_steps: Sequence[str] = (), files: Mapping[str, str] | None = None) -> Path:
    """Write the report of a run. `failed_steps` are the run's step failures ('step: message'); `files` names the
    file of each delivery id (the landing register), so a failing row is shown with its file."""
    outcomes, files = load_outcomes(run_dir), dict(files or {})
    failed = [o for o in outcomes if not o["passed"]]
    errors = sum(o["severity"] == "error" for o in failed) + len(failed_steps)
    where_rows = []
    for message in failed_steps:
        step, _, why = message.partition(": ")
        at = step_places(why)
        where_rows.append(f"<tr><td>{_e(step)}</td><td class='error'>Schritt fehlgeschlagen</td><td>{_e(why)}</td>"
                          f"<td>{_e(at['file'])}</td><td>{_e(at['row'])}</td><td>{_e(at['column'])}</td></tr>")
    for o in sorted(failed, key=lambda o: (o["severity"] != "error", o["check"])):
        kind = "error" if o["severity"] == "error" else "warn"
        for p in places(o, files):
            values = json.dumps(p["values"], ensure_ascii=False) if p["values"] else ""
            where_rows.append(
                f"<tr><td>{_e(o['check'])}</td><td class='{kind}'>{'Fehler' if kind == 'error' else 'Warnung'}</td>"
                f"<td>{_e(p['why'])}{f' <code>{_e(values)}</code>' if values else ''}</td><td>{_e(p['file'])}</td>"
                f"<td>{_e(p['row'])}</td><td>{_e(p['column'])}</td></tr>")
    rows = []
    for o in sorted(outcomes, key=lambda o: (o["passed"], o["severity"] != "error", o["check"])):
        status = "passed" if o["passed"] else ("error" if o["severity"] == "error" else "warn")
        label = {"passed": "bestanden", "error": "FEHLER", "warn": "Warnung"}[status]
        rows.append(f"<tr><td>{_e(o['check'])}</td><td class='{status}'>{label}</td><td>{o['rows']}</td>"
                    f"<td>{_e(o.get('description') or '')}</td></tr>")
    failures = ("<h2>Was fehlgeschlagen ist</h2><table><thead><tr><th scope='col'>Prüfung oder Schritt</th>"
                "<th scope='col'>Ergebnis</th><th scope='col'>Warum</th><th scope='col'>Datei</th>"
                "<th scope='col'>Zeile</th><th scope='col'>Spalte</th></tr></thead><tbody>"
                f"{''.join(where_rows)}</tbody></table>" if where_rows else "<p>Nichts ist fehlgeschlagen.</p>")
    body = (
        f"<!doctype html><html lang='de'><head><meta charset='utf-8'><title>Prüfbericht: {_e(title)}</title>"
        f"<meta name='viewport' content='width=device-width, initial-scale=1'><style>{_STYLE}</style></head><body>"
        f"<h1>Prüfbericht</h1><p>{_e(title)}</p>"
        f"<p>{len(outcomes)} Prüfungen, {len(failed) + len(failed_steps)} nicht bestanden ({errors} Fehler, "
        f"{sum(o['severity'] != 'error' for o in failed)} Warnungen); davon {len(failed_steps)} fehlgeschlagene "
        f"Schritte.</p>{failures}<h2>Alle Prüfungen</h2><table><thead><tr><th scope='col'>Prüfung</th>"
        "<th scope='col'>Ergebnis</th><th scope='col'>Zeilen</th><th scope='col'>Beschreibung</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table></body></html>\n"
    )
    report = Path(run_dir) / "report.html"
    atomic_write_text(report, body)
    latest = Path(run_dir).parent / "latest.html"
    atomic_write_text(latest, f"<!doctype html><meta charset='utf-8'><meta http-equiv='refresh' "
                              f"content='0; url={Path(run_dir).name}/report.html'><a href='{Path(run_dir).name}/"
                              "report.html'>neuester Prüfbericht</a>\n")
    return report
