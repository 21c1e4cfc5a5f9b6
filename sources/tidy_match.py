"""Which of klimamonitor's tidy layouts (sources/parsers/tidy.py) a partner's own table comes closest to, and the
source configuration that reads it: the header row found below title rows, the file's headers matched to the
layout's columns (by the column's name, the layout's German header, or a usual German name for it) with the unit
each header states checked against its column's, the file's words in coded columns matched to codes by the report's
German labels (warehouse/labels.py) and a few usual words of one meaning, its encoding, separator and decimal mark.
What `klimamonitor inspect` prints for a table of no publication layout; nothing is applied until a data engineer
puts it in the configuration, and a word or default without a sure code gets a placeholder that the configuration
check refuses."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass, field, replace

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
    "final_energy_mwh": ("Endenergie", "Endenergieverbrauch", "Verbrauch", "Energieverbrauch", "Absatz", "Netzabsatz",
                         "Wärmeabsatz", "Energiemenge"),
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
    "energy_renovations": ("Sanierungen", "energetische Sanierungen", "Sanierungsfälle", "Anzahl Sanierungen",
                           "Anzahl energetische Sanierungen", "geförderte Sanierungen"),
    "buildings_pre_1979": ("Gebäude vor 1979", "Altbauten", "Gebäude bis 1978", "Wohngebäude vor 1979",
                           "Wohngebäude bis 1978", "Gebäude Baujahr bis 1978", "Anzahl Gebäude vor 1979"),
    "installation_id": ("Anlagen-ID", "Anlagennummer", "Installation ID"),
    "installation_name": ("Anlagenname", "Anlage", "Installation name"),
    "activity_code": ("Tätigkeit", "Haupttätigkeit"),
    "verified_emissions_t_co2e": ("Geprüfte Emissionen", "Verified emissions", "Emissionen"),
    "emissions_t_co2e": ("Emissionen", "Treibhausgasemissionen"),
    "vehicle_fuel": ("Kraftstoff", "Kraftstoffart"),
    "vehicles": ("Fahrzeuge", "Bestand", "Anzahl", "Anzahl Pkw", "Pkw", "Pkw-Bestand", "Anzahl Fahrzeuge"),
    "station_id": ("Station", "Stations-ID", "Stationskennung"),
    "month": ("Monat",),
    "heating_degree_days": ("Gradtage", "Heizgradtage", "Gradtagzahl"),
    "fuel": ("Brennstoff",),
    "power_class": ("Leistungsklasse",),
    "systems": ("Anzahl", "Anlagen", "Anzahl Anlagen", "Feuerstätten", "Anzahl Feuerstätten"),
    "former_ags": ("Gemeindeschlüssel alt", "AGS alt", "alter Schlüssel"),
    "effective_date": ("Wirksamkeit", "Gültig ab", "Datum"),
    "share": ("Anteil", "Anteil Bevölkerung"),
}
# Usual partner words for codes besides the report's German labels (warehouse/labels.py): only words that mean
# one code; any other word gets a placeholder for the partner to resolve.
USUAL_WORDS: dict[str, dict[str, str]] = {
    "sector": {"Haushalte": "households", "GHD": "commerce", "Gewerbe, Handel, Dienstleistung": "commerce"},
    "carrier": {"Holz": "solid_biomass", "Scheitholz": "solid_biomass", "Holzpellets": "solid_biomass",
                "Heizöl EL": "heating_oil", "Flüssiggas (LPG)": "lpg"},
    "vehicle_class": {"Krad": "motorcycle", "LNF": "light_commercial", "SNF": "heavy_goods"},
    "vehicle_fuel": {"Elektro": "battery_electric", "Elektro (BEV)": "battery_electric"},
    "traction": {"Elektro": "electric"},
}
_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
# A header's unit: words naming a unit (compared), multipliers, and words that only qualify one ('t CO2e', 'kWh/a').
_UNIT_WORDS = {"twh": "twh", "gwh": "gwh", "mwh": "mwh", "kwh": "kwh", "wh": "wh", "mj": "mj", "gj": "gj",
               "t": "t", "tonnen": "t", "kg": "kg", "m2": "m2", "qm": "m2", "ha": "ha", "km": "km", "kd": "kd",
               "prozent": "%"}
_MULTIPLIERS = {"tsd": "tsd", "tausend": "tsd", "thousand": "tsd", "mio": "mio", "millionen": "mio", "million": "mio"}
_QUALIFIERS = {"co2", "co2e", "co2eq", "co2aeq", "aeq", "a", "fzg", "zug", "kalenderjahr"}
_FILLERS = {"in", "je", "pro", "einheit"}  # 'Verbrauch in kWh', 'Fläche je m2'
_ENERGY = {"twh", "gwh", "mwh", "kwh", "wh", "mj", "gj"}
_YEAR = re.compile(r"^(19|20)\d\d$")
# The unit each column takes: (multiplier, unit), from its name; a layout header stating a unit says what the file
# holds before the column's scale (EEG feed-in: the header's kWh, stored as MWh).
_NAME_UNITS = {"_mwh": (None, "mwh"), "_kwh": (None, "kwh"), "_m2": (None, "m2"), "_t_co2e": (None, "t"),
               "_million": ("mio", None), "_thousand": ("tsd", None)}


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.casefold().replace("²", "2").translate(_UMLAUTS))


@dataclass(frozen=True)
class Header:
    """A header read as a person reads it: 'Fahrleistung [Mio. Fzg-km]' → name 'fahrleistung', multiplier 'mio',
    unit 'km'."""

    name: str
    multiplier: str | None
    unit: str | None

    @property
    def states_unit(self) -> bool:
        return self.multiplier is not None or self.unit is not None


def read_header(text: str) -> Header:
    words = _words(text)
    units = [_UNIT_WORDS[w] for w in words if w in _UNIT_WORDS]
    multipliers = [_MULTIPLIERS[w] for w in words if w in _MULTIPLIERS]
    name = [w for w in words if w not in _UNIT_WORDS and w not in _MULTIPLIERS and w not in _QUALIFIERS
            and w not in _FILLERS]
    return Header(" ".join(name), multipliers[-1] if multipliers else None, units[-1] if units else None)


def _column_unit(column: Column) -> tuple[str | None, str | None] | None:
    """(multiplier, unit) the file's values of a number column must be in, when the column names one."""
    if column.header and (stated := read_header(column.header)).states_unit:
        return stated.multiplier, stated.unit
    return next((unit for suffix, unit in _NAME_UNITS.items() if column.name.endswith(suffix)), None)


