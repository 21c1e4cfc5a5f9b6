"""The static report of a release (`report/`), for councillors: German first, fully offline (no scripts, fonts or
files from elsewhere), charts as inline SVG with a text alternative and a data table, a colour-blind-safe palette
(Okabe–Ito), readable on a phone. Built from the release's own tables, so it says exactly what the data say.

Pages: an overview of every target, one page per target, one per municipality, renewable electricity, and
methodology and sources (from the same catalog metadata as the data dictionary).
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from warehouse.catalog import all_tables
from warehouse.report_measures import programme_pages, target_section

PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
STATUS_DE = {"met": "erreicht", "missed": "verfehlt", "on_track": "auf Kurs", "off_track": "nicht auf Kurs",
             "not_assessable": "nicht bewertbar", "no_target": "ohne Ziel"}
CONFORMITY_DE = {"conformant": "BISKO-konform", "non_conformant": "nicht BISKO-konform",
                 "incomplete": "BISKO-Konformität unvollständig", "not_applicable": "keine BISKO-Bilanz"}
QUALITY_DE = {"A": "A – regionale Primärdaten", "B": "B – hochgerechnete Primärdaten",
              "C": "C – regionale Kennwerte und Statistiken", "D": "D – bundesweite Kennwerte"}
CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1b1b1b;line-height:1.5}
main{max-width:60rem;margin:0 auto;padding:1rem}header{background:#003f6b;color:#fff;padding:.8rem 1rem}
header a{color:#fff}nav a{margin-right:1rem}.banner{background:#fff3cd;border:2px solid #9a6700;padding:.6rem;
margin:1rem 0;font-weight:bold}table{border-collapse:collapse;width:100%;margin:1rem 0;font-size:.92rem}
th,td{border:1px solid #ccc;padding:.3rem .45rem;text-align:left}th{background:#eef2f5}td.num{text-align:right}
svg{max-width:100%;height:auto}.status-met,.status-on_track{color:#006b3c;font-weight:bold}
.status-missed,.status-off_track{color:#a33600;font-weight:bold}.status-not_assessable{color:#555}
figure{margin:1rem 0}figcaption{font-size:.9rem;color:#333}@media (max-width:40rem){table{font-size:.8rem}}
"""


def page_name(prefix: str, *ids: str) -> str:
    """The file name of a page: validated ids (ID_PATTERN, AGS) pass as they are; anything else (a release built
    from an unchecked table) becomes a harmless slug with a hash, so no id can leave the report folder or break out
    of an HTML attribute."""
    parts = [i if re.fullmatch(r"[a-z0-9_]{1,64}", str(i)) else
             re.sub(r"[^a-z0-9_]", "_", str(i).lower())[:40] + "_" + hashlib.sha256(str(i).encode()).hexdigest()[:8]
             for i in ids]
    return "-".join([prefix, *parts]) + ".html"


def _link(page: str, text: str) -> str:
    """A link to a page of the report; both parts escaped for HTML (the page name is already a safe file name)."""
    return f"<a href='{html.escape(page, quote=True)}'>{html.escape(text)}</a>"


def _fmt(value, digits: int = 1) -> str:
    if value is None or pd.isna(value):
        return "–"
    return f"{value:,.{digits}f}".replace(",", "_").replace(".", ",").replace("_", ".")


def _page(title: str, body: str, synthetic: bool, district: str) -> str:
    banner = ("<p class='banner' role='note'>Hinweis: Dieser Bericht beruht auf synthetischen Demonstrationsdaten "
              "(synthetic_demo), nicht auf Lieferungen der Partner. Die Zahlen sind nicht die des Kreises.</p>"
              if synthetic else "")
    return (f"<!doctype html><html lang='de'><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
            "<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<style>{CSS}</style></head><body><header><strong>Klimamonitor {html.escape(district)}</strong>"
            "<nav><a href='index.html'>Ziele</a><a href='erneuerbare.html'>Erneuerbarer Strom</a>"
            "<a href='arbeitsprogramm.html'>Arbeitsprogramm</a>"
            "<a href='methodik.html'>Methodik und Quellen</a></nav></header><main>"
            f"{banner}<h1>{html.escape(title)}</h1>{body}</main></body></html>\n")


