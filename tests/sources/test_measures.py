"""The measures list and the eea assessment as delivered (CSV and xlsx): rows read, and quarantined rows with the
messages a climate manager reads (file, row, column)."""

import io

import pytest

from sources.formats import read_delivery
from sources.parsers.common import Delivery
from sources.region import Region

REGION = Region("05974000", frozenset({"05974028", "05974040", "05974044"}),
                names=(("05974000", "Kreis Soest"), ("05974028", "Lippstadt, Stadt"), ("05974040", "Soest, Stadt"),
                       ("05974044", "Warstein, Stadt")))
OPTIONS = {"known_indicators": ["co2_total_vs_2007", "transport_co2_vs_2007"]}
HEADER = ("Nr.;Titel;Handlungsfeld;Federführung;Beteiligte Kommunen;Status;Beginn;Ende;Budget geplant (EUR);"
          "Budget verausgabt (EUR);Einsparung (t CO2e/a);Einsparung (MWh/a);Schätzmethode;Ziele;"
          "Letzte Aktualisierung\n")


def _parse(text: str, fmt: str = "measures", name: str = "Massnahmen_2025.csv", options=None, mappings=None):
    delivery = Delivery("klima:1", "klima", name, text.encode("utf-8") if isinstance(text, str) else text)
    return read_delivery(fmt, {**OPTIONS, **(options or {})}, mappings or {}, REGION, delivery)[1]


def test_a_list_is_read_with_german_labels_codes_and_mapped_words():
    result = _parse(HEADER + (
        "M01;Radwege Lippstadt;Mobilität;Kreis Soest, Straßenbau;Lippstadt / 05974040;in Umsetzung;01.03.2023;"
        "31.12.2026;1.250.000;400.000,50;120,5;;Leitfaden Radverkehr;transport_co2_vs_2007;15.02.2025\n"
        "M02;Energiemanagement;municipal_buildings;Gebäudemanagement;;abgeschlossen;2020-01-01;2022-12-31;"
        "80.000;80.000;300;1.100;Messung Vorjahr;co2_total_vs_2007, transport_co2_vs_2007;2024-11-30\n"
        "M03;Klimaforum;Öffentlichkeitsarbeit;Klimaschutzmanagement;\"Warstein, Stadt\";läuft;;;;;;;;;01.01.2025\n"),
        mappings={"fields_of_action": {"Öffentlichkeitsarbeit": "communication_cooperation"},
                  "statuses": {"läuft": "in_progress"}})
    assert result.findings == []
    rows = result.rows.set_index("measure_id")
    assert rows.loc["M01", "field_of_action"] == "mobility"
    assert rows.loc["M01", "municipalities_involved"] == ["05974028", "05974040"]
    assert rows.loc["M01", "budget_planned_eur"] == 1_250_000.0
    assert rows.loc["M01", "budget_spent_eur"] == 400_000.5
    assert rows.loc["M01", "savings_t_co2e_per_year"] == 120.5
    assert rows.loc["M02", "measure_status"] == "completed"
    assert rows.loc["M02", "target_indicators"] == ["co2_total_vs_2007", "transport_co2_vs_2007"]
    assert rows.loc["M02", "savings_mwh_per_year"] == 1100.0
    assert rows.loc["M03", "field_of_action"] == "communication_cooperation"
    assert rows.loc["M03", "measure_status"] == "in_progress"
    assert rows.loc["M03", "source_row"] == 4


