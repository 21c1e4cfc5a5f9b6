"""The static report of a release (`report/`), for councillors: German, fully offline (no scripts, fonts or files
from elsewhere), every chart with a table and a CSV file of its data, readable on a phone and printable on A4.
Built from the release's own tables, so it says exactly what the data say.

Pages: the overview (a card per target), a page per target, the municipalities compared, a page per municipality,
renewable electricity, the work programme of measures (report_measures.py), and methodology and sources. Charts are in report_charts.py, page parts in report_blocks.py,
the places, renewables and methodology pages in report_places.py.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from warehouse.labels import ROLES_DE, SOURCE_FAMILIES_DE, STATUS_DE, label, unit_de
from warehouse.report_blocks import COMPARISON_PAGE, KREIS, Place, Site, date_de, esc, link, page, page_name, table
from warehouse.report_charts import PALETTE, TARGET_COLOUR, Legend, Series, fmt, line_chart, ranked_bars
from warehouse.report_places import (
    Context,
    comparison_body,
    emissions_chart,
    methodology_body,
    per_inhabitant_section,
    place_body,
    renewables_body,
    tiles_section,
)
from warehouse.report_measures import programme_pages, target_section

# indicators whose value is a change in %: shown with its sign and said in words ("weniger", "mehr")
CHANGES = {"emissions_change_vs_base": ("Emissionen", "base"), "own_properties_change_vs_base": ("Emissionen", "base"),
           "sector_emissions_annual_change": ("Emissionen", "annual"),
           "sector_emissions_yoy_change": ("Emissionen", "yoy"), "renovation_growth": ("Sanierungen", "annual"),
           "renovation_growth_yoy": ("Sanierungen", "yoy")}
PATH_COLOUR, PROJECTION_COLOUR = PALETTE[2], PALETTE[6]


def digits_for(t: Mapping) -> int:
    """Decimals of a target's values: those of its target value (0,41 t → 2), at least 1; per inhabitant 2."""
    target = t.get("target_value")
    places = 0 if target is None or pd.isna(target) else len(f"{float(target):g}".partition(".")[2])
    return max(1, min(2, places), 2 if "person" in str(t.get("unit")) else 1)


def value_text(value, t: Mapping) -> str:
    return f"{fmt(value, digits_for(t), sign=t.get('indicator') in CHANGES)} {unit_de(t.get('unit'))}".strip()


def change_words(value, t: Mapping) -> str:
    """A change said in words: '9,4 % weniger Emissionen als 2007'."""
    if t.get("indicator") not in CHANGES or value is None or pd.isna(value):
        return ""
    noun, kind = CHANGES[t["indicator"]]
    amount = fmt(abs(value), digits_for(t))
    if amount == fmt(0, digits_for(t)):
        return f"gleich viele {noun} wie " + ("im Vorjahr" if kind == "yoy" else f"{int(t['base_year'])}")
    word = "weniger" if value < 0 else "mehr"
    if kind == "yoy":
        return f"{amount} % {word} {noun} als im Vorjahr"
    if kind == "annual":
        return f"im Mittel {amount} % {word} {noun} pro Jahr seit {int(t['base_year'])}"
    return f"{amount} % {word} {noun} als {int(t['base_year'])}"


def goal_text(t: Mapping) -> str:
    """'höchstens −30,0 % bis 2020'."""
    return f"{label('comparator', t['comparator'])} {value_text(t['target_value'], t)} bis {int(t['target_year'])}"


def gap_text(gap, t: Mapping) -> str:
    unit = str(t.get("unit"))
    size = fmt(abs(gap), digits_for(t))
    return (f"{size} Prozentpunkte pro Jahr" if unit == "%/year" else f"{size} Prozentpunkte" if unit == "%"
            else f"{size} {unit_de(unit)}")


def given(text) -> bool:
    """A configured text to show: not None, not NaN (a null of a Parquet column), not blank."""
    return text is not None and not (isinstance(text, float) and text != text) and bool(str(text).strip())


def has_target(t: Mapping) -> bool:
    return t.get("target_value") is not None and not pd.isna(t.get("target_value"))


