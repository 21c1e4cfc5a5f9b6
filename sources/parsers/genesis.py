"""GENESIS flat-file CSV (ffcsv) of the statistics offices (Destatis GENESIS-Online, IT.NRW Landesdatenbank).

One value per row: `time`, the region in one of the `N_variable_code/N_variable_attribute_code` column pairs
(GEMEIN: 8-digit municipality key, KREISE: 5-digit district key), `value_variable_code`, `value` with a decimal
comma, and the quality column `value_q`. A value cell may hold a mark instead of a number: `-` nothing / no figure,
`.` unknown or kept secret, `x` not meaningful, `/` not reliable enough, `...` later. Marks become a status, never 0:
`.` → confidential, `x` → not_applicable, the others → missing. In `value_q`, `p` marks a provisional value and
`s` an estimate.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import pandas as pd

from sources.errors import EmptyDeliveryError, LayoutError
from sources.parsers.common import Delivery, ParseResult, RowReader, classify_key, parse_year, reject_duplicates
from sources.region import Region
from sources.text import number_format_hint, parse_number

MARK_STATUS = {"-": "missing", "/": "missing", "...": "missing", ".": "confidential", "x": "not_applicable"}
REGION_VARIABLES = ("GEMEIN", "KREISE")
REQUIRED = ["time", "value_variable_code", "value"]


def parse_genesis_population(delivery: Delivery, options: Mapping[str, Any], mappings: Mapping[str, Any],
                             region: Region) -> ParseResult:
    variable = options.get("value_variable", "BEVSTD")
    reader = RowReader(delivery, options, REQUIRED, default_encoding="utf-8")
    pair_columns = sorted({m.group(1) for c in reader.column_names if (m := re.fullmatch(r"(\d+)_variable_code", c))})
    if not pair_columns:
        raise LayoutError(delivery.source_id, delivery.file_name, "no '1_variable_code' column",
                          row=reader.header_line, expected="a GENESIS flat file (ffcsv) with variable column pairs")
    region_variables = tuple(options.get("region_variables", REGION_VARIABLES))
    records, findings = [], []
    matched = 0
    for line, cells in reader.rows(findings):
        if cells["value_variable_code"] != variable:
            continue
        matched += 1
        n = next((n for n in pair_columns if cells.get(f"{n}_variable_code") in region_variables), None)
        if n is None:
            findings.append(reader.finding(line.number, "1_variable_code", cells.get("1_variable_code"),
                                           "no column pair holds a region variable",
                                           f"one of {region_variables} in an N_variable_code column"))
            continue
        key_column = f"{n}_variable_attribute_code"
        key, problem = classify_key(reader, region, line, key_column, cells.get(key_column, ""))
        if problem:
            findings.append(problem)
            continue
        year, problem = parse_year(reader, line, "time", cells["time"])
        if problem:
            findings.append(problem)
            continue
        raw_value = cells["value"].strip()
        quality = cells.get("value_q", "").strip()
        if raw_value in MARK_STATUS:
            value, status, mark = None, MARK_STATUS[raw_value], raw_value
        else:
            try:
                value = parse_number(raw_value, reader.decimal)
            except ValueError:
                findings.append(reader.finding(line.number, "value", raw_value, f"{raw_value!r} is not a number",
                                               f"{number_format_hint(reader.decimal)} or a GENESIS mark "
                                               f"({', '.join(MARK_STATUS)})"))
                continue
            if value < 0:
                findings.append(reader.finding(line.number, "value", raw_value, "a population cannot be negative",
                                               "a count of at least 0"))
                continue
            status = "estimated" if quality == "s" else "reported"
            mark = quality or None
        records.append({
            "delivery_id": delivery.delivery_id, "source_row": line.number, "ags": key, "year": year,
            "population": value, "quality_mark": mark, "value_status": status, "provisional": quality == "p",
        })  # fmt: skip
    if matched == 0:
        raise EmptyDeliveryError(delivery.source_id, delivery.file_name,
                                 f"no rows with value_variable_code {variable!r}",
                                 expected=f"rows of the variable {variable} (options.value_variable)")
    frame = pd.DataFrame(records, columns=RAW_COLUMNS)
    frame, dupes = reject_duplicates(reader, frame, ["ags", "year"])
    return ParseResult(frame, findings + dupes)


RAW_COLUMNS = ["delivery_id", "source_row", "ags", "year", "population", "quality_mark", "value_status", "provisional"]
