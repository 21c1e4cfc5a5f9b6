"""What every delimited-text parser shares: the delivery it reads, the result it returns, the table reader that finds
the header below a header block and yields data rows with their line numbers, and the reading of value cells that
may hold marks instead of numbers (confidential, no value) — which become a status, never 0.
"""

from __future__ import annotations

import io
import json
import re
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import pandas as pd

from sources.errors import EmptyDeliveryError, Finding, LayoutError
from sources.region import INSIDE, INVALID, UNKNOWN, Region
from sources.text import (MAX_LINE_BYTES, Line, check_line_length, decode, find_header, number_format_hint,
                          parse_number, split_lines)

DEFAULT_CONFIDENTIAL_MARKS = ("•", "*", "x", "X", ".", "vertraulich", "geheim")
DEFAULT_MISSING_MARKS = ("", "-", "–", "—", "k.A.", "k. A.", "/", "...")
_FOOTNOTE = re.compile(r"^(\d+\)|\*+\)?|Fußnote|Fussnote|Quelle|Hinweis|Anmerkung|Stand|Legende)", re.IGNORECASE)


@dataclass(frozen=True)
class Delivery:
    """A landed delivery as a parser sees it: its bytes, or the path of the archived file (read or streamed)."""

    delivery_id: str
    source_id: str
    file_name: str
    data: bytes | None = None
    path: Path | None = None

    def content(self) -> bytes:
        return self.data if self.data is not None else Path(self.path).read_bytes()

    def size(self) -> int:
        return len(self.data) if self.data is not None else Path(self.path).stat().st_size

    def open(self) -> BinaryIO:
        return io.BytesIO(self.data) if self.data is not None else open(self.path, "rb")


MAX_DECOMPRESS_SECONDS = 3600  # unpacking one delivery (options.max_decompress_seconds)


class UnpackBudget:
    """Caps on what one compressed delivery may unpack to — bytes (options.max_uncompressed_bytes) and seconds
    (options.max_decompress_seconds) — so a zip or gzip bomb is refused, naming the cap, instead of filling memory,
    disk or the night."""

    def __init__(self, delivery: Delivery, options: Mapping[str, Any], default_bytes: int, what: str = "the file"):
        self.delivery, self.what = delivery, what
        self.max_bytes = int(options.get("max_uncompressed_bytes", default_bytes))
        self.max_seconds = float(options.get("max_decompress_seconds", MAX_DECOMPRESS_SECONDS))
        self.used = 0
        self.deadline = time.monotonic() + self.max_seconds

    def spend(self, size: int) -> None:
        self.used += size
        if self.used > self.max_bytes:
            self._refuse(f"{self.what} unpack(s) to more than {self.max_bytes:,} bytes (the cap on unpacked size, "
                         "options.max_uncompressed_bytes)")
        if time.monotonic() > self.deadline:
            self._refuse(f"unpacking took longer than {self.max_seconds:g} s (the time budget, "
                         "options.max_decompress_seconds)")

    def _refuse(self, problem: str) -> None:
        raise LayoutError(self.delivery.source_id, self.delivery.file_name, f"{problem}; it was not read further",
                          expected="a delivery of normal size")

    def gunzip(self, source: Path, target: Path, chunk: int = 1 << 20) -> None:
        """Unpack a gzip file into `target` within the caps (a damaged archive is a LayoutError too)."""
        import gzip
        import zlib

        try:
            with gzip.open(source, "rb") as packed, open(target, "wb") as plain:
                while block := packed.read(chunk):
                    self.spend(len(block))
                    plain.write(block)
        except (OSError, EOFError, zlib.error) as exc:
            raise LayoutError(self.delivery.source_id, self.delivery.file_name, f"the gzip archive cannot be "
                              f"unpacked ({exc})", expected="a complete gzip file") from None


@dataclass
class ParseResult:
    rows: pd.DataFrame
    findings: list[Finding] = field(default_factory=list)


