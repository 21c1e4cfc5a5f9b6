"""Municipality keys against the configured region: inside, outside, unknown inside the region's own range, invalid;
for a district, a state and the whole country."""

import pytest

from sources.region import INSIDE, INVALID, OUTSIDE, UNKNOWN, Region, region_prefix

SOEST = Region("05974000", frozenset({"05974004", "05974016"}))


@pytest.mark.parametrize("ags, prefix", [("05974000", "05974"), ("05900000", "059"), ("05000000", "05"),
                                         ("00000000", "")])
def test_region_prefix(ags, prefix):
    assert region_prefix(ags) == prefix


@pytest.mark.parametrize("raw, expected", [
    ("05974004", ("05974004", INSIDE)),
    ("5974004", ("05974004", INSIDE)),        # a leading zero lost by a spreadsheet
    ("05974", ("05974000", INSIDE)),           # the district's 5-digit key
    ("05958004", ("05958004", OUTSIDE)),       # Arnsberg: another district
    ("05974099", ("05974099", UNKNOWN)),       # inside the district's range, not one of its municipalities
    ("059740O4", (None, INVALID)),
    ("99974004", (None, INVALID)),             # no such state
])
def test_classify_in_a_district(raw, expected):
    assert SOEST.classify(raw) == expected


def test_classify_in_a_state_and_the_country():
    nrw = Region("05000000", frozenset({"05974004"}))
    assert nrw.classify("05974004")[1] == INSIDE
    assert nrw.classify("05999999")[1] == UNKNOWN and nrw.classify("09162000")[1] == OUTSIDE
    germany = Region("00000000", frozenset({"09162000"}))
    assert germany.classify("09162000")[1] == INSIDE and germany.classify("05974004")[1] == UNKNOWN


def test_classifying_a_whole_column_agrees_with_one_key_at_a_time():
    import pandas as pd

    raws = ["05974004", "5974016", "05974", " 05974 016 ", "05974099", "09162000", "99123456", "0597400X", "", None,
            "05974000"]
    keys, where = SOEST.classify_many(pd.Series(raws, dtype=object))
    for raw, key, kind in zip(raws, keys, where, strict=True):
        expected = SOEST.classify(raw or "")
        assert (None if pd.isna(key) else key, kind) == expected, raw
