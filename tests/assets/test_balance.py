"""Small balances computed by hand, cell by cell, from inputs and factors stated here."""

import datetime as dt
import math

import pandas as pd
import pytest

from assets.compute.balance import (
    INPUT_COLUMNS,
    ambient_heat_inputs,
    balance_summary,
    emissions_table,
    facility_inputs,
    final_energy_table,
    grade_of,
    grid_inputs,
    missing_inputs,
    required_grid,
)
from assets.compute.lineage import lineage_table
from assets.compute.factors import FactorError, compile_factor_set
from assets.compute.meters import yearly_consumption

M1, M2, D = "05974004", "05974008", "05974000"
GROUPS = {"grid_e": {"SLP Haushalt": "households", "Wärmepumpe": {"sector": "households", "heat_pump": True},
                     "SLP Gewerbe": "commerce"},
          "grid_g": {"SLP Haushalt": "households"},
          "grid_h": {"Gewerbe": "commerce"}}  # fmt: skip


def _grid(rows):
    return pd.DataFrame([{"delivery_id": f"{src}:abc", "source_row": i + 8, "ags": ags, "year": 2020, "carrier": carrier,
                          "customer_group": group, "consumers": 10, "delivered_mwh": mwh,
                          "calorific_basis": "Hs" if carrier == "natural_gas" else None,
                          "value_status": status, "provisional": False}
                         for i, (src, ags, carrier, group, mwh, status) in enumerate(rows)])  # fmt: skip


def _factors(electricity_2020=400.0, extra=()):
    rows = [("electricity", "all", 2019, 420.0), ("electricity", "all", 2021, 380.0),
            ("natural_gas", "households", None, 251.0), ("natural_gas", "all", None, 250.0),
            ("district_heat", "all", None, 260.0), *extra]
    if electricity_2020 is not None:
        rows.append(("electricity", "all", 2020, electricity_2020))
    frame = pd.DataFrame([{"factor_set": "t", "carrier": c, "sector_scope": s, "year": y, "g_co2e_per_kwh": v,
                           "source": "test", "derivation": None, "bisko_rule": False, "delivery_id": "f:1",
                           "source_row": i + 2} for i, (c, s, y, v) in enumerate(rows)])  # fmt: skip
    return frame


def _balance(grid_rows, *, facility=None, required=None, factors=None, years=(2020,)):
    grid = grid_inputs(_grid(grid_rows), GROUPS, gas_hi_per_hs=1 / 1.11)
    parts = [grid, ambient_heat_inputs(grid, spf=3.2)]
    if facility is not None:
        parts.append(facility_inputs(facility, "commerce"))
    inputs = pd.concat(parts, ignore_index=True)
    fe = final_energy_table(inputs, [M1, M2], D, list(years), required or [])
    compiled = compile_factor_set(factors if factors is not None else _factors(), "t", list(years),
                                  interpolate=["electricity"])
    return fe, emissions_table(fe, compiled, "t", D), compiled


def _cell(frame, ags, sector, carrier, column):
    row = frame[(frame["ags"] == ags) & (frame["sector"] == sector) & (frame["carrier"] == carrier)]
    assert len(row) == 1, (ags, sector, carrier)
    return row.iloc[0][column]


