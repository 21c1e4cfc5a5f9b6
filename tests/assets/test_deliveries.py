"""Delivery statuses: acceptance, supersession by scope and by file name, rejection; rows in use."""

import pandas as pd

from assets.compute.deliveries import delivery_table, rows_in_use

RAW = "raw_grid_sheet__energy"


def _register(*entries):
    return pd.DataFrame(
        [{"delivery_id": d, "source_id": s, "partner": "P", "file_name": f, "landed_path": f"landing/{s}/{f}",
          "sha256": "0" * 64, "size_bytes": 1, "received_at": f"2026-01-0{i + 1}T00:00:00.000000+00:00"}
         for i, (d, s, f) in enumerate(entries)]
    )  # fmt: skip


def _rows(delivery_id, pairs, provisional=False):
    return pd.DataFrame([{"delivery_id": delivery_id, "source_row": i + 8, "ags": a, "year": y, "value": 1.0,
                          "provisional": provisional} for i, (a, y) in enumerate(pairs)],
                        columns=["delivery_id", "source_row", "ags", "year", "value", "provisional"])  # fmt: skip


def _rejected(*rows):
    return pd.DataFrame(
        [{"source_id": "s", "delivery_id": d, "source_row": r, "column": "c", "raw_value": "x", "reason": reason,
          "finding_kind": kind} for d, r, reason, kind in rows],
        columns=["source_id", "delivery_id", "source_row", "column", "raw_value", "reason", "finding_kind"],
    )  # fmt: skip


def test_a_corrected_redelivery_supersedes_the_provisional_one():
    register = _register(("s:a", "s", "Strom_2023.csv"), ("s:b", "s", "Strom_2023_korrigiert.csv"),
                         ("s:c", "s", "Strom_2022.csv"))
    raw = pd.concat([_rows("s:a", [("05974004", 2023), ("05974008", 2023)], provisional=True),
                     _rows("s:b", [("05974004", 2023), ("05974008", 2023)]),
                     _rows("s:c", [("05974004", 2022)])])
    table = delivery_table(register, {RAW: raw}, {RAW: _rejected(("s:c", 20, "outside", "filtered"))}).set_index(
        "delivery_id")
    assert table.loc["s:a", "status"] == "superseded" and table.loc["s:a", "superseded_by"] == "s:b"
    assert "Strom_2023_korrigiert.csv" in table.loc["s:a", "status_reason"]
    assert bool(table.loc["s:a", "provisional"]) and not bool(table.loc["s:b", "provisional"])
    assert table.loc["s:b", "status"] == "accepted" and table.loc["s:c", "status"] == "accepted"
    assert list(table.loc["s:a", "scope_years"]) == [2023]
    assert list(table.loc["s:a", "scope_ags"]) == ["05974004", "05974008"]
    assert table.loc["s:c", "rows_out_of_region"] == 1 and table.loc["s:c", "rows_parsed"] == 1


def test_each_delivery_states_the_origin_of_its_source():
    register = _register(("real:a", "real", "12411-15i.csv"), ("demo:b", "demo", "flat.csv"),
                         ("other:c", "other", "x.csv"))
    raw = pd.concat([_rows("real:a", [("05974004", 2024)]), _rows("demo:b", [("05974004", 2023)]),
                     _rows("other:c", [("05974004", 2022)])])
    table = delivery_table(register, {RAW: raw}, {RAW: _rejected()},
                           origins={"real": "real_public", "demo": "synthetic_demo"}).set_index("delivery_id")
    assert table["origin"].to_dict() == {"real:a": "real_public", "demo:b": "synthetic_demo",
                                         "other:c": "partner_deliveries"}  # a source not named: a partner's


def test_cells_marked_confidential_or_without_value_are_counted_per_delivery():
    register = _register(("s:a", "s", "a.csv"), ("s:b", "s", "b.csv"))
    raw = pd.concat([_rows("s:a", [("05974004", 2021), ("05974008", 2021), ("05974012", 2021)]),
                     _rows("s:b", [("05974004", 2022)])])
    raw["value_status"] = ["confidential", "missing", "reported", "reported"]
    table = delivery_table(register, {RAW: raw}, {RAW: _rejected()}).set_index("delivery_id")
    assert table.loc["s:a", ["cells_confidential", "cells_without_value"]].tolist() == [1, 1]
    assert table.loc["s:b", ["cells_confidential", "cells_without_value"]].tolist() == [0, 0]


def test_partial_overlap_does_not_supersede():
    register = _register(("s:a", "s", "a.csv"), ("s:b", "s", "b.csv"))
    raw = pd.concat([_rows("s:a", [("05974004", 2023), ("05974008", 2023)]), _rows("s:b", [("05974004", 2023)])])
    table = delivery_table(register, {RAW: raw}, {RAW: _rejected()}).set_index("delivery_id")
    assert (table["status"] == "accepted").all()
    rows = rows_in_use(raw, table.reset_index(), ["ags", "year"])
    assert rows.set_index("ags").loc["05974004", "delivery_id"] == "s:b"  # the later delivery wins the overlap
    assert rows.set_index("ags").loc["05974008", "delivery_id"] == "s:a"


