"""GENESIS flat-file CSV: regions in variable pairs, marks instead of values, quality column, provisional values."""

import pandas as pd
import pytest

from sources.errors import EmptyDeliveryError
from sources.parsers.genesis import parse_genesis_population

from .helpers import REGION, delivery

HEADER = ("statistics_code;statistics_label;time_code;time_label;time;1_variable_code;1_variable_label;"
          "1_variable_attribute_code;1_variable_attribute_label;value_variable_code;value_variable_label;value;"
          "value_unit;value_q\n")
ROW = "12411;Bevölkerung;STAG;Stichtag;31.12.{y};{var};Gemeinden;{key};Name;{vv};Bevölkerungsstand;{v};Anzahl;{q}\n"


def _row(key, value, q="e", year=2021, var="GEMEIN", vv="BEVSTD"):
    return ROW.format(y=year, var=var, key=key, v=value, q=q, vv=vv)


def test_values_marks_and_quality():
    text = HEADER + "".join([
        _row("05974004", "10203"),                     # line 2
        _row("05974016", ".", q=""),                   # 3: secret -> confidential
        _row("05974048", "-", q=""),                   # 4: no figure -> missing
        _row("05974004", "10300", q="p", year=2022),   # 5: provisional
        _row("05974016", "16100", q="s", year=2022),   # 6: estimated
        _row("05974", "302298", var="KREISE"),         # 7: the district, 5-digit key
        _row("05958004", "73000"),                     # 8: outside the region
        _row("05974004", "99", vv="FLC006"),           # 9: another variable, ignored
    ])  # fmt: skip
    result = parse_genesis_population(delivery(text), {}, {}, REGION)
    rows = result.rows.set_index("source_row")
    assert rows.loc[2, "population"] == 10203 and rows.loc[2, "value_status"] == "reported"
    assert rows.loc[3, "value_status"] == "confidential" and pd.isna(rows.loc[3, "population"])
    assert rows.loc[3, "quality_mark"] == "."
    assert rows.loc[4, "value_status"] == "missing" and pd.isna(rows.loc[4, "population"])
    assert bool(rows.loc[5, "provisional"]) and rows.loc[5, "year"] == 2022
    assert rows.loc[6, "value_status"] == "estimated"
    assert rows.loc[7, "ags"] == "05974000" and rows.loc[7, "population"] == 302298
    assert 9 not in rows.index
    (finding,) = result.findings
    assert finding.kind == "filtered" and finding.source_row == 8


def test_negative_and_non_numeric_values_are_rejected_with_row_and_column():
    text = HEADER + _row("05974004", "-5") + _row("05974016", "zehn")
    result = parse_genesis_population(delivery(text, "pop.csv"), {}, {}, REGION)
    assert result.rows.empty
    reasons = sorted(f.reason for f in result.findings)
    assert "file 'pop.csv', row 2, column 'value': a population cannot be negative" in reasons[0]
    assert "row 3, column 'value': 'zehn' is not a number" in reasons[1]


def test_a_table_without_the_variable_is_an_error():
    with pytest.raises(EmptyDeliveryError, match="no rows with value_variable_code 'BEVSTD'"):
        parse_genesis_population(delivery(HEADER + _row("05974004", "1", vv="FLC006")), {}, {}, REGION)
