"""The human-readable validation report of one run: DATA_DIR/validation/<run id>/report.html, built from the check
results the run wrote beside it (one JSON file per check), plus validation/latest.html pointing at the newest."""

from __future__ import annotations

import html
import json
from pathlib import Path

from warehouse.files import atomic_write_text

_STYLE = """
body{font-family:system-ui,sans-serif;margin:2rem;max-width:70rem;color:#1b1b1b}
table{border-collapse:collapse;width:100%;margin:1rem 0}th,td{border:1px solid #ccc;padding:.3rem .5rem;text-align:left;
vertical-align:top;font-size:.9rem}th{background:#f2f2f2}.passed{color:#1a7f37}.error{color:#b00020;font-weight:bold}
.warn{color:#9a6700;font-weight:bold}code{font-size:.85rem}
"""


def load_outcomes(run_dir: Path) -> list[dict]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(Path(run_dir).glob("*.json"))]


def render(run_dir: Path, title: str) -> Path:
    outcomes = load_outcomes(run_dir)
    failed = [o for o in outcomes if not o["passed"]]
    rows = []
    for o in sorted(outcomes, key=lambda o: (o["passed"], o["severity"] != "error", o["check"])):
        status = "passed" if o["passed"] else ("error" if o["severity"] == "error" else "warn")
        label = {"passed": "bestanden / passed", "error": "FEHLER / error", "warn": "Hinweis / warning"}[status]
        details = "".join(
            f"<p><code>{html.escape(f['expectation'])}</code> {html.escape(f['column'] or '')}: "
            f"{html.escape(f['detail'])}</p>"
            + (f"<p>Beispiele / sample: <code>{html.escape(json.dumps(f['sample'], ensure_ascii=False))}</code></p>"
               if f["sample"] else "")
            for f in o["failures"]
        )
        rows.append(
            f"<tr><td>{html.escape(o['check'])}</td><td class='{status}'>{label}</td><td>{o['rows']}</td>"
            f"<td>{html.escape(o.get('description') or '')}{details}</td></tr>"
        )
    body = (
        f"<!doctype html><html lang='de'><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
        f"<meta name='viewport' content='width=device-width, initial-scale=1'><style>{_STYLE}</style></head><body>"
        f"<h1>Prüfbericht / Validation report</h1><p>{html.escape(title)}</p>"
        f"<p>{len(outcomes)} Prüfungen / checks, {len(failed)} nicht bestanden / not passed "
        f"({sum(o['severity'] == 'error' for o in failed)} Fehler / errors, "
        f"{sum(o['severity'] != 'error' for o in failed)} Hinweise / warnings).</p>"
        "<table><thead><tr><th>Prüfung / check</th><th>Ergebnis / result</th><th>Zeilen / rows</th>"
        f"<th>Details</th></tr></thead><tbody>{''.join(rows)}</tbody></table></body></html>\n"
    )
    report = Path(run_dir) / "report.html"
    atomic_write_text(report, body)
    latest = Path(run_dir).parent / "latest.html"
    atomic_write_text(latest, f"<!doctype html><meta charset='utf-8'><meta http-equiv='refresh' "
                              f"content='0; url={Path(run_dir).name}/report.html'><a href='{Path(run_dir).name}/"
                              "report.html'>newest validation report</a>\n")
    return report
