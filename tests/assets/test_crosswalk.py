"""Municipality keys by year (assets/compute/crosswalk.py, the key-change parser): data delivered under former keys
move to today's keys — merges sum, splits divide by the share of inhabitants, chains end at today's key, a key that
still exists keeps its own later years, located records go whole. Expected values are computed by hand below."""

import datetime as dt

import pandas as pd
import pytest

from assets.compute.crosswalk import located, sum_current, to_current_keys
from sources.parsers.tidy import parse_key_changes
from sources.region import Region
from tests.sources.helpers import delivery

TODAY = ["05974004", "05974008", "05974012"]


def changes(*rows):
    return pd.DataFrame(rows, columns=["former_ags", "ags", "effective_date", "share"]).assign(
        effective_date=lambda f: pd.to_datetime(f["effective_date"]).dt.date)


MERGE_AND_SPLIT = changes(
    ("05974901", "05974004", "2015-01-01", 1.0), ("05974902", "05974004", "2015-01-01", 1.0),  # merge into 004
    ("05974903", "05974008", "2015-01-01", 0.75), ("05974903", "05974012", "2015-01-01", 0.25),  # split
    ("05974800", "05974901", "2010-01-01", 1.0),  # chain: 800 → 901 (2010) → 004 (2015)
)


def test_merges_sum_splits_divide_and_chains_end_at_todays_key():
    rows = pd.DataFrame({"ags": ["05974901", "05974902", "05974903", "05974800", "05974004"],
                         "year": [2012, 2012, 2012, 2008, 2016], "mwh": [100.0, 50.0, 80.0, 7.0, 400.0],
                         "value_status": "reported", "source_row": [1, 2, 3, 4, 5]})
    moved = to_current_keys(rows, MERGE_AND_SPLIT, TODAY, ["mwh"])
    by = moved.set_index(["ags", "ags_delivered", "year"])
    assert by.loc[("05974004", "05974901", 2012), "mwh"] == 100.0
    assert by.loc[("05974008", "05974903", 2012), "mwh"] == 80.0 * 0.75
    assert by.loc[("05974012", "05974903", 2012), ["mwh", "key_share"]].tolist() == [80.0 * 0.25, 0.25]
    assert by.loc[("05974004", "05974800", 2008), "mwh"] == 7.0  # via 901
    assert sorted(moved["source_row"]) == [1, 2, 3, 3, 4, 5]  # every part keeps its delivered row
    current = sum_current(moved.assign(delivery_id="d:1"), ["ags", "year"], "mwh").set_index(["ags", "year"])
    assert current["mwh"].to_dict() == {("05974004", 2008): 7.0, ("05974004", 2012): 150.0,
                                        ("05974004", 2016): 400.0, ("05974008", 2012): 60.0, ("05974012", 2012): 20.0}
    # 150 = rows 1 + 2 (the merger): no one row of the file is it, its delivery is; a split part keeps its row
    assert pd.isna(current.loc[("05974004", 2012), "source_row"]) and current.loc[("05974004", 2012),
                                                                                    "delivery_id"] == "d:1"
    assert current.loc[("05974008", 2012), "source_row"] == 3 and current.loc[("05974004", 2016), "source_row"] == 5


def test_a_key_that_still_exists_gives_away_only_its_earlier_years():
    ceded = changes(("05974008", "05974008", "2020-01-01", 0.9), ("05974008", "05974012", "2020-01-01", 0.1))
    rows = pd.DataFrame({"ags": ["05974008", "05974008"], "year": [2019, 2020], "mwh": [1000.0, 900.0]})
    moved = to_current_keys(rows, ceded, TODAY, ["mwh"]).set_index(["ags", "year"])["mwh"]
    assert moved.to_dict() == {("05974008", 2019): 900.0, ("05974012", 2019): 100.0, ("05974008", 2020): 900.0}


def test_a_late_delivery_under_a_key_that_no_longer_exists_is_moved_too():
    rows = pd.DataFrame({"ags": ["05974902"], "year": [2017], "mwh": [5.0]})
    assert to_current_keys(rows, MERGE_AND_SPLIT, TODAY, ["mwh"])["ags"].tolist() == ["05974004"]


def test_located_records_go_whole_to_the_largest_part():
    units = pd.DataFrame({"unit_id": ["SEE1", "SEE2"], "ags": ["05974903", "05974012"], "gross_kw": [10.0, 4.0]})
    moved = to_current_keys(units, MERGE_AND_SPLIT, TODAY, mode="locate")
    assert moved[["unit_id", "ags", "gross_kw"]].values.tolist() == [["SEE2", "05974012", 4.0],
                                                                     ["SEE1", "05974008", 10.0]]