def judged_row(rows: pd.DataFrame, t: Mapping):
    """The row a target is judged on: its target year when that year has a value (a past target), else the
    latest year with a value; None without any."""
    data = rows.dropna(subset=["value"])
    if data.empty:
        return None
    if has_target(t):
        at_target = data[data["year"] == t["target_year"]]
        if len(at_target):
            return at_target.iloc[0]
    return data.iloc[-1]


def status_text(r, t: Mapping) -> str:
    """The status of a year in words; the base year is the reference, never a verdict."""
    base = t.get("base_year")
    if has_target(t) and base is not None and not pd.isna(base):
        if int(r["year"]) == int(base):
            return "Basisjahr"
        if int(r["year"]) < int(base):
            return "vor dem Basisjahr"
    return STATUS_DE[r["status"]]


def status_class(r, t: Mapping) -> str:
    text = status_text(r, t)
    return "base" if text in ("Basisjahr", "vor dem Basisjahr") else str(r["status"])


_NO_SOURCE = re.compile(r"no (.+?) source configured|a (.+?) source is configured but nothing was delivered")


def missing_sources_de(reason: str) -> str:
    """The source families a not_assessable reason names, in German ('' when it names none)."""
    parts = []
    for absent, empty in _NO_SOURCE.findall(reason):
        family = SOURCE_FAMILIES_DE.get(absent or empty, absent or empty)
        parts.append(f"keine Quelle für {family} eingerichtet" if absent else
                     f"eine Quelle für {family} ist eingerichtet, hat aber nichts geliefert")
    return "; ".join(dict.fromkeys(parts))


def reason_text(r, t: Mapping) -> str:
    """Why a year has its status, in German from the numbers (status_reason is for analysts, in English)."""
    status, reason = r["status"], str(r["status_reason"])
    if status == "no_target":
        return "unterstützender Indikator ohne Ziel"
    if status_class(r, t) == "base":
        return "Bezugspunkt des Ziels" if status_text(r, t) == "Basisjahr" else "nicht bewertet"
    if status == "not_assessable":
        if missing := missing_sources_de(reason):
            return missing
        if "incomplete" in reason:
            return "unvollständige Eingangsdaten: kein Urteil"
        if "for a trend" in reason:
            return "zu wenige vollständige Jahre für einen Trend"
        if "base year" in reason:
            return "das Basisjahr fehlt oder ist unvollständig"
        return "kein Wert bestimmbar (z. B. Wachstum nach einem Jahr ohne Sanierungen)"
    if status in ("met", "missed"):
        return f"{value_text(r['value'], t)} gegenüber dem Ziel von {label('comparator', t['comparator'])} " \
               f"{value_text(t['target_value'], t)}"
    path = r.get("path_value")
    where = (f"der Zielpfad liegt bei {value_text(path, t)}" if path is not None and not pd.isna(path) else "")
    verdict = ("auf dem Zielpfad, und der Trend erreicht das Ziel" if status == "on_track"
               else "hinter dem Zielpfad, oder der Trend verfehlt das Ziel")
    return f"{verdict} bis {int(t['target_year'])}" + (f"; {where}" if where else "")


def sentence(r, t: Mapping, place: Place = KREIS) -> str:
    """The plain statement of a target page and card: value, target, gap and status, with the sign in words."""
    year, value = int(r["year"]), r["value"]
    words = change_words(value, t)
    stated = f"{year} lag der Wert bei {value_text(value, t)}" + (f", also {words}" if words else "")
    if not has_target(t):
        return stated + "."
    stated = f"{year} lag der Wert bei {value_text(value, t)} (Ziel: {value_text(t['target_value'], t)})" + (
        f", also {words}" if words else "")
    status = r["status"]
    if status == "not_assessable" or status_class(r, t) == "base":
        return f"{stated}. Ein Urteil ist für {year} nicht möglich: {reason_text(r, t)}."
    if status == "met":
        return f"{stated}. Das Ziel ({goal_text(t)}) wurde erreicht."
    if status == "missed":
        return f"{stated}. Das Ziel ({goal_text(t)}) wurde verfehlt; es fehlten {gap_text(r['gap'], t)}."
    course = "auf Kurs" if status == "on_track" else "nicht auf Kurs"
    text = f"{stated}. Bis zum Ziel ({goal_text(t)}) fehlen noch {gap_text(r['gap'], t)}. {place.subject[:1].upper() + place.subject[1:]} ist {course}"
    projected = r.get("projected_value_at_target_year")
    if projected is not None and not pd.isna(projected):
        text += f"; die Projektion des Trends ergibt {value_text(projected, t)} im Jahr {int(t['target_year'])}"
    return text + "."


