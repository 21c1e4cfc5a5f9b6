"""Which of klimamonitor's tidy layouts (sources/parsers/tidy.py) a partner's own table comes closest to, and the
source configuration that reads it: the file's headers matched to the layout's columns (by the column's name, the
layout's German header, or a usual German name for it), the file's words in coded columns matched to codes by the
report's German labels (warehouse/labels.py). What `klimamonitor inspect` prints for a table of no publication
layout; nothing is applied until a data engineer puts it in the configuration, and a word without a sure code gets
a placeholder that the configuration check refuses."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass, field

from sources.parsers.common import Delivery
from sources.parsers.sheets import cell_text, is_xlsx, read_sheets
from sources.parsers.tidy import TIDY_SPECS, VOCABULARY_OF, Column, TidyFormat, year_in_file_name
from warehouse.labels import LABELS

# Usual names of a column in partners' tables besides its own name and the layout's header (compared normalised:
# case, umlauts, punctuation and a stated unit do not matter).
USUAL_NAMES: dict[str, tuple[str, ...]] = {
    "ags": ("AGS", "Gemeindeschlüssel", "Amtlicher Gemeindeschlüssel", "Gemeindekennziffer", "GKZ", "Gemeinde-Nr"),
    "year": ("Jahr", "Berichtsjahr", "Bilanzjahr", "Erhebungsjahr", "Betrachtungsjahr"),
    "sector": ("Sektor", "Verbrauchssektor", "Kundengruppe", "Verbrauchergruppe"),
    "carrier": ("Energieträger", "Energieart", "Sparte"),
    "final_energy_mwh": ("Endenergie", "Endenergieverbrauch", "Verbrauch", "Energieverbrauch"),
    "data_quality": ("Datenqualität", "Datengüte", "Güte"),
    "factor_set": ("Faktorsatz", "Faktorensatz"),
    "sector_scope": ("Geltungsbereich",),
    "g_co2e_per_kwh": ("Emissionsfaktor", "CO2-Faktor"),
    "source": ("Quelle",),
    "derivation": ("Herleitung",),
    "feed_in_mwh": ("Einspeisung", "Einspeisemenge"),
    "technology": ("Technologie", "Anlagentyp"),
    "vehicle_km_million": ("Fahrleistung",),
    "road_type": ("Straßentyp", "Straßenkategorie", "Ortslage"),
    "vehicle_class": ("Fahrzeugklasse", "Fahrzeugart"),
    "drive": ("Antrieb", "Antriebsart"),
    "rail_category": ("Zuggattung", "Verkehrsart"),
    "traction": ("Traktion", "Traktionsart"),
    "train_km_thousand": ("Zugkilometer", "Zug-km"),
    "collector_area_m2": ("Kollektorfläche", "Kollektorfläche Solarthermie"),
    "energy_renovations": ("Sanierungen", "energetische Sanierungen", "Sanierungsfälle"),
    "buildings_pre_1979": ("Gebäude vor 1979", "Altbauten", "Gebäude bis 1978"),
    "installation_id": ("Anlagen-ID", "Anlagennummer", "Installation ID"),
    "installation_name": ("Anlagenname", "Anlage", "Installation name"),
    "activity_code": ("Tätigkeit", "Haupttätigkeit"),
    "verified_emissions_t_co2e": ("Geprüfte Emissionen", "Verified emissions", "Emissionen"),
    "emissions_t_co2e": ("Emissionen", "Treibhausgasemissionen"),
    "vehicle_fuel": ("Kraftstoff", "Kraftstoffart"),
    "vehicles": ("Fahrzeuge", "Bestand", "Anzahl"),
    "station_id": ("Station", "Stations-ID", "Stationskennung"),
    "month": ("Monat",),
    "heating_degree_days": ("Gradtage", "Heizgradtage", "Gradtagzahl"),
    "fuel": ("Brennstoff",),
    "power_class": ("Leistungsklasse",),
    "systems": ("Anzahl", "Anlagen"),
    "former_ags": ("Gemeindeschlüssel alt", "AGS alt", "alter Schlüssel"),
    "effective_date": ("Wirksamkeit", "Gültig ab", "Datum"),
    "share": ("Anteil", "Anteil Bevölkerung"),
}
_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_UNITS = ("twh", "gwh", "mwh", "kwh", "wh", "mj", "gj", "tco2e", "tco2", "t", "kg", "m2", "qm", "ha", "km", "mio",
          "tsd", "prozent", "g/kwh")
_FILLERS = ("in", "je", "pro", "einheit")  # 'Verbrauch in kWh', 'Fläche je m2'
_ENERGY_UNITS = ("twh", "gwh", "mwh", "kwh", "wh", "mj", "gj")


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9/]+", text.casefold().replace("²", "2").translate(_UMLAUTS))


def _normalised(text: str) -> tuple[str, str | None]:
    """(the name without a stated unit, the unit): 'Verbrauch [kWh]' → ('verbrauch', 'kwh')."""
    words = _words(text)
    units = [w for w in words if w in _UNITS]
    return " ".join(w for w in words if w not in _UNITS and w not in _FILLERS), (units[-1] if units else None)


def _column_unit(column: Column) -> str | None:
    """The energy unit a column takes, from its name ('final_energy_mwh' → 'mwh'), when it has one."""
    return next((u for u in _ENERGY_UNITS if column.name.endswith(f"_{u}")), None)


@dataclass
class TableHead:
    """A partner's table as inspect sees it: its headers, its data rows' cells, its separator and decimal mark."""

    headers: list[str]
    rows: list[list[str]]
    separator: str | None  # None: a workbook
    decimal: str | None  # None: a workbook, or no decimal number seen
    encoding: str | None = None  # None: a workbook


def table_head(delivery: Delivery, max_rows: int = 20000) -> TableHead | None:
    """The header row (the first with two or more cells) and the data rows of a CSV or xlsx table; None when the
    file is no such table."""
    data = delivery.content()
    if is_xlsx(data):
        sheets = read_sheets(delivery)
        grid = next(iter(sheets.values()), [])
        return _head([[cell_text(c) for c in row] for row in grid[: max_rows + 50]], None)
    text, encoding = None, None
    for encoding in ("utf-8", "cp1252"):
        try:
            text = data.decode("utf-8-sig" if encoding == "utf-8" else encoding)
            break
        except UnicodeDecodeError:
            continue
    if not text or "\x00" in text[:4096]:
        return None
    first = next((line for line in text.splitlines() if line.strip()), "")
    separator = max(";,\t|", key=first.count)
    if first.count(separator) == 0:
        return None
    try:
        lines = [[c.strip() for c in cells] for _, cells in zip(range(max_rows + 50),
                                                                csv.reader(io.StringIO(text), delimiter=separator))]
    except csv.Error:
        return None
    return _head(lines, separator, encoding)


def _head(lines: list[list[str]], separator: str | None, encoding: str | None = None) -> TableHead | None:
    start = next((i for i, cells in enumerate(lines) if sum(1 for c in cells if c) >= 2), None)
    if start is None:
        return None
    headers = lines[start]
    rows = [cells for cells in lines[start + 1:] if any(cells)]
    decimal = None
    if separator is not None:
        cells = [c for row in rows[:500] for c in row]
        if any(re.fullmatch(r"-?\d+,\d+", c) for c in cells):
            decimal = ","
        elif any(re.fullmatch(r"-?\d+\.\d+", c) for c in cells):
            decimal = "."
    return TableHead(headers, rows, separator, decimal, encoding)


@dataclass
class Match:
    """One tidy layout against a table: the file's header per column, what is missing, the notes on units."""

    format: str
    headers: dict[str, str]  # column → the file's header
    missing: list[str]  # required columns the file lacks (and no default covers)
    year_from_file_name: str | None = None  # the file lacks a year column; its name states this year
    notes: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.missing

    @property
    def as_published(self) -> bool:
        """The file's headers are the layout's own: no options.columns needed."""
        spec = TIDY_SPECS[self.format]
        labels = {c.name: c.label for c in spec.columns}
        return self.complete and all(labels[name].casefold() == header.casefold()
                                     for name, header in self.headers.items())


