"""Indicators computed by hand from small stated series, including the awkward cases."""

import math

import pandas as pd
import pytest

from assets.compute.indicators import annual_change_since_base, assess, change_vs_base, year_on_year_change

M1 = "05974004"


def _series(values, complete=None, ags=M1):
    years = sorted(values)
    return pd.DataFrame({"ags": ags, "year": years, "value": [values[y] for y in years],
                         "complete": [True if complete is None else complete.get(y, True) for y in years],
                         "data_quality": "A", "note": None})


TARGET = {"indicator": "emissions_change_vs_base", "unit": "%", "base_year": 2007, "target_year": 2020,
          "comparator": "<=", "target_value": -30.0}
RATE = {"unit": "%/year", "base_year": 2007, "target_year": 2020}


def _row(frame, year):
    return frame[frame["year"] == year].iloc[0]


def test_change_against_the_base_year_and_a_past_target_year():
    emissions = _series({2007: 1000.0, 2012: 900.0, 2013: 850.0, 2015: 800.0, 2020: 650.0})
    rows = assess(change_vs_base(emissions, 2007), TARGET, trend_years=5)
    r2007 = _row(rows, 2007)
    assert r2007["value"] == 0 and r2007["base_value"] == 1000.0  # the base year's quantity in t CO2e, not 0
    assert r2007["status"] == "not_assessable" and "reference of the target" in r2007["status_reason"]
    r2020 = _row(rows, 2020)
    assert r2020["value"] == pytest.approx(-35.0) and r2020["status"] == "met"  # −35 % ≤ −30 % in the target year
    assert r2020["gap"] == pytest.approx(-30.0 - -35.0)  # target minus value
    r2015 = _row(rows, 2015)
    assert r2015["value"] == pytest.approx(-20.0)
    assert r2015["path_value"] == pytest.approx(-30 * 8 / 13)  # the straight path from 0 % (2007) to −30 % (2020)
    # −20 % is below the path (−18.46 %); the trend of 2007, 2012, 2013, 2015 reaches −30 % by 2020
    assert r2015["status"] == "on_track"


def test_no_trend_status_from_fewer_than_three_years():
    rows = assess(change_vs_base(_series({2007: 1000.0, 2012: 600.0}), 2007), TARGET, trend_years=5)
    r = _row(rows, 2012)
    assert r["status"] == "not_assessable" and "fewer than 3 complete years" in r["status_reason"]
    more = assess(change_vs_base(_series({2007: 1000.0, 2011: 700.0, 2012: 600.0}), 2007), TARGET, trend_years=5)
    assert _row(more, 2012)["status"] == "on_track" and _row(more, 2012)["projected_year_reached"] == 2012


def test_missed_after_the_target_year():
    rows = assess(change_vs_base(_series({2007: 1000.0, 2020: 900.0, 2021: 880.0}), 2007), TARGET, trend_years=5)
    assert _row(rows, 2020)["status"] == "missed" and _row(rows, 2021)["status"] == "missed"
    assert "-10.00 % in 2020 against the target <= -30" in _row(rows, 2020)["status_reason"]


def test_missing_base_year_is_not_assessable_not_zero_percent():
    rows = assess(change_vs_base(_series({2008: 1000.0, 2015: 800.0}), 2007), TARGET, trend_years=5)
    assert rows["value"].isna().all()
    assert set(rows["status"]) == {"not_assessable"}
    assert set(rows["status_reason"]) == {"no value for the base year 2007"}


def test_incomplete_base_year_gives_no_verdict():
    emissions = _series({2007: 900.0, 2015: 800.0, 2020: 500.0}, complete={2007: False})
    rows = assess(change_vs_base(emissions, 2007), TARGET, trend_years=5)
    assert set(rows["status"]) == {"not_assessable"} and not rows["complete"].any()
    assert "the base year 2007 is incomplete" in _row(rows, 2020)["status_reason"]


def test_a_partial_year_is_not_assessable_naming_the_missing_cell():
    emissions = _series({2007: 1000.0, 2019: 720.0, 2020: 650.0}, complete={2020: False})
    emissions["note"] = [None, None, "incomplete inputs: Welver industry electricity confidential"]
    rows = assess(change_vs_base(emissions, 2007), TARGET, trend_years=5)
    r = _row(rows, 2020)
    assert r["value"] == pytest.approx(-35.0) and not r["complete"]  # the value is published, flagged
    assert r["status"] == "not_assessable"
    assert "Welver industry electricity confidential" in r["status_reason"]


def test_both_rate_targets_use_the_compound_annual_rate_since_the_base_year():
    # renovations 100 (2007) → 121 (2009): (121/100)^(1/2) − 1 = +10 % a year
    renovations = _series({2007: 100.0, 2008: 104.0, 2009: 121.0})
    growth = assess(annual_change_since_base(renovations, 2007),
                    {**RATE, "indicator": "renovation_growth", "comparator": ">=", "target_value": 2.5}, 5)
    assert _row(growth, 2009)["value"] == pytest.approx(10.0)
    assert _row(growth, 2009)["base_value"] == 100.0 and _row(growth, 2009)["path_value"] == 2.5
    assert math.isnan(_row(growth, 2007)["value"])  # no rate in the base year itself
    # production emissions 1000 (2007) → 810 (2009): (0.81)^(1/2) − 1 = −10 % a year
    production = _series({2007: 1000.0, 2008: 950.0, 2009: 810.0})
    change = assess(annual_change_since_base(production, 2007),
                    {**RATE, "indicator": "sector_emissions_annual_change", "comparator": "<=", "target_value": -2.8}, 5)
    assert _row(change, 2009)["value"] == pytest.approx(-10.0)
    assert _row(change, 2009)["gap"] == pytest.approx(-2.8 - -10.0)
    assert _row(change, 2008)["value"] == pytest.approx(-5.0)


