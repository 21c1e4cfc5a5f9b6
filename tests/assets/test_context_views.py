"""Renovations and building stock, the ETS phases, and the non-BISKO views, computed by hand."""

import math

import numpy as np
import pandas as pd
import pytest

from assets.compute.context import building_stock_by_year, ets_phase, renovation_table
from assets.compute.views import ets_view, local_mix_view, weather_corrected_view

M1, M2, D = "05974004", "05974008", "05974000"


def test_stock_between_censuses_and_renovation_rate():
    stock = pd.DataFrame({"ags": [M1, M1], "year": [2011, 2022], "buildings_pre_1979": [1100.0, 1000.0]})
    by_year = building_stock_by_year(stock, [2010, 2011, 2016, 2022, 2023]).set_index("year")
    assert by_year.loc[2016, "buildings_pre_1979"] == pytest.approx(1100 - 100 * 5 / 11)
    assert list(by_year["stock_method"]) == ["carried_back", "census", "interpolated", "census", "carried_forward"]
    renovations = pd.DataFrame({"ags": [M1, M1], "year": [2011, 2022], "energy_renovations": [11.0, np.nan],
                                "value_status": ["reported", "missing"]})
    table = renovation_table(renovations, stock, [M1], [2011, 2022], D).set_index(["ags", "year"])
    assert table.loc[(M1, 2011), "renovation_rate_pct"] == pytest.approx(1.0)
    assert math.isnan(table.loc[(M1, 2022), "renovation_rate_pct"]) and not table.loc[(M1, 2022), "complete"]


def test_ets_phases_mark_the_2013_scope_change():
    assert [ets_phase(y) for y in (2007, 2012, 2013, 2020, 2021)] == [1, 2, 3, 3, 4]


def _bisko(rows):
    return pd.DataFrame([{"ags": a, "year": y, "sector": s, "carrier": c, "view": "bisko", "final_energy_mwh": e,
                          "g_co2e_per_kwh": g, "emissions_t_co2e": e * g / 1000, "factor_set": "t",
                          "bisko_conformant": True, "complete": True} for a, y, s, c, e, g in rows])  # fmt: skip


def test_local_mix_credits_local_generation():
    bisko = _bisko([(M1, 2020, "households", "electricity", 1000.0, 400.0)])
    generation = pd.DataFrame({"ags": [M1, M1], "year": [2020, 2020], "technology": ["wind_onshore", "biomass"],
                               "generation_mwh": [600.0, 100.0]})
    view = local_mix_view(bisko, generation, {"wind_onshore": 10.0}, D).set_index("ags")
    # 600 MWh wind at 10 g, the other 400 MWh of consumption at the federal 400 g (biomass has no local factor)
    assert view.loc[M1, "g_co2e_per_kwh"] == pytest.approx((600 * 10 + 400 * 400) / 1000)
    assert view.loc[M1, "emissions_t_co2e"] == pytest.approx(166.0)
    assert not view["bisko_conformant"].any() and (view["view"] == "local_mix").all()


def test_weather_correction_scales_space_heating_and_keeps_years_without_degree_days():
    bisko = _bisko([(M1, 2020, "households", "natural_gas", 1000.0, 250.0),
                    (M1, 2020, "industry", "natural_gas", 1000.0, 250.0),
                    (M1, 2006, "households", "natural_gas", 1000.0, 250.0)])
    months = [(y, m, dd) for y, total in ((2019, 3600.0), (2020, 3000.0)) for m, dd in
              zip(range(1, 13), [total / 12] * 12, strict=True)]
    dd = pd.DataFrame([{"station_id": "S", "year": y, "month": m, "heating_degree_days": v} for y, m, v in months])
    view = weather_corrected_view(bisko, dd, "S", 0.75, D)
    cells = view[view["ags"] == M1].set_index(["year", "sector"])
    factor = 0.75 * (3300 / 3000) + 0.25
    assert cells.loc[(2020, "households"), "final_energy_mwh"] == pytest.approx(1000 * factor)
    assert cells.loc[(2020, "industry"), "final_energy_mwh"] == 1000.0  # industry is not weather-corrected
    assert math.isnan(cells.loc[(2006, "households"), "final_energy_mwh"])  # no degree days: kept, no value
    assert not cells.loc[(2006, "households"), "complete"]


def test_ets_view_sums_installations():
    installations = pd.DataFrame({"ags": [M1, M1, M2], "year": [2020] * 3, "installation_id": ["a", "b", "c"],
                                  "verified_emissions_t_co2e": [100.0, 50.0, 25.0]})
    view = ets_view(installations, [M1, M2], D).set_index("ags")
    assert view.loc[M1, "emissions_t_co2e"] == 150.0 and view.loc[D, "emissions_t_co2e"] == 175.0
    assert (view["view"] == "ets_production").all() and not view["bisko_conformant"].any()


