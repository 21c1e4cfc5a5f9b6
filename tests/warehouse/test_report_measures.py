"""The German measures pages from frames stated here: status counts per field, the overdue list, a measure's
history, the gap sentence of a target page, German numbers, and everything escaped."""

import datetime as dt

import pandas as pd

from warehouse.report_measures import (gap_sentence, measure_page, num, programme_pages, target_section)


def _measure(measure_id, field, status, **more):
    row = {"measure_id": measure_id, "measure_title": f"Titel {measure_id}", "measure_description": None,
           "field_of_action": field, "field_of_action_de": None, "lead": "Klimaschutzmanagement",
           "municipalities_involved": [], "measure_status": status, "measure_status_de": None,
           "start_date": dt.date(2023, 1, 1), "end_date": dt.date(2027, 12, 31), "budget_planned_eur": 1234567.0,
           "budget_spent_eur": 0.0, "savings_t_co2e_per_year": None, "savings_mwh_per_year": None,
           "savings_method": None, "target_indicators": [], "last_updated": dt.date(2025, 3, 1), "overdue": False,
           "overdue_reason": None, "overdue_reference_date": dt.date(2025, 3, 3), "delivery_id": "d",
           "source_row": 2}
    return {**row, **more}


MEASURES = pd.DataFrame([
    _measure("M1", "mobility", "in_progress", savings_t_co2e_per_year=1234.5, target_indicators=["co2"]),
    _measure("M2", "mobility", "completed", target_indicators=["co2"], savings_t_co2e_per_year=10.0),
    _measure("M3", "supply_disposal", "delayed", end_date=dt.date(2024, 12, 31), overdue=True,
             overdue_reason="end date 2024-12-31 passed on 2025-03-03 without completion"),
    _measure("<b>X&1</b>", "mobility", "stopped", measure_title="<script>alert(1)</script>",
             lead="Amt \"A\" & B", municipalities_involved=["05974040"]),
])
HISTORY = pd.DataFrame([
    {"measure_id": "M1", "list_date": dt.date(2024, 3, 1), "measure_status": "planned", "budget_planned_eur": 100.0,
     "budget_spent_eur": 0.0, "history_change": "first_listed"},
    {"measure_id": "M1", "list_date": dt.date(2025, 3, 3), "measure_status": "in_progress",
     "budget_planned_eur": 1500.0, "budget_spent_eur": 750.25, "history_change": "status_and_budget_changed"},
])
TARGET_PAGES = {("kreistag_2012", "co2"): ("ziel-kreistag_2012-co2.html", "30 Prozent weniger")}


def _pages():
    return {name: (title, body) for name, title, body in programme_pages(MEASURES, HISTORY, None, {
        "05974040": "Soest, Stadt"}, TARGET_PAGES)}


def test_the_programme_page_counts_statuses_per_field_and_lists_the_overdue():
    pages = _pages()
    assert len(pages) == 1 + len(MEASURES)
    _, body = pages["arbeitsprogramm.html"]
    # Mobilität: in Umsetzung 1, abgeschlossen 1, gestoppt 1 (column order: geplant, in Vorbereitung, in Umsetzung,
    # abgeschlossen, verzögert, gestoppt, gesamt)
    assert ("<a href='#mobility'>Mobilität</a></td><td class='num'>0</td><td class='num'>0</td><td class='num'>1"
            "</td><td class='num'>1</td><td class='num'>0</td><td class='num'>1</td><td class='num'>3</td>") in body
    assert "Stand der Liste: 03.03.2025" in body
    overdue = body.split("<h2>Überfällige Maßnahmen</h2>")[1].split("<h2")[0]
    assert "M3" in overdue and "Ende 31.12.2024 überschritten, nicht abgeschlossen" in overdue
    assert "M1" not in overdue


