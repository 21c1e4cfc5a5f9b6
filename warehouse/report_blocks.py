"""Building blocks of the report's pages: the page frame (banner, navigation, styles for screen, phone and print),
tables with headers for screen readers, and a chart with its table alternative and CSV download."""

from __future__ import annotations

import hashlib
import html
import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import pandas as pd

from warehouse.report_charts import NARROW, WIDE, Legend

CSS = """
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1b1b1b;line-height:1.5;
background:#fff}
a{color:#0b5394}header{background:#003f6b;color:#fff;padding:.6rem 1rem}header a{color:#fff}
.site{font-weight:bold;display:block}nav ul{list-style:none;margin:.2rem 0 0;padding:0;display:flex;flex-wrap:wrap;
gap:.2rem 1.1rem}main{max-width:62rem;margin:0 auto;padding:1rem}
.banner{background:#fff3cd;border:2px solid #7a5200;padding:.6rem;margin:0 0 1rem;font-weight:bold}
h1{font-size:1.7rem;line-height:1.25;margin:.4rem 0 .8rem}h2{font-size:1.3rem;margin:1.8rem 0 .6rem}
h3{font-size:1.05rem;margin:0 0 .4rem}.lead{font-size:1.1rem}
.table-wrap{overflow-x:auto;max-width:100%;margin:.6rem 0 1rem}
table{border-collapse:collapse;width:100%;font-size:.92rem}caption{text-align:left;font-weight:bold;padding:.2rem 0}
th,td{border:1px solid #b5b5b5;padding:.3rem .45rem;text-align:left;vertical-align:top}
thead th{background:#e8eef3}tbody th{font-weight:normal}td.num,th.num{text-align:right}td.num{white-space:nowrap}
.status-met,.status-on_track{color:#006b3c;font-weight:bold}.status-missed,.status-off_track{color:#a33600;
font-weight:bold}.status-not_assessable,.status-no_target,.status-base{color:#4d4d4d}
figure{margin:1rem 0 1.5rem}figcaption{font-weight:bold;margin:0 0 .3rem;break-after:avoid}
svg.chart{display:block;width:100%;height:auto;max-width:48rem;break-inside:avoid;page-break-inside:avoid}
.legend{break-before:avoid}svg.chart-narrow{display:none}
.legend{display:flex;flex-wrap:wrap;gap:.2rem 1.2rem;font-size:.92rem;margin:.3rem 0}
.key{display:inline-block;width:1rem;height:.8rem;vertical-align:middle;border:1px solid #4d4d4d}
.key.line{width:1.6rem;height:0;border-left:0;border-right:0;border-bottom:0}
.csv{font-size:.92rem;margin:.2rem 0 0}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(21rem,100%),1fr));
gap:.8rem}.card{border:1px solid #b5b5b5;border-radius:4px;padding:.7rem .8rem;break-inside:avoid}
.card dl{margin:0;display:grid;grid-template-columns:6.5rem 1fr;gap:.1rem .6rem;font-size:.92rem}.card dt{color:#4d4d4d}
.card dd{margin:0}.facts{display:grid;grid-template-columns:max-content 1fr;gap:.2rem .8rem;margin:0 0 1.2rem}
.facts dd{margin:0}
.note{border-left:4px solid #7a5200;padding:.2rem .7rem;background:#faf6ec}
@media (max-width:40rem){svg.chart-wide{display:none}svg.chart-narrow{display:block}main{padding:.7rem}
h1{font-size:1.4rem}table{font-size:.85rem}table.wide{min-width:44rem}.facts{grid-template-columns:1fr}
.facts dd{margin:0 0 .4rem}}
@media print{@page{size:A4;margin:15mm}header nav,.csv{display:none}header{background:none;color:#000;padding:0}
body{font-size:10.5pt}main{max-width:none;padding:0}svg.chart-narrow{display:none}svg.chart-wide{display:block;
max-width:100%}.table-wrap{overflow:visible}h2{break-after:avoid}tr{break-inside:avoid}a{color:#000}}
"""