def test_heat_pumps_counted_once_as_ambient_heat():
    # 10 MWh heat-pump electricity at a mix of 500 g, SPF 3.2: 32 MWh ambient heat at 500 ÷ 3.2 = 156.25 g,
    # 32 × 156.25 / 1000 = 5.0 t — exactly the electricity × mix — and the electricity cell loses the 10 MWh
    fe, em, factors = _balance([("grid_e", M1, "electricity", "SLP Haushalt", 100.0, "reported"),
                                ("grid_e", M1, "electricity", "Wärmepumpe", 10.0, "reported")],
                               factors=_factors(electricity_2020=500.0))
    assert _cell(fe, M1, "households", "electricity", "final_energy_mwh") == pytest.approx(100.0)
    assert _cell(fe, M1, "households", "ambient_heat", "final_energy_mwh") == pytest.approx(32.0)
    assert _cell(fe, M1, "households", "ambient_heat", "value_status") == "estimated"
    assert _cell(em, M1, "households", "ambient_heat", "g_co2e_per_kwh") == pytest.approx(156.25)
    assert _cell(em, M1, "households", "ambient_heat", "emissions_t_co2e") == pytest.approx(5.0)
    assert _cell(em, M1, "households", "electricity", "emissions_t_co2e") == pytest.approx(100 * 500 / 1000)
    households = em[(em["ags"] == M1) & (em["sector"] == "households")]["emissions_t_co2e"].sum()
    assert households == pytest.approx(110 * 500 / 1000)  # 110 MWh of electricity, each counted once
    ambient = factors[(factors["carrier"] == "ambient_heat") & (factors["year"] == 2020)].iloc[0]
    assert ambient["bisko_rule"] and "÷ 3.2" in ambient["derivation"]


def test_ambient_heat_rests_on_an_assumed_spf_and_is_not_grade_a():
    fe, _, _ = _balance([("grid_e", M1, "electricity", "Wärmepumpe", 10.0, "reported")])
    assert _cell(fe, M1, "households", "ambient_heat", "data_quality") == "B"  # metered electricity is A
    assert _cell(fe, M1, "households", "electricity", "final_energy_mwh") == pytest.approx(0.0)


def test_gas_gross_to_net_and_sector_specific_factor():
    fe, em, _ = _balance([("grid_g", M1, "natural_gas", "SLP Haushalt", 1000.0, "reported")])
    assert _cell(fe, M1, "households", "natural_gas", "final_energy_mwh") == pytest.approx(1000 / 1.11)
    assert _cell(em, M1, "households", "natural_gas", "g_co2e_per_kwh") == 251.0
    assert _cell(em, M1, "households", "natural_gas", "emissions_t_co2e") == pytest.approx(1000 / 1.11 * 251 / 1000)
    assert _cell(em, M1, "households", "natural_gas", "bisko_conformant")  # a yearless factor, taken as published


def test_a_delivery_states_its_own_hs_hi_ratio():
    rows = _grid([("grid_g", M1, "natural_gas", "SLP Haushalt", 1000.0, "reported"),
                  ("grid_g", M2, "natural_gas", "SLP Haushalt", 1000.0, "reported")])
    rows["hi_per_hs"] = [0.895, None]  # the operator's ratio for M1's sheet; M2's sheet states none
    inputs = grid_inputs(rows, GROUPS, gas_hi_per_hs=1 / 1.11)
    assert inputs["input_mwh"].tolist() == pytest.approx([895.0, 1000 / 1.11])


def test_district_heat_default_factor():
    fe, em, factors = _balance([("grid_h", M2, "district_heat", "Gewerbe", 50.0, "reported")])
    assert _cell(em, M2, "commerce", "district_heat", "emissions_t_co2e") == pytest.approx(50 * 260 / 1000)
    row = factors[(factors["carrier"] == "district_heat") & (factors["year"] == 2020)].iloc[0]
    assert row["derivation"] == "published without a year: valid for every year"


def test_the_districts_buildings_move_from_commerce_to_municipal():
    facility = pd.DataFrame({"building_id": ["KS-1"], "ags": [M1], "year": [2020], "carrier": ["electricity"],
                             "final_energy_mwh": [120.0], "days_covered": [366], "complete": [True],
                             "delivery_id": ["fdb:1"]})
    fe, em, _ = _balance([("grid_e", M1, "electricity", "SLP Gewerbe", 500.0, "reported")], facility=facility)
    assert _cell(fe, M1, "commerce", "electricity", "final_energy_mwh") == pytest.approx(380.0)
    assert _cell(fe, M1, "municipal", "electricity", "final_energy_mwh") == pytest.approx(120.0)
    total = fe[(fe["ags"] == M1) & (fe["carrier"] == "electricity")]["final_energy_mwh"].sum()
    assert total == pytest.approx(500.0)  # nothing counted twice