@dataclass
class Cell:
    value: float | None
    status: str  # reported | confidential | missing
    finding: Finding | None = None


def finding_for(delivery: Delivery, row: int | None, column: str | None, raw: str | None, problem: str,
                expected: str | None = None, kind: str = "rejected", rows_affected: int = 1) -> Finding:
    d = delivery
    return Finding(d.source_id, d.file_name, d.delivery_id, row, column, raw, problem, expected, kind, rows_affected)


class DeliveryReporter:
    """Findings for a delivery without a row reader (frames built from grids, XML or batches)."""

    def __init__(self, delivery: Delivery):
        self.delivery = delivery

    def finding(self, *args, **kwargs) -> Finding:
        return finding_for(self.delivery, *args, **kwargs)


def json_records(delivery: Delivery) -> list[Line]:
    """A JSON snapshot (a list of objects, or an object holding one under `items`) as table lines: line 0 is the
    header (every key, in order of first appearance), line N the N-th record. Values become text as a CSV would hold
    them (null → empty, i.e. missing); nested values are refused."""
    try:
        payload = json.loads(delivery.content().decode("utf-8-sig"))
    except (ValueError, RecursionError) as exc:  # not UTF-8, not JSON, a number too long, nesting too deep
        raise LayoutError(delivery.source_id, delivery.file_name, f"not valid JSON: {str(exc)[:200]}",
                          expected="a JSON list of records") from None
    records = payload.get("items") if isinstance(payload, dict) else payload
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise LayoutError(delivery.source_id, delivery.file_name, "the JSON holds no list of records",
                          expected="a list of objects, or an object with a list under 'items'")
    if not records:
        raise EmptyDeliveryError(delivery.source_id, delivery.file_name, "the JSON holds no records",
                                 expected="at least one record")
    keys = list(dict.fromkeys(k for r in records for k in r))

    def text(value: Any, number: int, key: str) -> str:
        if isinstance(value, dict | list):
            raise LayoutError(delivery.source_id, delivery.file_name, "a nested value where a single value belongs",
                              row=number, column=key, expected="flat records")
        if value is None:
            return ""
        if isinstance(value, bool):
            return "true" if value else "false"
        return str(value)

    return [Line(0, keys), *[Line(n, [text(r.get(k), n, k) for k in keys]) for n, r in enumerate(records, start=1)]]


def sheet_lines(delivery: Delivery, sheet: str | None, required: list[str]) -> list[Line]:
    """The rows of a workbook's sheet (options.sheet, else the first holding the required columns) as table lines,
    numbered as the spreadsheet numbers its rows; numbers as plain text (decimal point), dates as YYYY-MM-DD. A number
    a partner typed as text is read with a decimal point too (a text cell `1.234,5` is a finding naming the cell):
    a workbook's own number cells and ids (`Nr.` 1.1) stay as they are, whatever the source's decimal mark."""
    from sources.parsers.sheets import cell_text, read_sheets, sheet_named

    wanted = {r.casefold() for r in required}
    _, grid = sheet_named(delivery, read_sheets(delivery), sheet, lambda g: any(
        wanted <= {cell_text(c).casefold() for c in row} for row in g[:30]))
    return [Line(n, [cell_text(c) for c in row]) for n, row in enumerate(grid, start=1)]


