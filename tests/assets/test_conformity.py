"""BISKO conformity per criterion, each in each of its states, from small balances stated here."""

import pandas as pd
import pytest

from assets.compute.balance import INPUT_COLUMNS, final_energy_table
from assets.compute.conformity import conformity_table, overall, resting_on
from assets.compute.factors import compile_factor_set
from warehouse.vocabularies import CONFORMITY_CRITERIA, SECTORS

M1, M2, D = "05974004", "05974008", "05974000"
NAMES = {M1: "Bad Sassendorf", M2: "Ense", D: "Kreis Soest"}


def _input(ags, sector, carrier, mwh, kind="grid", status="reported", grade="A", year=2020):
    return {"input_kind": kind, "ags": ags, "year": year, "sector": sector, "carrier": carrier, "detail": kind,
            "input_mwh": mwh, "value_status": status, "data_quality": grade, "provisional": False,
            "delivery_id": "d:1", "source_row": 2}


def _all_sectors(ags, **overrides):
    rows = [_input(ags, s, "electricity", 100.0) for s in SECTORS if s != "transport"]
    rows.append(_input(ags, "transport", "diesel", 100.0, kind="transport", status="estimated", grade="C"))
    return rows


def _factors(*extra, electricity_2020=True):
    rows = [("electricity", "all", 2019, 420.0, None), ("electricity", "all", 2021, 380.0, None),
            ("diesel", "all", None, 310.0, None), ("district_heat", "all", None, 260.0, None), *extra]
    if electricity_2020:
        rows.append(("electricity", "all", 2020, 400.0, None))
    frame = pd.DataFrame([{"factor_set": "t", "carrier": c, "sector_scope": s, "year": y, "g_co2e_per_kwh": v,
                           "source": "test", "derivation": d, "bisko_rule": False, "delivery_id": "f:1",
                           "source_row": i + 2} for i, (c, s, y, v, d) in enumerate(rows)])  # fmt: skip
    return frame


# what _all_sectors delivers, stated as required (a balance with nothing required is never conformant)
WHOLE = ({"carrier": "electricity", "sectors": ["households", "commerce", "industry", "municipal"]},
         {"carrier": "diesel", "sectors": ["transport"]})


def _conformity(rows, *, factors=None, specs=WHOLE, plant=None):
    inputs = pd.DataFrame(rows, columns=INPUT_COLUMNS)
    fe = final_energy_table(inputs, [M1, M2], D, [2020], list(specs))
    compiled = compile_factor_set(factors if factors is not None else _factors(), "t", [2020],
                                  interpolate=["electricity"], plant_factors=plant)
    table = conformity_table(fe, inputs, compiled, [M1, M2], D, [2020], list(specs), NAMES)
    return table.set_index(["ags", "criterion"])


def _state(table, ags, criterion):
    return tuple(table.loc[(ags, criterion), ["conformity", "conformity_reason"]])


def test_a_complete_balance_is_conformant_in_every_criterion_with_a_row_each():
    table = _conformity(_all_sectors(M1) + _all_sectors(M2))
    assert len(table) == 3 * len(CONFORMITY_CRITERIA)  # two municipalities and the district
    assert set(table["conformity"]) == {"conformant"}
    assert "400 g CO2e/kWh as published" in _state(table, D, "federal_electricity_mix")[1]
    assert overall(table.reset_index()).to_dict() == {(M1, 2020): "conformant", (M2, 2020): "conformant",
                                                      (D, 2020): "conformant"}


def test_with_no_required_cells_configured_the_balance_is_never_called_whole():
    """The known review finding 'a deleted required cell still reported as conformant': with balance.required_cells
    empty nothing shows that the balance is whole, so the criterion is incomplete, never conformant."""
    table = _conformity(_all_sectors(M1) + _all_sectors(M2), specs=())
    for place in (M1, M2, D):
        state, reason = _state(table, place, "required_cells_present")
        assert state == "incomplete" and "no required cells configured (balance.required_cells)" in reason
    assert set(overall(table.reset_index())) == {"incomplete"}


def test_territorial_principle_and_weather_correction_unknown_for_ready_made_balances():
    rows = _all_sectors(M1) + _all_sectors(M2)
    rows[0] = _input(M1, "households", "electricity", 100.0, kind="reported_balance")
    table = _conformity(rows)
    state, reason = _state(table, M1, "territorial_final_energy")
    assert state == "incomplete" and "ready-made balance rows (households electricity)" in reason
    assert _state(table, M1, "no_weather_correction")[0] == "incomplete"
    assert _state(table, M2, "no_weather_correction")[0] == "conformant"
    state, reason = _state(table, D, "territorial_final_energy")
    assert state == "incomplete" and reason.startswith("Bad Sassendorf: ")