def _points(frame: pd.DataFrame) -> list[tuple[int, float]]:
    """(year, value) of the rows that have a value, as plain numbers (a chart per place: no pandas per point)."""
    values = pd.to_numeric(frame["value"], errors="coerce").to_numpy(dtype="float64", na_value=float("nan"))
    return [(int(y), v) for y, v in zip(frame["year"].tolist(), values.tolist(), strict=True) if v == v]


def line_chart(series: Sequence[tuple[str, pd.DataFrame, str]], unit: str, title: str,
               target: tuple[int, float] | None = None) -> str:
    """An SVG line chart; `series` are (label, frame with year and value, kind: data|path|projection)."""
    width, height, left, right, top, bottom = 720, 340, 70, 20, 20, 45
    frames = [_points(f) for _, f, _ in series]
    if not any(frames):
        return "<p>Keine Daten für ein Diagramm.</p>"
    years = [y for f in frames for y, _ in f] + ([target[0]] if target else [])
    values = [v for f in frames for _, v in f] + ([target[1]] if target else [])
    y0, y1 = int(min(years)), int(max(years))
    v0, v1 = min(0.0, float(min(values))), float(max(values))
    v1 = v1 if v1 > v0 else v0 + 1
    pad = (v1 - v0) * 0.08
    v0, v1 = (v0 - pad if v0 < 0 else v0), v1 + pad

    def x(year):
        return left + (year - y0) / max(1, y1 - y0) * (width - left - right)

    def y(value):
        return top + (1 - (value - v0) / (v1 - v0)) * (height - top - bottom)

    parts = [f"<svg viewBox='0 0 {width} {height}' role='img' aria-label='{html.escape(title)}' "
             f"xmlns='http://www.w3.org/2000/svg'><title>{html.escape(title)}</title>"]
    for i in range(5):
        value = v0 + (v1 - v0) * i / 4
        parts.append(f"<line x1='{left}' x2='{width - right}' y1='{y(value):.1f}' y2='{y(value):.1f}' stroke='#ddd'/>"
                     f"<text x='{left - 6}' y='{y(value) + 4:.1f}' text-anchor='end' font-size='12'>"
                     f"{_fmt(value, 1)}</text>")
    step = max(1, (y1 - y0) // 8)
    for year in range(y0, y1 + 1, step):
        parts.append(f"<text x='{x(year):.1f}' y='{height - bottom + 18}' text-anchor='middle' font-size='12'>"
                     f"{year}</text>")
    parts.append(f"<text x='{(left + width) / 2}' y='{height - 5}' text-anchor='middle' font-size='12'>Jahr</text>"
                 f"<text x='14' y='{height / 2}' transform='rotate(-90 14 {height / 2})' text-anchor='middle' "
                 f"font-size='12'>{html.escape(unit)}</text>")
    legend = []
    for i, ((label, _, kind), frame) in enumerate(zip(series, frames, strict=True)):
        colour = PALETTE[i % len(PALETTE)]
        dash = {"data": "", "path": " stroke-dasharray='6 4'", "projection": " stroke-dasharray='2 4'"}[kind]
        points = " ".join(f"{x(year):.1f},{y(value):.1f}" for year, value in frame)
        if len(frame) > 1:
            parts.append(f"<polyline fill='none' stroke='{colour}' stroke-width='2.5'{dash} points='{points}'/>")
        if kind == "data":
            parts += [f"<circle class='data-point' data-year='{year}' cx='{x(year):.1f}' cy='{y(value):.1f}'"
                      f" r='4' fill='{colour}'><title>{year}: {_fmt(value, 2)} {html.escape(unit)}</title>"
                      "</circle>" for year, value in frame]
        legend.append((label, colour, dash))
    if target:
        parts.append(f"<rect x='{x(target[0]) - 6:.1f}' y='{y(target[1]) - 6:.1f}' width='12' height='12' "
                     f"fill='#D55E00'><title>Ziel {target[0]}: {_fmt(target[1], 2)} {html.escape(unit)}</title></rect>")
        legend.append((f"Ziel {target[0]}", "#D55E00", ""))
    parts.append("</svg>")
    legend_html = "".join(f"<span style='margin-right:1rem'><span style='display:inline-block;width:1.2rem;"
                          f"border-top:3px {'dashed' if d else 'solid'} {c}'></span> {html.escape(lbl)}</span>"
                          for lbl, c, d in legend)
    return f"<figure>{''.join(parts)}<figcaption>{legend_html}</figcaption></figure>"


def _read(release: Path, table: str) -> pd.DataFrame | None:
    path = release / f"{table}.parquet"
    return pq.read_table(path).to_pandas() if path.exists() else None


def _sentence(row, target) -> str:
    status = row["status"]
    unit = target["unit"]
    if status == "not_assessable":
        return f"Nicht bewertbar: {row['status_reason']}."
    if status == "no_target":
        return f"Wert {int(row['year'])}: {_fmt(row['value'], 2)} {unit} (kein Ziel)."
    value, goal = _fmt(row["value"], 1), _fmt(target["target_value"], 1)
    gap = row["gap"]
    if status in ("met", "missed"):
        verdict = "erreicht" if status == "met" else "verfehlt"
        return (f"Das Ziel ({target['comparator']} {goal} {unit} bis {int(target['target_year'])}) wurde {verdict}: "
                f"{int(row['year'])} lag der Wert bei {value} {unit}.")
    course = "auf Kurs" if status == "on_track" else "nicht auf Kurs"
    return (f"{int(row['year'])} lag der Wert bei {value} {unit}; bis zum Ziel von {goal} {unit} im Jahr "
            f"{int(target['target_year'])} fehlen noch {_fmt(gap, 1)} {unit}. Der Kreis ist {course}.")


def render_report(release: Path, district: str, district_ags: str, synthetic: bool) -> list[Path]:
    """Write report/*.html into the release folder; pages only for the tables the release has."""
    out = release / "report"
    out.mkdir(exist_ok=True)
    written: list[Path] = []

    def write(name: str, title: str, body: str) -> None:
        path = out / name
        path.write_text(_page(title, body, synthetic, district), encoding="utf-8")
        written.append(path)

    targets, indicators = _read(release, "targets"), _read(release, "indicators")
    measures, target_measures = _read(release, "measures"), _read(release, "target_measures")
    municipalities = _read(release, "municipalities")
    names = dict(zip(municipalities["ags"], municipalities["name"], strict=True)) if municipalities is not None else {}
    overview = ["<p>Wo steht der Kreis bei seinen Klimaschutzzielen? Jede Zeile führt zu einer Seite mit Verlauf, "
                "Zielpfad und Trend.</p>"]
    if targets is not None and indicators is not None:
        for set_name, group in targets.groupby("target_set", sort=False):
            overview.append(f"<h2>{html.escape(set_name)}</h2><table><thead><tr><th>Ziel</th><th>Jahr</th>"
                            "<th>Wert</th><th>Stand</th><th>Bilanz</th></tr></thead><tbody>")
            for t in group.itertuples(index=False):
                rows = indicators[(indicators["target_set"] == set_name) & (indicators["indicator_id"] ==
                                  t.indicator_id) & (indicators["ags"] == district_ags)].sort_values("year")
                page = page_name("ziel", set_name, t.indicator_id)
                latest = rows.dropna(subset=["value"]).tail(1)
                if pd.notna(t.target_year):
                    at_target = rows[rows["year"] == t.target_year].dropna(subset=["value"])
                    latest = at_target if len(at_target) else latest
                cells = ("<td>–</td><td>–</td><td>keine Daten</td><td>–</td>" if latest.empty else
                         f"<td>{int(latest.iloc[0]['year'])}</td><td class='num'>{_fmt(latest.iloc[0]['value'], 2)} "
                         f"{html.escape(t.unit)}</td><td class='status-{html.escape(str(latest.iloc[0]['status']))}'>"
                         f"{STATUS_DE[latest.iloc[0]['status']]}</td><td>{_conformity_de(latest.iloc[0])}</td>")
                overview.append(f"<tr><td>{_link(page, t.title_de)}</td>{cells}</tr>")
                write(page, t.title_de, _target_body(t._asdict(), rows, indicators, set_name, names)
                      + target_section(set_name, t.indicator_id, measures, target_measures, t.unit))
            overview.append("</tbody></table>")
    if names:
        overview.append("<h2>Gemeinden</h2><ul>" + "".join(
            f"<li>{_link(page_name('gemeinde', a), n)}</li>" for a, n in names.items()) + "</ul>")
    write("index.html", f"Klimaschutzziele {district}", "".join(overview))
    summary, final = _read(release, "balance_summary"), _read(release, "final_energy")
    # rows per place, grouped once (a country has 10,800 places; filtering the whole tables per page is quadratic)
    has_summary = summary is not None and not summary.empty
    summary_by = dict(tuple(summary.groupby("ags"))) if has_summary else {}
    latest = int(final["year"].max()) if final is not None and not final.empty else None
    final_by = dict(tuple(final[final["year"] == latest].groupby("ags"))) if latest is not None else {}
    for ags, name in names.items():
        rows = summary_by.get(ags, summary.iloc[0:0]) if has_summary else None
        write(page_name("gemeinde", ags), name, _place_body(rows, final_by.get(ags), latest))
    write("erneuerbare.html", "Erneuerbarer Strom", _renewables_body(_read(release, "electricity_generation"),
                                                                     final, district_ags))
    target_pages = {} if targets is None else {(t.target_set, t.indicator_id): (
        page_name("ziel", t.target_set, t.indicator_id), t.title_de) for t in targets.itertuples(index=False)}
    for name, title, body in programme_pages(measures, _read(release, "measure_status_history"),
                                             _read(release, "eea_assessment"), names, target_pages):
        write(name, title, body)
    write("methodik.html", "Methodik und Quellen", _methodology_body(targets, _read(release, "emission_factors")))
    return written


def _conformity_de(row) -> str:
    """The BISKO conformity of the balance behind a value, in German (docs/methodology.md, 'Conformity')."""
    return CONFORMITY_DE.get(row.get("conformity") if hasattr(row, "get") else None, "Konformität nicht angegeben")


def _reason_de(r, t: dict) -> str:
    """The status reason in German, from the numbers (the `status_reason` column is for analysts, in English)."""
    if r.status == "no_target":
        return "unterstützender Indikator ohne Ziel"
    if r.status == "not_assessable":
        if pd.notna(t.get("base_year")) and r.year < t["base_year"]:
            return f"vor dem Basisjahr {int(t['base_year'])}"
        reason = str(r.status_reason)
        if "incomplete inputs" in reason:
            return "nicht bewertbar: unvollständige Eingangsdaten, kein Urteil"
        if "reference of the target" in reason or "measured from here" in reason:
            return "Basisjahr (Bezugspunkt des Ziels)"
        if "for a trend" in reason:
            return "nicht bewertbar: zu wenige vollständige Jahre für einen Trend"
        return "nicht bewertbar: " + ("Basisjahr fehlt oder ist unvollständig" if "base year" in reason
                                      else "kein Wert (z. B. Wachstum nach einem Jahr ohne Sanierungen undefiniert)")
    if r.status in ("met", "missed"):
        return f"Wert {_fmt(r.value, 2)} gegenüber Ziel {t['comparator']} {_fmt(t['target_value'], 2)}"
    if r.status == "on_track":
        return f"auf dem Zielpfad, und der Trend erreicht das Ziel bis {int(t['target_year'])}"
    return f"hinter dem Zielpfad, oder der Trend verfehlt das Ziel bis {int(t['target_year'])}"


def _target_body(t: dict, rows: pd.DataFrame, indicators: pd.DataFrame, set_name: str, names: dict) -> str:
    data = rows.dropna(subset=["value"])
    body = []
    if not data.empty:
        last = data.iloc[-1]
        if pd.notna(t.get("target_year")) and (data["year"] == t["target_year"]).any():
            last = data[data["year"] == t["target_year"]].iloc[0]  # a past target is judged in its target year
        body.append(f"<p>{html.escape(_sentence(last, t))}</p>")
        quality = QUALITY_DE.get(last["data_quality"], "keine Angabe")
        complete = "vollständig" if last["complete"] else "unvollständig (fehlende oder vertrauliche Werte)"
        body.append(f"<p>Datenqualität {int(last['year'])}: {html.escape(quality)}; Eingangsdaten {complete}; "
                    f"{_conformity_de(last)}.</p>")
    series = [("Wert", rows[["year", "value"]], "data")]
    target_point = None
    if pd.notna(t.get("target_value")):
        series.append(("Zielpfad", rows[["year", "path_value"]].rename(columns={"path_value": "value"}), "path"))
        target_point = (int(t["target_year"]), float(t["target_value"]))
        if not data.empty and data.iloc[-1]["year"] < t["target_year"] and pd.notna(
                data.iloc[-1]["projected_value_at_target_year"]):
            projection = pd.DataFrame({"year": [data.iloc[-1]["year"], t["target_year"]],
                                       "value": [data.iloc[-1]["value"], data.iloc[-1]["projected_value_at_target_year"]]})
            series.append(("Trend (Projektion)", projection, "projection"))
    body.append(line_chart(series, t["unit"], f"{t['title_de']}: Verlauf", target_point))
    body.append(f"<p><strong>Definition:</strong> {html.escape(str(t.get('definition') or ''))}</p>")
    if t.get("notes"):
        body.append(f"<p><strong>Hinweise:</strong> {html.escape(str(t['notes']))}</p>")
    body.append(f"<p><strong>Quelle des Ziels:</strong> {html.escape(str(t.get('source') or ''))}</p>")
    table = ["<table><caption>Werte je Jahr (Textalternative zum Diagramm)</caption><thead><tr><th>Jahr</th>"
             "<th>Wert</th><th>Zielpfad</th><th>Stand</th><th>Begründung</th></tr></thead><tbody>"]
    for r in rows.itertuples(index=False):
        table.append(f"<tr><td>{int(r.year)}</td><td class='num'>{_fmt(r.value, 2)}</td><td class='num'>"
                     f"{_fmt(r.path_value, 2)}</td><td class='status-{r.status}'>{STATUS_DE[r.status]}</td>"
                     f"<td>{html.escape(_reason_de(r, t))}{' (unvollständige Daten)' if not r.complete else ''}"
                     "</td></tr>")
    table.append("</tbody></table>")
    body.append("".join(table))
    others = indicators[(indicators["target_set"] == set_name) & (indicators["indicator_id"] == t["indicator_id"])
                        & (indicators["ags"] != rows["ags"].iloc[0] if len(rows) else True)]
    if len(others):
        latest_year = int(others.dropna(subset=["value"])["year"].max()) if others["value"].notna().any() else None
        if latest_year:
            part = others[others["year"] == latest_year]
            body.append(f"<h2>Gemeinden {latest_year}</h2><table><thead><tr><th>Gemeinde</th><th>Wert</th>"
                        "<th>Stand</th></tr></thead><tbody>" + "".join(
                            f"<tr><td>{html.escape(names.get(r.ags, r.ags))}</td><td class='num'>"
                            f"{_fmt(r.value, 2)}</td><td class='status-{r.status}'>{STATUS_DE[r.status]}</td></tr>"
                            for r in part.itertuples(index=False)) + "</tbody></table>")
    return "".join(body)


SECTORS_DE = {"households": "Private Haushalte", "commerce": "Gewerbe, Handel, Dienstleistungen",
              "industry": "Industrie", "municipal": "Kommunale Einrichtungen", "transport": "Verkehr"}


def _place_body(rows: pd.DataFrame | None, final: pd.DataFrame | None, latest: int | None) -> str:
    """A place's page from its own balance-summary rows and its final-energy rows of the latest year."""
    if rows is None:
        return "<p>Keine Bilanz in dieser Veröffentlichung.</p>"
    series = [(SECTORS_DE[s], g[["year", "emissions_t_co2e"]].rename(columns={"emissions_t_co2e": "value"}), "data")
              for s, g in rows[rows["balance_scope"] != "total"].groupby("balance_scope")]
    body = ["<p>Treibhausgasemissionen nach BISKO je Sektor (t CO2e).</p>",
            line_chart(series, "t CO2e", "Emissionen je Sektor")]
    total = rows[rows["balance_scope"] == "total"].sort_values("year")
    body.append("<table><caption>Bilanz je Jahr</caption><thead><tr><th>Jahr</th><th>Endenergie (MWh)</th>"
                "<th>Emissionen (t CO2e)</th><th>t je Einwohner</th><th>Datenqualität</th><th>vollständig</th></tr>"
                "</thead><tbody>" + "".join(
                    f"<tr><td>{int(r.year)}</td><td class='num'>{_fmt(r.final_energy_mwh, 0)}</td><td class='num'>"
                    f"{_fmt(r.emissions_t_co2e, 0)}</td><td class='num'>{_fmt(r.t_co2e_per_inhabitant, 2)}</td>"
                    f"<td>{r.data_quality or '–'}</td><td>{'ja' if r.complete else 'nein'}</td></tr>"
                    for r in total.itertuples(index=False)) + "</tbody></table>")
    if latest is not None:
        part = (final.groupby("carrier")["final_energy_mwh"].sum() if final is not None
                else pd.Series(dtype="float64"))
        body.append(f"<h2>Energieträger {latest}</h2><table><thead><tr><th>Energieträger</th><th>MWh</th></tr>"
                    "</thead><tbody>" + "".join(f"<tr><td>{html.escape(c)}</td><td class='num'>{_fmt(v, 0)}</td></tr>"
                                                 for c, v in part.sort_values(ascending=False).items())
                    + "</tbody></table>")
    return "".join(body)


def _renewables_body(generation: pd.DataFrame | None, final: pd.DataFrame | None, district_ags: str) -> str:
    if generation is None or generation.empty:
        return "<p>Keine Erzeugungsdaten in dieser Veröffentlichung.</p>"
    district = generation[generation["ags"] == district_ags]
    series = [(tech, g.groupby("year")["generation_mwh"].sum().rename("value").reset_index(), "data")
              for tech, g in district.groupby("technology")]
    body = ["<p>Stromerzeugung im Kreis je Technik (MWh): gemessen (EEG-Einspeisung) oder geschätzt "
            "(Leistung × Volllaststunden).</p>", line_chart(series, "MWh", "Stromerzeugung je Technik")]
    if final is not None and not final.empty:
        consumption = final[(final["ags"] == district_ags) & (final["carrier"] == "electricity")].groupby("year")[
            "final_energy_mwh"].sum()
        renewable = district[district["technology"].isin(["solar_pv", "wind_onshore", "biomass", "hydro",
                                                          "other_renewable"])].groupby("year")["generation_mwh"].sum()
        share = (renewable / consumption * 100).dropna()
        body.append("<table><caption>Anteil erneuerbarer Erzeugung am Stromverbrauch</caption><thead><tr><th>Jahr"
                    "</th><th>Anteil (%)</th></tr></thead><tbody>" + "".join(
                        f"<tr><td>{int(y)}</td><td class='num'>{_fmt(v, 1)}</td></tr>" for y, v in share.items())
                    + "</tbody></table>")
    return "".join(body)


def _methodology_body(targets: pd.DataFrame | None, factors: pd.DataFrame | None) -> str:
    body = ["<p>Die Bilanz folgt BISKO (Bilanzierungs-Systematik Kommunal): territorial, endenergiebasiert, "
            "Emissionsfaktoren mit Vorketten, Strom mit dem Bundesstrommix des Jahres, ohne Witterungskorrektur. "
            "Fehlende oder vertrauliche Werte werden nie als 0 gezählt; unvollständige Summen sind gekennzeichnet.</p>"]
    if targets is not None:
        body.append("<h2>Indikatoren</h2><table><thead><tr><th>Indikator</th><th>Definition</th><th>Verarbeitung"
                    "</th><th>Quelle</th></tr></thead><tbody>" + "".join(
                        f"<tr><td>{html.escape(t.title_de)}</td><td>{html.escape(str(t.definition))}</td>"
                        f"<td>{html.escape(str(t.processing))}</td><td>{html.escape(str(t.source))}</td></tr>"
                        for t in targets.itertuples(index=False)) + "</tbody></table>")
    if factors is not None:
        used = factors.drop_duplicates(["carrier", "sector_scope", "source"])
        body.append("<h2>Emissionsfaktoren</h2><table><thead><tr><th>Energieträger</th><th>Sektor</th>"
                    "<th>Quelle</th></tr></thead><tbody>" + "".join(
                        f"<tr><td>{html.escape(r.carrier)}</td><td>{html.escape(r.sector_scope)}</td>"
                        f"<td>{html.escape(str(r.source))}</td></tr>" for r in used.itertuples(index=False))
                    + "</tbody></table>")
    body.append("<h2>Tabellen</h2><table><thead><tr><th>Tabelle</th><th>Beschreibung</th></tr></thead><tbody>"
                + "".join(f"<tr><td>{html.escape(t.name)}</td><td>{html.escape(t.description)}</td></tr>"
                          for t in all_tables().values() if t.published) + "</tbody></table>")
    return "".join(body)