def test_missing_factor_is_an_error_naming_carrier_and_year():
    with pytest.raises(FactorError, match=r"natural_gas \(households\) 2020"):
        _balance([("grid_g", M1, "natural_gas", "SLP Haushalt", 1000.0, "reported")],
                 factors=_factors()[lambda f: f["carrier"] != "natural_gas"])


def test_interpolated_factor_makes_emissions_non_conformant():
    fe, em, factors = _balance([("grid_e", M1, "electricity", "SLP Haushalt", 100.0, "reported")],
                               factors=_factors(electricity_2020=None))
    row = factors[(factors["carrier"] == "electricity") & (factors["year"] == 2020)].iloc[0]
    assert row["g_co2e_per_kwh"] == pytest.approx(400.0)  # halfway between 420 (2019) and 380 (2021)
    assert "linear interpolation between 2019 (420) and 2021 (380)" == row["derivation"] and not row["bisko_rule"]
    assert not _cell(em, M1, "households", "electricity", "bisko_conformant")
    assert not _cell(em, D, "households", "electricity", "bisko_conformant")
    ambient = factors[(factors["carrier"] == "ambient_heat") & (factors["year"] == 2020)].iloc[0]
    assert not ambient["bisko_rule"] and "interpolation" in ambient["derivation"]


def test_missing_year_without_interpolation_is_not_filled():
    compiled = compile_factor_set(_factors(electricity_2020=None), "t", [2020])
    assert compiled[(compiled["carrier"] == "electricity")].empty


def test_incomplete_input_flags_the_cell_and_totals_without_shrinking_silently():
    fe, em, _ = _balance([("grid_e", M1, "electricity", "SLP Haushalt", 100.0, "reported"),
                          ("grid_e", M1, "electricity", "SLP Gewerbe", None, "confidential"),
                          ("grid_e", M2, "electricity", "SLP Haushalt", 50.0, "reported")])
    assert _cell(fe, M1, "commerce", "electricity", "value_status") == "confidential"
    assert math.isnan(_cell(fe, M1, "commerce", "electricity", "final_energy_mwh"))  # not 0
    assert not _cell(fe, M1, "commerce", "electricity", "complete")
    assert not _cell(fe, D, "commerce", "electricity", "complete")
    assert _cell(fe, D, "households", "electricity", "complete")
    assert _cell(fe, D, "households", "electricity", "final_energy_mwh") == pytest.approx(150.0)


def test_a_missing_required_cell_flags_municipality_and_district_totals():
    population = pd.DataFrame({"ags": [M1, M2, D], "year": [2020] * 3, "population": [10.0, 5.0, 15.0],
                               "value_status": ["reported"] * 3, "complete": [True] * 3, "delivery_id": [None] * 3})
    rows = [("grid_e", M1, "electricity", "SLP Haushalt", 100.0, "reported"),
            ("grid_e", M1, "electricity", "SLP Gewerbe", 40.0, "reported"),
            ("grid_e", M2, "electricity", "SLP Haushalt", 50.0, "reported")]  # M2 commerce electricity not delivered
    fe, em, _ = _balance(rows, required=[{"carrier": "electricity", "sectors": ["households", "commerce"]}])
    assert _cell(fe, M2, "commerce", "electricity", "value_status") == "missing"
    assert math.isnan(_cell(fe, M2, "commerce", "electricity", "final_energy_mwh"))
    summary = balance_summary(fe, em, population).set_index(["ags", "balance_scope"])
    assert not summary.loc[(M2, "total"), "complete"] and not summary.loc[(D, "total"), "complete"]
    assert summary.loc[(M1, "total"), "complete"]
    assert summary.loc[(D, "total"), "final_energy_mwh"] == pytest.approx(190.0)
    assert summary.loc[(D, "total"), "emissions_t_co2e"] == pytest.approx(190 * 0.4)
    assert summary.loc[(D, "total"), "t_co2e_per_inhabitant"] == pytest.approx(190 * 0.4 / 15)


