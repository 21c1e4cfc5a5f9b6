"""The report's pages on the work programme, in German: the programme by field of action (status counts, overdue
measures, the eea assessment, every measure), a page per measure (its history across the deliveries of the list)
and, for a target's page, the measures that serve it and the gap analysis.

Pure functions: the release's frames in, HTML fragments out (the host report wraps them in its page). Every value
put into HTML is escaped; numbers in German format (1.234,5); tables sit in a horizontally scrolling wrapper, so a
page never overflows a 390 px phone screen.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Mapping

import pandas as pd

from warehouse.labels import HISTORY_CHANGE_DE as CHANGE_DE
from warehouse.report_blocks import link as _a
from warehouse.report_charts import fmt as num
from warehouse.vocabularies import EEA_AWARD_DE, FIELDS_OF_ACTION_DE, MEASURE_STATUS_DE

PROGRAMME_PAGE = "arbeitsprogramm.html"
ESTIMATES_NOTE = ("Alle Einsparungen sind Schätzungen der Maßnahmen selbst (erwartete Einsparung pro Jahr), keine "
                  "gemessenen Einsparungen.")
GROUPS_DE = {"completed": "abgeschlossen", "in_progress": "in Umsetzung (auch verzögert)",
             "planned": "geplant (auch in Vorbereitung)"}
# tables scroll sideways inside their wrapper rather than breaking words (the text around them may break anywhere)
_WRAP = "<div style='overflow-x:auto;max-width:100%;overflow-wrap:normal'>{}</div>"
# target pages as the host report names them: (target_set, indicator_id) -> (file name, German title)
TargetPages = Mapping[tuple[str, str], tuple[str, str]]


def measure_page(measure_id: str) -> str:
    """The file name of a measure's page: a lower-case slug of the id and a hash of it (ids are the partner's own
    and may hold any character; the hash keeps two ids that slug alike apart)."""
    text = str(measure_id)
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40] or "x"
    return f"massnahme-{slug}-{hashlib.sha256(text.encode()).hexdigest()[:8]}.html"


def date_de(value) -> str:
    if value is None or pd.isna(value):
        return "–"
    return f"{pd.Timestamp(value):%d.%m.%Y}"


def _e(value) -> str:
    return "" if value is None or (not isinstance(value, list | tuple) and pd.isna(value)) else html.escape(str(value))


def _table(caption: str, head: list[str], rows: list[list[str]], numeric: set[int] = frozenset()) -> str:
    """A table (cells already HTML) in a scrolling wrapper; columns in `numeric` right-aligned."""
    header = "".join(f"<th scope='col'>{html.escape(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td class='num'>{c}</td>" if i in numeric else f"<td>{c}</td>"
                                    for i, c in enumerate(row)) + "</tr>" for row in rows)
    return _WRAP.format(f"<table><caption>{html.escape(caption)}</caption><thead><tr>{header}</tr></thead>"
                        f"<tbody>{body}</tbody></table>")


def overdue_de(row) -> str:
    """Why a measure is overdue, in German, from its dates (the `overdue_reason` column is for analysts)."""
    parts = []
    reference = row["overdue_reference_date"]
    if pd.notna(row["end_date"]) and pd.notna(reference) and pd.Timestamp(row["end_date"]) < pd.Timestamp(reference):
        parts.append(f"Ende {date_de(row['end_date'])} überschritten, nicht abgeschlossen")
    if row["overdue_reason"] and "last updated" in str(row["overdue_reason"]):
        parts.append(f"zuletzt aktualisiert am {date_de(row['last_updated'])}")
    return "; ".join(parts) or "überfällig"


def _status(code) -> str:
    return html.escape(MEASURE_STATUS_DE.get(code, str(code))) if code is not None and not pd.isna(code) else "–"


def programme_page(measures: pd.DataFrame, eea: pd.DataFrame | None, reference) -> str:
    """The programme by field of action: status counts, the overdue list, the eea assessment, every measure."""
    body = [f"<div style='overflow-wrap:anywhere'><p>Das energiepolitische Arbeitsprogramm umfasst {len(measures)} "
            f"Maßnahmen in sechs Handlungsfeldern des European Energy Award (Stand der Liste: {date_de(reference)})."
            f" {html.escape(ESTIMATES_NOTE)}</p>"]
    counts = measures.groupby(["field_of_action", "measure_status"]).size()
    rows = []
    for field, name in FIELDS_OF_ACTION_DE.items():
        mine = [int(counts.get((field, s), 0)) for s in MEASURE_STATUS_DE]
        rows.append([_a(f"#{field}", name), *[str(c) for c in mine], str(sum(mine))])
    totals = [int(counts.xs(s, level=1).sum()) if s in counts.index.get_level_values(1) else 0
              for s in MEASURE_STATUS_DE]
    rows.append(["<strong>Alle Handlungsfelder</strong>", *[f"<strong>{c}</strong>" for c in totals],
                 f"<strong>{sum(totals)}</strong>"])
    body.append("<h2>Stand nach Handlungsfeld</h2>" + _table(
        "Maßnahmen je Handlungsfeld und Status", ["Handlungsfeld", *MEASURE_STATUS_DE.values(), "gesamt"], rows,
        set(range(1, len(MEASURE_STATUS_DE) + 2))))
    late = measures[measures["overdue"].astype(bool)]
    body.append("<h2>Überfällige Maßnahmen</h2>")
    if late.empty:
        body.append("<p>Keine Maßnahme ist überfällig.</p>")
    else:
        body.append("<p>Überfällig ist eine Maßnahme, deren letzte Aktualisierung zu lange zurückliegt oder deren "
                    "Enddatum ohne Abschluss verstrichen ist.</p>" + _table(
                        "Überfällige Maßnahmen", ["Nr.", "Maßnahme", "Status", "Federführung", "Grund"],
                        [[_e(r["measure_id"]), _a(measure_page(r["measure_id"]), r["measure_title"]),
                          _status(r["measure_status"]), _e(r["lead"]), html.escape(overdue_de(r))]
                         for _, r in late.iterrows()]))
    if eea is not None and not eea.empty:
        body.append(eea_section(eea))
    for field, name in FIELDS_OF_ACTION_DE.items():
        mine = measures[measures["field_of_action"] == field]
        body.append(f"<h2 id='{field}'>{html.escape(name)}</h2>")
        if mine.empty:
            body.append("<p>Keine Maßnahmen in diesem Handlungsfeld.</p>")
            continue
        body.append(_table(f"Maßnahmen: {name}", ["Nr.", "Maßnahme", "Status", "Ende", "Einsparung t CO₂e/a"],
                           [[_e(r["measure_id"]), _a(measure_page(r["measure_id"]), r["measure_title"]),
                             _status(r["measure_status"]) + (" (überfällig)" if r["overdue"] else ""),
                             date_de(r["end_date"]), num(r["savings_t_co2e_per_year"])] for _, r in mine.iterrows()],
                           {4}))
    return "".join(body) + "</div>"


def eea_section(eea: pd.DataFrame) -> str:
    """The eea assessment: per year the total share and award, and the fields of the latest year."""
    totals = eea[eea["field_of_action"] == "total"].sort_values("year")
    rows = [[str(int(r["year"])), num(r["eea_points_achieved"]), num(r["eea_points_possible"]),
             num(r["eea_share_pct"]) + " %" if pd.notna(r["eea_share_pct"]) else "unvollständig",
             html.escape(EEA_AWARD_DE.get(r["eea_award"], "–") if pd.notna(r["eea_award"]) else "–")]
            for _, r in totals.iterrows()]
    out = ["<h2>European Energy Award</h2><p>Die Auszeichnung erhält, wer mindestens 50 % der möglichen Punkte "
           "erreicht, Gold ab 75 %.</p>",
           _table("eea-Bewertung je Jahr", ["Jahr", "Punkte erreicht", "Punkte möglich", "Anteil", "Auszeichnung"],
                  rows, {1, 2, 3})]
    latest = eea[eea["year"] == eea["year"].max()]
    fields = latest[latest["field_of_action"] != "total"]
    out.append(_table(f"eea-Bewertung {int(eea['year'].max())} je Handlungsfeld",
                      ["Handlungsfeld", "Punkte erreicht", "Punkte möglich", "Anteil"],
                      [[html.escape(FIELDS_OF_ACTION_DE.get(r["field_of_action"], str(r["field_of_action"]))),
                        num(r["eea_points_achieved"]), num(r["eea_points_possible"]), num(r["eea_share_pct"]) + " %"]
                       for _, r in fields.iterrows()], {1, 2, 3}))
    return "".join(out)


def _served(measure: Mapping, target_pages: TargetPages) -> str:
    links = []
    for indicator_id in list(measure["target_indicators"]):
        pages = [(page, title) for (_, i), (page, title) in target_pages.items() if i == indicator_id]
        links += [_a(page, title) for page, title in pages] or [_e(indicator_id)]
    return ", ".join(links) or "–"


def measure_body(measure: Mapping, history: pd.DataFrame, names: Mapping[str, str],
                 target_pages: TargetPages) -> str:
    """A measure's page: what the latest list says, and how status and budget changed across the deliveries."""
    places = ", ".join(html.escape(names.get(a, a)) for a in list(measure["municipalities_involved"])) or "–"
    facts = [
        ("Nr.", _e(measure["measure_id"])),
        ("Handlungsfeld", _e(FIELDS_OF_ACTION_DE.get(measure["field_of_action"]))),
        ("Status", _status(measure["measure_status"]) + (
            f" – <strong>überfällig</strong>: {html.escape(overdue_de(measure))}" if measure["overdue"] else "")),
        ("Federführung", _e(measure["lead"]) or "–"), ("Beteiligte Kommunen", places),
        ("Beginn – Ende", f"{date_de(measure['start_date'])} – {date_de(measure['end_date'])}"),
        ("Budget geplant", num(measure["budget_planned_eur"], 0) + " €"),
        ("Budget verausgabt", num(measure["budget_spent_eur"], 0) + " €"),
        ("Erwartete Einsparung", "; ".join(
            f"{num(measure[column])} {unit} pro Jahr" for column, unit in (
                ("savings_t_co2e_per_year", "t CO₂e"), ("savings_mwh_per_year", "MWh"))
            if pd.notna(measure[column])) or "keine Schätzung"),
        ("Schätzmethode", _e(measure["savings_method"]) or "–"),
        ("Dient den Zielen", _served(measure, target_pages)),
        ("Letzte Aktualisierung", date_de(measure["last_updated"])),
    ]
    body = ["<div style='overflow-wrap:anywhere'>", f"<h2>{_e(measure['measure_title'])}</h2>",
            f"<p>{_e(measure['measure_description'])}</p>" if pd.notna(
        measure["measure_description"]) else "", "<dl>" + "".join(f"<dt>{html.escape(k)}</dt><dd>{v}</dd>"
                                                                   for k, v in facts) + "</dl>",
            f"<p>{html.escape(ESTIMATES_NOTE)}</p>"]
    mine = history[history["measure_id"] == measure["measure_id"]].sort_values("list_date")
    body.append("<h2>Verlauf über die Lieferungen der Liste</h2>" + _table(
        "Status und Budget je Lieferung", ["Liste vom", "Status", "Budget geplant €", "Budget verausgabt €",
                                           "Änderung"],
        [[date_de(r["list_date"]), _status(r["measure_status"]), num(r["budget_planned_eur"], 0),
          num(r["budget_spent_eur"], 0), html.escape(CHANGE_DE.get(r["history_change"], str(r["history_change"])))]
         for _, r in mine.iterrows()], {2, 3}))
    body.append(f"<p>{_a(PROGRAMME_PAGE, 'Zurück zum Arbeitsprogramm')}</p></div>")
    return "".join(body)


