"""The parse cache: a delivery parsed once comes back identical; a change of options, mappings, region or parser code
is a miss; a damaged entry is a miss, not an error."""

from pathlib import Path

import pandas as pd

from sources.formats import read_delivery
from sources.parse_cache import ParseCache, cache_key
from sources.parsers.common import Delivery
from sources.region import Region
from warehouse.store import as_stored

BASELINE = Path(__file__).resolve().parent.parent / "corpus" / "_baseline" / "grid_electricity" / \
    "Netzabsatz_Strom_2020.csv"
OPTIONS = {"pattern": "*.csv", "carrier": "electricity", "encoding": "cp1252"}
REGION = Region("05974000", frozenset(f"05974{n:03d}" for n in range(4, 57, 4)))


def test_round_trip_and_invalidation(tmp_path):
    delivery = Delivery("grid:abc", "grid", BASELINE.name, BASELINE.read_bytes())
    _, result = read_delivery("grid_sheet", OPTIONS, {}, REGION, delivery)
    cache = ParseCache(tmp_path)
    key = cache_key("grid_sheet", OPTIONS, {}, sorted(REGION.keys))
    assert cache.get("grid:abc", key) is None
    cache.put("grid:abc", key, result)
    again = cache.get("grid:abc", key)
    pd.testing.assert_frame_equal(as_stored(again.rows, "raw_grid_sheet__energy"), as_stored(result.rows, "raw_grid_sheet__energy"))
    assert again.findings == result.findings

    assert cache_key("grid_sheet", {**OPTIONS, "unit": "MWh"}, {}, sorted(REGION.keys)) != key
    assert cache_key("grid_sheet", OPTIONS, {"customer_groups": {"X": "industry"}}, sorted(REGION.keys)) != key
    assert cache_key("grid_sheet", OPTIONS, {}, sorted(REGION.keys)[:-1]) != key

    [rows_file] = (tmp_path / "grid_abc").glob("*.parquet")
    rows_file.write_bytes(b"not parquet")
    assert cache.get("grid:abc", key) is None