def test_data_quality_is_final_energy_weighted():
    assert grade_of(1.0) == "A" and grade_of(0.8) == "A" and grade_of(0.7) == "B" and grade_of(0.1) == "D"
    inputs = pd.DataFrame([
        {"input_kind": "grid", "ags": M1, "year": 2020, "sector": "households", "carrier": "electricity",
         "detail": "a", "input_mwh": 300.0, "value_status": "reported", "data_quality": "A", "provisional": False,
         "delivery_id": "x", "source_row": 1},
        {"input_kind": "reported_balance", "ags": M1, "year": 2020, "sector": "households", "carrier": "electricity",
         "detail": "b", "input_mwh": 100.0, "value_status": "reported", "data_quality": "C", "provisional": False,
         "delivery_id": "y", "source_row": 1},
    ])  # fmt: skip
    fe = final_energy_table(inputs, [M1], D, [2020], {})
    assert _cell(fe, M1, "households", "electricity", "data_quality_score") == pytest.approx((300 + 25) / 400)
    assert _cell(fe, M1, "households", "electricity", "data_quality") == "A"


def test_meter_counters_exchange_and_year_split():
    readings = pd.DataFrame([
        ("W", "KS-1", "natural_gas", dt.date(2019, 12, 1), 1000.0, False),
        ("W", "KS-1", "natural_gas", dt.date(2020, 1, 1), 1310.0, False),   # December 2019: 310 kWh
        ("W", "KS-1", "natural_gas", dt.date(2020, 7, 1), 2000.0, False),   # 690 kWh
        ("W", "KS-1", "natural_gas", dt.date(2020, 10, 1), 150.0, True),    # exchange: the new counter shows 150
        ("W", "KS-1", "natural_gas", dt.date(2021, 2, 1), 612.0, False),    # 462 kWh: Oct-Dec 2020 + January 2021
    ], columns=["meter_id", "building_id", "carrier", "reading_date", "reading_value", "meter_exchange"])
    readings = readings.assign(reading_unit="kWh", reading_kind="counter", delivery_id="fdb:1", source_row=range(5))
    yearly, findings = yearly_consumption(readings, [2019, 2020, 2021])
    by_year = yearly.set_index("year")
    oct_to_dec = 462 * 92 / 123  # 92 of the interval's 123 days fall in 2020
    assert by_year.loc[2020, "kwh"] == pytest.approx(690 + 150 + oct_to_dec)
    assert by_year.loc[2020, "complete"]
    assert by_year.loc[2021, "kwh"] == pytest.approx(462 * 31 / 123) and not by_year.loc[2021, "complete"]
    assert not by_year.loc[2019, "complete"]  # only December is covered
    assert any("cover 31 of the days of 2021" in f.problem for f in findings)


def test_a_counter_going_down_without_exchange_is_a_finding_not_a_guess():
    readings = pd.DataFrame([("E", "KS-1", "electricity", dt.date(2020, 1, 1), 500.0, False),
                             ("E", "KS-1", "electricity", dt.date(2020, 6, 1), 100.0, False),
                             ("E", "KS-1", "electricity", dt.date(2021, 1, 1), 400.0, False)],
                            columns=["meter_id", "building_id", "carrier", "reading_date", "reading_value",
                                     "meter_exchange"])
    readings = readings.assign(reading_unit="kWh", reading_kind="counter", delivery_id="fdb:1", source_row=range(3))
    yearly, findings = yearly_consumption(readings, [2020])
    assert any("went down from 500 to 100" in f.problem for f in findings)
    assert not yearly.iloc[0]["complete"]