COMPARISON_PAGE = "gemeinden.html"
NAV = [("index.html", "Ziele"), (COMPARISON_PAGE, "Gemeinden"), ("erneuerbare.html", "Erneuerbarer Strom"),
       ("arbeitsprogramm.html", "Arbeitsprogramm"), ("methodik.html", "Methodik und Quellen")]


@dataclass(frozen=True)
class Place:
    """How the report speaks of its region in German: a Kreis (der Kreis, im Kreisgebiet), a district-free city (die
    Stadt, im Stadtgebiet; no municipality pages: it is its one municipality), a Regierungsbezirk, a state or the
    country (named without an article)."""

    name: str  # 'Kreis Soest', 'Stadt Hamm', 'Nordrhein-Westfalen'
    article: str  # 'der', 'die' or '' (a state's or the country's name stands alone)
    subject: str  # 'der Kreis', 'die Stadt', 'das Land'
    within: str  # 'im Kreis', 'in der Stadt'
    area: str  # 'Kreisgebiet', 'Stadtgebiet'
    of_it: str  # 'des Kreises', 'der Stadt'
    has_municipalities: bool = True

    @classmethod
    def of(cls, name: str, ags: str, city: bool = False) -> Place:
        if city:  # the directory's 'Hamm, Stadt' reads 'Stadt Hamm', a bare 'Düsseldorf' 'Stadt Düsseldorf';
            # every city designation (Stadt, Landeshauptstadt, Hansestadt, ...) is feminine
            base, _, designation = name.partition(", ")
            words = name.split()  # a designation before the name ('Landeshauptstadt Düsseldorf'), never 'Darmstadt'
            designated = any(w.lower().endswith("stadt") for w in words[:-1])
            named = f"{designation} {base}" if designation else name if designated else f"Stadt {name}"
            return cls(named, "die", "die Stadt", "in der Stadt", "Stadtgebiet", "der Stadt",
                       has_municipalities=False)
        if ags == "0" * 8:
            return cls(name, "", "Deutschland", "in Deutschland", "Bundesgebiet", "Deutschlands")
        if ags[2:] == "0" * 6:
            return cls(name, "", "das Land", "im Land", "Landesgebiet", "des Landes")
        if ags[3:] == "0" * 5 and ags[2] != "0":
            return cls(name, "der", "der Regierungsbezirk", "im Regierungsbezirk", "Gebiet des Regierungsbezirks",
                       "des Regierungsbezirks")
        if name.split()[:1] in (["Region"], ["Städteregion"]):  # 'die Region Hannover', 'die Städteregion Aachen'
            return cls(name, "die", "die Region", "in der Region", "Gebiet der Region", "der Region")
        return cls(name, "der", "der Kreis", "im Kreis", "Kreisgebiet", "des Kreises")

    @property
    def nominative(self) -> str:
        return f"{self.article} {self.name}".strip()

    @property
    def accusative(self) -> str:
        article = "den" if self.article == "der" else self.article
        return f"{article} {self.name}".strip()

    @property
    def its(self) -> str:
        """The possessive before a dative plural: 'bei seinen Zielen', 'bei ihren Zielen'."""
        return "ihren" if self.article == "die" else "seinen"


KREIS = Place.of("Kreis", "05974000")  # the words where no region is given (tests of single texts)


MONTHS = ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November",
          "Dezember")


def date_de(day) -> str:
    """'2. Dezember 2026'."""
    return f"{day.day}. {MONTHS[day.month - 1]} {day.year}"


def esc(text) -> str:
    return html.escape(str(text), quote=True)


def page_name(prefix: str, *ids: str) -> str:
    """The file name of a page: validated ids (ID_PATTERN, AGS) pass as they are; anything else (a release built
    from an unchecked table) becomes a harmless slug with a hash, so no id can leave the report folder or break out
    of an HTML attribute."""
    parts = [i if re.fullmatch(r"[a-z0-9_]{1,64}", str(i)) else
             re.sub(r"[^a-z0-9_]", "_", str(i).lower())[:40] + "_" + hashlib.sha256(str(i).encode()).hexdigest()[:8]
             for i in ids]
    return "-".join([prefix, *parts]) + ".html"


def link(page: str, text: str) -> str:
    return f"<a href='{esc(page)}'>{esc(text)}</a>"