def _header_for(column: Column, headers: list[str], taken: set[str]) -> str | None:
    exact = {h.casefold(): h for h in headers if h and h not in taken}
    for name in (column.label, column.name):
        if name.casefold() in exact:
            return exact[name.casefold()]
    wanted = {_normalised(n)[0] for n in (column.name.replace("_", " "), column.label,
                                          *USUAL_NAMES.get(column.name, ()))}
    wanted |= {_normalised(column.name.replace("_", " "))[0]}
    for header in headers:
        if header and header not in taken and _normalised(header)[0] in wanted:
            return header
    return None


def match_layout(fmt: str, head: TableHead, file_name: str) -> Match:
    spec: TidyFormat = TIDY_SPECS[fmt]
    headers: dict[str, str] = {}
    missing, notes, year = [], [], None
    for column in spec.columns:
        header = _header_for(column, head.headers, set(headers.values()))
        if header is not None:
            headers[column.name] = header
            stated, wanted = _normalised(header)[1], _column_unit(column)
            if stated in _ENERGY_UNITS and wanted and stated != wanted and column.scale == 1.0:
                notes.append(f"{header!r} is in {stated}, column {column.name} takes {wanted}: the layout does not "
                             "convert; the partner should deliver it in " + wanted)
        elif column.name == "year" and (year := year_in_file_name(file_name)):
            pass  # the layout takes the year from the file name (sources/parsers/tidy.py)
        elif column.required:
            missing.append(column.name)
    return Match(fmt, headers, missing, year, notes)