def quality_text(r, short: bool = False) -> str:
    """Data quality, completeness and BISKO conformity of a value in words."""
    complete = ("Eingangsdaten vollständig" if bool(r["complete"]) else
                "Eingangsdaten unvollständig (fehlende oder vertrauliche Werte): kein Urteil")
    quality = label("data_quality", r["data_quality"]) if pd.notna(r["data_quality"]) else "nicht angegeben"
    conformity = label("conformity", r["conformity"]) if pd.notna(r.get("conformity")) else "nicht angegeben"
    if short:
        conformity = conformity.split(" (")[0]
        return f"Güte {quality}; {'vollständig' if bool(r['complete']) else 'unvollständig: kein Urteil'}; {conformity}"
    return f"Datenqualität {quality}; {complete}; {conformity}."


def card(t: Mapping, rows: pd.DataFrame) -> str:
    """One target on the overview: value, target, gap, status, trend, data quality and conformity in words."""
    name = page_name("ziel", t["target_set"], t["indicator_id"])
    r = judged_row(rows, t)
    facts: list[tuple[str, str]] = []
    if r is None:
        facts.append(("Wert", "keine Daten in dieser Veröffentlichung"))
    else:
        facts.append((f"Wert {int(r['year'])}", value_text(r["value"], t)))
        words = change_words(r["value"], t)
        if words:
            facts.append(("Das heißt", words))
        if has_target(t):
            facts.append(("Ziel", goal_text(t)))
            verdict = r["status"] in ("met", "missed", "on_track", "off_track") and status_class(r, t) != "base"
            if verdict and r["status"] != "met" and pd.notna(r["gap"]):
                facts.append(("Abstand", f"noch {gap_text(r['gap'], t)} bis zum Ziel"))
            facts.append(("Stand", f"<span class='status-{esc(status_class(r, t))}'>{esc(status_text(r, t))}</span>"
                          + ("" if verdict else f" ({esc(reason_text(r, t))})")))
            projected = r.get("projected_value_at_target_year")
            if int(r["year"]) < int(t["target_year"]) and projected is not None and not pd.isna(projected):
                facts.append((f"Projektion {int(t['target_year'])}", value_text(projected, t)))
            latest = rows.dropna(subset=["value"]).iloc[-1]
            if int(latest["year"]) > int(r["year"]):
                facts.append((f"Neuester Wert ({int(latest['year'])})", value_text(latest["value"], t)))
        facts.append(("Daten", quality_text(r, short=True)))
    facts.append(("Bilanzrahmen", label("target_scope", t["scope"])))
    if not has_target(t):
        facts.append(("Rolle", ROLES_DE["supporting"]))
    cells = "".join(f"<dt>{esc(k)}</dt><dd>{v if k == 'Stand' else esc(v)}</dd>" for k, v in facts)
    return f"<article class='card'><h3>{link(name, t['title_de'])}</h3><dl>{cells}</dl></article>"