def page(title: str, body: str, synthetic: bool, place: Place, current: str, real: tuple[str, ...] = ()) -> str:
    """A report page; `synthetic`: the demo banner, naming the `real` deliveries (real_public) among its inputs. A
    region without municipalities of its own (a district-free city) has no comparison page in its navigation."""
    really = (" Echt, aus amtlichen Veröffentlichungen, sind nur die Daten aus " + "; ".join(map(esc, dict.fromkeys(real))) + "."
              if real else "")
    banner = ("<p class='banner' role='note' data-origin='synthetic_demo'>Hinweis: Dieser Bericht beruht auf "
              "synthetischen Demonstrationsdaten, nicht auf Lieferungen der Partner. Die Zahlen sind nicht die "
              f"{place.of_it}.{really}</p>"
              if synthetic else "")
    current_mark = " aria-current='page'"
    nav = "".join(f"<li><a href='{p}'{current_mark if p == current else ''}>{esc(t)}</a></li>" for p, t in NAV
                  if place.has_municipalities or p != COMPARISON_PAGE)
    return (f"<!doctype html><html lang='de'><head><meta charset='utf-8'><title>{esc(title)} – Klimamonitor "
            f"{esc(place.name)}</title><meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<style>{CSS}</style></head><body><header><span class='site'>Klimamonitor {esc(place.name)}</span>"
            f"<nav aria-label='Hauptnavigation'><ul>{nav}</ul></nav></header><main>"
            f"{banner}<h1>{esc(title)}</h1>{body}</main></body></html>\n")


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], caption: str, numeric: Sequence[int] = (),
          row_headers: bool = True, raw: bool = False) -> str:
    """A table in a scrolling wrapper (no page overflow on a phone); the first cell of a row is its header.
    Cells are escaped unless `raw` (cells already HTML)."""
    def cell(i, value):
        text = value if raw else esc(value)
        cls = " class='num'" if i in numeric else ""
        return f"<th scope='row'{cls}>{text}</th>" if i == 0 and row_headers else f"<td{cls}>{text}</td>"
    num = " class='num'"
    head = "".join(f"<th scope='col'{num if i in numeric else ''}>{esc(h)}</th>" for i, h in enumerate(headers))
    body = "".join("<tr>" + "".join(cell(i, v) for i, v in enumerate(r)) + "</tr>" for r in rows)
    wide = " class='wide'" if len(headers) >= 4 else ""
    return (f"<div class='table-wrap' tabindex='0' role='region' aria-label='{esc(caption)}'><table{wide}><caption>"
            f"{esc(caption)}</caption><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>")


def csv_text(frame: pd.DataFrame) -> str:
    """CSV for German spreadsheets: semicolons, decimal commas, UTF-8 with BOM."""
    buffer = io.StringIO()
    frame.to_csv(buffer, sep=";", decimal=",", index=False)
    return "\ufeff" + buffer.getvalue()


@dataclass
class Site:
    """The pages and data files of the report, by path inside report/."""
    files: dict[str, str] = field(default_factory=dict)

    def chart(self, chart_id: str, title: str, draw: Callable[[tuple[int, int]], str], legend: Legend | None,
              headers: Sequence[str], rows: Sequence[Sequence[str]], data: pd.DataFrame,
              numeric: Sequence[int] = (), raw: bool = False) -> str:
        """A chart (wide and narrow), its legend, its table alternative and the link to its data as CSV; a chart with
        no value says so instead of drawing empty axes."""
        name = f"daten/{chart_id}.csv"
        self.files[name] = csv_text(data)
        wide = draw(WIDE)  # "" where there is no value to draw
        drawing = (wide + draw(NARROW)) if wide else "<p class='no-data'>Für dieses Diagramm liegen keine Werte vor.</p>"
        return (f"<figure id='{esc(chart_id)}'><figcaption>{esc(title)}</figcaption>{drawing}"
                f"{legend.html() if legend and legend.items else ''}"
                f"{table(headers, rows, f'Tabelle zum Diagramm: {title}', numeric, raw=raw)}"
                f"<p class='csv'><a href='{esc(name)}' download>Daten zum Diagramm „{esc(title)}“ als CSV-Datei</a>"
                "</p></figure>")
