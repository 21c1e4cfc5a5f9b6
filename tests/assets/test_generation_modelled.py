"""Generation from units and feed-in, non-grid heating fuels and transport, computed by hand from stated inputs."""

import datetime as dt

import pandas as pd
import pytest

from assets.compute.generation import feed_in_without_unit, generation_table
from assets.compute.modelled import (ModelError, heating_fuel_inputs, rail_inputs, solar_thermal_inputs,
                                     transport_inputs, value_for_year)

M1, M2, D = "05974004", "05974008", "05974000"
HOURS = {"solar_pv": 900.0, "wind_onshore": 1800.0}


def _units(rows):
    return pd.DataFrame([{"unit_id": u, "ags": a, "technology": t, "unit_status": s, "gross_kw": kw,
                          "commissioned_on": c, "decommissioned_on": d, "eeg_id": e}
                         for u, a, t, s, kw, c, d, e in rows])  # fmt: skip


def test_capacity_at_year_end_and_generation():
    units = _units([
        ("PV1", M1, "solar_pv", "operating", 1000.0, dt.date(2020, 7, 1), None, None),
        ("W1", M1, "wind_onshore", "operating", 2000.0, dt.date(2010, 1, 1), None, "E-W1"),
        ("W2", M1, "wind_onshore", "closed", 600.0, dt.date(2005, 1, 1), dt.date(2020, 4, 1), "E-W2"),
        ("P", M1, "solar_pv", "planned", 9000.0, None, None, None),
        ("X", M2, "solar_pv", "closed", 50.0, dt.date(2010, 1, 1), None, None),  # closed, date unknown
    ])
    feed_in = pd.DataFrame({"eeg_id": ["E-W1", "E-W2"], "year": [2020, 2020], "feed_in_mwh": [3500.0, 250.0]})
    table = generation_table(units, feed_in, [M1, M2], D, [2020], HOURS).set_index(["ags", "technology"])
    pv = table.loc[(M1, "solar_pv")]
    assert pv["installed_kw"] == 1000.0
    assert pv["generation_mwh"] == pytest.approx(1000 * 900 * 184 / 366 / 1000)  # 184 of 366 days in 2020
    assert pv["method"] == "estimated" and pv["data_quality"] == "C"
    wind = table.loc[(M1, "wind_onshore")]
    assert wind["installed_kw"] == 2000.0  # W2 was decommissioned before the year end
    assert wind["generation_mwh"] == 3750.0 and wind["method"] == "metered" and wind["data_quality"] == "A"
    assert (M2, "solar_pv") not in table.index
    assert table.loc[(D, "wind_onshore"), "installed_kw"] == 2000.0


def test_years_before_the_register_was_complete_are_graded_lower():
    units = _units([("W1", M1, "wind_onshore", "operating", 2000.0, dt.date(2010, 1, 1), None, "E-W1")])
    feed_in = pd.DataFrame({"eeg_id": ["E-W1"] * 2, "year": [2015, 2020], "feed_in_mwh": [3400.0, 3500.0]})
    table = generation_table(units, feed_in, [M1], D, [2015, 2020], HOURS, complete_from=2019)
    grades = table[table["ags"] == M1].set_index("year")["data_quality"]
    assert grades[2015] == "B" and grades[2020] == "A"


def test_eeg_feed_in_without_a_mastr_unit_is_counted_where_its_municipality_is_known():
    # W1 is in the register; E-OLD (wind, M1) and E-GONE (no municipality) closed before 2019 and are not
    units = _units([("W1", M1, "wind_onshore", "operating", 2000.0, dt.date(2010, 1, 1), None, "E-W1")])
    feed_in = pd.DataFrame({"eeg_id": ["E-W1", "E-OLD", "E-GONE"], "year": [2012] * 3,
                            "feed_in_mwh": [3400.0, 800.0, 120.0], "ags": [None, M1, None],
                            "technology": [None, "wind_onshore", None]})
    table = generation_table(units, feed_in, [M1], D, [2012], HOURS).set_index(["ags", "technology"])
    wind = table.loc[(M1, "wind_onshore")]
    assert wind["generation_mwh"] == pytest.approx(3400.0 + 800.0) and wind["installed_kw"] == 2000.0
    assert wind["method"] == "metered"
    assert table.loc[(D, "wind_onshore"), "generation_mwh"] == pytest.approx(4200.0)
    orphans = feed_in_without_unit(units, feed_in, [M1]).set_index("eeg_id")
    assert orphans.loc["E-OLD", "placed"] and not orphans.loc["E-GONE", "placed"]
    assert orphans.loc["E-GONE", "feed_in_mwh"] == 120.0  # reported with its energy, not silently dropped
    assert "E-W1" not in orphans.index