def test_summing_a_merge_keeps_missing_apart_from_zero():
    rows = pd.DataFrame({"ags": ["05974004", "05974004"], "year": [2012, 2012], "mwh": [100.0, None],
                         "value_status": ["reported", "confidential"], "ags_delivered": ["05974901", "05974902"],
                         "key_share": 1.0})
    out = sum_current(rows, ["ags", "year"], "mwh")
    assert out[["mwh", "value_status"]].values.tolist() == [[100.0, "reported"]]
    only_missing = rows.assign(mwh=None, value_status="missing")
    assert pd.isna(sum_current(only_missing, ["ags", "year"], "mwh")["mwh"].iloc[0])
    # the 100 is row 4's value (the confidential row adds nothing): row 4 is cited
    one_valued = sum_current(rows.assign(delivery_id=["a:1", "b:2"], source_row=[4, 9]), ["ags", "year"], "mwh")
    assert one_valued[["delivery_id", "source_row"]].values.tolist() == [["a:1", 4]]
    two_files = rows.assign(mwh=[100.0, 30.0], value_status="reported", delivery_id=["a:1", "b:2"], source_row=[4, 9])
    merged = sum_current(two_files, ["ags", "year"], "mwh").iloc[0]
    assert merged["mwh"] == 130.0 and pd.isna(merged["delivery_id"]) and pd.isna(merged["source_row"])


REGION = Region("05974000", frozenset(TODAY))
HEADER = "Gemeindeschlüssel alt;Gemeindeschlüssel neu;Wirksamkeit;Anteil Bevölkerung\n"


def test_the_change_table_keeps_changes_into_the_region_and_names_every_bad_row():
    text = HEADER + ("05974901;05974004;01.01.2015;\n"        # 2: merge, share empty → 1
                     "05974903;05974008;01.01.2015;0,75\n"    # 3: split ...
                     "05974903;05974012;01.01.2015;0,25\n"    # 4
                     "05974800;05974901;01.01.2010;\n"        # 5: chain into the region
                     "05974904;05974008;01.01.2015;0,5\n"     # 6: shares add up to 0.8
                     "05974904;05974012;01.01.2015;0,3\n"     # 7
                     "05974905;05974077;01.01.2015;\n"        # 8: successor in range, not known
                     "09162999;09162000;01.01.2015;\n"        # 9: elsewhere → filtered
                     "0597490X;05974004;01.01.2015;\n")       # 10: not a key
    result = parse_key_changes(delivery(text), {}, {}, REGION)
    kept = result.rows.set_index("source_row")
    assert kept[["former_ags", "ags", "share"]].to_dict("index") == {
        2: {"former_ags": "05974901", "ags": "05974004", "share": 1.0},
        3: {"former_ags": "05974903", "ags": "05974008", "share": 0.75},
        4: {"former_ags": "05974903", "ags": "05974012", "share": 0.25},
        5: {"former_ags": "05974800", "ags": "05974901", "share": 1.0}}
    assert kept.loc[2, "effective_date"] == dt.date(2015, 1, 1)
    rejected = {f.source_row: f for f in result.findings if f.kind == "rejected"}
    assert sorted(rejected) == [6, 7, 8, 10]
    assert "do not add up to 1" in rejected[6].reason and rejected[6].column == "Anteil Bevölkerung"
    assert "05974077" in rejected[8].reason and rejected[8].column == "Gemeindeschlüssel neu"
    filtered = [f for f in result.findings if f.kind == "filtered"]
    assert [f.rows_affected for f in filtered] == [1]


@pytest.mark.parametrize("key,expected", [("05974901", "inside"), ("05974077", "unknown")])
def test_parsers_accept_former_keys_and_still_reject_unknown_ones(key, expected):
    region = Region("05974000", frozenset(TODAY), frozenset({"05974901"}))
    assert region.classify(key) == (key, expected)


def test_two_located_records_for_one_key_after_a_merge_are_an_error_naming_both_keys():
    factors = pd.DataFrame({"ags": ["05974901", "05974902"], "year": [2012, 2012], "g_co2e_per_kwh": [180.0, 240.0]})
    with pytest.raises(ValueError, match=r"ags=05974004, year=2012 .*'05974901', '05974902'"):
        located(factors, MERGE_AND_SPLIT, TODAY, unique=["ags", "year"], what="district-heat factors")
    one = located(factors.iloc[[0]], MERGE_AND_SPLIT, TODAY, unique=["ags", "year"])
    assert one[["ags", "g_co2e_per_kwh"]].values.tolist() == [["05974004", 180.0]] and "ags_delivered" not in one
