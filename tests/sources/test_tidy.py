"""Tidy formats: final energy, emission factor sets, facility database snapshots."""

import datetime as dt

import pandas as pd
import pytest

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