def programme_pages(measures: pd.DataFrame | None, history: pd.DataFrame | None, eea: pd.DataFrame | None,
                    names: Mapping[str, str], target_pages: TargetPages) -> list[tuple[str, str, str]]:
    """(file name, title, body) of the programme page and of every measure's page; without measures the programme
    page says so (the report's navigation links to it on every page)."""
    if measures is None or measures.empty:
        return [(PROGRAMME_PAGE, "Energiepolitisches Arbeitsprogramm", "<p>Diese Veröffentlichung enthält keine "
                 "Liste der Maßnahmen (keine Quelle des Formats measures konfiguriert oder geliefert).</p>")]
    history = history if history is not None else pd.DataFrame(columns=["measure_id", "list_date"])
    reference = measures["overdue_reference_date"].max()
    pages = [(PROGRAMME_PAGE, "Energiepolitisches Arbeitsprogramm", programme_page(measures, eea, reference))]
    for _, m in measures.iterrows():
        pages.append((measure_page(m["measure_id"]), f"Maßnahme {m['measure_id']}",  # short: the host's h1
                      measure_body(m, history, names, target_pages)))
    return pages


def gap_sentence(row: Mapping, unit: str) -> str:
    """The gap analysis of a target in German, from its numbers."""
    year = "–" if pd.isna(row["year"]) else str(int(row["year"]))
    status = row["gap_status"]
    if status == "not_assessable":
        return ("Für dieses Ziel liegt noch kein Wert vor." if pd.isna(row["year"]) else
                f"Der Wert {year} ist unvollständig; die Lücke zum Ziel wird daher nicht bewertet.")
    if status == "target_reached":
        return f"Das Ziel ist {year} erreicht."
    if status == "no_emissions_gap":
        return (f"{year} fehlen bis zum Ziel noch {num(abs(row['gap']))} {unit}. Die Einsparungen der Maßnahmen "
                "sind in t CO₂e und MWh geschätzt und nicht in diese Einheit umgerechnet.")
    open_t = row["savings_in_progress_t_co2e"] + row["savings_planned_t_co2e"]
    text = (f"{year} lagen die Emissionen {num(row['gap_t_co2e'], 0)} t CO₂e über dem Zielwert. Die noch nicht "
            f"abgeschlossenen Maßnahmen erwarten zusammen {num(open_t, 0)} t CO₂e Einsparung pro Jahr (eigene "
            "Schätzungen). ")
    if status == "not_closed":
        return text + f"Sie schließen die Lücke nicht: es bleiben {num(row['shortfall_t_co2e'], 0)} t CO₂e offen."
    return text + "Rechnerisch würden sie die Lücke schließen."