class RowReader:
    """A delimited table inside a delivery: header block, header row, data rows, footnotes."""

    def __init__(self, delivery: Delivery, options: Mapping[str, Any], required: list[str], *,
                 default_encoding: str = "utf-8", default_separator: str = ";", spreadsheet: bool = False):
        self.delivery = delivery
        self.encoding = options.get("encoding", default_encoding)
        self.separator = options.get("separator", default_separator)
        self.decimal = options.get("decimal", ",")
        self.confidential_marks = tuple(options.get("confidential_marks", DEFAULT_CONFIDENTIAL_MARKS))
        self.missing_marks = tuple(options.get("missing_marks", DEFAULT_MISSING_MARKS))
        if delivery.file_name.lower().endswith(".json"):  # a JSON snapshot (HTTP json_pages): records as rows
            self.decimal, text = ".", "\n"
            self.lines = json_records(delivery)
        elif spreadsheet and delivery.content().startswith(b"PK\x03\x04"):  # an xlsx workbook: sheet rows as lines
            self.decimal, text = ".", "\n"
            self.lines = sheet_lines(delivery, options.get("sheet"), required)
        else:
            data = delivery.content()
            check_line_length(data, int(options.get("max_line_bytes", MAX_LINE_BYTES)), delivery.source_id,
                              delivery.file_name)
            text = decode(data, self.encoding, delivery.source_id, delivery.file_name)
            self.lines = split_lines(text, self.separator, delivery.source_id, delivery.file_name)
        header_index = find_header(self.lines, required, delivery.source_id, delivery.file_name, self.separator)
        self.header_block = self.lines[:header_index]
        header = self.lines[header_index]
        self.header_line = header.number
        self.columns = {name.casefold(): i for i, name in enumerate(header.cells) if name}
        self.column_names = [c for c in header.cells]
        self._data = self.lines[header_index + 1:]
        self._ends_with_newline = text.endswith(("\n", "\r"))

    def has(self, column: str) -> bool:
        return column.casefold() in self.columns

    def header_value(self, *labels: str) -> str | None:
        """A value from the header block, written as `Label: value` or `Label;value`."""
        wanted = [label.casefold() for label in labels]
        for line in self.header_block:
            joined = " ".join(c for c in line.cells if c)
            if ":" in joined:
                label, _, value = joined.partition(":")
            elif len([c for c in line.cells if c]) >= 2:
                label, value = line.cells[0], " ".join(c for c in line.cells[1:] if c)
            else:
                continue
            if label.strip().casefold() in wanted:
                return value.strip()
        return None

    def header_text(self) -> str:
        return " ".join(" ".join(line.cells) for line in self.header_block)

    def rows(self, findings: list[Finding]) -> Iterator[tuple[Line, dict[str, str]]]:
        """Data rows as (line, {column: text}); a row with the wrong number of cells goes to `findings`. Blank rows
        and footnotes (below the table, or lines starting like '1)' / 'Quelle:') are skipped."""
        width = len(self.column_names)
        data_seen = 0
        for position, line in enumerate(self._data):
            if line.blank:
                continue
            first = line.cells[0] if line.cells else ""
            rest_blank = all(not c for c in line.cells[1:])
            if _FOOTNOTE.match(first) or (rest_blank and not re.match(r"^\d", first)):
                continue
            if len(line.cells) != width and not (len(line.cells) > width and all(not c for c in line.cells[width:])):
                is_last = position == len(self._data) - 1
                if is_last and not self._ends_with_newline and len(line.cells) < width:
                    raise LayoutError(
                        self.delivery.source_id, self.delivery.file_name,
                        f"the last row has {len(line.cells)} of {width} cells and the file does not end with a line "
                        "break: the file looks truncated", row=line.number, expected="the complete file",
                    )  # fmt: skip
                findings.append(self.finding(line.number, None, self.separator.join(line.cells),
                                             f"the row has {len(line.cells)} cells, the header has {width}",
                                             f"{width} cells separated by {self.separator!r}"))
                continue
            if data_seen == 0 and not any(re.search(r"\d", c) for c in line.cells):
                raise LayoutError(
                    self.delivery.source_id, self.delivery.file_name,
                    f"the row below the header holds no number at all ({'; '.join(c for c in line.cells if c)!r}): "
                    "it looks like a second header row (units or merged cells from a spreadsheet)",
                    row=line.number, expected="one header row followed directly by data rows",
                )  # fmt: skip
            data_seen += 1
            yield line, {name.casefold(): line.cells[i] for name, i in self.columns.items()}
        if data_seen == 0:
            raise EmptyDeliveryError(
                self.delivery.source_id, self.delivery.file_name, "the file has a header but no data rows",
                row=self.header_line, expected="at least one data row below the header",
            )

    def finding(self, row: int | None, column: str | None, raw: str | None, problem: str,
                expected: str | None = None, kind: str = "rejected") -> Finding:
        return finding_for(self.delivery, row, column, raw, problem, expected, kind)

    def value(self, line: Line, cells: Mapping[str, str], column: str, *, minimum: float | None = 0.0) -> Cell:
        """A numeric cell: reported value, or a mark that means confidential / missing, or a finding."""
        raw = cells.get(column.casefold(), "")
        text = raw.strip()
        if text in self.confidential_marks:
            return Cell(None, "confidential")
        if text in self.missing_marks:
            return Cell(None, "missing")
        try:
            number = parse_number(text, self.decimal)
        except ValueError:
            return Cell(None, "missing", self.finding(
                line.number, column, raw, f"{raw!r} is not a number",
                f"{number_format_hint(self.decimal)}, or a mark for confidential ({', '.join(self.confidential_marks)})"
                f" or no value ({', '.join(repr(m) for m in self.missing_marks if m)})"))
        if minimum is not None and number < minimum:
            return Cell(None, "missing", self.finding(line.number, column, raw, f"{raw} is below {minimum:g}",
                                                      f"a value of at least {minimum:g}"))
        return Cell(number, "reported")