HEATING = {"fuels": {"Heizöl": "heating_oil", "Holz": "solid_biomass"},
           "mwh_per_system": {"Heizöl": {"11-25 kW": 20.0, "über 100 kW": 180.0}, "Holz": {"4-11 kW": 4.0}},
           "sector_by_power_class": {"über 100 kW": "commerce"}, "carry_forward_years": 2}  # fmt: skip


def _surveys(rows):
    return pd.DataFrame([{"ags": M1, "year": y, "fuel": f, "power_class": p, "systems": n, "value_status": "reported",
                          "delivery_id": f"cs:{y}", "source_row": 2} for y, f, p, n in rows])  # fmt: skip


def test_heating_fuels_interpolated_between_surveys_and_carried_forward():
    surveys = _surveys([(2010, "Heizöl", "11-25 kW", 100), (2013, "Heizöl", "11-25 kW", 70),
                        (2013, "Heizöl", "über 100 kW", 5)])
    inputs = heating_fuel_inputs(surveys, list(range(2009, 2017)), HEATING)
    oil = inputs[inputs["sector"] == "households"].set_index("year")
    assert 2009 not in oil.index  # before the first survey nothing is invented
    assert oil.loc[2010, "input_mwh"] == 2000.0
    assert oil.loc[2011, "input_mwh"] == pytest.approx(90 * 20)  # a third of the way from 100 to 70 systems
    assert "interpolated between surveys 2010 and 2013" in oil.loc[2011, "detail"]
    assert oil.loc[2015, "input_mwh"] == 1400.0 and "carried forward from survey 2013" in oil.loc[2015, "detail"]
    assert 2016 not in oil.index  # only two years are carried forward
    assert (inputs["data_quality"] == "C").all() and (inputs["value_status"] == "estimated").all()
    commerce = inputs[inputs["sector"] == "commerce"]
    assert commerce.set_index("year").loc[2013, "input_mwh"] == 900.0


def test_unmapped_fuel_is_an_error():
    with pytest.raises(ModelError, match=r"\['Kohle'\] are not mapped"):
        heating_fuel_inputs(_surveys([(2010, "Kohle", "11-25 kW", 3)]), [2010], HEATING)


TRANSPORT = {"kwh_per_vkm": {"car": {"urban": 0.7}, "heavy_goods": {"motorway": 3.0}},
             "fuel_shares": {"car": {"petrol": 0.6, "diesel": 0.4}, "heavy_goods": {"diesel": 1.0}},
             "biodiesel_blend": 0.05}  # fmt: skip


def _vkm(rows):
    return pd.DataFrame([{"ags": M1, "year": 2019, "road_type": r, "vehicle_class": v, "vehicle_km_million": km,
                          "value_status": "reported", "delivery_id": "vkm:1", "source_row": i + 2}
                         for i, (r, v, km) in enumerate(rows)])  # fmt: skip


def test_transport_energy_by_fuel_with_biodiesel_blend():
    inputs = transport_inputs(_vkm([("urban", "car", 10.0), ("motorway", "heavy_goods", 2.0)]), TRANSPORT)
    by_carrier = inputs.groupby("carrier")["input_mwh"].sum()
    car_mwh, hgv_mwh = 10e6 * 0.7 / 1000, 2e6 * 3.0 / 1000
    assert by_carrier["petrol"] == pytest.approx(car_mwh * 0.6)
    assert by_carrier["diesel"] == pytest.approx((car_mwh * 0.4 + hgv_mwh) * 0.95)
    assert by_carrier["biodiesel"] == pytest.approx((car_mwh * 0.4 + hgv_mwh) * 0.05)
    assert (inputs["sector"] == "transport").all()