def target_section(target_set: str, indicator_id: str, measures: pd.DataFrame | None,
                   target_measures: pd.DataFrame | None, unit: str) -> str:
    """For a target's page: the gap analysis and the measures serving the target ('' without measures data)."""
    if measures is None or target_measures is None:
        return ""
    match = target_measures[(target_measures["target_set"] == target_set)
                            & (target_measures["indicator_id"] == indicator_id)]
    serving = measures.loc[measures["target_indicators"].map(lambda ids: indicator_id in list(ids)).astype(bool)]
    if match.empty and serving.empty:
        return ""
    body = ["<section style='overflow-wrap:anywhere'><h2>Maßnahmen und Ziellücke</h2>"]
    if len(match):
        row = match.iloc[0]
        body.append(f"<p>{html.escape(gap_sentence(row, unit))}</p>")
        rows = [[html.escape(label), num(row[f"savings_{g}_t_co2e"]), num(row[f"savings_{g}_mwh"])]
                for g, label in GROUPS_DE.items()]
        body.append(_table("Erwartete Einsparungen der Maßnahmen nach Status (Schätzungen der Maßnahmen)",
                           ["Status", "t CO₂e pro Jahr", "MWh pro Jahr"], rows, {1, 2}))
        if row["measures_without_estimate"]:
            body.append(f"<p>{int(row['measures_without_estimate'])} Maßnahme(n) ohne Schätzung der Einsparung.</p>")
    body.append(f"<p>{html.escape(ESTIMATES_NOTE)}</p>")
    if len(serving):
        body.append(_table("Maßnahmen für dieses Ziel", ["Nr.", "Maßnahme", "Status", "Einsparung t CO₂e/a"],
                           [[_e(r["measure_id"]), _a(measure_page(r["measure_id"]), r["measure_title"]),
                             _status(r["measure_status"]), num(r["savings_t_co2e_per_year"])]
                            for _, r in serving.iterrows()], {3}))
    body.append(f"<p>{_a(PROGRAMME_PAGE, 'Zum Arbeitsprogramm')}</p></section>")
    return "".join(body)
