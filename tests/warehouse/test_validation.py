"""Every generated expectation catches a planted defect and passes on clean data; failures name rows by lineage."""

import pandas as pd
import pytest

from assets.compute.plausibility import district_sum_difference, ratio_bounds, year_on_year
from warehouse.store import as_stored
from warehouse.validation import ERROR, Check, catalog_check, gx, run_check


def _raw_population() -> pd.DataFrame:
    return as_stored(pd.DataFrame({
        "delivery_id": ["pop:1", "pop:1", "pop:1"], "source_row": [2, 3, 4],
        "ags": ["05974004", "05974016", "05974000"], "year": [2021, 2021, 2021],
        "population": [10203.0, 16043.0, 26246.0], "quality_mark": ["e", "e", "e"],
        "value_status": ["reported"] * 3, "provisional": [False] * 3, "census_basis": ["zensus_2011"] * 3,
        "basis_break": [False] * 3,
    }), "raw_genesis_population__population")  # fmt: skip


def test_catalog_suite_passes_on_clean_data():
    outcome = run_check(catalog_check("raw_genesis_population__population"), _raw_population())
    assert outcome.passed, outcome.summary()
    assert outcome.severity == ERROR and outcome.rows == 3


@pytest.mark.parametrize(
    "plant, expectation, column",
    [
        (lambda f: f.drop(columns=["quality_mark"]), "expect_table_columns_to_match_ordered_list", None),
        (lambda f: f.assign(population=f["population"].astype(str)), "expect_column_values_to_be_of_type",
         "population"),
        (lambda f: f.assign(source_row=pd.array([2, None, 4], dtype="Int64")), "expect_column_values_to_not_be_null",
         "source_row"),
        (lambda f: f.assign(value_status=["reported", "guessed", "reported"]), "expect_column_values_to_be_in_set",
         "value_status"),
        (lambda f: f.assign(population=[10203.0, -1.0, 26246.0]), "expect_column_values_to_be_between",
         "population"),
        (lambda f: f.assign(ags=["05974004", "5974016", "05974000"]), "expect_column_values_to_match_regex", "ags"),
        (lambda f: f.assign(source_row=pd.array([2, 2, 4], dtype="Int64")),
         "expect_compound_columns_to_be_unique", "delivery_id, source_row, year"),
    ],
)
def test_each_generated_expectation_catches_its_defect(plant, expectation, column):
    outcome = run_check(catalog_check("raw_genesis_population__population"), plant(_raw_population()))
    assert not outcome.passed
    assert any(f.expectation == expectation and f.column == column for f in outcome.failures), outcome.summary()


def test_single_column_key_uniqueness_and_sample_with_lineage():
    frame = as_stored(pd.DataFrame({"ags": ["05974000", "05974004"], "name": ["K", "G"],
                                    "kind": ["district", "municipality"], "area_ha": [2.0, 1.0]}), "municipalities")
    frame.loc[1, "ags"] = "05974000"
    outcome = run_check(catalog_check("municipalities"), frame)
    assert any(f.expectation == "expect_column_values_to_be_unique" for f in outcome.failures)
    bad = _raw_population().assign(population=[10203.0, -5.0, 26246.0])
    (failure,) = run_check(catalog_check("raw_genesis_population__population"), bad).failures
    assert failure.sample == [{"delivery_id": "pop:1", "source_row": 3, "population": -5.0}]
    assert failure.unexpected_count == 1


def _expect_between(column, low, high):
    return lambda: [gx().expectations.ExpectColumnValuesToBeBetween(column=column, min_value=low, max_value=high)]


def test_year_on_year_flags_a_jump_and_passes_a_smooth_series():
    series = pd.DataFrame({"ags": ["a"] * 4, "year": [2019, 2020, 2021, 2022], "v": [100.0, 104.0, 320.0, 330.0],
                           "delivery_id": ["d"] * 4, "source_row": [1, 2, 3, 4]})
    frame = year_on_year(series, ["ags"], "v")
    assert list(frame["year"]) == [2020, 2021, 2022]
    low, high = ratio_bounds(1.5)
    check = Check("yoy", "", _expect_between("ratio", low, high), sample_columns=("ags", "year", "source_row"))
    outcome = run_check(check, frame)
    assert not outcome.passed and outcome.failures[0].sample[0]["year"] == 2021
    assert run_check(check, year_on_year(series[series["year"] < 2021], ["ags"], "v")).passed


def test_year_on_year_skips_gaps_and_missing_values():
    series = pd.DataFrame({"ags": ["a"] * 4, "year": [2018, 2019, 2021, 2022], "v": [100.0, None, 300.0, 310.0]})
    assert list(year_on_year(series, ["ags"], "v")["year"]) == [2022]