def test_district_heat_uses_plant_data_where_delivered_and_lineage_names_that_row():
    plant = pd.DataFrame({"ags": [M1], "year": [2020], "g_co2e_per_kwh": [180.0], "source": ["plant data"],
                          "delivery_id": ["heat:1"], "source_row": [2]})
    compiled = compile_factor_set(_factors(), "t", [2020], plant_factors=plant)
    row = compiled[(compiled["carrier"] == "district_heat") & (compiled["region_scope"] == M1)].iloc[0]
    assert row["g_co2e_per_kwh"] == 180.0 and row["delivery_id"] == "heat:1" and row["source_row"] == 2
    inputs = grid_inputs(_grid([("grid_h", M1, "district_heat", "Gewerbe", 40.0, "reported"),
                                ("grid_h", M2, "district_heat", "Gewerbe", 60.0, "reported")]), GROUPS, 1 / 1.11)
    fe = final_energy_table(inputs, [M1, M2], D, [2020], [])
    em = emissions_table(fe, compiled, "t", D)
    assert _cell(em, M1, "commerce", "district_heat", "g_co2e_per_kwh") == 180.0
    assert _cell(em, M1, "commerce", "district_heat", "bisko_conformant")
    assert _cell(em, M2, "commerce", "district_heat", "g_co2e_per_kwh") == 260.0  # the default where no plant data
    district = (40 * 180 + 60 * 260) / 1000
    assert _cell(em, D, "commerce", "district_heat", "emissions_t_co2e") == pytest.approx(district)
    assert _cell(em, D, "commerce", "district_heat", "g_co2e_per_kwh") == pytest.approx(district * 1000 / 100)
    lineage = lineage_table(inputs, compiled, "t", D)
    factor_rows = lineage[lineage["factor_row"].notna()].set_index("output_key")["factor_row"]
    cell = "year=2020;sector=commerce;carrier=district_heat;view=bisko"
    assert factor_rows[f"ags={M1};{cell}"] == f"t:district_heat:all:{M1}:2020"
    assert factor_rows[f"ags={M2};{cell}"] == "t:district_heat:all:all:2020"
    assert set(factor_rows[f"ags={D};{cell}"]) == {f"t:district_heat:all:{M1}:2020", "t:district_heat:all:all:2020"}


def test_a_reclassification_adds_no_weight_to_the_quality_mean():
    # commerce electricity delivered as a grade-C balance of 100 MWh; the district's building (grade A, 20 MWh) is
    # moved out of it: the commerce cell stays C (0.25) — weighting |parts| would give (25 + 20) / 120 = 0.375
    inputs = pd.DataFrame([
        {"input_kind": "reported_balance", "ags": M1, "year": 2020, "sector": "commerce", "carrier": "electricity",
         "detail": "b", "input_mwh": 100.0, "value_status": "reported", "data_quality": "C", "provisional": False,
         "delivery_id": "y", "source_row": 1},
    ])  # fmt: skip
    facility = pd.DataFrame({"building_id": ["KS-1"], "ags": [M1], "year": [2020], "carrier": ["electricity"],
                             "final_energy_mwh": [20.0], "days_covered": [366], "complete": [True],
                             "delivery_id": ["fdb:1"]})
    without = final_energy_table(inputs, [M1], D, [2020], [])
    fe = final_energy_table(pd.concat([inputs, facility_inputs(facility, "commerce")], ignore_index=True),
                            [M1], D, [2020], [])
    assert _cell(fe, M1, "commerce", "electricity", "data_quality_score") == pytest.approx(0.25)
    assert _cell(without, M1, "commerce", "electricity", "data_quality_score") == pytest.approx(0.25)
    # one level up the cells weigh with their energy: 80 × 0.25 + 20 × 1 over 100, the buildings' A counts once
    summary = balance_summary(fe, fe.assign(view="bisko", emissions_t_co2e=1.0, bisko_conformant=True),
                              pd.DataFrame(columns=["ags", "year", "population", "complete"]))
    total = summary[(summary["ags"] == M1) & (summary["balance_scope"] == "total")].iloc[0]
    assert total["data_quality_score"] == pytest.approx((80 * 0.25 + 20 * 1.0) / 100)


