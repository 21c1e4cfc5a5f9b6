"""The report's pure parts: German numbers, round ticks, colours with enough contrast, and pages built from small
tables stated here (a past target judged in its target year, the base year never a verdict, no empty notes line,
one rounding in title and sentence, the 2045 path drawn to the target year, a CSV per chart)."""

import datetime as dt
import re

import pandas as pd
import pytest

from warehouse.report import build_site, sentence
from warehouse.report_charts import PALETTE, TARGET_COLOUR, TILE_FILLS, contrast, fmt, grid_positions, nice_ticks

D, A, B = "05974000", "05974004", "05974008"


def test_german_numbers():
    assert fmt(1234.5) == "1.234,5" and fmt(-9.44) == "\u22129,4" and fmt(2.5, 1, sign=True) == "+2,5"
    assert fmt(-0.04) == "0,0" and fmt(None) == "–" and fmt(float("nan")) == "–" and fmt(253185.9, 0) == "253.186"


@pytest.mark.parametrize("low, high, ticks", [
    (189889.4, 253185.9, [180000, 200000, 220000, 240000, 260000]), (0, 16.2, [0, 5, 10, 15, 20]),
    (-12.3, 0, [-15, -10, -5, 0]), (0, 0.41, [0.0, 0.2, 0.4, 0.6]), (0, 8.1, [0, 2.5, 5, 7.5, 10]),
])  # fmt: skip
def test_ticks_are_round_numbers_covering_the_range(low, high, ticks):
    assert nice_ticks(low, high) == ticks


def test_chart_colours_reach_3_to_1_and_tile_text_4_5_to_1():
    assert all(contrast(c) >= 3 for c in [*PALETTE, TARGET_COLOUR])
    assert all(contrast(ink, fill) >= 4.5 for fill, ink in TILE_FILLS)
    assert contrast("#E69F00") < 3  # Okabe–Ito orange would fail: it is not in the palette


def test_grid_positions_without_configuration():
    assert grid_positions(["a", "b", "c", "d", "e"]) == {"a": (0, 0), "b": (0, 1), "c": (0, 2), "d": (1, 0),
                                                         "e": (1, 1)}


def _target(**kw):
    base = {"target_set": "kreistag_2012", "indicator_id": "co2_total_vs_2007", "indicator": "emissions_change_vs_base",
            "title_de": "30 Prozent weniger CO2-Emissionen gegenüber 2007", "title_en": "x",
            "scope": "territorial_bisko",
            "base_year": 2007, "target_year": 2020, "comparator": "<=", "target_value": -30.0, "unit": "%",
            "source": "s", "definition": "d", "notes": None, "processing": "p",
            "target_set_title_de": "Ziele des Kreistags von 2012", "definition_de": "Veränderung der Emissionen.",
            "notes_de": None, "interpretation_de": None, "source_de": "Beschluss vom 8. März 2012",
            "processing_de": "Emissionen geteilt durch die des Basisjahres."}
    return base | kw


def _row(indicator_id, ags, year, value, status, target_set="kreistag_2012", **kw):
    return {"target_set": target_set, "indicator_id": indicator_id, "ags": ags, "year": year, "value": value,
            "unit": "%", "base_year": 2007, "base_value": 100.0, "target_year": 2020, "target_value": -30.0,
            "gap": None if value is None else -30.0 - value, "path_value": None,
            "projected_value_at_target_year": None, "projected_year_reached": None, "status": status,
            "status_reason": "r", "data_quality": "B", "complete": True, "conformity": "conformant"} | kw