def test_district_sum_flags_a_difference():
    rows = pd.DataFrame({"ags": ["m1", "m2", "D", "m1", "m2", "D"], "year": [2020, 2020, 2020, 2021, 2021, 2021],
                         "population": [10.0, 20.0, 30.0, 10.0, 20.0, 33.0]})
    frame = district_sum_difference(rows, ["m1", "m2"], "D", "population")
    assert list(frame["difference_pct"].round(2)) == [0.0, -9.09]
    outcome = run_check(Check("sum", "", _expect_between("difference_pct", -0.1, 0.1)), frame)
    assert not outcome.passed and outcome.failures[0].unexpected_count == 1


def test_a_large_frame_is_validated_in_slices_with_the_same_verdict(monkeypatch):
    """Above CHUNK_ROWS the row-wise expectations run slice by slice (bounded memory) and the key is checked on the
    whole frame: counts add up over slices, and a duplicate key split across two slices is still found."""
    import warehouse.validation as validation

    rows = 10
    frame = as_stored(pd.DataFrame({
        "delivery_id": ["pop:1"] * rows, "source_row": list(range(2, rows + 2)),
        "ags": ["05974004"] * rows, "year": [2021] * rows, "population": [100.0] * rows,
        "quality_mark": ["e"] * rows, "value_status": ["reported"] * rows, "provisional": [False] * rows,
        "census_basis": ["zensus_2011"] * rows, "basis_break": [False] * rows,
    }), "raw_genesis_population__population")  # fmt: skip
    frame.loc[[1, 8], "population"] = -1.0  # in the first and the third slice of four rows
    frame.loc[9, "source_row"] = 2  # the key of row 0, in another slice
    whole = run_check(catalog_check("raw_genesis_population__population"), frame)
    monkeypatch.setattr(validation, "CHUNK_ROWS", 4)
    sliced = run_check(catalog_check("raw_genesis_population__population"), frame)

    def verdict(outcome):
        return sorted((f.expectation, f.column, f.unexpected_count) for f in outcome.failures)

    assert verdict(sliced) == verdict(whole) == [
        ("expect_column_values_to_be_between", "population", 2),
        ("expect_compound_columns_to_be_unique", "delivery_id, source_row, year", 2)]
    between = next(f for f in sliced.failures if f.column == "population")
    assert [s["source_row"] for s in between.sample] == [3, 10] and between.detail.startswith("2 row(s) unexpected (20.0 %)")


def test_a_verdict_is_reused_only_for_the_same_content_and_the_same_expectations(tmp_path, monkeypatch):
    import warehouse.validation as validation
    from warehouse.validation import run_check_reusing

    record = tmp_path / "check.json"
    clean, bad = _raw_population(), _raw_population().assign(population=[10203.0, -1.0, 26246.0])
    reads = []

    def frame(f):
        return lambda: reads.append(1) or f

    check = catalog_check("raw_genesis_population__population")
    first = run_check_reusing(check, frame(clean), "content-a", record, "run-1")
    assert first.passed and first.reused_from is None and len(reads) == 1
    again = run_check_reusing(check, frame(clean), "content-a", record, "run-2")
    assert again.passed and again.reused_from == "run-1" and len(reads) == 1  # not read, not validated
    # other content: validated again, and the failure is the one a fresh validation gives
    failed = run_check_reusing(check, frame(bad), "content-b", record, "run-3")
    assert not failed.passed and failed.reused_from is None and len(reads) == 2
    reused_failure = run_check_reusing(check, frame(bad), "content-b", record, "run-4")
    assert reused_failure.reused_from == "run-3" and not reused_failure.passed
    assert [f.__dict__ for f in reused_failure.failures] == [f.__dict__ for f in failed.failures]
    # other expectations (a stricter severity, another definition of the table): validated again
    warn = Check(check.name, check.description, check.expectations, "warn", check.sample_columns,
                 check.empty_frame_columns, identity=check.identity)
    assert run_check_reusing(warn, frame(bad), "content-b", record, "run-5").reused_from is None
    redefined = Check(check.name, check.description, check.expectations, "warn", check.sample_columns,
                      check.empty_frame_columns, identity="another definition")
    assert run_check_reusing(redefined, frame(bad), "content-b", record, "run-6").reused_from is None
    # an unreadable record is no verdict
    record.write_text("{not json", encoding="utf-8")
    assert run_check_reusing(check, frame(clean), "content-a", record, "run-7").reused_from is None
    # other code of the validation module: validated again
    monkeypatch.setattr(validation, "_CODE", "changed")
    assert run_check_reusing(check, frame(clean), "content-a", record, "run-8").reused_from is None
    assert len(reads) == 6  # run-1, -3, -5, -6, -7, -8 read the table; the reused ones did not


def test_a_frame_with_list_cells_has_a_fingerprint_that_follows_its_values():
    from warehouse.validation import frame_fingerprint

    one = pd.DataFrame({"ags": ["05974004"], "scope_years": [[2020, 2021]]})
    same = pd.DataFrame({"ags": ["05974004"], "scope_years": [[2020, 2021]]})
    other = pd.DataFrame({"ags": ["05974004"], "scope_years": [[2020, 2022]]})
    assert frame_fingerprint(one) == frame_fingerprint(same) != frame_fingerprint(other)
