"""Reading delimited text deliveries the way German partners write them: declared encodings (checked), `;` separators,
header blocks above the table, German numbers (`1.234,56`), and marks that stand in for values.

Everything here keeps the line number of the delivered file, so a finding can name the row a partner sees.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

import pandas as pd

from sources.errors import EmptyDeliveryError, EncodingError, LayoutError

_MOJIBAKE = ("Ã¤", "Ã¶", "Ã¼", "ÃŸ", "Ã„", "Ã–", "Ãœ", "Ã©")
_GERMAN_NUMBER = re.compile(r"^[+-]?([1-9]\d{0,2}(\.\d{3})+|\d+)(,\d+)?$")  # 1.234,5; never 0.352 (a decimal point)
_PLAIN_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?([eE][+-]?\d+)?$")


MAX_LINE_BYTES = 1 * 2**20  # a longer line is no table row (options.max_line_bytes); cells: csv.field_size_limit()


def check_line_length(data: bytes, limit: int, source_id: str, file_name: str) -> None:
    """Refuse a file with a line longer than `limit` bytes before it is decoded or split (splitting a huge line
    costs about 40 × its length in memory); a scan of the bytes, nothing copied."""
    start, size = 0, len(data)
    line = 1
    while start < size:
        end = data.find(b"\n", start)
        end = size if end < 0 else end
        if end - start > limit:
            raise LayoutError(source_id, file_name, f"line {line} is longer than {limit:,} bytes (the cap on line "
                              "length, options.max_line_bytes): a huge single line, a broken export or not a table; "
                              "it was not split",
                              row=line, expected="one record per line, each line of normal length")
        start, line = end + 1, line + 1


def decode(data: bytes, encoding: str, source_id: str, file_name: str) -> str:
    """Bytes to text in the declared encoding; a wrong encoding is an error naming the line of the first bad byte."""
    enc = encoding.lower().replace("_", "-")
    if enc in ("utf-8", "utf8", "utf-8-sig"):
        enc = "utf-8-sig"  # a byte-order mark is allowed and removed
    try:
        text = data.decode(enc)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise EncodingError(
            source_id, file_name, f"byte 0x{data[exc.start]:02x} cannot be read as {encoding}", row=line,
            expected=f"text in {encoding} (the encoding configured for this source; change options.encoding if the "
            "partner switched)",
        ) from None
    if enc in ("cp1252", "windows-1252", "latin-1", "iso-8859-1", "latin1", "iso-8859-15"):
        for line_no, line in enumerate(text.splitlines(), start=1):
            if any(m in line for m in _MOJIBAKE):
                raise EncodingError(
                    source_id, file_name, f"text looks like UTF-8 read as {encoding} ({line.strip()[:40]!r})",
                    row=line_no, expected=f"text in {encoding}, or options.encoding: utf-8 for this source",
                )
    return text


@dataclass(frozen=True)
class Line:
    number: int  # 1-based line number in the file where the record starts
    cells: list[str]

    @property
    def blank(self) -> bool:
        return all(not c.strip() for c in self.cells)


def split_lines(text: str, separator: str, source_id: str, file_name: str) -> list[Line]:
    """Records with their starting line numbers; a file that ends inside a quoted field is reported as truncated."""
    if not text.strip():
        raise EmptyDeliveryError(source_id, file_name, "the file is empty", expected="a header row and data rows")
    reader = csv.reader(io.StringIO(text), delimiter=separator, strict=True)
    lines: list[Line] = []
    previous_end = 0
    try:
        for cells in reader:
            lines.append(Line(previous_end + 1, [c.strip() for c in cells]))
            previous_end = reader.line_num
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise LayoutError(
                source_id, file_name, f"a cell is longer than {csv.field_size_limit():,} characters (a huge single "
                "line: a broken export or not a table)", row=previous_end + 1,
                expected="one record per line with cells of normal length",
            ) from None
        raise LayoutError(
            source_id, file_name, f"the file cannot be split into cells ({exc}); it may be truncated",
            row=previous_end + 1, expected="complete rows with balanced quotes",
        ) from None
    return lines


def find_header(lines: list[Line], required: list[str], source_id: str, file_name: str, separator: str,
                search_rows: int = 30) -> int:
    """Index of the header row: the first row (within `search_rows`) that contains every required column name.

    Says which columns are missing, or that the separator looks wrong, when none is found.
    """
    wanted = [r.casefold() for r in required]
    best: tuple[int, int] | None = None
    for i, line in enumerate(lines[:search_rows]):
        names = [c.casefold() for c in line.cells]
        hits = sum(w in names for w in wanted)
        if hits == len(wanted):
            return i
        if hits and (best is None or hits > best[1]):
            best = (i, hits)
    for line in lines[:search_rows]:
        if len(line.cells) == 1:
            for other in (",", "\t", ";", "|"):
                if other != separator and other in line.cells[0] and sum(
                    w in line.cells[0].casefold() for w in wanted
                ) >= max(1, len(wanted) // 2):
                    raise LayoutError(
                        source_id, file_name, f"the header row is separated by {other!r}", row=line.number,
                        expected=f"cells separated by {separator!r}",
                    )
    if best is not None:
        line = lines[best[0]]
        have = [c for c in line.cells if c]
        missing = [r for r in required if r.casefold() not in [c.casefold() for c in line.cells]]
        raise LayoutError(
            source_id, file_name, f"header row lacks column(s) {missing}; it has {have}", row=line.number,
            expected=f"columns {required}",
        )
    raise LayoutError(
        source_id, file_name, f"no header row with the columns {required} in the first {search_rows} rows",
        expected=f"a header row naming {required}, cells separated by {separator!r}",
    )


def parse_number(text: str, decimal: str = ",") -> float:
    """A delivered number: German (`1.234,56`) when decimal is ',', else plain (`1234.56`). Raises ValueError."""
    t = text.strip().replace("\u00a0", "").replace(" ", "")
    if decimal == ",":
        if not _GERMAN_NUMBER.match(t):
            raise ValueError(text)
        return float(t.replace(".", "").replace(",", "."))
    if not _PLAIN_NUMBER.match(t):
        raise ValueError(text)
    return float(t)


def parse_numbers(texts: pd.Series, decimal: str = ",") -> tuple[pd.Series, pd.Series]:
    """`parse_number` for a whole column at once: (values, not_a_number); empty cells are null and not flagged."""
    t = texts.fillna("").astype(str).str.strip().str.replace("\u00a0", "", regex=False).str.replace(" ", "",
                                                                                                  regex=False)
    pattern = _GERMAN_NUMBER if decimal == "," else _PLAIN_NUMBER
    good = t.str.match(pattern.pattern)
    if decimal == ",":
        t = t.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    values = pd.to_numeric(t.where(good), errors="coerce").astype("float64")
    return values, ~good & (t != "")


def number_format_hint(decimal: str) -> str:
    return "a number in German format such as 1.234,5" if decimal == "," else "a number such as 1234.5"