def _site():
    targets = pd.DataFrame([
        _target(interpretation_de=float("nan")),  # a null of the Parquet column
        _target(target_set="klimaschutzkonzept_2024", indicator_id="co2e_per_inhabitant_2045",
                indicator="emissions_per_inhabitant_with_agriculture", base_year=2019, target_year=2045,
                target_value=0.41, unit="t CO2e/person", scope="bisko_plus_agriculture",
                title_de="Klimaneutral 2045 (0,41 t CO₂e je Einwohner)", target_set_title_de="Ziele 2024",
                notes_de="Der Kreis nennt −94 %."),
    ])
    indicators = pd.DataFrame([
        _row("co2_total_vs_2007", D, 2007, 0.0, "off_track", path_value=0.0),  # a base year marked off track
        _row("co2_total_vs_2007", D, 2020, -9.44, "missed", path_value=-30.0),
        _row("co2_total_vs_2007", D, 2024, -11.0, "missed", path_value=-30.0),
        _row("co2_total_vs_2007", A, 2020, -5.0, "missed"), _row("co2_total_vs_2007", A, 2024, -50.0, "met"),
        _row("co2_total_vs_2007", B, 2020, -35.0, "met"), _row("co2_total_vs_2007", B, 2024, -60.0, "met"),
        *[_row("co2e_per_inhabitant_2045", D, y, v, s, "klimaschutzkonzept_2024", base_year=2019, target_year=2045,
               target_value=0.41, unit="t CO2e/person", gap=0.41 - v, path_value=p,
               projected_value_at_target_year=pj)
          for y, v, s, p, pj in [(2019, 8.94, "not_assessable", 8.94, None), (2024, 8.0, "off_track", 7.2, 5.123)]],
    ])  # fmt: skip
    places = pd.DataFrame({"ags": [D, A, B], "name": ["Kreis", "Anröchte", "Bad Sassendorf"],
                           "kind": ["district", "municipality", "municipality"], "area_ha": [3.0, 1.0, 2.0]})
    summary = pd.DataFrame([{"ags": a, "year": y, "balance_scope": s, "final_energy_mwh": 10.0,
                             "emissions_t_co2e": e, "population": 100.0, "t_co2e_per_inhabitant": e / 100,
                             "mwh_per_inhabitant": 0.1, "data_quality_score": 0.5, "data_quality": "B",
                             "complete": y != 2021, "per_inhabitant_complete": True, "bisko_conformant": True}
                            for a in (D, A, B) for y in (2020, 2021) for s, e in
                            (("households", 300.0), ("industry", 700.0), ("total", 1000.0))])
    return build_site({"targets": targets, "indicators": indicators, "municipalities": places,
                       "balance_summary": summary}, "Kreis Soest", D, True, None, dt.date(2026, 3, 1))


def _text(page: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.split("<main>")[1]))


def test_a_past_target_is_judged_in_its_target_year_with_the_sign_in_words():
    files = _site()
    page = files["ziel-kreistag_2012-co2_total_vs_2007.html"]
    text = _text(page)
    assert ("2020 lag der Wert bei \u22129,4 % (Ziel: \u221230,0 %), also 9,4 % weniger Emissionen als 2007. Das Ziel "
            "(höchstens \u221230,0 % bis 2020) wurde verfehlt; es fehlten 20,6 Prozentpunkte.") in text
    assert "Die Gemeinden 2020" in text  # the municipalities of the target year, not of 2024
    ranked = page.split("Die Gemeinden 2020")[1]
    assert "Bad Sassendorf" in ranked and "\u221235,0" in ranked and "\u221260,0" not in ranked
    assert "Hinweise" not in text  # no notes configured: no line
    assert not re.search(r"\b(nan|None)\b", text)


def test_the_base_year_is_the_reference_never_a_verdict():
    rows = re.findall(r"<tr><th scope='row'>2007</th>(.*?)</tr>", _site()["ziel-kreistag_2012-co2_total_vs_2007.html"])
    assert rows and all("Basisjahr" in r and "nicht auf Kurs" not in r for r in rows)


def test_the_2045_page_draws_path_and_projection_to_the_target_year_and_rounds_like_its_title():
    page = _site()["ziel-klimaschutzkonzept_2024-co2e_per_inhabitant_2045.html"]
    wide = page.split("class='chart chart-wide'")[1].split("</svg>")[0]
    path = re.search(r"stroke-dasharray='7 5' points='([^']+)'", wide).group(1).split()
    projection = re.search(r"stroke-dasharray='2 5' points='([^']+)'", wide).group(1).split()
    target = re.search(r"<rect x='([\d.]+)' y='([\d.]+)' width='12'", wide)
    end_x = float(target.group(1)) + 6
    assert float(path[-1].split(",")[0]) == pytest.approx(end_x, abs=0.1)  # the path reaches the target year
    assert float(projection[-1].split(",")[0]) == pytest.approx(end_x, abs=0.1)
    assert ">Projektion</text>" in wide
    text = _text(page)
    assert "0,41 t CO₂e je Einwohner" in text and "0,4 t" not in text  # title and sentence round alike
    assert "die Projektion des Trends ergibt 5,12 t CO₂e je Einwohner im Jahr 2045" in text
    assert "Hinweise Der Kreis nennt −94 %." in text