@pytest.mark.parametrize(("line", "column", "message"), [
    ("M09;X;Landwirtschaft;A;;geplant;;;;;;;;;01.01.2025", "Handlungsfeld",
     "'Landwirtschaft' is not an eea field of action"),
    ("M09;X;Mobilität;A;;geplant;;;;;;;;wind_2030;01.01.2025", "Ziele",
     "'wind_2030' is not a configured target indicator"),
    ("M09;X;Mobilität;A;;geplant;01.06.2025;31.12.2024;;;;;;;01.01.2025", "Ende",
     "the end 31.12.2024 is before the start 01.06.2025"),
    ("M09;X;Mobilität;A;;geplant;;;-5.000;;;;;;01.01.2025", "Budget geplant (EUR)", "the value -5.000 is negative"),
    ("M09;X;Mobilität;A;;irgendwann;;;;;;;;;01.01.2025", "Status", "'irgendwann' is not a status of a measure"),
    ("M09;X;Mobilität;A;Paderborn;geplant;;;;;;;;;01.01.2025", "Beteiligte Kommunen",
     "'Paderborn' is not a municipality of the region"),
    ("M09;X;Mobilität;A;;geplant;;;;;;;;;gestern", "Letzte Aktualisierung", "'gestern' is not a date"),
])
def test_a_bad_row_is_quarantined_with_file_row_and_column(line, column, message):
    good = "M01;Radwege;Mobilität;A;;geplant;;;;;;;;;01.01.2025\n"
    result = _parse(HEADER + good + line + "\n")
    assert list(result.rows["measure_id"]) == ["M01"]
    [finding] = result.findings
    assert finding.reason.startswith(f"source 'klima', file 'Massnahmen_2025.csv', row 3, column '{column}': "
                                     f"{message}")


def test_a_word_mapped_to_no_known_code_refuses_the_delivery_naming_the_mapping():
    from sources.errors import DeliveryError

    with pytest.raises(DeliveryError, match=r"mappings.statuses maps \{'läuft': 'running'\} to no known code"):
        _parse(HEADER + "M01;A;Mobilität;A;;läuft;;;;;;;;;01.01.2025\n", mappings={"statuses": {"läuft": "running"}})


def test_a_measure_listed_twice_with_different_values_is_quarantined():
    result = _parse(HEADER + "M01;A;Mobilität;A;;geplant;;;;;;;;;01.01.2025\n"
                    "M01;B;Mobilität;A;;geplant;;;;;;;;;01.01.2025\n")
    assert result.rows.empty
    assert [f.source_row for f in result.findings] == [2, 3]
    assert "the key (measure_id=M01) appears in rows [2, 3]" in result.findings[0].reason


def test_partner_headers_are_mapped_in_the_configuration_and_xlsx_is_read():
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Kennung", "Maßnahme", "Bereich", "Stand", "Datum"])
    sheet.append(["K-7", "Solardach Kreishaus", "Kommunale Gebäude und Anlagen", "geplant", "2025-03-01"])
    buffer = io.BytesIO()
    book.save(buffer)
    columns = {"measure_id": "Kennung", "measure_title": "Maßnahme", "field_of_action": "Bereich",
               "measure_status": "Stand", "last_updated": "Datum"}
    result = _parse(buffer.getvalue(), name="Massnahmen.xlsx", options={"columns": columns})
    assert result.findings == []
    [row] = result.rows.to_dict("records")
    assert (row["measure_id"], row["field_of_action"], row["measure_status"], str(row["last_updated"])) == (
        "K-7", "municipal_buildings", "planned", "2025-03-01")


def test_eea_points_more_than_possible_are_quarantined():
    result = _parse("Handlungsfeld;Jahr;Punkte möglich;Punkte erreicht\nMobilität;2024;96;60,5\n"
                    "Interne Organisation;2024;44;50\n", fmt="eea_assessment", name="eea_2024.csv")
    assert result.rows[["field_of_action", "eea_points_achieved"]].values.tolist() == [["mobility", 60.5]]
    [finding] = result.findings
    assert "row 3, column 'Punkte erreicht': 50 points achieved are more than the 44 possible" in finding.reason


def test_inspect_recognises_the_list_and_the_assessment_by_their_headers():
    from sources.recognise import recognise

    found = [recognise(Delivery("x", "x", name, text.encode())).format for name, text in (
        ("a.csv", HEADER + "M01;Radwege;Mobilität;A;;geplant;;;;;;;;;01.01.2025\n"),
        ("b.csv", "Handlungsfeld;Jahr;Punkte möglich;Punkte erreicht\nMobilität;2024;96;60,5\n"))]
    assert found == ["measures", "eea_assessment"]
