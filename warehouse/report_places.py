"""The report's pages about places and sources: emissions by sector, per inhabitant with its scope named, the
municipalities on a tile map and compared, a page per municipality, renewable electricity, methodology."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from warehouse.labels import LABELS, RENEWABLE_TECHNOLOGIES, label, unit_de
from warehouse.report_blocks import KREIS, Place, Site, esc, link, page_name, table
from warehouse.vocabularies import CITY
from warehouse.report_charts import (
    PALETTE,
    TARGET_COLOUR,
    Legend,
    Series,
    Tile,
    fmt,
    grid_positions,
    line_chart,
    ranked_bars,
    stacked_columns,
    tile_map,
)

SECTOR_ORDER = ("industry", "transport", "households", "commerce", "municipal")
T = unit_de("t CO2e")
PER_PERSON = unit_de("t CO2e/person")


def short_name(name: str) -> str:
    """'Erwitte, Stadt' → 'Erwitte' (the official name's suffix is left out in charts and headings)."""
    return str(name).split(",")[0].strip()


def short_names(names: Mapping[str, str]) -> dict[str, str]:
    """Each place's short name, or its full name where two share one ('Garding, Kirchspiel' and 'Garding, Stadt'
    are never both 'Garding')."""
    short = {ags: short_name(name) for ags, name in names.items()}
    taken = pd.Series(list(short.values()), dtype="object").value_counts()
    return {ags: str(names[ags]) if taken[s] > 1 else s for ags, s in short.items()}


@dataclass
class Context:
    """What the place pages need, grouped once per place (a country has 10,800 places)."""
    district: str
    district_ags: str
    names: dict[str, str]  # municipalities, by AGS
    short: dict[str, str] = field(default_factory=dict)  # their names in charts and headings (short_names)
    summary: dict[str, pd.DataFrame] = field(default_factory=dict)
    final: pd.DataFrame | None = None
    generation: pd.DataFrame | None = None
    indicators: pd.DataFrame | None = None
    tiles: dict[str, tuple[int, int]] = field(default_factory=dict)
    targets: pd.DataFrame | None = None
    place: Place = KREIS
    tiles_placed: bool = False  # the tiles stand roughly where the places lie (configured), not in key order

    @classmethod
    def of(cls, tables: Mapping[str, pd.DataFrame | None], district: str, district_ags: str,
           tiles: Mapping[str, tuple[int, int]] | None) -> Context:
        places = tables.get("municipalities")
        names = ({} if places is None else
                 dict(zip(places.loc[places["kind"] == "municipality", "ags"],
                          places.loc[places["kind"] == "municipality", "name"], strict=True)))
        summary = tables.get("balance_summary")
        grouped = {} if summary is None else dict(tuple(summary.sort_values("year").groupby("ags")))
        given = {a: (int(p[0]), int(p[1])) for a, p in (tiles or {}).items() if a in names}
        city = places is not None and bool(((places["ags"] == district_ags) & (places["kind"] == CITY)).any())
        return cls(district, district_ags, names, short_names(names), grouped, tables.get("final_energy"),
                   tables.get("electricity_generation"), tables.get("indicators"),
                   given if len(given) == len(names) else grid_positions(sorted(names)), tables.get("targets"),
                   Place.of(district, district_ags, city), bool(names) and len(given) == len(names))

    def targets_of(self, indicator: str) -> list[dict]:
        """The configured targets (with a target value) measured by this indicator."""
        if self.targets is None or self.targets.empty:
            return []
        rows = self.targets[(self.targets["indicator"] == indicator) & self.targets["target_value"].notna()]
        return rows.to_dict("records")

    _by_place: dict[str, dict] = field(default_factory=dict, repr=False)  # computed once, for all places

    def sectors_wide(self, ags: str) -> pd.DataFrame:
        """A place's emissions by year (rows) and sector (columns), from one pivot of every place."""
        if "sectors" not in self._by_place:
            rows = pd.concat(self.summary.values()) if self.summary else pd.DataFrame(
                columns=["ags", "year", "balance_scope", "emissions_t_co2e"])
            rows = rows[rows["balance_scope"] != "total"]
            # one row per place, year and sector (the table's key): a missing value stays missing, never 0
            wide = rows.set_index(["ags", "year", "balance_scope"])["emissions_t_co2e"].unstack("balance_scope")
            self._by_place["sectors"] = {  # each place with its own years and sectors only
                a: wide.loc[a].loc[sorted(part["year"].unique()), sorted(part["balance_scope"].unique())]
                for a, part in rows.groupby("ags")}
        return self._by_place["sectors"].get(ags, pd.DataFrame())

    def latest_final(self, ags: str) -> tuple[int, pd.DataFrame]:
        """The latest year of final energy, and a place's rows of that year (grouped once for every place)."""
        if "final" not in self._by_place:
            latest = int(self.final["year"].max())
            rows = self.final[self.final["year"] == latest]
            self._by_place["final"] = {"year": latest, **dict(tuple(rows.groupby("ags")))}
        return self._by_place["final"]["year"], self._by_place["final"].get(ags, self.final.iloc[0:0])

    def latest_year(self) -> int | None:
        rows = self.summary.get(self.district_ags)
        return None if rows is None or rows.empty else int(rows["year"].max())

    def per_inhabitant(self, ags: str, year: int) -> tuple[float | None, bool]:
        rows = self.summary.get(ags)
        if rows is None:
            return None, False
        row = rows[(rows["year"] == year) & (rows["balance_scope"] == "total")]
        if row.empty or pd.isna(row.iloc[0]["t_co2e_per_inhabitant"]):
            return None, False
        return float(row.iloc[0]["t_co2e_per_inhabitant"]), bool(row.iloc[0]["per_inhabitant_complete"])


def emissions_chart(site: Site, chart_id: str, ctx: Context, ags: str, title: str, heading: bool = False) -> str:
    """Emissions in t CO₂e by sector over the years, stacked, with the table and CSV."""
    rows = ctx.summary.get(ags)
    if rows is None or rows.empty:
        return ""
    wide = ctx.sectors_wide(ags)
    totals = rows[rows["balance_scope"] == "total"].set_index("year")
    years = [int(y) for y in wide.index]
    present = [s for s in SECTOR_ORDER if s in wide.columns]
    stacks = [(label("sector", s), [None if pd.isna(v) else float(v) for v in wide[s]], PALETTE[i % len(PALETTE)])
              for i, s in enumerate(present)]
    headers = ["Jahr", *[label("sector", s) for s in present], "Summe", "vollständig"]
    table_rows = [[str(y), *[fmt(wide.loc[y, s], 0) for s in present], fmt(totals["emissions_t_co2e"].get(y), 0),
                   "ja" if bool(totals["complete"].get(y, False)) else "nein"]
                  for y in years]
    csv = pd.DataFrame({"Jahr": years, **{f"{label('sector', s)} ({T})": wide[s].round(1).tolist() for s in present},
                        f"Summe ({T})": [totals["emissions_t_co2e"].get(y) for y in years]})
    legend = Legend([(lbl, colour, "box") for lbl, _, colour in stacks])
    incomplete = [y for y in years if not bool(totals["complete"].get(y, False))]
    chart = site.chart(chart_id, f"{title} ({T})",
                       lambda size: stacked_columns(years, stacks, T, title, size, incomplete),
                       legend, headers, table_rows, csv, numeric=tuple(range(1, len(present) + 2)))
    intro = ("<p>Treibhausgasemissionen nach BISKO in Tonnen CO₂-Äquivalent je Jahr, nach Sektoren gestapelt. "
             "Die Säulenhöhe ist die Summe aller Sektoren."
             + (f" Mit * markiert: {', '.join(map(str, incomplete))}, unvollständig (fehlende oder vertrauliche "
                "Werte; die Säule zeigt nur die vorhandenen)." if incomplete else "") + "</p>")
    return (f"<h2>Emissionen nach Sektoren</h2>{intro}" if heading else intro) + chart


def per_inhabitant_section(ctx: Context) -> str:
    """Both per-inhabitant figures of the latest year, each with its scope, and why they differ."""
    year = ctx.latest_year()
    if year is None:
        return ""
    bisko, complete = ctx.per_inhabitant(ctx.district_ags, year)
    parts = [f"<h2>Emissionen je Einwohner {year}</h2><ul>"]
    parts.append(f"<li><strong>{fmt(bisko, 2)} {PER_PERSON}</strong> nach BISKO: energiebedingte Emissionen im "
                 f"{ctx.place.area} (Haushalte, Wirtschaft, kommunale Einrichtungen, Verkehr), ohne Landwirtschaft"
                 f"{'' if complete else ' (unvollständig)'}.</li>")
    with_agri, target = None, None
    for target in ctx.targets_of("emissions_per_inhabitant_with_agriculture")[:1]:
        if ctx.indicators is not None:
            rows = ctx.indicators[(ctx.indicators["target_set"] == target["target_set"]) &
                                  (ctx.indicators["indicator_id"] == target["indicator_id"]) &
                                  (ctx.indicators["ags"] == ctx.district_ags) & (ctx.indicators["year"] == year)]
            with_agri = rows.iloc[0] if len(rows) and pd.notna(rows.iloc[0]["value"]) else None
    if with_agri is None:
        return "".join(parts) + "</ul>"
    parts.append(f"<li><strong>{fmt(with_agri['value'], 2)} {PER_PERSON}</strong> nach BISKO plus "
                 "Landwirtschaft: dieselben Emissionen und zusätzlich die der Landwirtschaft (Tierhaltung, Böden), "
                 f"wie für das Ziel „{esc(target['title_de'])}“ gerechnet"
                 f"{'' if with_agri['complete'] else ' (unvollständig)'}.</li>")
    parts.append("</ul><p>Die beiden Werte messen Verschiedenes: Der zweite schließt die Landwirtschaft ein und ist "
                 "deshalb höher. Verglichen wird immer nur Gleiches mit Gleichem.</p>")
    return "".join(parts)


def tiles_section(site: Site, chart_id: str, ctx: Context) -> str:
    """The municipalities as a tile map, shaded by emissions per inhabitant (BISKO) of the latest year."""
    year = ctx.latest_year()
    if year is None or not ctx.names:
        return ""
    tiles, rows = [], []
    for ags in ctx.names:
        value, complete = ctx.per_inhabitant(ags, year)
        row, col = ctx.tiles[ags]
        text = fmt(value, 1) + ("*" if value is not None and not complete else "")
        tiles.append(Tile(ctx.short[ags], row, col, value, text, page_name("gemeinde", ags)))
        rows.append((ctx.short[ags], ags, value, complete))
    title = f"Emissionen je Einwohner {year} nach BISKO ({PER_PERSON}), je Gemeinde"
    legend = Legend([(lbl, fill, "box") for lbl, fill in tile_map(tiles, title)[1]])
    table_rows = [[link(page_name("gemeinde", a), n), fmt(v, 2) + ("" if c else " (unvollständig)")]
                  for n, a, v, c in sorted(rows, key=lambda r: -(r[2] or 0))]
    csv = pd.DataFrame({"Gemeinde": [r[0] for r in rows], "AGS": [r[1] for r in rows],
                        f"Emissionen je Einwohner ({PER_PERSON})": [r[2] for r in rows],
                        "Zeile in der Kachelkarte": [ctx.tiles[r[1]][0] + 1 for r in rows],
                        "Spalte in der Kachelkarte": [ctx.tiles[r[1]][1] + 1 for r in rows]})
    where = (f"ungefähr in ihrer Lage {ctx.place.within}" if ctx.tiles_placed else
             "in der Reihenfolge der Gemeindeschlüssel")
    return (f"<h2>Die Gemeinden auf einen Blick</h2><p>Jede Kachel steht für eine Gemeinde, {where}; je dunkler, "
            "desto mehr Emissionen je Einwohner. Die Kacheln führen zu den Seiten der "
            "Gemeinden. Große Industriebetriebe können die Werte einzelner Gemeinden prägen.</p>"
            + site.chart(chart_id, title, lambda size: tile_map(tiles, title, size)[0], legend,
                         ["Gemeinde", f"Emissionen je Einwohner ({PER_PERSON})"], table_rows, csv, numeric=(1,),
                         raw=True))


def comparison_body(site: Site, ctx: Context) -> str:
    """The municipalities compared: the tile map, emissions per inhabitant ranked, and links to each target's
    comparison."""
    year = ctx.latest_year()
    body = [tiles_section(site, "gemeinden-karte", ctx)]
    if year is not None and ctx.names:
        items, rows = [], []
        for ags in ctx.names:
            value, complete = ctx.per_inhabitant(ags, year)
            if value is not None:
                items.append((ctx.short[ags], value))
                rows.append([ctx.short[ags], fmt(value, 2) + ("" if complete else " (unvollständig)")])
        rows.sort(key=lambda r: -dict(items)[r[0]])
        title = f"Emissionen je Einwohner {year} nach BISKO"
        csv = pd.DataFrame({"Gemeinde": [i[0] for i in items], f"Emissionen je Einwohner ({PER_PERSON})":
                            [round(i[1], 4) for i in items]})
        body.append("<h2>Emissionen je Einwohner im Vergleich</h2>" + site.chart(
            "gemeinden-je-einwohner", title, lambda size: ranked_bars(items, PER_PERSON, title, 2, size=size), None,
            ["Gemeinde", f"Emissionen je Einwohner ({PER_PERSON})"], rows, csv, numeric=(1,)))
    body.append("<h2>Die Ziele je Gemeinde</h2><p>Auf der Seite jedes Ziels stehen die Gemeinden im Vergleich, "
                "nach ihrem Wert geordnet. Die Seiten der Gemeinden zeigen ihre Emissionen nach Sektoren.</p><ul>"
                + "".join(f"<li>{link(page_name('gemeinde', a), n)}</li>"
                          for a, n in sorted(ctx.short.items(), key=lambda i: i[1])) + "</ul>")
    return "".join(body)


def place_body(site: Site, ctx: Context, ags: str) -> str:
    """A municipality's page: emissions by sector, per inhabitant against the district, the balance per year, the
    energy carriers of the latest year."""
    rows = ctx.summary.get(ags)
    if rows is None or rows.empty:
        return "<p>Keine Bilanz für diese Gemeinde in dieser Veröffentlichung.</p>"
    stem = page_name("gemeinde", ags)[:-5]
    body = [emissions_chart(site, f"{stem}-emissionen", ctx, ags, "Emissionen nach Sektoren", heading=True)]
    own = rows[rows["balance_scope"] == "total"]
    if own.empty:
        return "".join(body)
    district = ctx.summary.get(ctx.district_ags, own.iloc[0:0])
    district = district[district["balance_scope"] == "total"]
    series = [Series(ctx.short[ags], [(int(y), float(v)) for y, v in
                                                  zip(own["year"], own["t_co2e_per_inhabitant"], strict=True)
                                                  if pd.notna(v)]),
              Series(ctx.district, [(int(y), float(v)) for y, v in zip(
                  district["year"], district["t_co2e_per_inhabitant"], strict=True) if pd.notna(v)], "path",
                  PALETTE[1])]
    years = (int(own["year"].min()), int(own["year"].max()))
    title = "Emissionen je Einwohner nach BISKO"
    region = ctx.place.subject.split()[-1]  # 'Kreis', 'Land', 'Regierungsbezirk'
    by_year = district.set_index("year")["t_co2e_per_inhabitant"]
    table_rows = [[str(int(r.year)), fmt(r.final_energy_mwh, 0), fmt(r.emissions_t_co2e, 0),
                   fmt(r.t_co2e_per_inhabitant, 2) + ("" if r.per_inhabitant_complete else " (unvollständig)"),
                   fmt(by_year.get(r.year), 2), r.data_quality if pd.notna(r.data_quality) else "–",
                   "ja" if r.complete else "nein"] for r in own.itertuples(index=False)]
    csv = pd.DataFrame({"Jahr": own["year"].astype(int), "Endenergie (MWh)": own["final_energy_mwh"].round(1),
                        f"Emissionen ({T})": own["emissions_t_co2e"].round(1),
                        f"je Einwohner ({PER_PERSON})": own["t_co2e_per_inhabitant"].round(4),
                        f"{region} je Einwohner ({PER_PERSON})": [by_year.get(y) for y in own["year"]]})
    body.append("<h2>Emissionen je Einwohner</h2><p>Nach BISKO, ohne Landwirtschaft; zum Vergleich der Wert "
                f"{ctx.place.of_it} (gestrichelt). Datenqualität: A regionale Primärdaten, B hochgerechnete Primärdaten, C "
                "regionale Kennwerte und Statistiken, D bundesweite Kennwerte.</p>" + site.chart(
                    f"{stem}-je-einwohner", title, lambda size: line_chart(series, PER_PERSON, title, years, None,
                                                                           size),
                    Legend([(series[0].label, PALETTE[0], "solid"), (ctx.district, PALETTE[1], "dashed")]),
                    ["Jahr", "Endenergie (MWh)", f"Emissionen ({T})", f"je Einwohner ({PER_PERSON})",
                     f"{region} je Einwohner ({PER_PERSON})", "Datenqualität (A–D)", "vollständig"], table_rows, csv,
                    numeric=(1, 2, 3, 4)))
    if ctx.final is not None and not ctx.final.empty:
        latest, part = ctx.latest_final(ags)
        sums = part.groupby("carrier")["final_energy_mwh"].sum(min_count=1).sort_values(ascending=False)
        missing = part[~part["complete"].astype(bool)]["carrier"].unique()
        rows_ = [[label("carrier", c), fmt(v, 0) + (" (unvollständig)" if c in missing else "")]
                 for c, v in sums.items()]
        body.append(f"<h2>Endenergie nach Energieträgern {latest}</h2>" + table(
            ["Energieträger", "Endenergie (MWh)"], rows_, f"Endenergie nach Energieträgern {latest}", numeric=(1,)))
    return "".join(body)


def renewables_body(site: Site, ctx: Context) -> str:
    """Generation per technology in the district over the years, measured or estimated, and the renewable share."""
    generation = ctx.generation
    if generation is None or generation.empty:
        return "<p>Keine Erzeugungsdaten in dieser Veröffentlichung.</p>"
    district = generation[generation["ags"] == ctx.district_ags]
    wide = district.pivot_table(index="year", columns="technology", values="generation_mwh", aggfunc="sum")
    techs = [t for t in LABELS["technology"] if t in wide.columns]
    years = [int(y) for y in wide.index]
    stacks = [(label("technology", t), [None if pd.isna(v) else float(v) for v in wide[t]], PALETTE[i % 7])
              for i, t in enumerate(techs)]
    methods = district.groupby("technology")["method"].agg(lambda m: sorted(set(m)))
    how = "; ".join(f"{label('technology', t)}: {' und '.join(label('method', m) for m in methods[t])}"
                    for t in techs)
    title = f"Stromerzeugung {ctx.place.within} nach Technik (MWh)"
    estimated = set(zip(district.loc[district["method"] == "estimated", "year"],
                        district.loc[district["method"] == "estimated", "technology"]))
    rows = [[str(y), *[fmt(wide.loc[y, t], 0) + (" (geschätzt)" if (y, t) in estimated else "") for t in techs]]
            for y in years]
    csv = pd.DataFrame({"Jahr": years, **{f"{label('technology', t)} (MWh)": wide[t].round(1).tolist()
                                          for t in techs},
                        **{f"{label('technology', t)}: geschätzt": ["ja" if (y, t) in estimated else "nein"
                                                                    for y in years] for t in techs}})
    body = [f"<p>Stromerzeugung im {ctx.place.area} je Technik in MWh. Gemessen heißt: EEG-Einspeisung der Netzbetreiber; "
            "geschätzt heißt: installierte Leistung aus dem Marktstammdatenregister mal typische Volllaststunden. "
            f"In dieser Veröffentlichung: {esc(how)}.</p>",
            site.chart("erneuerbare-technik", title, lambda size: stacked_columns(years, stacks, "MWh", title, size),
                       Legend([(lbl, c, "box") for lbl, _, c in stacks]), ["Jahr", *[f"{label('technology', t)} (MWh)"
                                                                              for t in techs]], rows, csv,
                       numeric=tuple(range(1, len(techs) + 1)))]
    if ctx.final is not None and not ctx.final.empty:
        consumption = ctx.final[(ctx.final["ags"] == ctx.district_ags) & (ctx.final["carrier"] == "electricity")] \
            .groupby("year")["final_energy_mwh"].sum()
        renewable = district[district["technology"].isin(RENEWABLE_TECHNOLOGIES)].groupby("year")[
            "generation_mwh"].sum()
        share = (renewable / consumption * 100).dropna()
        if len(share):
            points = [(int(y), float(v)) for y, v in share.items()]
            title = "Anteil erneuerbarer Erzeugung am Stromverbrauch (%)"
            goal = next(iter(ctx.targets_of("renewable_electricity_share")), None)  # the council's, if it set one
            target = None if goal is None else (int(goal["target_year"]), float(goal["target_value"]))
            stated = "" if goal is None else (f" Ziel „{esc(goal['title_de'])}“: {esc(label('comparator', goal['comparator']))} "
                                              f"{fmt(target[1], 0 if float(target[1]).is_integer() else 1)} % bis {target[0]}.")
            legend = [("Anteil", PALETTE[0], "solid")] + ([(f"Ziel {target[0]}", TARGET_COLOUR, "box")] if target
                                                          else [])
            body.append("<h2>Anteil am Stromverbrauch</h2><p>Erneuerbar erzeugter Strom geteilt durch den "
                        f"Stromverbrauch {ctx.place.within} (ohne den Strom der Wärmepumpen; der Zielindikator "
                        f"schließt ihn ein).{stated}</p>" + site.chart(
                            "erneuerbare-anteil", title, lambda size: line_chart(
                                [Series("Anteil", points)], "%", title,
                                (points[0][0], max(points[-1][0], target[0] if target else 0)), target, size),
                            Legend(legend),
                            ["Jahr", "Anteil (%)", "Verbrauch (MWh)"],
                            [[str(y), fmt(v, 1), fmt(consumption.get(y), 0)] for y, v in points],
                            pd.DataFrame({"Jahr": [p[0] for p in points],
                                          "Anteil (%)": [round(p[1], 2) for p in points],
                                          "Verbrauch (MWh)": [consumption.get(p[0]) for p in points]}),
                            numeric=(1, 2)))
    return "".join(body)


# the English words of the shipped factor table's sources, longest first; carrier and sector ids become labels
_SOURCE_WORDS = {
    "BISKO method paper table 5: default for district heat without plant data (coal CHP)":
        "BISKO-Methodenpapier, Tabelle 5: Standardwert für Fernwärme ohne Anlagendaten (Kohle-KWK)",
    "synthetic demo value (plant data of the supplier, BISKO rule 6)":
        "synthetischer Demonstrationswert (Anlagendaten des Versorgers, BISKO-Regel 6)",
    "Klimaschutz-Planer value quoted in the Giessen climate report 2025 (secondary source)":
        "Wert des Klimaschutz-Planers, zitiert im Klimaschutzbericht Gießen 2025 (Sekundärquelle)",
    "KEA-BW (GEMIS 4.95) gives the same value": "KEA-BW (GEMIS 4.95) nennt denselben Wert",
    "emission factors": "Emissionsfaktoren", "federal electricity mix": "Bundesstrommix", "biogas for heat":
    "Biogas für Wärme", "industry value": "Wert für die Industrie", "lignite briquettes": "Braunkohlebriketts",
    "(range ": "(Spanne ", "table": "Tabelle", "0.266": "0,266", "0.259": "0,259",
}  # fmt: skip


def source_de(text) -> str:
    """A factor's source in German: the shipped table's English phrases translated, ids replaced by labels."""
    out = str(text)
    for en, de in _SOURCE_WORDS.items():
        out = out.replace(en, de)
    for vocabulary in ("carrier", "sector"):
        out = re.sub(r"(?<![\w-])(" + "|".join(LABELS[vocabulary]) + r")(?![\w-])",
                     lambda m, v=vocabulary: label(v, m.group(1)), out)
    return out


def derivation_de(row) -> str:
    text = str(row.get("derivation") or "")
    if not text or text == "None":
        return "wie veröffentlicht"
    if "interpolation" in text:
        return "zwischen zwei veröffentlichten Jahren interpoliert (nicht BISKO-konform)"
    if "carried" in text:
        return "aus einem anderen Jahr übernommen (nicht BISKO-konform)"
    if "without upstream chain" in text:
        return "ohne Vorkette veröffentlicht (nicht BISKO-konform; durch den amtlichen Faktor zu ersetzen)"
    if "without a year" in text:
        return "ohne Jahresangabe veröffentlicht, für jedes Jahr verwendet"
    if bool(row.get("bisko_rule")):
        return "nach BISKO-Regel abgeleitet (Umweltwärme: Bundesstrommix ÷ 3,2)"
    return "abgeleitet (siehe Datenwörterbuch)"


def methodology_body(targets: pd.DataFrame | None, factors: pd.DataFrame | None, place: Place = KREIS) -> str:
    body = ["<p>Die Bilanz folgt BISKO, der Bilanzierungs-Systematik Kommunal: Sie ist territorial und "
            f"endenergiebasiert (gezählt wird die im {place.area} verbrauchte Energie), rechnet mit Emissionsfaktoren "
            "einschließlich der Vorketten, bewertet Strom mit dem Bundesstrommix des Jahres und nimmt keine "
            "Witterungskorrektur vor. Fehlende oder vertrauliche Werte werden nie als 0 gezählt; unvollständige "
            "Summen sind gekennzeichnet, und auf unvollständige Daten folgt kein Urteil über ein Ziel.</p>",
            "<h2>Datenqualität</h2><p>Jeder Eingangswert hat eine Güte nach BISKO; die Güte einer Bilanz ist der "
            "nach Endenergie gewichtete Mittelwert.</p><ul>" + "".join(
                f"<li>{esc(v)}</li>" for v in LABELS["data_quality"].values()) + "</ul>",
            "<h2>BISKO-Konformität</h2><p>Geprüft wird jedes Kriterium von BISKO (etwa Bundesstrommix, "
            "Emissionsfaktoren mit Vorketten, alle Pflichtfelder vorhanden). Eine Bilanz ist nur konform, wenn jedes "
            "Kriterium erfüllt ist; was sich nicht prüfen lässt, gilt nie als konform. Aus einem anderen Jahr "
            "übernommene oder interpolierte Emissionsfaktoren sind nicht BISKO-konform.</p>"]
    if targets is not None and not targets.empty:
        body.append("<h2>Indikatoren</h2>" + "".join(
            f"<h3>{esc(t.title_de)}</h3><dl class='facts'><dt><strong>Definition</strong></dt><dd>"
            f"{esc(t.definition_de)}</dd><dt><strong>Berechnung</strong></dt><dd>{esc(t.processing_de)}</dd>"
            f"<dt><strong>Quelle</strong></dt><dd>{esc(t.source_de)}</dd></dl>"
            for t in targets.itertuples(index=False)))
    if factors is not None and not factors.empty:
        latest = int(factors["year"].max())
        part = factors[(factors["year"] == latest) & (factors["region_scope"] == "all")].sort_values(
            ["carrier", "sector_scope"])
        body.append(f"<h2>Emissionsfaktoren {latest}</h2><p>Gramm CO₂-Äquivalent je Kilowattstunde Endenergie, "
                    "einschließlich der Vorketten. Die Faktoren stehen in einer versionierten Tabelle mit einer "
                    "Quelle je Zeile; die Faktoren aller Jahre liegen der Veröffentlichung bei.</p>" + table(
                        ["Energieträger", "Sektor", "Faktor (g CO₂e/kWh)", "Herkunft", "Quelle"],
                        [[label("carrier", r.carrier), label("sector_scope", r.sector_scope),
                          fmt(r.g_co2e_per_kwh, 0), derivation_de(r._asdict()), source_de(r.source)]
                         for r in part.itertuples(index=False)], f"Emissionsfaktoren {latest}", numeric=(2,)))
    body.append("<h2>Die Daten</h2><p>Jedes Diagramm hat eine Tabelle und eine CSV-Datei seiner Daten (Semikolon, "
                "Dezimalkomma). Alle Tabellen der Veröffentlichung stehen im Ordner der Veröffentlichung als Parquet-, "
                "CSV- und Excel-Dateien; das Datenwörterbuch beschreibt jede Spalte.</p>")
    return "".join(body)