def test_every_chart_has_its_csv_and_the_pages_say_incomplete_years():
    files = _site()
    linked = {link for name, page in files.items() if name.endswith(".html")
              for link in re.findall(r"href='(daten/[^']+\.csv)'", page)}
    assert linked and linked == {n for n in files if n.startswith("daten/")}
    assert files["daten/index-emissionen.csv"].splitlines()[:2] == [
        "\ufeffJahr;Industrie (t CO₂e);Private Haushalte (t CO₂e);Summe (t CO₂e)", "2020;700,0;300,0;1000,0"]
    assert "Mit * markiert: 2021, unvollständig" in _text(files["index.html"])
    assert "Veröffentlicht am 1. März 2026." in _text(files["index.html"])


def test_a_sentence_without_a_verdict_where_inputs_are_incomplete():
    t = _target()
    r = _row("co2_total_vs_2007", D, 2020, -9.44, "not_assessable", status_reason="incomplete inputs", complete=False)
    assert sentence(r, t).endswith("Ein Urteil ist für 2020 nicht möglich: unvollständige Eingangsdaten: kein Urteil.")


def test_a_release_with_empty_tables_still_gets_its_pages():
    places = pd.DataFrame({"ags": [D, A], "name": ["Kreis", "Anröchte"], "kind": ["district", "municipality"],
                           "area_ha": [2.0, 1.0]})
    nan = float("nan")  # as read from Parquet
    summary = pd.DataFrame([{"ags": a, "year": 2021, "balance_scope": s, "final_energy_mwh": nan,
                             "emissions_t_co2e": nan, "population": nan, "t_co2e_per_inhabitant": nan,
                             "mwh_per_inhabitant": nan, "data_quality_score": nan, "data_quality": None,
                             "complete": False, "per_inhabitant_complete": False, "bisko_conformant": False}
                            for a in (D, A) for s in ("households", "total")])  # every value confidential
    files = build_site({"targets": pd.DataFrame(columns=list(_target())), "indicators": pd.DataFrame(
        columns=list(_row("x", D, 2021, None, "no_target"))), "municipalities": places, "balance_summary": summary},
        "Kreis Soest", D, False, None)
    assert {"index.html", "gemeinden.html", f"gemeinde-{A}.html", "erneuerbare.html", "methodik.html"} <= set(files)
    assert "–" in _text(files["index.html"]) and "synthetic_demo" not in files["index.html"]
    assert "Für den Kreis Soest sind noch keine Ziele eingerichtet" in _text(files["index.html"])


def test_the_decided_targets_come_before_the_supporting_indicators():
    """A set whose every indicator has no target (supporting) is shown after the council's targets, whatever its
    id ('supporting' sorts before 'testziele')."""
    targets = pd.DataFrame([_target(target_set="supporting", indicator_id="emissions_per_inhabitant", target_value=None,
                                    comparator=None, target_year=None, target_set_title_de="Unterstützende Indikatoren"),
                            _target(target_set="testziele", target_set_title_de="Ziele des Kreistags")])
    nan = float("nan")  # as read from Parquet
    indicators = pd.DataFrame([_row("emissions_per_inhabitant", D, 2020, 9.0, "no_target", "supporting",
                                    target_value=nan, target_year=nan, path_value=nan),
                               _row("co2_total_vs_2007", D, 2020, -9.44, "missed", "testziele", path_value=nan)])
    places = pd.DataFrame({"ags": [D], "name": ["Kreis"], "kind": ["district"], "area_ha": [3.0]})
    files = build_site({"targets": targets, "indicators": indicators, "municipalities": places},
                       "Kreis Paderborn", D, False, None)
    text = _text(files["index.html"])
    assert text.index("Ziele des Kreistags") < text.index("Unterstützende Indikatoren")
    assert "noch keine Ziele eingerichtet" not in text


def test_the_methodology_page_names_the_sources_with_their_origin():
    from warehouse.report import sources_section

    deliveries = pd.DataFrame([
        {"partner": "IT.NRW", "source_id": "it_nrw_population_2024", "origin": "real_public", "status": "accepted",
         "file_name": "12411-15i.csv", "scope_years": [2024]},
        {"partner": "Westnetz GmbH", "source_id": "westnetz_electricity", "origin": "synthetic_demo",
         "status": "accepted", "file_name": "Netzabsatz_Strom_2015.csv", "scope_years": [2015]},
        {"partner": "Westnetz GmbH", "source_id": "westnetz_electricity", "origin": "synthetic_demo",
         "status": "accepted", "file_name": "Netzabsatz_Strom_2016.csv", "scope_years": [2016]},
        {"partner": "Westnetz GmbH", "source_id": "westnetz_electricity", "origin": "synthetic_demo",
         "status": "rejected", "file_name": "kaputt.csv", "scope_years": [2017]},
    ])
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", sources_section(deliveries)))
    assert "IT.NRW amtliche Veröffentlichung (echte Daten) 1 2024" in text
    assert "Westnetz GmbH synthetische Demodaten 2 2015–2016" in text  # the rejected delivery is no source of it
    assert ".csv" not in text  # no file names for councillors: the deliveries table has them
    census = pd.DataFrame([{"partner": "Statistische Ämter", "origin": "real_public", "status": "accepted",
                            "scope_years": [2008, 2009, 2010, 2018]},
                           {"partner": "Statistische Ämter", "origin": "real_public", "status": "accepted",
                            "scope_years": [2011]}])
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", sources_section(census)))
    assert "2 2008–2011, 2018" in text  # the years delivered, never a span over years not delivered