def target_chart(site: Site, chart_id: str, t: Mapping, rows: pd.DataFrame, place: Place = KREIS) -> str:
    """The district's chart of a target: values, the straight target path to the target year, the projection to
    the target year (future targets), the target; with its table and CSV."""
    unit = unit_de(t["unit"])
    data = rows.dropna(subset=["value"])
    points = [(int(y), float(v)) for y, v in zip(data["year"], data["value"], strict=True)]
    series, legend = [Series("Wert", points)], Legend([("Wert", PALETTE[0], "solid")])
    target = None
    projection = None
    years = [y for y, _ in points] or [int(rows["year"].min())]
    if has_target(t):
        target_year = int(t["target_year"])
        target = (target_year, float(t["target_value"]))
        on_path = rows.dropna(subset=["path_value"])
        if len(on_path):
            start = on_path.iloc[0]
            series.append(Series("Zielpfad", [(int(start["year"]), float(start["path_value"])), target], "path",
                                 PATH_COLOUR))
            legend.items.append(("Zielpfad (gerade Linie zum Ziel)", PATH_COLOUR, "dashed"))
        if points and points[-1][0] < target_year and pd.notna(data.iloc[-1]["projected_value_at_target_year"]):
            projection = float(data.iloc[-1]["projected_value_at_target_year"])
            series.append(Series("Projektion", [points[-1], (target_year, projection)], "projection",
                                 PROJECTION_COLOUR))
            legend.items.append(("Projektion (Trend der letzten Jahre)", PROJECTION_COLOUR, "dotted"))
        legend.items.append((f"Ziel {target_year}", TARGET_COLOUR, "box"))
        years.append(target_year)
        if pd.notna(t.get("base_year")):
            years.append(int(t["base_year"]))
    span = (min(years), max(years))
    title = f"{t['title_de']}: Verlauf {place.within}"
    digits = digits_for(t)
    signed = t.get("indicator") in CHANGES
    table_rows = [[str(int(r.year)), fmt(r.value, digits, signed) + ("" if r.complete else " (unvollständig)"),
                   fmt(r.path_value, digits, signed), status_text(r._asdict(), t), reason_text(r._asdict(), t)]
                  for r in rows.itertuples(index=False)]
    csv = pd.DataFrame({"Jahr": rows["year"].astype(int), f"Wert ({unit})": rows["value"].round(4),
                        f"Zielpfad ({unit})": rows["path_value"].round(4),
                        "Stand": [status_text(r._asdict(), t) for r in rows.itertuples(index=False)],
                        "vollständig": ["ja" if c else "nein" for c in rows["complete"]]})
    if projection is not None:
        table_rows.append([str(target[0]), f"Projektion: {fmt(projection, digits, signed)}",
                           fmt(target[1], digits, signed), "Zieljahr",
                           f"Ziel: {label('comparator', t['comparator'])} {value_text(target[1], t)}"])
        csv = pd.concat([csv, pd.DataFrame({"Jahr": [target[0]], f"Wert ({unit})": [None],
                                            f"Zielpfad ({unit})": [target[1]], "Stand": [
                                                f"Projektion {fmt(projection, digits)}"], "vollständig": [""]})])
    return site.chart(chart_id, title, lambda size: line_chart(series, unit, title, span, target, size), legend,
                      ["Jahr", f"Wert ({unit})", f"Zielpfad ({unit})", "Stand", "Begründung"], table_rows, csv,
                      numeric=(1, 2))


def municipalities_chart(site: Site, chart_id: str, t: Mapping, rows: pd.DataFrame, year: int,
                         names: Mapping[str, str]) -> str:
    """The municipalities' values of one year, ranked, with their status."""
    part = rows[(rows["year"] == year)].dropna(subset=["value"]).sort_values("value", ascending=False)
    if part.empty:
        return ""
    unit = unit_de(t["unit"])
    title = f"{t['title_de']}: Gemeinden {year}"
    items = [(names.get(a, a), float(v)) for a, v in zip(part["ags"], part["value"], strict=True)]
    table_rows = [[names.get(r.ags, r.ags), fmt(r.value, digits_for(t), t.get("indicator") in CHANGES)
                   + ("" if r.complete else
                  " (unvollständig)"), status_text(r._asdict(), t),
                   label("data_quality", r.data_quality) if pd.notna(r.data_quality) else "–"]
                  for r in part.itertuples(index=False)]
    csv = pd.DataFrame({"Gemeinde": [i[0] for i in items], "AGS": part["ags"].tolist(),
                        f"Wert ({unit})": part["value"].round(4).tolist(),
                        "Stand": [r[2] for r in table_rows]})
    return site.chart(chart_id, title, lambda size: ranked_bars(items, unit, title, digits_for(t), size=size),
                      None, ["Gemeinde", f"Wert ({unit})", "Stand", "Datenqualität"], table_rows, csv, numeric=(1,))


