"""Indicators computed by hand from small stated series, including the awkward cases."""

import math

import pandas as pd
import pytest

from assets.compute.indicators import assess, reduction_vs_base, year_on_year_change

M1 = "05974004"


def _series(values, complete=None, ags=M1):
    years = sorted(values)
    return pd.DataFrame({"ags": ags, "year": years, "value": [values[y] for y in years],
                         "complete": [True if complete is None else complete.get(y, True) for y in years],
                         "data_quality": "A", "note": None})


TARGET = {"indicator": "emissions_reduction_vs_base", "unit": "%", "base_year": 2007, "target_year": 2020,
          "comparator": ">=", "target_value": 30.0}


def _row(frame, year):
    return frame[frame["year"] == year].iloc[0]


def test_reduction_against_the_base_year_and_a_past_target_year():
    emissions = _series({2007: 1000.0, 2015: 800.0, 2020: 650.0})
    rows = assess(reduction_vs_base(emissions, 2007), TARGET, trend_years=5)
    assert _row(rows, 2007)["value"] == 0 and _row(rows, 2007)["base_value"] == 0
    r2020 = _row(rows, 2020)
    assert r2020["value"] == pytest.approx(35.0) and r2020["status"] == "met"  # 35 % ≥ 30 % in the target year
    assert r2020["gap"] == pytest.approx(-5.0)
    r2015 = _row(rows, 2015)
    assert r2015["path_value"] == pytest.approx(30 * 8 / 13)
    assert r2015["status"] == "on_track"  # 20 % is above the path (18.46 %) and the trend reaches 30 % by 2020


def test_a_target_already_met_before_the_target_year():
    rows = assess(reduction_vs_base(_series({2007: 1000.0, 2012: 600.0}), 2007), TARGET, trend_years=5)
    r = _row(rows, 2012)
    assert r["status"] == "on_track" and r["projected_year_reached"] == 2012


def test_missed_after_the_target_year():
    rows = assess(reduction_vs_base(_series({2007: 1000.0, 2020: 900.0, 2021: 880.0}), 2007), TARGET, trend_years=5)
    assert _row(rows, 2020)["status"] == "missed" and _row(rows, 2021)["status"] == "missed"
    assert "10.00 % in 2020 against the target >= 30" in _row(rows, 2020)["status_reason"]


def test_missing_base_year_is_not_assessable_not_zero_percent():
    rows = assess(reduction_vs_base(_series({2008: 1000.0, 2015: 800.0}), 2007), TARGET, trend_years=5)
    assert rows["value"].isna().all()
    assert set(rows["status"]) == {"not_assessable"}
    assert set(rows["status_reason"]) == {"no value for the base year 2007"}


def test_incomplete_base_year_is_not_assessable():
    emissions = _series({2007: 900.0, 2015: 800.0}, complete={2007: False})
    rows = assess(reduction_vs_base(emissions, 2007), TARGET, trend_years=5)
    assert set(rows["status"]) == {"not_assessable"}
    assert "the base year 2007 is incomplete" in set(rows["status_reason"])


def test_an_incomplete_input_year_is_assessed_and_flagged():
    emissions = _series({2007: 1000.0, 2015: 700.0}, complete={2015: False})
    rows = assess(reduction_vs_base(emissions, 2007), TARGET, trend_years=5)
    r = _row(rows, 2015)
    assert not r["complete"] and r["status_reason"].endswith("based on incomplete inputs")


def test_renovation_growth_undefined_after_a_year_without_renovations():
    renovations = _series({2010: 40.0, 2011: 0.0, 2012: 30.0, 2013: 31.5})
    growth = year_on_year_change(renovations, undefined_note="growth undefined: no renovations the year before")
    target = {"indicator": "renovation_growth", "unit": "%/year", "base_year": 2007, "target_year": 2020,
              "comparator": ">=", "target_value": 2.5}
    rows = assess(growth, target, trend_years=5)
    assert _row(rows, 2011)["value"] == -100.0
    r2012 = _row(rows, 2012)
    assert math.isnan(r2012["value"]) and r2012["status"] == "not_assessable"
    assert r2012["status_reason"] == "growth undefined: no renovations the year before"
    r2013 = _row(rows, 2013)
    assert r2013["value"] == pytest.approx(5.0) and r2013["path_value"] == 2.5  # a rate: the target applies yearly


def test_supporting_indicators_have_no_target():
    rows = assess(_series({2020: 1.2, 2021: 2.0}), {"indicator": "battery_electric_share", "unit": "%"}, 5)
    assert set(rows["status"]) == {"no_target"} and rows["target_value"].isna().all()


def test_series_of_the_other_indicators():
    from assets.compute.indicators import (
        annual_change_since_base,
        battery_electric_share,
        per_inhabitant_with_agriculture,
        renewable_share,
    )

    emissions = _series({2007: 1000.0, 2009: 810.0})
    change = annual_change_since_base(emissions, 2007).set_index("year")["value"]
    assert change[2009] == pytest.approx((0.81 ** 0.5 - 1) * 100)  # −10 % a year, compounded
    tables = {
        "electricity_generation": pd.DataFrame({"ags": [M1, M1], "year": [2020, 2020],
                                                "technology": ["wind_onshore", "fossil_chp"],
                                                "generation_mwh": [300.0, 500.0], "data_quality": ["A", "A"]}),
        "final_energy": pd.DataFrame({"ags": [M1, M1], "year": [2020, 2020], "carrier": ["electricity"] * 2,
                                      "final_energy_mwh": [600.0, 400.0], "complete": [True, True]}),
        "balance_summary": pd.DataFrame({"ags": [M1], "year": [2020], "balance_scope": ["total"],
                                         "emissions_t_co2e": [900.0], "population": [100.0], "complete": [True],
                                         "data_quality": ["A"]}),
        "agriculture_emissions": pd.DataFrame({"ags": [M1], "year": [2020], "emissions_t_co2e": [100.0],
                                               "complete": [True]}),
        "vehicle_stock": pd.DataFrame({"ags": [M1] * 2, "year": [2020] * 2,
                                       "vehicle_fuel": ["battery_electric", "petrol"], "vehicles": [5.0, 95.0],
                                       "complete": [True, True]}),
    }  # fmt: skip
    assert renewable_share(tables).iloc[0]["value"] == pytest.approx(30.0)  # fossil CHP is not renewable
    assert per_inhabitant_with_agriculture(tables).iloc[0]["value"] == pytest.approx(10.0)
    assert battery_electric_share(tables).iloc[0]["value"] == pytest.approx(5.0)