def test_rejected_until_a_redelivery_under_the_same_name():
    register = _register(("s:a", "s", "Strom_2021.csv"), ("s:b", "s", "Strom_2022.csv"))
    raw = _rows("s:b", [("05974004", 2022)])
    rejected = _rejected(("s:a", None, "file 'Strom_2021.csv': the file is empty", "rejected"))
    table = delivery_table(register, {RAW: raw}, {RAW: rejected}).set_index("delivery_id")
    assert table.loc["s:a", "status"] == "rejected"  # a later file for another year does not hide it
    assert "the file is empty" in table.loc["s:a", "status_reason"]
    fixed = _register(("s:a", "s", "Strom_2021.csv"), ("s:b", "s", "Strom_2022.csv"), ("s:c", "s", "Strom_2021.csv"))
    raw = pd.concat([raw, _rows("s:c", [("05974004", 2021)])])
    table = delivery_table(fixed, {RAW: raw}, {RAW: rejected}).set_index("delivery_id")
    assert table.loc["s:a", "status"] == "superseded" and "had been rejected" in table.loc["s:a", "status_reason"]
    assert table.loc["s:c", "status"] == "accepted"


def test_a_few_quarantined_rows_leave_the_delivery_accepted():
    register = _register(("s:a", "s", "a.csv"))
    raw = _rows("s:a", [("05974004", 2021)])
    rejected = _rejected(("s:a", 9, "row 9: 'x' is not a number", "rejected"),
                         ("s:a", 10, "row 10: bad", "rejected"))
    table = delivery_table(register, {RAW: raw}, {RAW: rejected})
    assert table.loc[0, "status"] == "accepted" and table.loc[0, "rows_rejected"] == 2  # 2 rows: not more than 5
    assert len(rows_in_use(raw, table, ["ags", "year"])) == 1


def test_quarantined_rows_above_the_threshold_reject_the_delivery():
    register = _register(("s:a", "s", "a.csv"))
    raw = _rows("s:a", [(f"0597{i:04d}", 2021) for i in range(180)])
    bad = [("s:a", 200 + i, f"row {200 + i}: bad", "rejected") for i in range(20)]  # 10 % of 200 rows
    table = delivery_table(register, {RAW: raw}, {RAW: _rejected(*bad)})
    assert table.loc[0, "status"] == "rejected" and table.loc[0, "rows_rejected"] == 20
    assert table.loc[0, "status_reason"].startswith("20 of 200 rows were quarantined, above the source's threshold "
                                                    "(more than 1% of the rows and more than 5 rows")
    assert rows_in_use(raw, table, ["ags", "year"]).empty


def test_a_summary_finding_counts_the_rows_it_stands_for():
    """An interval file lists its first bad readings and sums up the rest in one finding ("46 more rows could not
    be taken in"): the threshold counts its rows, as `klimamonitor validate` does, not one finding."""
    register = _register(("s:a", "s", "a.csv"))
    raw = _rows("s:a", [(f"0597{i:04d}", 2021) for i in range(150)])
    summary = _rejected(("s:a", None, "46 more rows could not be taken in", "rejected")).assign(rows_affected=46)
    table = delivery_table(register, {RAW: raw}, {RAW: summary})
    assert table.loc[0, "status"] == "rejected" and table.loc[0, "rows_rejected"] == 46
    assert table.loc[0, "status_reason"].startswith("46 of 196 rows were quarantined")


def test_a_structural_finding_rejects_the_delivery():
    register = _register(("s:a", "s", "a.csv"))
    rejected = _rejected(("s:a", 12, "the file looks cut off", "structural"))
    table = delivery_table(register, {RAW: _rows("s:a", [("05974004", 2021)])}, {RAW: rejected})
    assert table.loc[0, "status"] == "rejected" and table.loc[0, "status_reason"] == "the file looks cut off"


def test_a_file_no_parser_takes_is_rejected():
    table = delivery_table(_register(("s:a", "s", "notes.txt")), {RAW: _rows("x", [])}, {RAW: _rejected()})
    assert table.loc[0, "status"] == "rejected" and "no parser took this file" in table.loc[0, "status_reason"]


def test_genesis_tables_of_the_same_years_do_not_replace_one_another():
    """Two tables of one source (31231 and 43531) covering the same years are both in use; only a re-delivery of
    the same table, regions and columns replaces the older one."""
    raw_name = "raw_genesis_table__table_values"

    def values(delivery_id, code, variable):
        return pd.DataFrame([{"delivery_id": delivery_id, "source_row": 9, "table_code": code, "region_key": "05974",
                              "year": 2010, "variable": variable, "value": 1.0}])

    register = _register(("g:a", "g", "31231-01-02-5_00.csv"), ("g:b", "g", "43531-01-02-4_00.csv"),
                         ("g:c", "g", "43531-01-02-4_01.csv"))
    raw = pd.concat([values("g:a", "31231-01-02-5", "Wohnfläche in Wohngebäuden"),
                     values("g:b", "43531-01-02-4", "Energieverbrauch / insgesamt"),
                     values("g:c", "43531-01-02-4", "Energieverbrauch / insgesamt")])
    table = delivery_table(register, {raw_name: raw}, {}).set_index("delivery_id")
    assert table.loc["g:a", "status"] == "accepted" and table.loc["g:c", "status"] == "accepted"
    assert table.loc["g:b", "status"] == "superseded" and table.loc["g:b", "superseded_by"] == "g:c"


def test_the_scope_of_an_offices_table_names_its_places():
    """A GENESIS table's rows carry region keys, not ags: 05974 is Kreis Soest (05974000), 05974040 Soest; the state
    (05) has no municipality key."""
    from assets.compute.deliveries import _scope

    rows = pd.DataFrame({"region_key": ["05974", "05974040", "05"], "year": [2010, 2010, 2010]})
    assert _scope(rows) == {("05974000", 2010, ()), ("05974040", 2010, ()), (None, 2010, ())}
