"""The release as one Excel workbook for climate managers (`exports/klimamonitor.xlsx`).

The first sheet (`Spalten`) describes every column of every table: description, unit, type, decimals and the
release the workbook came from; then one sheet per published table, a header row (frozen, with a filter) and the
rows of its Parquet file. Numbers are rounded to the decimals the catalog declares and shown with that many;
booleans are Excel booleans (WAHR/FALSCH in a German Excel), dates and times real Excel dates (times in UTC), list
columns JSON text. Text is always written as text, never as a formula.

Written with XlsxWriter in constant-memory mode, row by row from Arrow batches (about 15,000 cells a second). The
lineage table is not in the workbook (contract 3.0.0): it is the trace of every published cell, for programs rather
than for reading in Excel (64,000 of the demo release's 87,000 rows, three quarters of the workbook's time); it is in
`lineage.parquet`, `exports/lineage.csv`, the DuckDB file and `klimamonitor trace`. A table with more rows than
`max_rows` (`publishing.workbook_max_rows`, 100,000 unless configured; at most the 1,048,575 a sheet holds) is left
out too: such a sheet is slow to open and to filter, and writing it is most of the time of a state's workbook. The
first sheet says where each left-out table is.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import xlsxwriter

from warehouse.catalog import get_table
from warehouse.schema import Field

WORKBOOK = "klimamonitor.xlsx"
COLUMNS_SHEET = "Spalten"
MAX_ROWS = 1_048_575  # an Excel sheet's rows less the header
_COLUMNS_HEADER = ["table", "column", "description", "unit", "type", "decimals", "release"]
# Tables the workbook leaves out whatever their size, and where to find them instead.
LEFT_OUT = {"lineage": "not in this workbook: the trace of every published cell is for programs; use lineage.parquet, "
                       "exports/lineage.csv, klimamonitor.duckdb or `klimamonitor trace`"}


def _cell(value, col: Field):
    if value is None:
        return None
    if col.type == "number":
        return round(value, col.decimals)
    if col.type.startswith("list_"):
        return json.dumps(value, ensure_ascii=False)
    if col.type == "datetime":
        return value.replace(tzinfo=None)  # Excel has no time zones: UTC, as the column description says
    return value


def _formats(book: xlsxwriter.Workbook, table) -> dict[str, object]:
    formats = {}
    for col in table.columns:
        if col.type == "number":
            places = "." + "0" * col.decimals if col.decimals else ""
            formats[col.name] = book.add_format({"num_format": "0" + places})
        elif col.type == "date":
            formats[col.name] = book.add_format({"num_format": "yyyy-mm-dd"})
        elif col.type == "datetime":
            formats[col.name] = book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    return formats


def write_workbook(release_dir: Path, tables: list[str], release_id: str, max_rows: int = 100_000) -> Path:
    """Write `exports/klimamonitor.xlsx` from the release's Parquet files, a sheet per table of at most `max_rows`
    rows; returns its path."""
    max_rows = min(max_rows, MAX_ROWS)
    target = Path(release_dir) / "exports" / WORKBOOK
    target.parent.mkdir(parents=True, exist_ok=True)
    book = xlsxwriter.Workbook(str(target), {"constant_memory": True, "strings_to_formulas": False,
                                             "strings_to_urls": False, "strings_to_numbers": False,
                                             "nan_inf_to_errors": True})
    bold = book.add_format({"bold": True})
    try:
        info = book.add_worksheet(COLUMNS_SHEET)
        info.write_row(0, 0, _COLUMNS_HEADER, bold)
        info.freeze_panes(1, 0)
        row = 1
        large = {}
        for name in tables:
            rows = pq.ParquetFile(Path(release_dir) / f"{name}.parquet").metadata.num_rows
            if rows > max_rows and name not in LEFT_OUT:
                large[name] = rows
            for col in get_table(name).columns:
                info.write_row(row, 0, [name, col.name, col.description, col.unit or "", col.type,
                                        "" if col.decimals is None else col.decimals, release_id])
                row += 1
        for name, rows in large.items():
            info.write_row(row, 0, [name, "", f"not in this workbook: {rows:,} rows, more than {max_rows:,} "
                                    f"(publishing.workbook_max_rows); use exports/{name}.csv or {name}.parquet", "",
                                    "", "", release_id])
            row += 1
        for name in tables:
            if name in LEFT_OUT:
                info.write_row(row, 0, [name, "", LEFT_OUT[name], "", "", "", release_id])
                row += 1
        info.autofilter(0, 0, row - 1, len(_COLUMNS_HEADER) - 1)
        info.set_column(0, 1, 24)
        info.set_column(2, 2, 90)
        info.set_column(6, 6, 32)
        for name in tables:
            if name not in large and name not in LEFT_OUT:
                _write_sheet(book, bold, Path(release_dir) / f"{name}.parquet", name)
    finally:
        book.close()
    return target


def _write_sheet(book: xlsxwriter.Workbook, bold, parquet: Path, name: str) -> None:
    table = get_table(name)
    sheet = book.add_worksheet(name)
    formats = _formats(book, table)
    sheet.write_row(0, 0, table.column_names, bold)
    sheet.freeze_panes(1, 0)
    for i, col in enumerate(table.columns):
        sheet.set_column(i, i, max(10, min(40, len(col.name) + 2)), formats.get(col.name))
    row = 1
    for batch in pq.ParquetFile(parquet).iter_batches(batch_size=20_000, columns=table.column_names):
        values = [[_cell(v, col) for v in batch.column(i).to_pylist()] for i, col in enumerate(table.columns)]
        for record in zip(*values, strict=True):
            for i, value in enumerate(record):
                if value is None:
                    continue
                if isinstance(value, str):
                    sheet.write_string(row, i, value)
                else:
                    sheet.write(row, i, value, formats.get(table.columns[i].name))
            row += 1
    sheet.autofilter(0, 0, max(row - 1, 1), len(table.columns) - 1)
