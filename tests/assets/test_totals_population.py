"""The missing-value policy (min-count sums, `complete`) and the population table built on it."""

import math

import pandas as pd

from assets.compute.population import population_table
from assets.compute.totals import complete_grid, totals


def test_totals_min_count_and_complete():
    cells = pd.DataFrame({
        "g": ["a", "a", "b", "b", "c"],
        "v": [1.0, 2.0, 5.0, None, None],
        "value_status": ["reported", "reported", "reported", "confidential", "missing"],
    })  # fmt: skip
    out = totals(cells, ["g"], "v").set_index("g")
    assert out.loc["a", "v"] == 3.0 and out.loc["a", "complete"]
    assert out.loc["b", "v"] == 5.0 and not out.loc["b", "complete"]  # partial sum, flagged, not shrunk silently
    assert math.isnan(out.loc["c", "v"]) and out.loc["c", "value_status"] == "missing"  # all missing: null, not 0
    assert not out.loc["c", "complete"]


def test_not_applicable_counts_as_complete():
    cells = pd.DataFrame({"g": ["a", "a"], "v": [4.0, None], "value_status": ["reported", "not_applicable"]})
    out = totals(cells, ["g"], "v")
    assert out.loc[0, "v"] == 4.0 and out.loc[0, "complete"]


def test_complete_grid_adds_absent_cells_as_missing():
    frame = pd.DataFrame({"k": ["x"], "y": [2020], "v": [1.0], "value_status": ["reported"]})
    grid = complete_grid(frame, {"k": ["x", "z"], "y": [2020, 2021]}, "v")
    assert len(grid) == 4
    assert (grid.loc[grid["k"] == "z", "value_status"] == "missing").all()
    assert grid.loc[grid["k"] == "z", "v"].isna().all()


def test_population_district_is_the_sum_and_flags_a_missing_municipality():
    rows = pd.DataFrame({
        "ags": ["05974004", "05974008", "05974004"], "year": [2020, 2020, 2021],
        "population": [100.0, 200.0, 101.0], "value_status": ["reported"] * 3, "delivery_id": ["d1", "d1", "d2"],
    })  # fmt: skip
    table = population_table(rows, ["05974004", "05974008"], "05974000", [2020, 2021]).set_index(["ags", "year"])
    assert table.loc[("05974000", 2020), "population"] == 300 and table.loc[("05974000", 2020), "complete"]
    assert table.loc[("05974008", 2021), "value_status"] == "missing"
    assert math.isnan(table.loc[("05974008", 2021), "population"])
    assert table.loc[("05974000", 2021), "population"] == 101 and not table.loc[("05974000", 2021), "complete"]
    assert table.loc[("05974004", 2021), "delivery_id"] == "d2"


def test_a_break_of_census_basis_is_flagged_across_deliveries():
    # 2010 from one delivery on the old basis, 2011 and 2012 from another on the Zensus 2011 basis
    rows = pd.DataFrame({
        "ags": ["05974004"] * 3, "year": [2010, 2011, 2012], "population": [100.0, 97.0, 97.5],
        "value_status": ["reported"] * 3, "delivery_id": ["old", "new", "new"],
        "census_basis": ["vz_1987_register_1990", "zensus_2011", "zensus_2011"],
    })  # fmt: skip
    table = population_table(rows, ["05974004"], "05974000", [2010, 2011, 2012]).set_index(["ags", "year"])
    assert list(table.loc["05974004", "basis_break"]) == [False, True, False]
    assert list(table.loc["05974000", "census_basis"]) == ["vz_1987_register_1990", "zensus_2011", "zensus_2011"]
    assert list(table.loc["05974000", "basis_break"]) == [False, True, False]  # the district's series too


def test_the_districts_own_delivered_figure_comes_before_the_sum_of_its_municipalities():
    # 2018: only the districts' table (12411-01-01-4, Kreis Paderborn 306,890) states a figure; 2019: the
    # municipalities and a district row; 2020: the municipalities only
    rows = pd.DataFrame({
        "ags": ["05774000", "05774004", "05774008", "05774000", "05774004", "05774008"],
        "year": [2018, 2019, 2019, 2019, 2020, 2020], "population": [306890.0, 100.0, 200.0, 300.0, 101.0, 202.0],
        "value_status": ["reported"] * 6, "delivery_id": ["kreise", "gem", "gem", "gem", "gem", "gem"],
        "census_basis": ["zensus_2011"] * 6,
    })  # fmt: skip
    table = population_table(rows, ["05774004", "05774008"], "05774000", [2018, 2019, 2020]).set_index(["ags", "year"])
    district = table.loc["05774000"]
    assert district.loc[2018, "population"] == 306890 and district.loc[2018, "complete"]
    assert district.loc[2018, "value_status"] == "reported" and district.loc[2018, "delivery_id"] == "kreise"
    assert district.loc[2019, "population"] == 300 and district.loc[2019, "delivery_id"] == "gem"
    assert district.loc[2020, "population"] == 303 and district.loc[2020, "complete"]
    assert district.loc[2020, "delivery_id"] is None  # a sum: its rows are the municipalities'
    assert table.loc[("05774004", 2018), "value_status"] == "missing"


def test_a_district_figure_of_another_delivery_than_its_municipalities_is_not_taken():
    # 2018: the districts' table on the Zensus 2011 basis beside the municipalities of a delivery on the 2022 basis
    rows = pd.DataFrame({
        "ags": ["05774000", "05774004", "05774008"], "year": [2018] * 3, "population": [301902.0, 1000.0, 2000.0],
        "value_status": ["reported"] * 3, "delivery_id": ["kreise_2011", "gem_2022", "gem_2022"],
        "census_basis": ["zensus_2011", "zensus_2022", "zensus_2022"],
    })  # fmt: skip
    district = population_table(rows, ["05774004", "05774008"], "05774000", [2018]).set_index("ags").loc["05774000"]
    assert district["population"] == 3000 and district["census_basis"] == "zensus_2022"
    assert district["delivery_id"] is None
