"""Population from GENESIS deliveries of the statistics offices, recognised by content: the flat-file CSV (ffcsv) of
Destatis GENESIS-Online and IT.NRW, or the classic table (CSV or xlsx) of the Regionaldatenbank and the
Landesdatenbank NRW (read by sources/parsers/genesis_table.py; the population column is the one whose header says
`Bevölkerungsstand`, else `Insgesamt`, or options.population_column).

Every value carries its census basis (`census_basis`): the offices update the population from the latest census,
so 31.12.2022 onwards stands on the 2022 census, 2011-2021 on the 2011 census, earlier years on the censuses of 1987
(west) and the register of 1990 (east). Where the basis changes inside a delivered series, the first year on the
new basis has `basis_break` true: the step between the two years is partly the new count, never growth.

Flat file:

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
from sources.parsers.common import (Delivery, DeliveryReporter, ParseResult, RowReader, classify_key, finding_for, parse_year,
                                   reject_duplicates)
from sources.region import Region
from sources.text import number_format_hint, parse_number

MARK_STATUS = {"-": "missing", "/": "missing", "...": "missing", ".": "confidential", "x": "not_applicable"}
REGION_VARIABLES = ("GEMEIN", "KREISE")
REQUIRED = ["time", "value_variable_code", "value"]


def census_basis(year: int | None) -> str | None:
    if year is None or pd.isna(year):
        return None
    return "zensus_2022" if year >= 2022 else "zensus_2011" if year >= 2011 else "vz_1987_register_1990"


def with_basis(frame: pd.DataFrame) -> pd.DataFrame:
    """census_basis per row and basis_break where the basis differs from the previous delivered year of the key."""
    frame = frame.copy()
    frame["census_basis"] = [census_basis(y) for y in frame["year"]]
    ordered = frame.sort_values(["ags", "year"])
    previous = ordered.groupby("ags")["census_basis"].shift()
    frame["basis_break"] = (previous.notna() & (previous != ordered["census_basis"])).reindex(frame.index)
    return frame[RAW_COLUMNS]


POPULATION_LABELS = ("Bevölkerungsstand", "Insgesamt")


def _classic_population(delivery: Delivery, options: Mapping[str, Any], region: Region) -> ParseResult:
    from sources.parsers.genesis_table import classic_values

    _, result = classic_values(delivery, options, region)
    values = result.rows
    labels = [options["population_column"]] if "population_column" in options else POPULATION_LABELS
    variables = [v for v in dict.fromkeys(values["variable"].dropna())]
    column = next((v for label in labels for v in variables if label.casefold() in v.casefold()
                   and "dichte" not in v.casefold()), None)
    if column is None:
        raise LayoutError(delivery.source_id, delivery.file_name, f"no population column among {variables}",
                          expected=f"a column whose header contains one of {list(labels)} (options.population_column)")
    rows = values[values["variable"] == column]
    findings = list(result.findings)
    keys, where = region.classify_many(rows["region_key"])
    inside = where == "inside"
    outside = int((~inside).sum())
    if outside:
        findings.append(finding_for(delivery, None, "region_key", None, f"{outside} population value(s) of regions "
                                    "other than the configured municipalities and district were filtered out",
                                    kind="filtered", rows_affected=outside))
    rows, keys = rows[inside], keys[inside]
    frame = pd.DataFrame({
        "delivery_id": delivery.delivery_id, "source_row": rows["source_row"].astype("int64"), "ags": keys,
        "year": rows["year"].astype("int64"), "population": rows["value"], "quality_mark": rows["quality_mark"],
        "value_status": rows["value_status"], "provisional": False,
    })  # fmt: skip
    frame, dupes = reject_duplicates(DeliveryReporter(delivery), with_basis(frame.reset_index(drop=True)), ["ags", "year"])
    return ParseResult(frame, findings + dupes)


def parse_genesis_population(delivery: Delivery, options: Mapping[str, Any], mappings: Mapping[str, Any],
                             region: Region) -> ParseResult:
    from sources.parsers.genesis_table import is_classic

    if is_classic(delivery):
        return _classic_population(delivery, options, region)
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
    frame = with_basis(pd.DataFrame(records, columns=RAW_COLUMNS[:-2]))
    frame, dupes = reject_duplicates(reader, frame, ["ags", "year"])
    return ParseResult(frame, findings + dupes)


RAW_COLUMNS = ["delivery_id", "source_row", "ags", "year", "population", "quality_mark", "value_status", "provisional",
               "census_basis", "basis_break"]