def target_body(site: Site, t: Mapping, rows: pd.DataFrame, others: pd.DataFrame, names: Mapping[str, str],
                place: Place = KREIS) -> str:
    stem = page_name("ziel", t["target_set"], t["indicator_id"])[:-5]
    r = judged_row(rows, t)
    body = [f"<p class='lead'>{esc(sentence(r, t, place))}</p><p>{esc(quality_text(r))}</p>" if r is not None else
            "<p class='lead'>Für diesen Indikator enthält die Veröffentlichung keine Werte.</p>"]
    if given(t.get("interpretation_de")):
        body.append(f"<p>{esc(t['interpretation_de'])}</p>")
    if len(rows):
        body.append("<h2>Verlauf</h2>" + target_chart(site, f"{stem}-verlauf", t, rows, place))
    facts = [("Rolle", ROLES_DE["target" if has_target(t) else "supporting"]), ("Definition", t.get("definition_de")),
             ("Bilanzrahmen", label("target_scope", t["scope"])),
             ("Hinweise", t.get("notes_de")), ("Quelle des Ziels", t.get("source_de")),
             ("Berechnung", t.get("processing_de"))]
    body.append("<h2>Was gemessen wird</h2><dl class='facts'>" + "".join(
        f"<dt><strong>{esc(k)}</strong></dt><dd>{esc(v)}</dd>" for k, v in facts if given(v)) + "</dl>")
    if len(others) and others["value"].notna().any():
        year = int(r["year"]) if r is not None and (others["year"] == r["year"]).any() else int(
            others.dropna(subset=["value"])["year"].max())
        chart = municipalities_chart(site, f"{stem}-gemeinden", t, others, year, names)
        if chart:
            judged = r is not None and year == int(r["year"]) and has_target(t)
            body.append(f"<h2>Die Gemeinden {year}</h2><p>Jede Gemeinde mit ihrem Wert im Jahr {year}"
                        f"{', dem Jahr, in dem das Ziel bewertet wird' if judged else ''}.</p>" + chart)
    return "".join(body)


def _read(release: Path, table: str) -> pd.DataFrame | None:
    path = release / f"{table}.parquet"
    return pq.read_table(path).to_pandas() if path.exists() else None


TABLES = ("targets", "indicators", "municipalities", "balance_summary", "final_energy", "electricity_generation",
          "emission_factors", "agriculture_emissions", "measures", "target_measures", "measure_status_history",
          "eea_assessment", "deliveries")


def _years(years) -> str:
    """The years as runs of consecutive years: {2011, 2018} '2011, 2018', {2008, …, 2015, 2018} '2008–2015, 2018'."""
    years = sorted({int(y) for y in (years if years is not None else [])})
    if not years:
        return "ohne Jahresangabe"
    runs: list[list[int]] = []
    for year in years:
        if runs and year == runs[-1][-1] + 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    return ", ".join(str(run[0]) if len(run) == 1 else f"{run[0]}–{run[-1]}" for run in runs)


def sources_section(deliveries: pd.DataFrame | None) -> str:
    """Methodik und Quellen: the deliveries in use per partner, with their origin, number and years."""
    if deliveries is None or deliveries.empty or "origin" not in deliveries:
        return ""
    used = deliveries[deliveries["status"] == "accepted"]
    rows = []
    for (partner, origin), group in used.groupby(["partner", "origin"], sort=True):
        years = [y for scope in group["scope_years"] if scope is not None for y in scope]
        rows.append([esc(partner), esc(label("origin", origin)), str(len(group)), _years(years)])
    return ("<h2>Datenquellen</h2><p>Die Lieferungen, auf denen diese Veröffentlichung beruht, je Lieferant; jede "
            "veröffentlichte Zahl führt auf die Datei und die Zeile zurück, aus der sie stammt (Tabelle "
            "deliveries der Veröffentlichung).</p>"
            + table(["Lieferant", "Herkunft", "Lieferungen", "Jahre"], rows, "Datenquellen", numeric=(2,)))


