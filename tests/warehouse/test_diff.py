"""`klimamonitor diff`'s comparison of two releases: rows added and removed, values moved beyond the tolerance, and
columns one release has and the other not (releases of different contract versions)."""

import pandas as pd

from warehouse.catalog import conform
from warehouse.diff import diff_releases
from warehouse.store import write_parquet


def _municipalities(folder, areas):
    folder.mkdir()
    frame = pd.DataFrame({"ags": ["05974004", "05974008"][:len(areas)], "name": ["A", "B"][:len(areas)],
                          "kind": "municipality", "area_ha": areas})
    write_parquet(conform(frame, "municipalities"), folder / "municipalities.parquet")
    return folder


def test_rows_values_and_a_column_only_one_release_has(tmp_path):
    old = _municipalities(tmp_path / "old", [7379.0, 6346.0])
    new = _municipalities(tmp_path / "new", [7379.0 * (1 + 1e-7)])
    rows = diff_releases(old, new, tolerance=1e-6)
    assert rows[["table", "key", "change"]].values.tolist() == [["municipalities", "05974008", "removed"]]
    moved = diff_releases(old, _municipalities(tmp_path / "moved", [7400.0, 6346.0]), tolerance=1e-6)
    assert moved[["key", "column", "old", "new"]].values.tolist() == [["05974004", "area_ha", 7379.0, 7400.0]]
    # a column the catalog has and an older release lacks: said, not a Python error
    (tmp_path / "older").mkdir()
    pd.read_parquet(old / "municipalities.parquet").drop(columns="kind").to_parquet(
        tmp_path / "older" / "municipalities.parquet")
    added = diff_releases(tmp_path / "older", old)
    assert added[["column", "change"]].values.tolist() == [["kind", "column added"]]