def unknown_key_problem(key: str, region: Region) -> str:
    return (f"key {key} lies in the region ({region.district_ags}) but is not one of its municipalities (a typo, or "
            "a key changed by a boundary reform)")


def classify_key(reader: RowReader, region: Region, line: Line, column: str, raw: str) -> tuple[str | None, Finding | None]:
    """(key, None) inside the region; (None, filtered finding) for a valid key outside; (None, rejected) if invalid or
    unknown."""
    key, where = region.classify(raw)
    if where == INSIDE:
        return key, None
    if where == INVALID:
        return None, reader.finding(line.number, column, raw, f"{raw!r} is not a valid municipality key",
                                    "an 8-digit Amtlicher Gemeindeschlüssel such as 05974004")
    if where == UNKNOWN:
        return None, reader.finding(line.number, column, raw, unknown_key_problem(key, region),
                                    "one of the configured municipalities (municipalities.csv)")
    return None, reader.finding(line.number, column, raw, f"key {key} is outside the configured region; "
                                "the row was filtered out", kind="filtered")


def parse_year(reader: RowReader, line: Line, column: str, raw: str) -> tuple[int | None, Finding | None]:
    match = re.fullmatch(r"(?:\d{1,2}\.\d{1,2}\.)?(\d{4})", raw.strip())
    if not match or not 1990 <= int(match.group(1)) <= 2100:
        return None, reader.finding(line.number, column, raw, f"{raw!r} is not a year", "a year such as 2021")
    return int(match.group(1)), None


def reject_duplicates(reader: RowReader, frame: pd.DataFrame, key: list[str]) -> tuple[pd.DataFrame, list[Finding]]:
    """Rows sharing a key within one delivery. Identical rows (every value alike): one copy is kept and each
    dropped copy is quarantined as one row; conflicting rows are all quarantined, since which is right only the
    partner knows."""
    if frame.empty:
        return frame, []
    mask = frame.duplicated(key, keep=False)
    if not mask.any():
        return frame, []
    values = [c for c in frame.columns if c not in ("delivery_id", "source_row")]
    findings, drop = [], []
    for _, group in frame[mask].groupby(key, sort=False, dropna=False):
        rows = [int(r) for r in group["source_row"]]
        label = ", ".join(f"{k}={group.iloc[0][k]}" for k in key)
        if len(group[values].astype(str).drop_duplicates()) == 1:
            drop += list(group.index[1:])
            findings += [reader.finding(r, None, None, f"row {r} repeats row {rows[0]} ({label}) identically; one "
                                        "copy was kept", "one row per key") for r in rows[1:]]
            continue
        drop += list(group.index)
        findings += [reader.finding(r, None, None, f"the key ({label}) appears in rows {rows}; none was taken "
                                    "(their values differ)", "one row per key") for r in rows]
    return frame.drop(index=drop).reset_index(drop=True), findings