def build_site(tables: Mapping[str, pd.DataFrame | None], district: str, district_ags: str, synthetic: bool,
               tiles: Mapping[str, tuple[int, int]] | None = None, published: dt.date | None = None) -> dict[str, str]:
    """Every page and data file of the report, by path inside report/, from the release's tables; a district-free
    city has no comparison or municipality pages (it is its one municipality)."""
    site = Site()
    ctx = Context.of(tables, district, district_ags, tiles)
    place = ctx.place
    targets, indicators = tables.get("targets"), tables.get("indicators")

    deliveries = tables.get("deliveries")
    real = () if deliveries is None or "origin" not in deliveries else tuple(
        f"{r.file_name} ({r.partner}, {_years(r.scope_years)})" for r in deliveries[
            (deliveries["origin"] == "real_public") & (deliveries["status"] == "accepted")].itertuples())

    def write(name: str, title: str, body: str) -> None:
        site.files[name] = page(title, body, synthetic, place, name, real)

    overview = [f"<p class='lead'>Wo steht {esc(place.nominative)} bei {place.its} Klimaschutzzielen? Jede Karte nennt den "
                "Wert, das Ziel, den Abstand und den Stand und führt zu einer Seite mit Verlauf, Zielpfad und Trend. "
                "Veränderungen sind so angegeben, dass ein negativer Wert weniger bedeutet (−10 % = 10 % weniger)."
                "</p>" + (f"<p>Veröffentlicht am {date_de(published)}.</p>" if published else "")]
    if targets is None or indicators is None or targets.empty:
        overview.append(f"<p>Für {esc(place.accusative)} sind noch keine Ziele eingerichtet: Sobald die Ziele des "
                        "Beschlusses in der Konfiguration stehen, zeigt diese Seite sie mit ihrem Stand.</p>")
    else:
        by_target = dict(tuple(indicators.groupby(["target_set", "indicator_id"], sort=False)))
        sets = list(targets.groupby("target_set", sort=False))  # the decided targets first, supporting sets last
        sets.sort(key=lambda named: not any(has_target(t) for t in named[1].to_dict("records")))
        for set_name, group in sets:
            first = group.iloc[0]
            overview.append(f"<h2>{esc(first['target_set_title_de'])}</h2><p>Quelle: {esc(first['source_de'])}</p>"
                            "<div class='cards'>")
            for t in group.to_dict("records"):
                rows = by_target.get((set_name, t["indicator_id"]), indicators.iloc[0:0])
                own = rows[rows["ags"] == district_ags].sort_values("year")
                others = rows[rows["ags"] != district_ags]
                overview.append(card(t, own))
                write(page_name("ziel", set_name, t["indicator_id"]), t["title_de"],
                      target_body(site, t, own, others, ctx.short, place)
                      + target_section(set_name, t["indicator_id"], tables.get("measures"),
                                       tables.get("target_measures"), unit_de(t["unit"])))
            overview.append("</div>")
    overview.append(per_inhabitant_section(ctx))
    overview.append(emissions_chart(site, "index-emissionen", ctx, district_ags,
                                    f"Emissionen {place.within} nach Sektoren", heading=True))
    if place.has_municipalities:
        overview.append(tiles_section(site, "index-karte", ctx))
    write("index.html", f"Klimaschutzziele {place.name}", "".join(overview))
    if place.has_municipalities:
        write(COMPARISON_PAGE, "Die Gemeinden im Vergleich", comparison_body(site, ctx))
        for ags in ctx.names:
            write(page_name("gemeinde", ags), ctx.short[ags], place_body(site, ctx, ags))
    write("erneuerbare.html", "Erneuerbarer Strom", renewables_body(site, ctx))
    target_pages = {} if targets is None else {
        (t.target_set, t.indicator_id): (page_name("ziel", t.target_set, t.indicator_id), t.title_de)
        for t in targets.itertuples(index=False)}
    for name, title, body in programme_pages(tables.get("measures"), tables.get("measure_status_history"),
                                             tables.get("eea_assessment"), ctx.names, target_pages):
        write(name, title, body)
    write("methodik.html", "Methodik und Quellen", methodology_body(targets, tables.get("emission_factors"), place)
          + sources_section(deliveries))
    return site.files


def render_report(release: Path, district: str, district_ags: str, synthetic: bool,
                  tiles: Mapping[str, tuple[int, int]] | None = None, published: dt.date | None = None) -> list[Path]:
    """Write report/ (pages and daten/*.csv) into the release folder; pages only for the tables the release has."""
    out = release / "report"
    (out / "daten").mkdir(parents=True, exist_ok=True)
    files = build_site({t: _read(release, t) for t in TABLES}, district, district_ags, synthetic, tiles, published)
    written = []
    for name, text in files.items():
        path = out / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
