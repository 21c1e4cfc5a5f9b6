"""GENESIS tables as the statistical offices hand them out (Regionaldatenbank, Landesdatenbank NRW, GENESIS-Online):
the classic table CSV and its xlsx download, and the flat file (ffcsv).

Classic table (CSV or xlsx, read as published): a header block (`GENESIS-Tabelle: 12411-01-01-4` or `Tabelle:
12411-15i`, the title, the regional depth, the statistic), stacked header rows above each value column (variable,
attribute, reference date, unit: `Anzahl`, `qkm`, `Tsd. MJ`), then one data row per region and, in the long layout,
per reference date (`31.12.2024;05974;Soest, Kreis;...`; wide layout: the dates in the header rows), region keys of
the offices (`DG` Germany, 2 digits a state, 3 a Regierungsbezirk, 5 a district, 8 or 9 a municipality or
Verbandsgemeinde) with names indented by blanks, and below the table a line `__________`, footnotes, the copyright
line (`©`) and `Stand:`. A classic CSV without that footer was cut off: it is refused as truncated.

Marks instead of values become a status and stay in `quality_mark`, never 0 (the offices' legend): `-` nothing
(no figure), `.` unknown or secret (confidential), `x` not meaningful (not_applicable), `/` not reliable enough, `...`
later (missing).

Every value cell becomes one long row: table code, region key and name, time (reference date or year), the header
path of its column (`variable`), unit, value and status (raw_genesis__table_values). Format-specific parsers pick
their values from it (population with its census basis: sources/parsers/genesis.py).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from sources.errors import EmptyDeliveryError, EncodingError, LayoutError
from sources.parsers.common import Delivery, ParseResult, finding_for
from sources.parsers.sheets import Grid, cell_text, is_xlsx, read_sheets, sheet_named
from sources.region import Region
from sources.text import decode, parse_number, split_lines

MARK_STATUS = {"-": "missing", "/": "missing", "...": "missing", ".": "confidential", "x": "not_applicable"}
KEY = re.compile(r"^(DG|\d{2,3}|\d{5,12})$")  # DG, state, Regierungsbezirk, district, municipality (8-12)
DATE = re.compile(r"^(\d{2})\.(\d{2})\.(\d{4})$|^(\d{4})$")
TABLE_CODE = re.compile(r"^(?:GENESIS-)?Tabelle:\s*([0-9A-Za-z-]+)")
UNITS = {"anzahl", "qkm", "ew pro qkm", "tsd. mj", "1000 qm", "1000", "tsd.", "%", "ha", "km²", "mwh", "tsd. eur",
         "eur", "personen", "prozent", "1000 eur", "qm", "kw", "mw", "t"}
COLUMNS = ["delivery_id", "source_row", "table_code", "region_key", "region_name", "time", "year", "variable", "unit",
           "value", "value_status", "quality_mark"]


@dataclass
class ClassicTable:
    table_code: str | None
    title: str
    values: pd.DataFrame  # COLUMNS without delivery_id
    footer: bool  # the copyright / Stand lines below the table were found
    skipped: int = 0  # values of regions out of scope, not read


def text_grid(delivery: Delivery, options: Mapping[str, Any]) -> Grid:
    """A delimited file as a grid of text cells; the offices write UTF-8 or Latin-1 (options.encoding overrides)."""
    data = delivery.content()
    if "encoding" in options:
        text = decode(data, options["encoding"], delivery.source_id, delivery.file_name)
    else:
        try:
            text = decode(data, "utf-8", delivery.source_id, delivery.file_name)
        except EncodingError:
            text = decode(data, "cp1252", delivery.source_id, delivery.file_name)
    grid = LineGrid()
    for line in split_lines(text, options.get("separator", ";"), delivery.source_id, delivery.file_name):
        grid.append(line.cells)
        grid.lines.append(line.number)  # the file line where the record starts (quoted cells span lines)
    return grid


class LineGrid(list):
    """A grid that knows the file line where each of its records starts."""

    def __init__(self):
        super().__init__()
        self.lines: list[int] = []


def grid_of(delivery: Delivery, options: Mapping[str, Any]) -> tuple[str | None, Grid]:
    """(sheet name, grid): the first sheet holding a GENESIS table of an xlsx download, else (None, the CSV)."""
    if is_xlsx(delivery.content()):
        return sheet_named(delivery, read_sheets(delivery), options.get("sheet"),
                           lambda g: first_data_row(g) is not None)
    return None, text_grid(delivery, options)


def _fill_merged(header: list[list[str]], first: int) -> list[list[str]]:
    """Header rows of an xlsx download, where a merged label stands only in its first cell: a blank cell takes the
    label on its left if the cell above it did too (the same parent span); the top row fills freely."""
    filled, spans = [], None
    for row in header:
        row, carried = list(row), [False] * len(row)
        for j in range(first + 1, len(row)):
            if not row[j] and row[j - 1] and (spans is None or (j < len(spans) and spans[j])):
                row[j], carried[j] = row[j - 1], True
        filled.append(row)
        spans = carried
    return filled


def _texts(row: list[Any]) -> list[str]:
    return [cell_text(c) for c in row]


def _key_at(cells: list[str]) -> int | None:
    """Position of the region key in a data row: column 0 (wide layout) or 1 (long layout, time first); the region's
    name follows it (a word, never a number: a partner's 'key; year; value' row is no GENESIS row)."""
    for i in (0, 1):
        if len(cells) > i + 2 and KEY.match(cells[i]) and re.search(r"[^\W\d_]", cells[i + 1]) \
                and (i == 0 or DATE.match(cells[0])):
            return i
    return None


def first_data_row(grid: Grid) -> int | None:
    for n, row in enumerate(grid[:60]):
        cells = _texts(row)
        if _key_at(cells) is not None and any(c for c in cells[_key_at(cells) + 2:]):
            return n
    return None


def _year(time: str) -> int | None:
    m = DATE.match(time)
    return None if m is None else int(m.group(3) or m.group(4))


def read_classic(delivery: Delivery, grid: Grid, decimal: str = ",", sheet: str | None = None,
                 wanted=lambda key: True) -> ClassicTable:
    """The table's values; rows whose key `wanted` refuses are only counted (`ClassicTable.skipped`)."""
    start = first_data_row(grid)
    if start is None:
        raise LayoutError(delivery.source_id, delivery.file_name, "no data row with a region key in the first 60 rows",
                          expected="a GENESIS table: header block, header rows, rows 'key;name;values' ")
    rows = [_texts(r) for r in grid]
    key_at = _key_at(rows[start])
    first_value = key_at + 2
    header_top = start
    while header_top > 0 and any(c for c in rows[header_top - 1][first_value:]):
        header_top -= 1
    header, block = rows[header_top:start], rows[:header_top]
    width = max(len(r) for r in rows[header_top:start + 1])
    unit_row = header[-1] if header and all(c.casefold() in UNITS for c in header[-1][first_value:] if c) else None
    labels = header[:-1] if unit_row is not None else header
    if sheet is not None:
        labels = _fill_merged(labels, first_value)
    joined = " ".join(" ".join(c for c in r if c) for r in block)
    code = next((m.group(1) for r in block if r and (m := TABLE_CODE.match(r[0]))), None)
    if code is None and sheet and re.fullmatch(r"\d{5}-[0-9A-Za-z-]+", sheet):
        code = sheet  # the xlsx download names its sheet by the table code
    stated = re.search(r"Stichtag:?\s*(\d{2}\.\d{2}\.\d{4})", joined)  # one reference date for the whole table
    columns = []
    for j in range(first_value, width):
        path = [r[j] for r in labels if j < len(r) and r[j]]
        time = next((p for p in path if DATE.match(p)), None)
        variable = " / ".join(dict.fromkeys(p for p in path if p != time)) or None
        unit = (unit_row[j] if unit_row is not None and j < len(unit_row) else "") or None
        columns.append((j, time, variable, unit))
    records = []
    end, skipped = start, 0
    for n in range(start, len(rows)):
        cells = rows[n]
        if not any(cells):
            continue
        if _key_at(cells) != key_at:
            break
        end = n
        if not wanted(cells[key_at]):
            skipped += len(columns)
            continue
        time_cell = cells[0] if key_at == 1 else (stated.group(1) if stated else None)
        for j, time, variable, unit in columns:
            raw = cells[j] if j < len(cells) else ""
            line = grid.lines[n] if isinstance(grid, LineGrid) else n + 1
            records.append(_value(line, code, cells[key_at], cells[key_at + 1].strip(), time or time_cell,
                                  variable, unit, raw, grid[n][j] if j < len(grid[n]) else "", decimal))
    tail = " ".join(" ".join(r) for r in rows[end + 1:])
    footer = "©" in tail or "Stand:" in tail
    frame = pd.DataFrame(records, columns=COLUMNS[1:])
    return ClassicTable(code, joined, frame, footer, skipped)


def _value(line: int, code, key, name, time, variable, unit, text: str, cell: Any, decimal: str) -> dict:
    mark, status, value = None, "reported", None
    if isinstance(cell, float):
        value = cell
    elif text in MARK_STATUS:
        mark, status = text, MARK_STATUS[text]
    elif text == "":
        status = "missing"
    else:
        try:
            value = parse_number(text, decimal)
        except ValueError:
            status, mark = "missing", text  # reported by the caller as a finding
    return {"source_row": line, "table_code": code, "region_key": key, "region_name": name, "time": time,
            "year": _year(time) if time else None, "variable": variable, "unit": unit, "value": value,
            "value_status": status, "quality_mark": mark}


def key_in_scope(key: str, region: Region) -> bool:
    """A region key inside the configured region or above it (its state, Regierungsbezirk, Germany): the others are
    filtered out. Offices' keys are shorter than 8 digits for districts and above."""
    prefix = region.prefix
    return key == "DG" or key.startswith(prefix) or (key.isdigit() and prefix.startswith(key))


def in_scope(keys: pd.Series, region: Region) -> pd.Series:
    # bool also for no keys at all (an empty map keeps the text dtype, whose sum is '')
    return keys.fillna("").astype(str).map(lambda key: key_in_scope(key, region)).astype(bool)


def table_findings(delivery: Delivery, frame: pd.DataFrame) -> list:
    bad = frame[(frame["value_status"] == "missing") & frame["quality_mark"].notna()
                & ~frame["quality_mark"].isin(list(MARK_STATUS))]
    return [finding_for(delivery, int(r.source_row), r.variable, r.quality_mark,
                        f"{r.quality_mark!r} is neither a number nor a mark of the statistical offices",
                        f"a number such as 1.234,5 or a mark ({', '.join(MARK_STATUS)})")
            for r in bad.itertuples(index=False)]


def classic_values(delivery: Delivery, options: Mapping[str, Any], region: Region) -> tuple[ClassicTable, ParseResult]:
    sheet, grid = grid_of(delivery, options)
    table = read_classic(delivery, grid, options.get("decimal", ","), sheet, lambda key: key_in_scope(key, region))
    if sheet is None and not table.footer and options.get("require_footer", True):
        raise LayoutError(delivery.source_id, delivery.file_name, "the table ends without the offices' footer "
                          "(copyright line and 'Stand:'): the file looks cut off", expected="the complete download")
    frame = table.values
    findings = table_findings(delivery, frame)
    return table, scoped(delivery, frame, region, findings, table.skipped)


def scoped(delivery: Delivery, frame: pd.DataFrame, region: Region, findings: list, skipped: int = 0) -> ParseResult:
    """The values of regions in scope (`in_scope`), with one filtered finding counting the others."""
    keep = in_scope(frame["region_key"], region)
    outside = int((~keep).sum()) + skipped
    if outside:
        findings.append(finding_for(delivery, None, "region_key", None, f"{outside} value(s) of regions outside the "
                                    "configured region were filtered out", kind="filtered", rows_affected=outside))
    frame = frame[keep].copy()
    frame.insert(0, "delivery_id", delivery.delivery_id)
    return ParseResult(frame.reset_index(drop=True), findings)


FLAT_REQUIRED = {"time", "value"}


def is_classic(delivery: Delivery) -> bool:
    """A classic table (its header block names the table code) or an xlsx download, not a flat file."""
    data = delivery.content()
    first = data[:256].decode("utf-8-sig", errors="replace").lstrip().split(";")[0]
    return is_xlsx(data) or TABLE_CODE.match(first) is not None


def is_flat(first_line: str) -> bool:
    names = {c.strip().strip('"').lstrip("\ufeff") for c in first_line.split(";")}
    return FLAT_REQUIRED <= names and bool(names & {"value_variable_code", "1_variable_code"})


def flat_values(delivery: Delivery, options: Mapping[str, Any], region: Region) -> ParseResult:
    """A flat file (ffcsv, old and new column sets) as long values: the region from the variable pair whose code is
    a region variable (DG, DLAND, REGBEZ, KREISE, GEMEIN), the other pairs' attributes in `variable`."""
    grid = text_grid(delivery, options)
    header = [c.strip() for c in grid[0]]
    if not is_flat(";".join(header)):
        raise LayoutError(delivery.source_id, delivery.file_name, "neither a GENESIS classic table (a first line "
                          "'GENESIS-Tabelle: <code>') nor a flat file (columns time, value, 1_variable_code, ...)",
                          row=grid.lines[0], expected="a GENESIS table as downloaded")
    index = {c: i for i, c in enumerate(header)}
    pairs = sorted({m.group(1) for c in header if (m := re.fullmatch(r"(\d+)_variable_code", c))}, key=int)
    region_vars = set(options.get("region_variables", ("DG", "DINSG", "DLAND", "REGBEZ", "KREISE", "GEMEIN")))
    records, findings = [], []
    for n, row in enumerate(grid[1:], start=2):
        if not any(row):
            continue
        if len(row) != len(header):
            findings.append(finding_for(delivery, n, None, ";".join(row)[:200], f"the row has {len(row)} cells, the "
                                        f"header has {len(header)}", f"{len(header)} cells separated by ';'"))
            continue
        get = lambda name: row[index[name]].strip() if name in index else ""  # noqa: E731
        key, parts = None, []
        for p in pairs:
            code, attribute = get(f"{p}_variable_code"), get(f"{p}_variable_attribute_code")
            if code in region_vars:
                key = attribute or ("DG" if code in ("DG", "DINSG") else attribute)
            elif code:
                parts.append(f"{code}={attribute or get(f'{p}_variable_attribute_label')}")
        variable = " / ".join([get("value_variable_code") or get("value_variable_label"), *parts])
        record = _value(grid.lines[n - 1], get("statistics_code") or None, key or "DG", "", get("time"), variable,
                        get("value_unit") or None, get("value"), "", options.get("decimal", ","))
        record["quality_mark"] = record["quality_mark"] or (get("value_q") or None)
        records.append(record)
    if not records:
        raise EmptyDeliveryError(delivery.source_id, delivery.file_name, "the flat file has no data rows",
                                 expected="rows below the header")
    return scoped(delivery, pd.DataFrame(records, columns=COLUMNS[1:]), region, findings)


def parse_genesis_table(delivery: Delivery, options: Mapping[str, Any], mappings: Mapping[str, Any],
                        region: Region) -> ParseResult:
    """Any GENESIS table (classic CSV, xlsx, flat file) into raw_genesis__table_values, recognised by content."""
    if not is_classic(delivery):
        return flat_values(delivery, options, region)
    _, result = classic_values(delivery, options, region)
    return result
