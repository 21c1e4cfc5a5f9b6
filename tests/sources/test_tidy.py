"""Tidy formats: final energy, emission factor sets, facility database snapshots."""

import datetime as dt

import pandas as pd
import pytest

from sources.errors import LayoutError

from sources.parsers.tidy import parse_buildings, parse_emission_factors, parse_final_energy, parse_meter_readings

from .helpers import REGION, delivery


def test_final_energy_with_marks_and_choices():
    text = ("ags,year,sector,carrier,final_energy_mwh,data_quality\n"
            "05974004,2019,households,heating_oil,12345.5,C\n"
            "05974016,2019,industry,hard_coal,•,A\n"
            "05974016,2019,industry,coal,1,A\n")
    result = parse_final_energy(delivery(text), {}, {}, REGION)
    rows = result.rows.set_index("source_row")
    assert rows.loc[2, "final_energy_mwh"] == 12345.5 and rows.loc[2, "value_status"] == "reported"
    assert rows.loc[3, "value_status"] == "confidential" and pd.isna(rows.loc[3, "final_energy_mwh"])
    (finding,) = result.findings
    assert "row 4, column 'carrier': 'coal' is not an allowed value" in finding.reason


def test_emission_factors_with_and_without_year():
    text = ("factor_set,carrier,sector_scope,year,g_co2e_per_kwh,source,derivation,bisko_rule\n"
            "demo,electricity,all,2007,665,Difu 2011 table 13,,false\n"
            "demo,heating_oil,all,,319,Difu 2011 table 13,,\n"
            "demo,ambient_heat,all,2007,207.8,derived,electricity mix / 3.2,true\n"
            "demo,natural_gas,all,2007,,Difu,,false\n")
    result = parse_emission_factors(delivery(text), {}, {}, REGION)
    rows = result.rows.set_index("source_row")
    assert rows.loc[2, "year"] == 2007 and rows.loc[2, "g_co2e_per_kwh"] == 665 and not rows.loc[2, "bisko_rule"]
    assert pd.isna(rows.loc[3, "year"]) and rows.loc[3, "bisko_rule"] == False  # noqa: E712 (empty means false)
    assert rows.loc[4, "bisko_rule"] and rows.loc[4, "derivation"] == "electricity mix / 3.2"
    (finding,) = result.findings
    assert "row 5, column 'g_co2e_per_kwh': the value is missing" in finding.reason


def test_facility_snapshots():
    buildings = ("building_id,building_name,building_use,gross_floor_area_m2,ags\n"
                 "KS-001,Kreishaus Soest,Verwaltung,18500.0,05974016\nKS-002,Berufskolleg,Schule,,05974004\n")
    b = parse_buildings(delivery(buildings, "buildings.csv"), {}, {}, REGION).rows
    assert list(b["building_id"]) == ["KS-001", "KS-002"] and pd.isna(b.loc[1, "gross_floor_area_m2"])
    readings = ("meter_id,building_id,carrier,reading_date,reading_value,reading_unit,reading_kind,meter_exchange\n"
                "M1,KS-001,electricity,2015-05-01,1000.5,kWh,counter,0\n"
                "M1,KS-001,electricity,2015-06-01,12.0,kWh,counter,1\n"
                "M1,KS-001,electricity,2015-06-01,13.0,kWh,counter,0\n")
    result = parse_meter_readings(delivery(readings, "meter_readings.csv"), {}, {}, REGION)
    r = result.rows
    assert len(r) == 1 and r.loc[0, "reading_date"] == dt.date(2015, 5, 1) and not r.loc[0, "meter_exchange"]
    assert len(result.findings) == 2
    assert all("appears in rows [3, 4]; none was taken" in f.reason for f in result.findings)


@pytest.mark.parametrize("cell, fragment", [("2015-13-01", "is not a date"), ("x", "is not a date")])
def test_bad_dates(cell, fragment):
    readings = ("meter_id,building_id,carrier,reading_date,reading_value,reading_unit,reading_kind,meter_exchange\n"
                f"M1,KS-001,electricity,{cell},1,kWh,counter,0\n")
    (finding,) = parse_meter_readings(delivery(readings, "meter_readings.csv"), {}, {}, REGION).findings
    assert "column 'reading_date'" in finding.reason and fragment in finding.reason


# --- a partner's own layout: headers, words, defaults, the year from the file name, xlsx

PARTNER_SHEET = ("Gemeindeschlüssel;Bilanzjahr;Sektor;Energieträger;Endenergie in MWh\n"
                 "05974004;2021;Private Haushalte;heat_pump_ambient_heat;1234,5\n"
                 "05974016;2021;Industrie;Strom;99\n")
PARTNER_OPTIONS = {"separator": ";", "decimal": ",", "defaults": {"data_quality": "B"},
                   "columns": {"ags": "Gemeindeschlüssel", "year": "Bilanzjahr", "sector": "Sektor",
                               "carrier": "Energieträger", "final_energy_mwh": "Endenergie in MWh"}}
PARTNER_WORDS = {"carriers": {"heat_pump_ambient_heat": "ambient_heat", "Strom": "electricity"},
                 "sectors": {"private haushalte": "households", "Industrie": "industry"}}