def test_transport_needs_factors_for_every_class():
    with pytest.raises(ModelError, match=r"no energy per vehicle-km \(modelled.transport.kwh_per_vkm\) for bus on rural"):
        transport_inputs(_vkm([("rural", "bus", 1.0)]), TRANSPORT)


def test_specific_consumption_by_year():
    assert value_for_year(0.7, 2012) == (0.7, "constant")
    assert value_for_year({2007: 0.70, 2015: 0.66}, 2011) == (pytest.approx(0.68), "interpolated 2007–2015")
    assert value_for_year({2007: 0.70, 2015: 0.66}, 2015) == (0.66, "2015")
    assert value_for_year({2007: 0.70, 2015: 0.66}, 2020) == (0.66, "held from 2015")


def test_battery_electric_cars_count_once_in_transport():
    # 10 million vkm of battery-electric cars on urban roads at 0.17 kWh/vkm = 1,700 MWh in transport; 60 % were
    # charged at home and are in the households' grid electricity: −1,020 MWh there
    settings = {**TRANSPORT, "kwh_per_vkm_electric": {"car": {"urban": 0.17}}, "bev_home_charging_share": 0.6}
    rows = _vkm([("urban", "car", 10.0)]).assign(drive="battery_electric")
    inputs = transport_inputs(rows, settings).set_index("input_kind")
    assert inputs.loc["road_battery_electric", "input_mwh"] == pytest.approx(1700.0)
    assert inputs.loc["road_battery_electric", ["sector", "carrier"]].tolist() == ["transport", "electricity"]
    assert inputs.loc["bev_home_charging", "input_mwh"] == pytest.approx(-1020.0)
    assert inputs.loc["bev_home_charging", ["sector", "carrier"]].tolist() == ["households", "electricity"]


def test_rail_by_category_and_traction():
    train_km = pd.DataFrame([{"ags": M1, "year": 2016, "rail_category": c, "traction": t, "train_km_thousand": km,
                              "value_status": "reported", "delivery_id": "rail:1", "source_row": i + 2}
                             for i, (c, t, km) in enumerate([("local_passenger", "electric", 500.0),
                                                             ("freight", "diesel", 40.0),
                                                             ("long_distance_passenger", "electric", 0.0)])])
    settings = {"kwh_per_train_km": {"local_passenger": {"electric": {2007: 16.0, 2025: 14.0}},
                                     "freight": {"diesel": 48.0}, "long_distance_passenger": {"electric": 28.0}}}
    inputs = rail_inputs(train_km, settings).set_index("input_kind")
    # 500,000 train-km × 15 kWh (halfway between 16 in 2007 and 14 in 2025) = 7,500 MWh electricity
    assert inputs.loc["rail_local_passenger", "input_mwh"] == pytest.approx(7500.0)
    assert "interpolated 2007–2025" in inputs.loc["rail_local_passenger", "detail"]
    assert inputs.loc["rail_freight", ["carrier", "input_mwh"]].tolist() == ["diesel", pytest.approx(40_000 * 48 / 1000)]
    assert inputs.loc["rail_long_distance_passenger", "input_mwh"] == 0.0  # stated 0: present, not absent
    assert (inputs["sector"] == "transport").all() and (inputs["data_quality"] == "C").all()


def test_solar_thermal_from_collector_area():
    area = pd.DataFrame({"ags": [M1], "year": [2020], "collector_area_m2": [4000.0], "value_status": ["reported"],
                         "delivery_id": ["st:1"], "source_row": [2]})
    inputs = solar_thermal_inputs(area, {"kwh_per_m2": 350})
    assert inputs.iloc[0]["input_mwh"] == pytest.approx(4000 * 350 / 1000)
    assert inputs.iloc[0][["sector", "carrier"]].tolist() == ["households", "solar_thermal"]
    with pytest.raises(ModelError, match="kwh_per_m2"):
        solar_thermal_inputs(area, {})