def test_a_required_input_kind_missing_makes_the_cell_incomplete():
    # transport electricity needs rail and battery-electric road transport; only the latter was delivered for M1
    inputs = pd.DataFrame([
        {"input_kind": "road_battery_electric", "ags": M1, "year": 2020, "sector": "transport",
         "carrier": "electricity", "detail": "car on urban", "input_mwh": 50.0, "value_status": "estimated",
         "data_quality": "C", "provisional": False, "delivery_id": "v", "source_row": 2},
    ])  # fmt: skip
    specs = [{"carrier": "electricity", "sectors": ["transport"], "inputs": ["rail_local_passenger",
                                                                            "road_battery_electric"]},
             {"carrier": "district_heat", "sectors": ["households"], "municipalities": [M2]}]
    fe = final_energy_table(inputs, [M1, M2], D, [2020], specs)
    assert _cell(fe, M1, "transport", "electricity", "final_energy_mwh") == pytest.approx(50.0)
    assert not _cell(fe, M1, "transport", "electricity", "complete")  # no rail: not whole
    assert not _cell(fe, D, "transport", "electricity", "complete")
    assert _cell(fe, M2, "households", "district_heat", "value_status") == "missing"  # a network exists in M2 only
    assert fe[(fe["ags"] == M1) & (fe["carrier"] == "district_heat")].empty
    lacking = missing_inputs(inputs, required_grid(specs, [M1, M2], [2020]))
    assert lacking.set_index("ags").loc[M1, "missing_inputs"] == "rail_local_passenger"
    assert lacking.set_index("ags").loc[M2, "missing_inputs"] == "rail_local_passenger, road_battery_electric"


def _demo_required_specs():
    from assets.config import load_config

    return load_config().balance.required_specs()


@pytest.mark.parametrize("dropped", range(len(_demo_required_specs())))
def test_each_required_cell_of_the_demo_configuration_missing_makes_the_total_incomplete(dropped):
    """Every required cell (and required input kind) of config/kreis_soest.yaml, delivered whole, gives a complete
    total; without the inputs of one spec, the municipality's total is incomplete."""
    specs = _demo_required_specs()
    place = "05974028"  # Lippstadt: every spec applies there (district heat too)
    rows = []
    for spec in specs:
        for sector in spec["sectors"]:
            for kind in spec["inputs"] or ["grid"]:
                rows.append({"input_kind": kind, "ags": place, "year": 2020, "sector": sector,
                             "carrier": spec["carrier"], "detail": f"{kind} {sector}", "input_mwh": 10.0,
                             "value_status": "reported", "data_quality": "A", "provisional": False,
                             "delivery_id": "d:1", "source_row": 2})
    inputs = pd.DataFrame(rows, columns=INPUT_COLUMNS)
    whole = final_energy_table(inputs, [place], D, [2020], specs)
    assert whole["complete"].all()
    spec = specs[dropped]
    gone = (inputs["carrier"] == spec["carrier"]) & inputs["sector"].isin(spec["sectors"])
    if spec["inputs"]:
        gone &= inputs["input_kind"] == spec["inputs"][0]
    fe = final_energy_table(inputs[~gone], [place], D, [2020], specs)
    summary = balance_summary(fe, fe.assign(view="bisko", emissions_t_co2e=1.0, bisko_conformant=True),
                              pd.DataFrame(columns=["ags", "year", "population", "complete"]))
    total = summary[(summary["ags"] == place) & (summary["balance_scope"] == "total")].iloc[0]
    assert not total["complete"], spec


def test_a_missing_population_leaves_tonnes_complete_and_only_per_inhabitant_incomplete():
    fe, em, _ = _balance([("grid_e", M1, "electricity", "SLP Haushalt", 100.0, "reported")])
    no_population = pd.DataFrame(columns=["ags", "year", "population", "complete"])
    summary = balance_summary(fe, em, no_population).set_index(["ags", "balance_scope"])
    assert summary.loc[(M1, "total"), "complete"]  # 40 t CO2e need no population
    assert summary.loc[(M1, "total"), "emissions_t_co2e"] == pytest.approx(100 * 400 / 1000)
    assert not summary.loc[(M1, "total"), "per_inhabitant_complete"]
    assert math.isnan(summary.loc[(M1, "total"), "t_co2e_per_inhabitant"])