def test_nothing_delivered_is_incomplete_never_conformant():
    table = _conformity(_all_sectors(M1))  # M2 has no final energy at all
    assert _state(table, M2, "territorial_final_energy") == ("incomplete", "no final energy with a value")
    assert _state(table, M2, "five_sectors")[0] == "incomplete"
    assert _state(table, D, "five_sectors")[0] == "incomplete"


def test_a_sector_without_value_makes_five_sectors_incomplete():
    rows = [r for r in _all_sectors(M1) if r["sector"] != "transport"] + _all_sectors(M2)
    table = _conformity(rows)
    assert _state(table, M1, "five_sectors") == ("incomplete", "no value for the sector transport")


def test_a_factor_without_upstream_chain_is_non_conformant():
    factors = _factors()
    factors.loc[factors["carrier"] == "diesel", "derivation"] = "direct CO2 without upstream chain"
    table = _conformity(_all_sectors(M1) + _all_sectors(M2), factors=factors)
    state, reason = _state(table, M1, "lca_factors_with_upstream")
    assert state == "non_conformant" and "diesel factor 2020" in reason and "without upstream chain" in reason


def test_an_interpolated_electricity_factor_is_non_conformant_and_missing_one_incomplete():
    table = _conformity(_all_sectors(M1) + _all_sectors(M2), factors=_factors(electricity_2020=False))
    assert _state(table, M1, "federal_electricity_mix") == (
        "non_conformant", "electricity factor 2020 linear interpolation between 2019 (420) and 2021 (380)")
    compiled = compile_factor_set(_factors(electricity_2020=False), "t", [2020])  # no interpolation configured
    inputs = pd.DataFrame(_all_sectors(M1), columns=INPUT_COLUMNS)
    fe = final_energy_table(inputs, [M1], D, [2020], [])
    fe = fe[fe["carrier"] != "electricity"]  # (no electricity, so the balance itself needs no factor)
    missing = conformity_table(fe, inputs, compiled, [M1], D, [2020], [], NAMES).set_index(["ags", "criterion"])
    assert _state(missing, M1, "federal_electricity_mix") == ("incomplete", "no federal electricity factor for 2020")


def test_district_heat_plant_data_default_and_a_required_cell_without_value():
    rows = _all_sectors(M1) + _all_sectors(M2) + [_input(M1, "households", "district_heat", 50.0)]
    plant = pd.DataFrame({"ags": [M1], "year": [2020], "g_co2e_per_kwh": [180.0], "source": ["plant"],
                          "delivery_id": ["heat:1"], "source_row": [2]})
    specs = [{"carrier": "district_heat", "sectors": ["households"], "municipalities": [M1, M2]}]
    table = _conformity(rows, plant=plant, specs=specs)
    assert _state(table, M1, "district_heat_method") == ("conformant",
                                                         "district heat valued with plant data of the supplier")
    assert _state(table, M2, "district_heat_method") == (
        "incomplete", "district heat households required (a network exists) but has no value")
    default = _conformity(rows)
    assert "BISKO default" in _state(default, M1, "district_heat_method")[1]
    assert _state(default, M2, "district_heat_method") == ("conformant", "no district heat delivered and none required here")


def test_a_cell_without_grade_leaves_data_quality_not_stated():
    rows = _all_sectors(M1) + _all_sectors(M2)
    rows[1] = _input(M1, "commerce", "electricity", 100.0, grade=None)
    table = _conformity(rows)
    assert _state(table, M1, "data_quality_stated") == ("incomplete", "commerce electricity has no grade")


def test_a_missing_or_confidential_required_cell_and_a_missing_input_kind_are_incomplete():
    rows = _all_sectors(M1) + _all_sectors(M2)
    rows[2] = _input(M1, "industry", "electricity", None, status="confidential")
    specs = [{"carrier": "electricity", "sectors": ["households", "commerce", "industry", "municipal"]},
             {"carrier": "diesel", "sectors": ["transport"], "inputs": ["transport", "rail_freight"]}]
    table = _conformity(rows, specs=specs)
    state, reason = _state(table, M1, "required_cells_present")
    assert state == "incomplete"
    assert "industry electricity confidential" in reason and "transport diesel without rail_freight" in reason
    assert _state(table, D, "required_cells_present")[0] == "incomplete"


@pytest.mark.parametrize(("now", "base", "expected"), [
    ("conformant", "conformant", "conformant"), ("conformant", "non_conformant", "non_conformant"),
    ("incomplete", "conformant", "incomplete"), ("non_conformant", "incomplete", "non_conformant"),
])
def test_an_indicator_carries_the_worse_conformity_of_its_year_and_base_year(now, base, expected):
    states = pd.Series({(M1, 2020): now, (M1, 2007): base})
    rows = pd.DataFrame({"ags": [M1], "year": [2020]})
    assert resting_on(rows, states, 2007).tolist() == [expected]
    assert resting_on(pd.DataFrame({"ags": [M1], "year": [2030]}), states, 2007).tolist() == [
        "non_conformant" if base == "non_conformant" else "incomplete"]  # no balance for the year: unknown