def test_vehicle_stock_has_one_total_per_place_and_year_stated_or_summed():
    from assets.compute.context import vehicle_stock_table

    a, b, district = "05974004", "05974008", "05974000"
    rows = pd.DataFrame([  # 2020: a split by fuel; 2021: KBA FZ 3 totals only (no split)
        {"ags": a, "year": 2020, "vehicle_fuel": "petrol", "vehicles": 90.0, "value_status": "reported"},
        {"ags": a, "year": 2020, "vehicle_fuel": "battery_electric", "vehicles": 10.0, "value_status": "reported"},
        {"ags": b, "year": 2020, "vehicle_fuel": "petrol", "vehicles": 45.0, "value_status": "reported"},
        {"ags": b, "year": 2020, "vehicle_fuel": "battery_electric", "vehicles": 5.0, "value_status": "reported"},
        {"ags": a, "year": 2021, "vehicle_fuel": "all", "vehicles": 103.0, "value_status": "reported"},
        {"ags": b, "year": 2021, "vehicle_fuel": "all", "vehicles": 52.0, "value_status": "reported"},
    ])
    table = vehicle_stock_table(rows, [a, b], [2020, 2021], district).set_index(["ags", "year", "vehicle_fuel"])
    assert table.loc[(a, 2020, "all"), "vehicles"] == 100.0  # summed: 90 + 10
    assert table.loc[(district, 2020, "all"), "vehicles"] == 150.0
    assert table.loc[(district, 2021, "all"), "vehicles"] == 155.0  # stated: 103 + 52
    # the 2021 split was never delivered: missing, not 0, and the cells say so
    petrol_2021 = table.loc[(a, 2021, "petrol")]
    assert pd.isna(petrol_2021["vehicles"]) and petrol_2021["value_status"] == "missing" and not petrol_2021["complete"]
    assert len(table) == 3 * 2 * 3  # (2 municipalities + district) × 2 years × (2 fuels + all)


def _cars(ags, year, fuel, vehicles, delivery_id):
    """A core row of vehicle stock as a delivery gave it."""
    return {"ags": ags, "year": year, "vehicle_fuel": fuel, "vehicles": vehicles, "value_status": "reported",
            "delivery_id": delivery_id}


def test_the_registration_districts_own_total_comes_before_the_sum_of_matched_municipalities():
    """KBA FZ 3's row `ZUSAMMEN` of a registration district counts every car, also those of municipalities whose
    name matched no key (here b): the district's cars are that total, complete, not the partial sum."""
    from assets.compute.context import vehicle_stock_table

    a, b, district = "05774004", "05774008", "05774000"
    rows = pd.DataFrame([_cars(a, 2021, "all", 103.0, "fz3"), _cars(district, 2021, "all", 185.0, "fz3")])
    table = vehicle_stock_table(rows, [a, b], [2021], district).set_index(["ags", "year", "vehicle_fuel"])
    total = table.loc[(district, 2021, "all")]
    assert total["vehicles"] == 185.0 and total["value_status"] == "reported" and total["complete"]
    assert table.loc[(b, 2021, "all"), "value_status"] == "missing"


def test_a_district_total_the_step_summed_or_of_another_delivery_is_not_taken_as_the_districts_own():
    """Only a delivered district figure of the same delivery as its municipalities' rows replaces their sum: the
    district's `all` summed from a lone battery-electric row (no delivery of its own) is not one, and an older
    delivery's district total beside a newer delivery's municipalities is not either."""
    from assets.compute.context import vehicle_stock_table

    a, b, district = "05774004", "05774008", "05774000"
    rows = pd.DataFrame([
        _cars(a, 2021, "all", 7000.0, "fz3_2021"), _cars(b, 2021, "all", 8000.0, "fz3_2021"),
        _cars(district, 2021, "battery_electric", 500.0, "bev_list"),
        _cars(a, 2022, "all", 7100.0, "new"), _cars(b, 2022, "all", 8100.0, "new"),
        _cars(district, 2022, "all", 99999.0, "old"),
    ])
    table = vehicle_stock_table(rows, [a, b], [2021, 2022], district).set_index(["ags", "year", "vehicle_fuel"])
    assert table.loc[(district, 2021, "all"), "vehicles"] == 15000.0  # the municipalities' cars, not the 500
    assert table.loc[(district, 2021, "battery_electric"), "vehicles"] == 500.0  # the district's own BEV count
    assert table.loc[(district, 2022, "all"), "vehicles"] == 15200.0  # the newer delivery's municipalities