def unit_problem(column: Column, header: str) -> str | None:
    """Why the file's header states values in another unit than the column takes ('Verbrauch in kWh' for
    final_energy_mwh), or None."""
    stated, wanted = read_header(header), _column_unit(column)
    if column.kind != "number" or wanted is None or not stated.states_unit:
        return None
    multiplier, unit = wanted
    if stated.multiplier != multiplier or (unit and stated.unit and stated.unit != unit) or \
            (stated.unit in _ENERGY and unit not in _ENERGY):
        said = " ".join(x for x in (stated.multiplier, stated.unit) if x)
        takes = " ".join(x for x in (multiplier, unit) if x)
        return f"{header!r} is in {said}, column {column.name} takes {takes}: the layouts do not convert units"
    return None


_NAMES: dict[tuple[str, str], set[str]] = {}  # (column, header) → its normalised names (built on first use)


def _names_of(column: Column) -> set[str]:
    key = (column.name, column.label)
    if key not in _NAMES:
        _NAMES[key] = {read_header(n).name for n in (column.name.replace("_", " "), column.label,
                                                    *USUAL_NAMES.get(column.name, ()))} - {""}
    return _NAMES[key]


def _name_matches(column: Column, header: str) -> bool:
    if header.casefold() in (column.label.casefold(), column.name.casefold()):
        return True
    name = read_header(header).name
    names = _names_of(column)
    without_years = " ".join(w for w in name.split() if not _YEAR.match(w))
    return name in names or (without_years != name and without_years in names)


@dataclass
class TableHead:
    """A partner's table as inspect sees it: its headers, its data rows' cells, its separator and decimal mark."""

    headers: list[str]
    rows: list[list[str]]
    separator: str | None  # None: a workbook
    decimal: str | None  # None: a workbook, or no decimal number seen
    encoding: str | None = None  # None: a workbook
    decimal_guessed: bool = False  # only numbers like 1.234 were seen: thousands or decimals?
    known_headers: int = 0  # cells of the header row that name a column of some tidy layout
    sheet: str | None = None  # the workbook's sheet holding the table, where it is not the first


def _known(cell: str) -> bool:
    """A cell that names a column of some tidy layout (for finding the header row below title rows)."""
    return any(_name_matches(c, cell) for spec in TIDY_SPECS.values() for c in spec.columns)