def test_a_partner_layout_is_read_through_its_headers_words_and_defaults():
    result = parse_final_energy(delivery(PARTNER_SHEET), PARTNER_OPTIONS, PARTNER_WORDS, REGION)
    assert not result.findings
    rows = result.rows.set_index("source_row")
    # line 2: 05974004;2021;Private Haushalte;heat_pump_ambient_heat;1234,5 (the word's case does not matter)
    assert tuple(rows.loc[2, ["ags", "year", "sector", "carrier", "final_energy_mwh", "data_quality"]]) == (
        "05974004", 2021, "households", "ambient_heat", 1234.5, "B")
    assert tuple(rows.loc[3, ["sector", "carrier"]]) == ("industry", "electricity")


def test_a_word_no_mapping_knows_is_quarantined_naming_the_mapping():
    text = PARTNER_SHEET + "05974048;2021;Gewerbe;Strom;5\n"
    result = parse_final_energy(delivery(text), PARTNER_OPTIONS, PARTNER_WORDS, REGION)
    (finding,) = result.findings
    assert finding.source_row == 4 and finding.column == "Sektor"
    assert "'Gewerbe' is not an allowed value" in finding.reason and "mappings.sectors" in finding.reason
    assert len(result.rows) == 2  # the other rows are taken


def test_a_mapping_to_no_code_or_an_option_for_no_column_refuses_the_delivery():
    with pytest.raises(LayoutError, match=r"mappings.carriers maps \{'strom': 'power'\} to no allowed code"):
        parse_final_energy(delivery(PARTNER_SHEET), PARTNER_OPTIONS, {"carriers": {"Strom": "power"}}, REGION)
    with pytest.raises(LayoutError, match=r"options.columns names \['energy'\], which the format does not have"):
        parse_final_energy(delivery(PARTNER_SHEET), {**PARTNER_OPTIONS, "columns": {"energy": "x"}}, {}, REGION)
    with pytest.raises(LayoutError, match=r"mappings \['customer_groups'\] belong to no coded column"):
        parse_final_energy(delivery(PARTNER_SHEET), PARTNER_OPTIONS, {"customer_groups": {}}, REGION)


def test_the_year_comes_from_the_option_or_the_file_name_when_the_file_has_no_year_column():
    from sources.parsers.tidy import parse_solar_thermal

    text = "ags,collector_area_m2\n05974004,120.5\n"
    by_name = parse_solar_thermal(delivery(text, name="Solarthermie_2021.csv"), {}, {}, REGION).rows
    assert tuple(by_name.loc[0, ["ags", "year", "collector_area_m2"]]) == ("05974004", 2021, 120.5)
    by_option = parse_solar_thermal(delivery(text, name="Solarthermie_2021.csv"), {"defaults": {"year": 2019}}, {},
                                    REGION).rows
    assert by_option.loc[0, "year"] == 2019  # the option wins over the file name
    with_column = parse_solar_thermal(delivery("ags,year,collector_area_m2\n05974004,2018,1\n",
                                               name="Solarthermie_2021.csv"), {}, {}, REGION).rows
    assert with_column.loc[0, "year"] == 2018  # the file's own column wins over both
    with pytest.raises(LayoutError, match=r"header row lacks column\(s\) \['year'\]"):
        parse_solar_thermal(delivery(text, name="Solarthermie_2020_2021.csv"), {}, {}, REGION)  # two years: none


def test_a_tidy_delivery_may_be_an_xlsx_workbook(tmp_path):
    from openpyxl import Workbook

    from sources.parsers.common import Delivery
    from sources.parsers.tidy import parse_renovations

    book = Workbook()
    sheet = book.active
    sheet.title = "Sanierungen"
    sheet.append(["Förderprogramm Altbau, Stand 31.03.2022"])  # a title row above the header
    sheet.append(["ags", "year", "energy_renovations"])
    sheet.append(["05974004", 2021, 17])
    sheet.append(["05974016", 2021, 4])
    book.save(tmp_path / "renovations.xlsx")
    path = tmp_path / "renovations.xlsx"
    rows = parse_renovations(Delivery("src:1", "src", path.name, path=path), {}, {}, REGION).rows
    assert list(rows["energy_renovations"]) == [17, 4] and list(rows["source_row"]) == [3, 4]


def test_a_workbook_number_typed_as_text_in_german_is_a_finding_and_number_cells_read_as_numbers(tmp_path):
    from openpyxl import Workbook

    from sources.parsers.common import Delivery
    from sources.parsers.tidy import parse_solar_thermal

    book = Workbook()
    book.active.append(["ags", "year", "collector_area_m2"])
    book.active.append(["05974004", 2021, "1.234,5"])  # typed as text, the German way
    book.active.append(["05974016", 2021, 99.25])  # a number cell
    book.active.append(["05974048", 2021, 0.00001])  # a number Excel shows as 1E-05
    path = tmp_path / "Solarthermie.xlsx"
    book.save(path)
    for options in ({}, {"decimal": ","}):  # a workbook's number cells are numbers whatever the source's mark
        result = parse_solar_thermal(Delivery("src:1", "src", path.name, path=path), options, {}, REGION)
        assert list(result.rows["collector_area_m2"]) == [99.25, 0.00001]
        assert [(f.source_row, f.raw_value) for f in result.findings] == [(2, "1.234,5")]