def test_a_measure_page_shows_its_history_in_german_numbers_and_links_its_targets():
    title, body = _pages()[measure_page("M1")]
    assert title == "Maßnahme M1" and "<h2>Titel M1</h2>" in body
    assert "1.234.567 €" in body and "1.234,5 t CO₂e pro Jahr" in body
    assert "<td>03.03.2025</td><td>in Umsetzung</td><td class='num'>1.500</td><td class='num'>750</td>" in body
    assert "Status und Budget geändert" in body and "neu in der Liste" in body
    assert "<a href='ziel-kreistag_2012-co2.html'>30 Prozent weniger</a>" in body


def test_everything_from_the_data_is_escaped():
    pages = _pages()
    name = measure_page("<b>X&1</b>")
    assert name.startswith("massnahme-b-x-1-b-") and name.endswith(".html")
    title, body = pages[name]
    assert title == "Maßnahme <b>X&1</b>"  # a plain title: the host page escapes it
    assert "<script>" not in body and "<h2>&lt;script&gt;alert(1)&lt;/script&gt;</h2>" in body
    assert "&lt;b&gt;X&amp;1&lt;/b&gt;" in body and "Amt &quot;A&quot; &amp; B" in body
    assert "Soest, Stadt" in body
    assert "<script>" not in pages["arbeitsprogramm.html"][1]


def test_without_measures_the_programme_page_says_so():
    [(name, _, body)] = programme_pages(None, None, None, {}, {})
    assert name == "arbeitsprogramm.html" and "keine Liste der Maßnahmen" in body


def test_every_table_scrolls_inside_its_wrapper():
    for _, body in _pages().values():
        assert body.count("<table>") == body.count(
            "<div style='overflow-x:auto;max-width:100%;overflow-wrap:normal'><table>")


GAP = {"target_set": "kreistag_2012", "indicator_id": "co2", "year": 2021, "gap": -20.0, "gap_t_co2e": 600000.0,
       "savings_completed_t_co2e": 1000.0, "savings_in_progress_t_co2e": 2500.0, "savings_planned_t_co2e": 400000.0,
       "savings_completed_mwh": 0.0, "savings_in_progress_mwh": 0.0, "savings_planned_mwh": 3000.0,
       "shortfall_t_co2e": 197500.0, "gap_status": "not_closed", "measures_without_estimate": 1}


def test_the_gap_sentence_says_by_how_much_the_measures_fall_short():
    assert gap_sentence(GAP, "%") == (
        "2021 lagen die Emissionen 600.000 t CO₂e über dem Zielwert. Die noch nicht abgeschlossenen Maßnahmen "
        "erwarten zusammen 402.500 t CO₂e Einsparung pro Jahr (eigene Schätzungen). Sie schließen die Lücke nicht: es "
        "bleiben 197.500 t CO₂e offen.")
    assert gap_sentence({**GAP, "gap_status": "not_assessable"}, "%") == (
        "Der Wert 2021 ist unvollständig; die Lücke zum Ziel wird daher nicht bewertet.")
    assert gap_sentence({**GAP, "gap_status": "no_emissions_gap", "gap": 12.26}, "%").startswith(
        "2021 fehlen bis zum Ziel noch 12,3 %.")


def test_the_target_section_lists_the_measures_serving_it_with_the_savings_by_status():
    section = target_section("kreistag_2012", "co2", MEASURES, pd.DataFrame([GAP]), "%")
    assert "<h2>Maßnahmen und Ziellücke</h2>" in section
    assert "<td>abgeschlossen</td><td class='num'>1.000,0</td>" in section
    assert ("<td>geplant (auch in Vorbereitung)</td><td class='num'>400.000,0</td><td class='num'>3.000,0</td>"
            in section)
    assert section.count("massnahme-m1-") == 1 and section.count("massnahme-m2-") == 1
    assert "keine gemessenen Einsparungen" in section
    assert target_section("kreistag_2012", "other", MEASURES, pd.DataFrame([GAP]), "%") == ""
    assert num(-1234.56, 1) == "−1.234,6"  # the report's true minus sign