def _decode(data: bytes) -> tuple[str, str] | None:
    for encoding in ("utf-8", "cp1252"):
        try:
            return data.decode("utf-8-sig" if encoding == "utf-8" else encoding), encoding
        except UnicodeDecodeError:
            continue
    return None


def table_head(delivery: Delivery, max_rows: int = 20000) -> TableHead | None:
    """The header row (of the first 30 rows, the one naming most columns of the tidy layouts; else the first with
    two or more cells) and the data rows of a CSV or xlsx table; None when the file is no such table."""
    data = delivery.content()
    if is_xlsx(data):
        # the sheet whose header row names most columns of the tidy layouts (a cover sheet, an imprint or a table of
        # contents before the table is skipped); of equally good ones the first
        sheets = read_sheets(delivery)
        heads = [(name, _head([[cell_text(c) for c in row] for row in grid[: max_rows + 50]], None))
                 for name, grid in sheets.items()]
        heads = [(name, head) for name, head in heads if head is not None]
        if not heads:
            return None
        name, head = max(heads, key=lambda named: named[1].known_headers)
        return replace(head, sheet=None if name == next(iter(sheets)) else name)
    decoded = _decode(data)
    if decoded is None or not decoded[0].strip() or "\x00" in decoded[0][:4096]:
        return None
    text, encoding = decoded
    head = [line for line in text.splitlines()[:30] if line.strip()]
    separator = max(";,\t|", key=lambda sep: max((line.count(sep) for line in head), default=0))
    if not any(line.count(separator) for line in head):
        return None
    try:
        lines = [[c.strip() for c in cells] for _, cells in zip(range(max_rows + 50),
                                                                csv.reader(io.StringIO(text), delimiter=separator))]
    except csv.Error:
        return None
    return _head(lines, separator, encoding)


def _head(lines: list[list[str]], separator: str | None, encoding: str | None = None) -> TableHead | None:
    """The table below its title rows, with the decimal mark of a CSV's cells (a workbook's number cells need
    none)."""
    candidates = [i for i, cells in enumerate(lines[:30]) if sum(1 for c in cells if c) >= 2]
    if not candidates:
        return None
    scores = {i: sum(1 for c in lines[i] if c and _known(c)) for i in candidates}
    start = max(candidates, key=lambda i: (scores[i], -i)) if any(scores.values()) else candidates[0]
    headers = lines[start]
    rows = [cells for cells in lines[start + 1:] if any(cells)]
    decimal, guessed = None, False
    texts = [c for row in rows[:500] for c in row] if separator is not None else []
    if texts:
        cells = [c for c in texts if not re.fullmatch(r"\d{1,2}\.\d{1,2}\.\d{2,4}", c)]  # dates are no numbers
        dotted = [c for c in cells if re.fullmatch(r"-?[\d.]*\d\.\d+", c)]
        if any(re.fullmatch(r"-?[\d.]*\d,\d+", c) for c in cells):
            decimal = ","  # 12,5 or 1.234,5
        elif dotted and all(re.fullmatch(r"-?[1-9]\d{0,2}(\.\d{3})+", c) for c in dotted):  # 0.352: a decimal point
            # only 1.234-like numbers: thousands in a German export (';' or tab), decimals in an English one
            decimal, guessed = ("." if separator == "," else ","), True
        elif dotted:
            decimal = "."
    return TableHead(headers, rows, separator, decimal, encoding, guessed, scores.get(start, 0))


@dataclass
class Match:
    """One tidy layout against a table: the file's header per column, what is missing, the notes on units."""

    format: str
    headers: dict[str, str]  # column → the file's header
    missing: list[str]  # required columns the file lacks (and no default covers)
    year_from_file_name: str | None = None  # the file lacks a year column; its name states this year
    unit_problems: list[str] = field(default_factory=list)  # a header in another unit than its column
    needs_default: dict[str, str] = field(default_factory=dict)  # coded column the file lacks → placeholder

    @property
    def complete(self) -> bool:
        return not self.missing

    @property
    def as_published(self) -> bool:
        """The file's headers are the layout's own: no options.columns needed."""
        spec = TIDY_SPECS[self.format]
        labels = {c.name: c.label for c in spec.columns}
        return self.complete and not self.needs_default and all(
            labels[name].casefold() == header.casefold() for name, header in self.headers.items())