def csv_batches(delivery: Delivery, options: Mapping[str, Any], fields: Mapping[str, str], required: list[str],
                findings: list[Finding], block_bytes: int = 32 * 2**20) -> Iterator[pd.DataFrame]:
    """A large delimited table in column batches (pyarrow, one pass, memory bounded by the block size): frames of
    `source_row` and each field of `fields` (field → header, found case-insensitively; None where absent) as text.

    The header is found as RowReader finds it (below a header block); every data line is numbered as in the file,
    blank lines are skipped, a line with the wrong number of cells goes to `findings` with its line. For machine
    exports without line breaks inside quoted cells (the Marktstammdatenregister's): smaller or hand-made files go
    through RowReader, which also recognises footnotes and truncation.
    """
    import numpy as np
    import pyarrow as pa
    import pyarrow.csv as pacsv

    encoding, separator = options.get("encoding", "utf-8"), options.get("separator", ";")
    with delivery.open() as handle:
        head = handle.read(1 << 20)
    head = head[: head.rfind(b"\n") + 1] or head  # whole lines only (no character cut in two)
    lines = split_lines(decode(head, encoding, delivery.source_id, delivery.file_name), separator,
                        delivery.source_id, delivery.file_name)
    header = lines[find_header(lines, required, delivery.source_id, delivery.file_name, separator)]
    names = {c.casefold(): c for c in header.cells if c}
    wanted = {field: names.get(label.casefold()) for field, label in fields.items()}
    skipped: list[int] = []

    def invalid(row) -> str:
        number = row.number  # the line in the file (pyarrow counts the skipped header block too)
        skipped.append(number)
        findings.append(finding_for(delivery, number, None, row.text[:200], f"the row has {row.actual_columns} "
                                    f"cells, the header has {row.expected_columns}",
                                    f"{row.expected_columns} cells separated by {separator!r}"))
        return "skip"

    pa_encoding = "utf8" if encoding.lower().replace("-", "") in ("utf8", "utf8sig") else encoding
    reader = pacsv.open_csv(
        delivery.open(),
        read_options=pacsv.ReadOptions(skip_rows=header.number - 1, use_threads=False, block_size=block_bytes,
                                       encoding=pa_encoding),
        parse_options=pacsv.ParseOptions(delimiter=separator, ignore_empty_lines=False, invalid_row_handler=invalid),
        convert_options=pacsv.ConvertOptions(column_types={c: pa.string() for c in names.values()},
                                             include_columns=[c for c in wanted.values() if c],
                                             strings_can_be_null=False),
    )  # fmt: skip
    next_line = header.number + 1
    for batch in reader:
        n = batch.num_rows
        pending = np.array([s for s in skipped if s is not None and s >= next_line], dtype="int64")
        span = np.arange(next_line, next_line + n + len(pending))
        numbers = span[~np.isin(span, pending)][:n]
        next_line = int(numbers[-1]) + 1 if n else next_line
        skipped[:] = [s for s in skipped if s is not None and s >= next_line]
        frame = pd.DataFrame({"source_row": numbers, **{
            field: batch.column(column).to_pandas() if column else None for field, column in wanted.items()}})
        present = [column for column in wanted.values() if column]
        blank = np.logical_and.reduce([batch.column(c).to_numpy(zero_copy_only=False) == "" for c in present])
        yield frame[~blank]