def test_a_rate_with_an_incomplete_end_year_is_not_assessable():
    production = _series({2007: 1000.0, 2008: 950.0, 2009: 810.0, 2020: 700.0}, complete={2020: False})
    rows = assess(annual_change_since_base(production, 2007),
                  {**RATE, "indicator": "sector_emissions_annual_change", "comparator": "<=", "target_value": -2.8}, 5)
    assert _row(rows, 2020)["status"] == "not_assessable"


def test_renovation_growth_yoy_undefined_after_a_year_without_renovations():
    renovations = _series({2010: 40.0, 2011: 0.0, 2012: 30.0, 2013: 31.5})
    growth = year_on_year_change(renovations, undefined_note="growth undefined: no renovations the year before")
    assert growth.set_index("year")["value"][2011] == -100.0
    r2012 = growth.set_index("year").loc[2012]
    assert math.isnan(r2012["value"]) and r2012["note"] == "growth undefined: no renovations the year before"
    assert growth.set_index("year")["value"][2013] == pytest.approx(5.0)



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
                                         "per_inhabitant_complete": [True], "data_quality": ["A"]}),
        # the balance moved 200 MWh of heat-pump electricity to ambient heat: it stays in the share's denominator
        "core_energy__inputs": pd.DataFrame({"ags": [M1], "year": [2020], "input_kind": ["heat_pump_electricity"],
                                             "input_mwh": [-200.0]}),
        "agriculture_emissions": pd.DataFrame({"ags": [M1], "year": [2020], "emissions_t_co2e": [100.0],
                                               "complete": [True]}),
        "vehicle_stock": pd.DataFrame({"ags": [M1] * 2, "year": [2020] * 2,
                                       "vehicle_fuel": ["battery_electric", "petrol"], "vehicles": [5.0, 95.0],
                                       "complete": [True, True]}),
    }  # fmt: skip
    # 300 MWh wind ÷ (600 + 400 + 200 MWh heat pumps) consumed; fossil CHP is not renewable
    share = renewable_share(tables, "05974000")
    assert share[share["ags"] == M1].iloc[0]["value"] == pytest.approx(300 / 1200 * 100)
    assert per_inhabitant_with_agriculture(tables).iloc[0]["value"] == pytest.approx(10.0)
    assert battery_electric_share(tables).iloc[0]["value"] == pytest.approx(5.0)


def test_battery_electric_share_takes_the_stated_total_of_all_fuels_not_the_sum_twice():
    from assets.compute.indicators import battery_electric_share

    # 2021: a KBA FZ 3 total (fuel `all`, 200 cars) beside a split by fuel (6 + 194): the total is 200, not 400;
    # 2022: only the split (8 + 192 = 200); 2023: only the total, no battery-electric count: no value, not 0
    rows = [(2021, "all", 200.0), (2021, "battery_electric", 6.0), (2021, "petrol", 194.0),
            (2022, "battery_electric", 8.0), (2022, "petrol", 192.0), (2023, "all", 210.0)]
    stock = pd.DataFrame([{"ags": M1, "year": y, "vehicle_fuel": f, "vehicles": n, "complete": True}
                          for y, f, n in rows])
    series = battery_electric_share({"vehicle_stock": stock}).set_index("year")
    share = series["value"]
    assert share[2021] == pytest.approx(3.0) and share[2022] == pytest.approx(4.0)
    assert pd.isna(share[2023]) and "no count of battery-electric cars" in series.loc[2023, "note"]
    # assessed, the year without a value has no data-quality grade (a grade belongs to a value) and says why
    rows = assess(series.reset_index(), {"indicator": "battery_electric_share", "unit": "%"}, 5).set_index("year")
    assert rows.loc[2021, "data_quality"] == "A" and pd.isna(rows.loc[2023, "data_quality"])
    assert bool(rows.loc[2021, "complete"]) and not bool(rows.loc[2023, "complete"])  # missing is incomplete
    assert rows.loc[2023, "status_reason"] == ("supporting indicator without a target; no value: no count of "
                                               "battery-electric cars (vehicle_fuel battery_electric not "
                                               "delivered, missing or confidential)")


def test_a_change_against_the_base_year_of_an_empty_series_is_empty_not_an_error():
    """A district whose sources give no balance yet (no grid source): the change and the annual change against the
    base year are no rows, so the indicator is not_assessable, instead of a division of text by numbers."""
    empty = pd.DataFrame({"ags": pd.Series([], dtype="string"), "year": pd.Series([], dtype="Int64"),
                          "value": pd.Series([], dtype="float64"), "complete": pd.Series([], dtype="boolean"),
                          "data_quality": pd.Series([], dtype="string"), "note": pd.Series([], dtype=object)})
    assert change_vs_base(empty, 2007).empty
    assert annual_change_since_base(empty, 2007).empty