def _header_for(column: Column, headers: list[str], taken: set[str]) -> str | None:
    """The file's header for a column: its own name first, then a usual one; of several, one in the column's unit."""
    free = [h for h in headers if h and h not in taken]
    exact = [h for h in free if h.casefold() in (column.label.casefold(), column.name.casefold())]
    named = exact or [h for h in free if _name_matches(column, h)]
    return min(named, key=lambda h: unit_problem(column, h) is not None) if named else None


def match_layout(fmt: str, head: TableHead, file_name: str) -> Match:
    spec: TidyFormat = TIDY_SPECS[fmt]
    match = Match(fmt, {}, [])
    for column in spec.columns:
        header = _header_for(column, head.headers, set(match.headers.values()))
        if header is not None:
            match.headers[column.name] = header
            if problem := unit_problem(column, header):
                match.unit_problems.append(problem)
        elif column.name == "year" and (year := year_in_file_name(file_name)):
            match.year_from_file_name = year  # the layout takes it from the file name (sources/parsers/tidy.py)
        elif column.required and column.kind == "choice" and column.name in ("data_quality", "carrier"):
            match.needs_default[column.name] = f"<one of {', '.join(column.allowed)}>"  # one value for the file
        elif column.required:
            match.missing.append(column.name)
    return match


def closest_layouts(head: TableHead, file_name: str) -> list[Match]:
    """The tidy layouts ordered by fit: complete ones first, then by the columns found (most), then by the columns
    of the layout the file lacks (fewest)."""
    matches = [match_layout(fmt, head, file_name) for fmt in TIDY_SPECS]
    matches = [m for m in matches if m.headers]
    return sorted(matches, key=lambda m: (not m.complete, -len(m.headers), len(m.missing), len(m.needs_default),
                                          m.format))


def better_incomplete(matches: list[Match]) -> Match | None:
    """A layout the file lacks columns of but whose columns it has more of than the best complete one (an ETS list
    without its activity column is no agriculture table): the choice is then the data engineer's."""
    best = matches[0] if matches and matches[0].complete else None
    if best is None:
        return None
    return next((m for m in matches if not m.complete and len(m.headers) > len(best.headers)), None)


def recognised_layout(head: TableHead, file_name: str) -> str | None:
    """The tidy layout whose own headers the file has for every column it needs (the best such one), else None."""
    matches = closest_layouts(head, file_name)
    best = next(iter(matches), None)
    return best.format if best is not None and best.as_published and not better_incomplete(matches) else None


def word_codes(match: Match, head: TableHead) -> dict[str, dict[str, str]]:
    """mappings.<vocabulary> for the file's words that are no code of a coded column: the code whose German label
    (or usual word, USUAL_WORDS) the word is (case-insensitive), else a placeholder naming the allowed codes."""
    spec = TIDY_SPECS[match.format]
    index = {h: i for i, h in enumerate(head.headers)}
    mappings: dict[str, dict[str, str]] = {}
    for column in spec.columns:
        if column.kind != "choice" or column.name not in match.headers:
            continue
        at = index[match.headers[column.name]]
        words = Counter(row[at] for row in head.rows if at < len(row) and row[at])
        allowed = {code.casefold() for code in column.allowed}
        labels = {label.casefold(): code for code, label in [*LABELS.get(column.name, {}).items(),
                                                             *((c, w) for w, c in USUAL_WORDS.get(column.name, {}).items())]
                  if code in column.allowed}
        unknown = {w: labels.get(w.casefold(), f"<one of {', '.join(column.allowed)}>")
                   for w in sorted(words) if w.casefold() not in allowed}
        if unknown:
            mappings[VOCABULARY_OF[column.name]] = unknown
    return mappings


def source_options(match: Match, head: TableHead) -> dict:
    """The options a source of this layout needs for the file: its headers (where they differ), its sheet (where
    not the first), its encoding (when not UTF-8), separator and decimal mark, a placeholder default for a coded column it lacks (data quality, carrier). (A year in the file name needs no option: the layout takes it for a file without a year column.)"""
    spec = TIDY_SPECS[match.format]
    labels = {c.name: c.label for c in spec.columns}
    options: dict = {"encoding": head.encoding} if head.encoding not in (None, "utf-8") else {}
    if head.sheet is not None:
        options["sheet"] = head.sheet
    if head.separator is not None:
        options["separator"] = head.separator
        if head.decimal is not None:
            options["decimal"] = head.decimal
    columns = {name: header for name, header in match.headers.items() if header.casefold() != labels[name].casefold()}
    if columns:
        options["columns"] = columns
    if match.needs_default:
        options["defaults"] = dict(match.needs_default)
    return options