def test_a_chart_without_values_says_so_instead_of_drawing_empty_axes():
    """A district whose deliveries give no value for a chart (a new district before its first energy delivery):
    the figure says there are no values, keeps its table and CSV, and draws no 0–1 axis."""
    from warehouse.report_blocks import Site
    from warehouse.report_charts import Series, line_chart, stacked_columns

    assert line_chart([Series("Kreis", [])], "%", "Anteil", (2020, 2022)) == ""
    assert stacked_columns([2020, 2021], [("Industrie", [None, float("nan")], PALETTE[0])], "t", "Emissionen") == ""
    assert line_chart([Series("Kreis", [(2020, 1.5)])], "%", "Anteil", (2020, 2022)).startswith("<svg")
    site = Site()
    figure = site.chart("leer", "Anteil", lambda size: line_chart([Series("Kreis", [])], "%", "Anteil",
                                                                  (2020, 2022), size=size),
                        None, ["Jahr", "Wert"], [["2020", "–"]], pd.DataFrame({"Jahr": [2020], "Wert": [None]}))
    assert "<svg" not in figure and "Für dieses Diagramm liegen keine Werte vor." in figure
    assert "Tabelle zum Diagramm: Anteil" in figure and "daten/leer.csv" in site.files


def test_a_district_free_city_is_spoken_of_as_a_city_without_municipality_pages():
    """Hamm (05915000), its own one municipality: 'die Stadt Hamm' with its own words ('bei ihren Zielen', 'im
    Stadtgebiet', 'Verlauf in der Stadt'), no comparison page or municipality pages (nor a link to them), and the
    second per-inhabitant figure mentioned only where there is one."""
    H = "05915000"
    targets = pd.DataFrame([_target()])
    indicators = pd.DataFrame([_row("co2_total_vs_2007", H, 2007, 0.0, "not_assessable"),
                               _row("co2_total_vs_2007", H, 2020, -9.44, "missed", path_value=-30.0)])
    places = pd.DataFrame({"ags": [H], "name": ["Hamm, Stadt"], "kind": ["district_free_city"], "area_ha": [226.4]})
    summary = pd.DataFrame([{"ags": H, "year": 2020, "balance_scope": s, "final_energy_mwh": 10.0,
                             "emissions_t_co2e": e, "population": 100.0, "t_co2e_per_inhabitant": e / 100,
                             "mwh_per_inhabitant": 0.1, "data_quality_score": 0.5, "data_quality": "B",
                             "complete": True, "per_inhabitant_complete": True, "bisko_conformant": True}
                            for s, e in (("households", 300.0), ("total", 300.0))])
    files = build_site({"targets": targets, "indicators": indicators, "municipalities": places,
                        "balance_summary": summary}, "Hamm, Stadt", H, True)
    index = _text(files["index.html"])
    assert "Wo steht die Stadt Hamm bei ihren Klimaschutzzielen?" in index
    assert "im Stadtgebiet" in index and "Emissionen in der Stadt nach Sektoren" in index
    assert "Die beiden Werte" not in index  # only one per-inhabitant figure is shown
    assert "Kreisgebiet" not in index and " im Kreis" not in index  # ("Kreistag" is the test target's own title)
    assert "Die Zahlen sind nicht die der Stadt." in files["index.html"]
    district_words = ("Kreisgebiet", " im Kreis", "des Kreises", "Kreisverwaltung")
    assert not [(name, w) for name, page in files.items() for w in district_words if w in page]
    assert "gemeinden.html" not in files and not [n for n in files if n.startswith("gemeinde-")]
    assert all("gemeinden.html" not in page for page in files.values())
    assert "Verlauf in der Stadt" in files["ziel-kreistag_2012-co2_total_vs_2007.html"]
    assert "Klimamonitor Stadt Hamm" in files["index.html"]
    assert "<h2>Indikatoren</h2>" in files["methodik.html"]
    empty = build_site({"municipalities": places, "balance_summary": summary, "targets": targets.iloc[0:0]},
                       "Hamm, Stadt", H, False)
    assert "<h2>Indikatoren</h2>" not in empty["methodik.html"]  # no targets: no empty section
    assert "Für die Stadt Hamm sind noch keine Ziele eingerichtet" in _text(empty["index.html"])


