"""The `statistics` table from the real GENESIS tables as published (tests/fixtures/real/), through the bundled
rules of config/genesis_statistics.yaml: values read by hand from the files, converted to the statistic's unit."""

from pathlib import Path

import pandas as pd
import pytest

from assets.compute.statistics import StatisticRule, ags_of, default_rules, rules_from, statistics_table
from sources.parsers.common import Delivery
from sources.parsers.genesis_table import parse_genesis_table
from tests.sources.test_real_files import SOEST, SOEST_KEYS

REAL = Path(__file__).parents[1] / "fixtures" / "real"
PLACES = set(SOEST_KEYS) | {"05974000"}


def _statistics(*names: str, rules=None) -> tuple[pd.DataFrame, pd.DataFrame]:
    frames = []
    for i, name in enumerate(names):
        path = REAL / name
        frames.append(parse_genesis_table(Delivery(f"stat:{i}", "stat", path.name, path=path), {}, {}, SOEST).rows)
    values = pd.concat(frames, ignore_index=True)
    ids = values["delivery_id"].unique()
    return statistics_table(values, {d: "stat" for d in ids}, {d: f"2026-01-0{i + 1}" for i, d in enumerate(ids)},
                            {"stat": rules or default_rules()}, PLACES)


def _one(table: pd.DataFrame, **where) -> pd.Series:
    mask = pd.Series(True, index=table.index)
    for column, wanted in where.items():
        mask &= table[column] == wanted
    assert mask.sum() == 1, where
    return table[mask].iloc[0]


def test_area_in_hectares_from_itnrw_12411_15i():
    table, unconverted = _statistics("itnrw/12411-15i.csv")
    # line 424: 31.12.2024;05974;    Soest, Kreis;300297;1328,64;226,0 — the area in qkm, 1 qkm = 100 ha
    district = _one(table, ags="05974000", statistic="area")
    assert district.value == pytest.approx(132_864) and district.unit == "ha" and district.year == 2024
    assert district.source_row == 424 and district.table_code == "12411-15i"
    # line 431: 31.12.2024;05974028;      Lippstadt, Stadt;68739;113,68;604,7
    assert _one(table, ags="05974028", statistic="area").value == pytest.approx(11_368)
    assert set(table["statistic"]) == {"area"} and len(table) == 15 and unconverted.empty  # no state, no neighbour


def test_buildings_flats_and_living_area_from_31231_and_the_census_table_31211():
    table, _ = _statistics("regionalstatistik/31231-01-02-5_00.csv", "regionalstatistik/31211-01-01-4.xlsx")
    # 31231, line 2978: 31.12.2010;05974;      Soest, Kreis;75990;47411;19019;13201,6;136373;...
    assert _one(table, ags="05974000", year=2010, statistic="residential_buildings").value == 75990
    living = _one(table, ags="05974000", year=2010, statistic="living_area")
    assert living.value == pytest.approx(13_201_600) and living.unit == "m²"  # 13201,6 thousand m²
    # 31211 (census 9 May 2011), sheet row 141: 05974 | Soest, Kreis | 79822 | 77191 | ... | 137861
    census = _one(table, ags="05974000", year=2011, statistic="flats")
    assert census.value == 137861 and census.table_code == "31211-01-01-4"
    assert _one(table, ags="05974000", year=2011, statistic="buildings_with_dwellings").value == 79822


def test_passenger_cars_from_46251():
    table, _ = _statistics("regionalstatistik/46251-01-02-4_00.csv")
    # line 141: 01.01.2017;05974;      Soest, Kreis;215870;181148;9300;8437;15685
    cars = _one(table, ags="05974000", year=2017, statistic="passenger_cars")
    assert cars.value == 181148 and cars.time == "01.01.2017" and cars.unit == "count"
    assert _one(table, ags="05974000", year=2017, statistic="motor_vehicles").value == 215870


def test_industry_energy_use_from_43531_in_mwh_with_the_secret_cells_kept_secret():
    table, _ = _statistics("regionalstatistik/43531-01-02-4_00.csv")
    # line 143: 2015;05974;      Soest, Kreis;17377313;6591791;165484;2588376;.;4061148;32473;.
    total = _one(table, ags="05974000", year=2015, statistic="industry_energy_use_incl_non_energy", detail="all")
    assert total.value == pytest.approx(17_377_313 * 1000 / 3600) and total.unit == "MWh"  # thousand MJ → MWh
    secret = _one(table, ags="05974000", year=2015, statistic="industry_energy_use_incl_non_energy",
                  detail="renewables")
    assert pd.isna(secret.value) and secret.value_status == "confidential"


def test_a_source_may_bring_its_own_rules_and_a_unit_that_does_not_fit_is_left_out():
    rules = rules_from([{"table": "12411-15i", "variable": "Fortschreibung des Bevölkerungsstandes / "
                         "Bevölkerungsdichte", "statistic": "area"}], "mappings.statistics")
    table, unconverted = _statistics("itnrw/12411-15i.csv", rules=rules)
    assert table.empty and len(unconverted) == 15 and set(unconverted["unit"]) == {"EW pro qkm"}
    with pytest.raises(ValueError, match=r"unknown statistic 'cars'"):
        rules_from([{"table": "46251", "variable": "Kraftfahrzeugarten / Pkw", "statistic": "cars"}], "m")


def test_region_keys_of_the_offices():
    assert [ags_of(k) for k in ("05974", "05974028", "059740000028", "05", "059", "DG")] == [
        "05974000", "05974028", "05974028", None, None, None]
    assert StatisticRule("31231", "x", "flats").matches("31231-01-02-5")
    assert not StatisticRule("3123", "x", "flats").matches("31231-01-02-5")


def test_values_under_former_keys_are_summed_at_todays_key():
    """Kreis Nordfriesland: Rantum (Sylt), Sylt-Ost and Westerland merged into Sylt (01054168) on 1 January 2009.
    31231-01-02-5_00.csv, 2008: lines 29342, 29361 and 29376 give 222 + 2403 + 2304 residential buildings under
    the former keys and line 29391 '-' for Sylt: Sylt's 2008 value is 4929, with no single row of the file; 2010,
    line 405: 4987 from Sylt's own row (the former keys' '-' add nothing), which is cited."""
    from assets.district_init import region_from_directory
    from sources.region import Region

    today = region_from_directory(REAL / "destatis" / "GV100AD_311217.ASC", "01054000").municipalities
    keys = frozenset(today["ags"]) - {"01054000"}
    changes = pd.DataFrame({"former_ags": ["01054107", "01054133", "01054151"], "ags": "01054168",
                            "effective_date": "2009-01-01", "share": 1.0})
    region = Region("01054000", keys).with_former_keys(changes["former_ags"])
    path = REAL / "regionalstatistik" / "31231-01-02-5_00.csv"
    values = parse_genesis_table(Delivery("stat:0", "stat", path.name, path=path), {}, {}, region).rows
    table, _ = statistics_table(values, {"stat:0": "stat"}, {"stat:0": "2026-01-01"}, {"stat": default_rules()},
                                set(keys) | {"01054000"}, changes)
    sylt_2008 = _one(table, ags="01054168", year=2008, statistic="residential_buildings")
    assert sylt_2008.value == 2304 + 2403 + 222 and pd.isna(sylt_2008.source_row)
    sylt_2010 = _one(table, ags="01054168", year=2010, statistic="residential_buildings")
    assert sylt_2010.value == 4987 and sylt_2010.source_row == 405
    assert not set(table["ags"]) & set(changes["former_ags"])