def closest_layouts(head: TableHead, file_name: str) -> list[Match]:
    """The tidy layouts ordered by fit: complete ones first, then by the columns found (most), then by the columns
    of the layout the file lacks (fewest)."""
    matches = [match_layout(fmt, head, file_name) for fmt in TIDY_SPECS]
    matches = [m for m in matches if m.headers]
    return sorted(matches, key=lambda m: (not m.complete, -len(m.headers), len(m.missing), m.format))


def recognised_layout(head: TableHead, file_name: str) -> str | None:
    """The tidy layout whose own headers the file has for every column it needs (the best such one), else None."""
    best = next(iter(closest_layouts(head, file_name)), None)
    return best.format if best is not None and best.as_published else None


def word_codes(match: Match, head: TableHead) -> dict[str, dict[str, str]]:
    """mappings.<vocabulary> for the file's words that are no code of a coded column: the code whose German label
    the word is (case-insensitive), else a placeholder naming the allowed codes."""
    spec = TIDY_SPECS[match.format]
    index = {h: i for i, h in enumerate(head.headers)}
    mappings: dict[str, dict[str, str]] = {}
    for column in spec.columns:
        if column.kind != "choice" or column.name not in match.headers:
            continue
        at = index[match.headers[column.name]]
        words = Counter(row[at] for row in head.rows if at < len(row) and row[at])
        allowed = {code.casefold() for code in column.allowed}
        labels = {label.casefold(): code for code, label in LABELS.get(column.name, {}).items()
                  if code in column.allowed}
        unknown = {w: labels.get(w.casefold(), f"<one of {', '.join(column.allowed)}>")
                   for w in sorted(words) if w.casefold() not in allowed}
        if unknown:
            mappings[VOCABULARY_OF[column.name]] = unknown
    return mappings


def source_options(match: Match, head: TableHead) -> dict:
    """The options a source of this layout needs for the file: its headers (where they differ), its encoding (when
    not UTF-8), separator and decimal mark. (A year in the file name needs no option: the layout takes it for a file without a year column.)"""
    spec = TIDY_SPECS[match.format]
    labels = {c.name: c.label for c in spec.columns}
    options: dict = {"encoding": head.encoding} if head.encoding not in (None, "utf-8") else {}
    if head.separator is not None:
        options["separator"] = head.separator
        if head.decimal is not None:
            options["decimal"] = head.decimal
    columns = {name: header for name, header in match.headers.items() if header.casefold() != labels[name].casefold()}
    if columns:
        options["columns"] = columns
    return options