def test_a_year_without_emissions_is_shown_missing_never_0():
    """A sector whose emissions are missing in a year (the balance_summary row is null) is '–' in the chart's table
    and empty in its CSV, never 0; a sector with a real 0 is drawn as one."""
    from warehouse.report_charts import stacked_columns

    summary = pd.DataFrame([{"ags": D, "year": y, "balance_scope": s, "final_energy_mwh": 10.0, "emissions_t_co2e": e,
                             "population": 100.0, "t_co2e_per_inhabitant": None, "mwh_per_inhabitant": None,
                             "data_quality_score": 0.5, "data_quality": "B", "complete": False,
                             "per_inhabitant_complete": False, "bisko_conformant": False}
                            for y, s, e in [(2020, "households", 300.0), (2020, "total", 300.0),
                                            (2021, "households", None), (2021, "total", None)]])
    places = pd.DataFrame({"ags": [D], "name": ["Kreis"], "kind": ["district"], "area_ha": [3.0]})
    files = build_site({"municipalities": places, "balance_summary": summary}, "Kreis Soest", D, False)
    csv = files["daten/index-emissionen.csv"].splitlines()
    assert csv[2].startswith("2021;;")  # households 2021: empty, not 0,0
    assert "2021 – –" in _text(files["index.html"])
    assert stacked_columns([2020], [("Industrie", [0.0], PALETTE[0])], "t", "Emissionen").startswith("<svg")


@pytest.mark.parametrize(("name", "ags", "city", "lead"), [
    ("Kreis Soest", "05974000", False, "Wo steht der Kreis Soest bei seinen"),
    ("Hamm, Stadt", "05915000", True, "Wo steht die Stadt Hamm bei ihren"),
    ("Düsseldorf", "05111000", True, "Wo steht die Stadt Düsseldorf bei ihren"),
    ("Darmstadt", "06411000", True, "Wo steht die Stadt Darmstadt bei ihren"),  # 'stadt' in the name itself
    ("Kreisfreie Stadt Hamm", "05915000", True, "Wo steht die Kreisfreie Stadt Hamm bei ihren"),
    ("Region Hannover", "03241000", False, "Wo steht die Region Hannover bei ihren"),
    ("Nordrhein-Westfalen", "05000000", False, "Wo steht Nordrhein-Westfalen bei seinen"),
    ("Deutschland", "00000000", False, "Wo steht Deutschland bei seinen"),
])  # fmt: skip
def test_the_report_names_each_kind_of_region_in_good_german(name, ags, city, lead):
    from warehouse.report_blocks import Place

    place = Place.of(name, ags, city)
    assert f"Wo steht {place.nominative} bei {place.its}" == lead
    assert place.has_municipalities is not city


def test_two_places_of_one_short_name_keep_their_full_names():
    from warehouse.report_places import short_names

    names = {"01054035": "Garding, Kirchspiel", "01054036": "Garding, Stadt", "01054001": "Achtrup"}
    assert short_names(names) == {"01054035": "Garding, Kirchspiel", "01054036": "Garding, Stadt",
                                  "01054001": "Achtrup"}
    assert short_names({"05974016": "Erwitte, Stadt"}) == {"05974016": "Erwitte"}


def test_a_tile_map_of_many_places_never_writes_text_below_9_px():
    """Kreis Nordfriesland's 134 municipalities on a 12 × 12 grid: 'Friedrich-Wilhelm-Lübke-Koog' would be 3 px; no
    tile text is below 9 px, and every tile still names its place and value in its title."""
    from warehouse.report_charts import NARROW, WIDE, Tile, tile_map

    tiles = [Tile("Friedrich-Wilhelm-Lübke-Koog" if i == 0 else f"Gemeinde {i}", i // 12, i % 12, 5.0 + i % 7,
                  fmt(5.0 + i % 7, 1), f"gemeinde-{i}.html") for i in range(134)]
    for size in (WIDE, NARROW):
        svg, _ = tile_map(tiles, "Emissionen je Einwohner", size)
        sizes = [float(f) for f in re.findall(r"font-size='([\d.]+)'", svg)]
        assert sizes and min(sizes) >= 9, (size, min(sizes))
        assert svg.count("<title>") == 134 + 1 and "<title>Friedrich-Wilhelm-Lübke-Koog: 5,0</title>" in svg
