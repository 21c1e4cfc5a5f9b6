"""Which format a file is, decided by its content (never by its name): what `klimamonitor inspect` tells a data
engineer who meets a new delivery, and what a source's `format` should then say."""

from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import dataclass

from sources.parsers.common import Delivery
from sources.parsers.genesis_table import TABLE_CODE, first_data_row, is_flat
from sources.parsers.public import is_ags_history, is_dwd_degree_days, is_gv100ad
from sources.parsers.sheets import cell_text, is_xlsx, read_sheets
from sources.tidy_match import recognised_layout, table_head


@dataclass(frozen=True)
class Recognised:
    format: str | None  # a key of sources.formats.FORMATS, None when nothing fits
    what: str  # in words: the publication, its table code or register


def _text_head(data: bytes) -> str:
    head = data[:8192]
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return head.decode(encoding)
        except UnicodeDecodeError:
            continue
    return ""


def _classic(first_cells: list[str], text: str) -> Recognised | None:
    code = next((m.group(1) for c in first_cells if (m := TABLE_CODE.match(c))), None)
    if code is None:
        return None
    if code.startswith("12411"):
        return Recognised("genesis_population", f"GENESIS classic table {code} (population)")
    return Recognised("genesis_table", f"GENESIS classic table {code}")


def _programme(cells: list[str]) -> Recognised | None:
    """The work programme's own tables (default German headers of sources/parsers/measures.py)."""
    if "Handlungsfeld" not in cells:
        return None
    if "Punkte möglich" in cells:
        return Recognised("eea_assessment", "eea assessment: points per field of action and year")
    if "Status" in cells:
        return Recognised("measures", "list of measures of the work programme (eea fields of action)")
    return None


def _sheets(delivery: Delivery) -> Recognised:
    sheets = read_sheets(delivery)
    for name, grid in sheets.items():
        cells = [cell_text(c) for row in grid[:30] for c in row[:4]]
        if "PLZ, Gemeinde" in [cell_text(c) for row in grid[:30] for c in row]:
            return Recognised("kba_fz3", f"KBA FZ 3 vehicle stock per municipality (sheet {name!r})")
        if any(c.startswith("Satz-art") or c == "Satzart" for c in cells):
            return Recognised("auszug_gv", f"Destatis municipality directory, Auszug GV (sheet {name!r})")
        if "Kennziffer" in cells:
            return Recognised("territorial_changes", f"Destatis territorial changes (sheet {name!r})")
        if found := _programme([cell_text(c) for row in grid[:5] for c in row]):
            return Recognised(found.format, f"{found.what} (sheet {name!r})")
    for name, grid in sheets.items():
        if first_data_row(grid) is not None:
            population = any("Bevölkerung" in cell_text(c) for row in grid[:10] for c in row)
            return Recognised("genesis_population" if population else "genesis_table",
                              f"GENESIS table, xlsx download (sheet {name!r})")
    return _tidy(delivery) or Recognised(None, f"a workbook with the sheets {list(sheets)}, of no known layout")


def _tidy(delivery: Delivery) -> Recognised | None:
    """A table with the own headers of one of klimamonitor's tidy layouts (sources/parsers/tidy.py)."""
    head = table_head(delivery)
    fmt = recognised_layout(head, delivery.file_name) if head is not None else None
    return Recognised(fmt, f"a table in klimamonitor's tidy layout {fmt}") if fmt else None


def recognise(delivery: Delivery) -> Recognised:
    data = delivery.content()
    if is_xlsx(data):
        return _sheets(delivery)
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = archive.namelist()
        except zipfile.BadZipFile:
            return Recognised(None, "a damaged zip archive")
        if any(re.match(r"^Einheiten[A-Za-z]+(_\d+)?\.xml$", n.rsplit("/", 1)[-1]) for n in names):
            return Recognised("mastr_xml", "Marktstammdatenregister bulk export (Gesamtdatenexport)")
        return Recognised(None, f"a zip archive of {len(names)} files, of no known layout")
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") and b"<\x00E\x00i\x00n\x00h\x00e\x00i\x00t" in data[:400]:
        return Recognised("mastr_xml", "Marktstammdatenregister bulk export, one unit file")
    if not data.strip():
        return Recognised(None, "an empty file")
    text = _text_head(data)
    stripped = text.lstrip()
    if stripped.startswith("{"):
        try:
            if is_ags_history(json.loads(data.decode("utf-8-sig"))):
                return Recognised("ags_history", "XRepository code list Destatis.AGS.Historie (key history)")
        except ValueError:
            pass
        return Recognised(None, "JSON of no known layout")
    if is_dwd_degree_days(text):
        return Recognised("dwd_degree_days", "DWD monthly heating degree days per station (VDI 3807)")
    if is_gv100ad(data[:64]):
        return Recognised("gv100ad", "Destatis municipality directory GV100AD (fixed-width records)")
    first = text.splitlines()[0] if text else ""
    if is_flat(first):
        population = "BEVSTD" in text
        return Recognised("genesis_population" if population else "genesis_table", "GENESIS flat file (ffcsv)")
    if "MaStR-Nr. der Einheit" in first:
        return Recognised("mastr_csv", "Marktstammdatenregister web export (CSV)")
    cells = [c.strip() for line in text.splitlines()[:2] for c in line.split(";")]
    if found := _programme(cells):
        return found
    classic = _classic(cells, text)
    if classic is not None:
        return classic
    return _tidy(delivery) or Recognised(None, "no known publication layout (a partner's own table: see "
                                               "docs/configuration.md, tidy layouts)")
