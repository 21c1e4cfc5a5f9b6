"""Tidy tables with fixed columns, one row per value: 17 formats — final energy from balances made elsewhere,
emission factor sets, plant district-heat factors, EEG feed-in, chimney-sweep heating systems, vehicle-km, train-km,
solar-thermal collector areas, renovations, building stock, EU ETS emissions, agriculture, passenger-car stock,
degree days, municipality key changes, and the facility database's snapshots (buildings, meter readings).

These layouts are this project's own: no public body publishes these data in a layout of its own (where one does,
sources/parsers/public.py and genesis_table.py read the publication itself). A partner's file need not match them to
the letter: a source maps its own headers (`options.columns: {column: header}`), its own words for the coded columns
(`mappings.<vocabulary>: {word: code}`, e.g. `mappings.carriers: {Strom: electricity}`), and gives a value for a
column its files lack (`options.defaults: {column: value}`); a file without a year column takes the year from
`options.defaults.year` or from the one year in its file name (`Solarthermie_2021.csv`).

Each format is a list of column specs; one reader checks every cell against its spec and keeps the line number.
Numbers use the decimal mark configured for the source (`.` by default for these machine-written files). A file
may also be an xlsx workbook (the first sheet, or `options.sheet`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import pandas as pd

from sources.errors import Finding, LayoutError
from sources.parsers.common import (Delivery, ParseResult, RowReader, classify_key, finding_for, parse_year,
                                   reject_duplicates)
from sources.region import INVALID, Region
from warehouse.vocabularies import CARRIERS, DATA_QUALITY, DRIVES, RAIL_CATEGORIES, SECTORS, TECHNOLOGIES


@dataclass(frozen=True)
class Column:
    name: str  # the column in the raw table
    kind: str  # ags (inside the region) | key (any valid key) | year | number | text | choice | bool | date
    required: bool = True
    allowed: tuple[str, ...] = ()
    minimum: float | None = 0.0
    header: str | None = None  # the column as the partner names it, if different
    scale: float = 1.0  # numbers: multiply (e.g. kWh → MWh: 0.001)

    @property
    def label(self) -> str:
        return self.header or self.name


@dataclass(frozen=True)
class TidyFormat:
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    value_column: str | None = None  # numeric column whose marks set value_status


FINAL_ENERGY = TidyFormat(
    (Column("ags", "ags"), Column("year", "year"), Column("sector", "choice", allowed=SECTORS),
     Column("carrier", "choice", allowed=CARRIERS), Column("final_energy_mwh", "number"),
     Column("data_quality", "choice", allowed=DATA_QUALITY)),
    key=("ags", "year", "sector", "carrier"), value_column="final_energy_mwh",
)  # fmt: skip
EMISSION_FACTORS = TidyFormat(
    (Column("factor_set", "text"), Column("carrier", "choice", allowed=CARRIERS),
     Column("sector_scope", "choice", allowed=("all", *SECTORS)), Column("year", "year", required=False),
     Column("g_co2e_per_kwh", "number"), Column("source", "text"), Column("derivation", "text", required=False),
     Column("bisko_rule", "bool", required=False)),
    key=("factor_set", "carrier", "sector_scope", "year"),
)  # fmt: skip
DISTRICT_HEAT_FACTORS = TidyFormat(
    (Column("ags", "ags"), Column("year", "year"), Column("g_co2e_per_kwh", "number"), Column("source", "text")),
    key=("ags", "year"),
)  # fmt: skip
EEG_FEED_IN = TidyFormat(
    (Column("eeg_id", "text", header="EegMastrNummer"), Column("year", "year", header="Jahr"),
     Column("feed_in_mwh", "number", header="Einspeisemenge_kWh", scale=0.001),
     # optional: the plant's municipality and technology, to count feed-in of plants without a MaStR unit
     Column("ags", "ags", required=False, header="Gemeindeschluessel"),
     Column("technology", "choice", required=False, allowed=TECHNOLOGIES, header="Technologie")),
    key=("eeg_id", "year"), value_column="feed_in_mwh",
)  # fmt: skip
HEATING_SYSTEMS = TidyFormat(
    (Column("ags", "ags", header="Gemeindeschlüssel"), Column("year", "year", header="Erhebungsjahr"),
     Column("fuel", "text", header="Brennstoff"), Column("power_class", "text", header="Leistungsklasse"),
     Column("systems", "number", header="Anzahl")),
    key=("ags", "year", "fuel", "power_class"), value_column="systems",
)  # fmt: skip
VEHICLE_KM = TidyFormat(
    (Column("ags", "ags"), Column("year", "year"),
     Column("road_type", "choice", allowed=("motorway", "rural", "urban")),
     Column("vehicle_class", "choice", allowed=("car", "motorcycle", "light_commercial", "heavy_goods", "bus",
                                                "coach")),
     Column("vehicle_km_million", "number"), Column("drive", "choice", required=False, allowed=DRIVES)),
    key=("ags", "year", "road_type", "vehicle_class", "drive"), value_column="vehicle_km_million",
)  # fmt: skip
RAIL_TRAIN_KM = TidyFormat(
    (Column("ags", "ags"), Column("year", "year"), Column("rail_category", "choice", allowed=RAIL_CATEGORIES),
     Column("traction", "choice", allowed=("electric", "diesel")), Column("train_km_thousand", "number")),
    key=("ags", "year", "rail_category", "traction"), value_column="train_km_thousand",
)  # fmt: skip
SOLAR_THERMAL = TidyFormat(
    (Column("ags", "ags"), Column("year", "year"), Column("collector_area_m2", "number")),
    key=("ags", "year"), value_column="collector_area_m2",
)  # fmt: skip
RENOVATIONS = TidyFormat(
    (Column("ags", "ags"), Column("year", "year"), Column("energy_renovations", "number")),
    key=("ags", "year"), value_column="energy_renovations")
BUILDING_STOCK = TidyFormat(
    (Column("ags", "ags"), Column("year", "year"), Column("buildings_pre_1979", "number")),
    key=("ags", "year"), value_column="buildings_pre_1979")
ETS = TidyFormat(
    (Column("installation_id", "text"), Column("installation_name", "text"), Column("ags", "ags"),
     Column("activity_code", "number", minimum=1), Column("year", "year"),
     Column("verified_emissions_t_co2e", "number")),
    key=("installation_id", "year"), value_column="verified_emissions_t_co2e")
AGRICULTURE = TidyFormat(
    (Column("ags", "ags"), Column("year", "year"), Column("emissions_t_co2e", "number")),
    key=("ags", "year"), value_column="emissions_t_co2e")
VEHICLE_STOCK = TidyFormat(
    (Column("ags", "ags"), Column("year", "year"),
     Column("vehicle_fuel", "choice", allowed=("petrol", "diesel", "battery_electric", "plug_in_hybrid", "hybrid",
                                               "gas", "other")),
     Column("vehicles", "number")),
    key=("ags", "year", "vehicle_fuel"), value_column="vehicles")
DEGREE_DAYS = TidyFormat(
    (Column("station_id", "text", header="Stationsnummer"), Column("year", "year", header="Jahr"),
     Column("month", "number", header="Monat", minimum=1), Column("heating_degree_days", "number",
                                                                 header="Gradtagzahl")),
    key=("station_id", "year", "month"), value_column="heating_degree_days")
BUILDINGS = TidyFormat(
    (Column("building_id", "text"), Column("building_name", "text"), Column("building_use", "text", required=False),
     Column("gross_floor_area_m2", "number", required=False), Column("ags", "ags")),
    key=("building_id",),
)  # fmt: skip
METER_READINGS = TidyFormat(
    (Column("meter_id", "text"), Column("building_id", "text"), Column("carrier", "choice", allowed=CARRIERS),
     Column("reading_date", "date"), Column("reading_value", "number"),
     Column("reading_unit", "choice", allowed=("kWh", "MWh", "m3")),
     Column("reading_kind", "choice", allowed=("counter", "consumption")),
     Column("meter_exchange", "bool", required=False)),
    key=("meter_id", "reading_date"),
)  # fmt: skip

KEY_CHANGES = TidyFormat(
    (Column("former_ags", "key", header="Gemeindeschlüssel alt"), Column("ags", "key", header="Gemeindeschlüssel neu"),
     Column("effective_date", "date", header="Wirksamkeit"),
     Column("share", "number", required=False, header="Anteil Bevölkerung", minimum=0.0)),
    key=("former_ags", "ags", "effective_date"),
)  # fmt: skip

# The mapping (`mappings.<name>`) that holds a partner's own words for each coded column.
VOCABULARY_OF = {"carrier": "carriers", "sector": "sectors", "sector_scope": "sectors", "road_type": "road_types",
                 "vehicle_class": "vehicle_classes", "drive": "drives", "rail_category": "rail_categories",
                 "traction": "tractions", "technology": "technologies", "vehicle_fuel": "vehicle_fuels",
                 "data_quality": "data_qualities", "reading_unit": "reading_units", "reading_kind": "reading_kinds"}
TIDY_OPTIONS = frozenset({"columns", "defaults", "sheet"})
_YEAR_IN_NAME = re.compile(r"(?<!\d)(19[89]\d|20\d\d)(?!\d)")


@dataclass(frozen=True)
class Layout:
    """A tidy format as one source's files have it: headers, words per coded column, defaults for absent columns."""

    columns: tuple[Column, ...]
    words: Mapping[str, Mapping[str, str]]  # column → {partner's word (casefolded) or code: code}
    defaults: Mapping[str, str]  # column → the text taken for every row when the file lacks the column
    key: tuple[str, ...]
    value_column: str | None


def years_in_file_name(file_name: str) -> list[str]:
    """The years a file's name states, in order (`Solarthermie_2021_Stand_2023-02-01.csv` → 2021, 2023)."""
    return sorted(set(_YEAR_IN_NAME.findall(file_name)))


def year_in_file_name(file_name: str) -> str | None:
    """The one year a file's name states (`Netzabsatz_Strom_2015.csv` → 2015); None for none or several."""
    years = years_in_file_name(file_name)
    return years[0] if len(years) == 1 else None


def layout_problems(fmt: TidyFormat, options: Mapping[str, Any], mappings: Mapping[str, Any]) -> list[str]:
    """What is wrong with a source's headers, defaults and vocabulary maps for this format (the configuration
    check reports these before any file is read): an option naming no column, a mapping for no coded column, a
    word mapped to no allowed code."""
    names = [c.name for c in fmt.columns]
    problems = []
    for option in ("columns", "defaults"):
        if unknown := sorted(set(options.get(option) or {}) - set(names)):
            problems.append(f"options.{option} names {unknown}, which the format does not have (columns: {names})")
    coded = {VOCABULARY_OF[c.name]: c for c in fmt.columns if c.kind == "choice"}
    if unknown := sorted(set(mappings or {}) - set(coded)):
        problems.append(f"mappings {unknown} belong to no coded column of this format (mappings: {sorted(coded)})")
    for name, column in coded.items():
        wrong = {str(k).strip().casefold(): v for k, v in ((mappings or {}).get(name) or {}).items()
                 if v not in column.allowed}
        if wrong:
            problems.append(f"mappings.{name} maps {wrong} to no allowed code (codes: {list(column.allowed)})")
        default = (options.get("defaults") or {}).get(column.name)
        words = {str(k).strip().casefold() for k in ((mappings or {}).get(name) or {})}
        if default is not None and str(default).casefold() not in {c.casefold() for c in column.allowed} | words:
            problems.append(f"options.defaults.{column.name} is {default!r}, no allowed code (codes: "
                            f"{list(column.allowed)})")
    return problems


def layout_for(fmt: TidyFormat, delivery: Delivery, options: Mapping[str, Any],
               mappings: Mapping[str, Any]) -> Layout:
    """The format with the source's headers, vocabulary maps and defaults; a problem of `layout_problems` refuses
    the delivery."""
    if problems := layout_problems(fmt, options, mappings):
        raise LayoutError(delivery.source_id, delivery.file_name, "; ".join(problems),
                          expected="options and mappings that fit the format (docs/configuration.md, tidy layouts)")
    headers = dict(options.get("columns") or {})
    defaults = {k: str(v) for k, v in (options.get("defaults") or {}).items()}
    columns = tuple(replace(c, header=str(headers[c.name])) if c.name in headers else c for c in fmt.columns)
    words = {c.name: {code: code for code in c.allowed} | {code.casefold(): code for code in c.allowed} |
             {str(k).strip().casefold(): str(v) for k, v in (mappings.get(VOCABULARY_OF[c.name]) or {}).items()}
             for c in columns if c.kind == "choice"}
    if any(c.name == "year" for c in columns) and "year" not in defaults and \
            (year := year_in_file_name(delivery.file_name)):
        defaults["year"] = year  # used only when the file has no year column
    return Layout(columns, words, defaults, fmt.key, fmt.value_column)


_TRUE = {"true", "1", "yes", "ja", "wahr"}
_FALSE = {"false", "0", "no", "nein", "falsch", ""}


def _cell(reader: RowReader, region: Region, line, cells: Mapping[str, str], col: Column,
          layout: Layout, default: str | None) -> tuple[Any, Finding | None, str | None]:
    """(value, finding, status) of one cell; `default`: the configured text for a column the file lacks."""
    label = col.label
    raw = cells.get(label.casefold(), "") if default is None else default
    text = raw.strip()
    if col.kind == "number":
        if default is not None:  # configured in YAML: a plain number whatever the file's decimal mark
            return float(default) * col.scale, None, None
        value = reader.value(line, cells, label, minimum=col.minimum)
        if value.finding:
            return None, value.finding, None
        if value.value is None and col.required and col.name != layout.value_column:
            return None, reader.finding(line.number, label, raw, "the value is missing", "a number"), None
        return (None if value.value is None else value.value * col.scale), None, value.status
    if not text:
        if col.required:
            return None, reader.finding(line.number, label, raw, "the cell is empty", f"a {col.kind} value"), None
        return (False if col.kind == "bool" else None), None, None
    if col.kind == "ags":
        key, finding = classify_key(reader, region, line, label, text)
        return key, finding, None
    if col.kind == "key":  # any valid key, inside the region or not (a key that no longer exists)
        key, where = region.classify(text)
        if where == INVALID:
            return None, reader.finding(line.number, label, raw, f"{raw!r} is not a valid municipality key",
                                        "an 8-digit Amtlicher Gemeindeschlüssel such as 05974004"), None
        return key, None, None
    if col.kind == "year":
        year, finding = parse_year(reader, line, label, text)
        return year, finding, None
    if col.kind == "choice":
        words = layout.words[col.name]
        code = words.get(text) or words.get(text.casefold())
        if code is None:
            return None, reader.finding(line.number, label, raw, f"{text!r} is not an allowed value",
                                        f"one of {list(col.allowed)} (or the partner's word in "
                                        f"mappings.{VOCABULARY_OF[col.name]} of the source)"), None
        return code, None, None
    if col.kind == "bool":
        if text.casefold() in _TRUE:
            return True, None, None
        if text.casefold() in _FALSE:
            return False, None, None
        return None, reader.finding(line.number, label, raw, f"{text!r} is not true or false", "true or false"), None
    if col.kind == "date":
        try:
            return dt.date.fromisoformat(text[:10]), None, None
        except ValueError:
            try:
                return dt.datetime.strptime(text, "%d.%m.%Y").date(), None, None
            except ValueError:
                return None, reader.finding(line.number, label, raw, f"{text!r} is not a date",
                                            "a date as YYYY-MM-DD or DD.MM.YYYY"), None
    return text, None, None


def parse_tidy(fmt: TidyFormat, delivery: Delivery, options: Mapping[str, Any], region: Region,
               mappings: Mapping[str, Any] | None = None) -> ParseResult:
    opts = {"decimal": ".", "separator": ",", **options}
    layout = layout_for(fmt, delivery, opts, mappings or {})
    required = [c.label for c in layout.columns if c.required and c.name not in layout.defaults]
    reader = RowReader(delivery, opts, required, default_separator=opts["separator"], spreadsheet=True)
    defaults = {c.name: layout.defaults[c.name] for c in layout.columns
                if c.name in layout.defaults and not reader.has(c.label)}
    records, findings = [], []
    for line, cells in reader.rows(findings):
        record: dict[str, Any] = {"delivery_id": delivery.delivery_id, "source_row": line.number}
        status = "reported"
        problem = None
        for col in layout.columns:
            value, problem, cell_status = _cell(reader, region, line, cells, col, layout, defaults.get(col.name))
            if problem:
                break
            record[col.name] = value
            if col.name == layout.value_column and cell_status:
                status = cell_status
        if problem:
            findings.append(problem)
            continue
        if layout.value_column:
            record["value_status"] = status
        records.append(record)
    columns = ["delivery_id", "source_row", *[c.name for c in layout.columns]]
    if layout.value_column:
        columns.append("value_status")
    frame = pd.DataFrame(records, columns=columns)
    frame, dupes = reject_duplicates(reader, frame, list(layout.key))
    return ParseResult(frame, findings + dupes)


# format key (sources/formats.py) → its layout
TIDY_SPECS: dict[str, TidyFormat] = {
    "final_energy": FINAL_ENERGY, "emission_factors": EMISSION_FACTORS, "district_heat_factors": DISTRICT_HEAT_FACTORS,
    "eeg_feed_in": EEG_FEED_IN, "chimney_sweep": HEATING_SYSTEMS, "vehicle_km": VEHICLE_KM,
    "rail_train_km": RAIL_TRAIN_KM, "solar_thermal": SOLAR_THERMAL, "renovations": RENOVATIONS,
    "building_stock": BUILDING_STOCK, "ets": ETS, "agriculture": AGRICULTURE, "vehicle_stock": VEHICLE_STOCK,
    "degree_days": DEGREE_DAYS, "key_changes": KEY_CHANGES,
}


def parse_final_energy(delivery: Delivery, options, mappings, region: Region) -> ParseResult:
    return parse_tidy(FINAL_ENERGY, delivery, options, region, mappings)


def parse_emission_factors(delivery: Delivery, options, mappings, region: Region) -> ParseResult:
    return parse_tidy(EMISSION_FACTORS, delivery, options, region, mappings)


def parse_district_heat_factors(delivery: Delivery, options, mappings, region: Region) -> ParseResult:
    return parse_tidy(DISTRICT_HEAT_FACTORS, delivery, options, region, mappings)


def parse_buildings(delivery: Delivery, options, mappings, region: Region) -> ParseResult:
    return parse_tidy(BUILDINGS, delivery, options, region, mappings)


def parse_meter_readings(delivery: Delivery, options, mappings, region: Region) -> ParseResult:
    return parse_tidy(METER_READINGS, delivery, options, region, mappings)


def parse_eeg_feed_in(delivery: Delivery, options, mappings, region: Region) -> ParseResult:
    return parse_tidy(EEG_FEED_IN, delivery, {"separator": ";", "decimal": ",", **options}, region, mappings)


def parse_heating_systems(delivery: Delivery, options, mappings, region: Region) -> ParseResult:
    return parse_tidy(HEATING_SYSTEMS, delivery, {"separator": ";", "decimal": ",", **options}, region, mappings)


def parse_vehicle_km(delivery: Delivery, options, mappings, region: Region) -> ParseResult:
    return parse_tidy(VEHICLE_KM, delivery, options, region, mappings)


def _tidy_parser(fmt: TidyFormat, defaults: dict | None = None):
    def parse(delivery: Delivery, options, mappings, region: Region) -> ParseResult:
        return parse_tidy(fmt, delivery, {**(defaults or {}), **options}, region, mappings)

    return parse


parse_renovations = _tidy_parser(RENOVATIONS)
parse_rail_train_km = _tidy_parser(RAIL_TRAIN_KM)
parse_solar_thermal = _tidy_parser(SOLAR_THERMAL)
parse_building_stock = _tidy_parser(BUILDING_STOCK)
parse_ets = _tidy_parser(ETS)
parse_agriculture = _tidy_parser(AGRICULTURE)
parse_vehicle_stock = _tidy_parser(VEHICLE_STOCK)
parse_degree_days = _tidy_parser(DEGREE_DAYS, {"separator": ";", "decimal": ","})


def parse_key_changes(delivery: Delivery, options, mappings, region: Region) -> ParseResult:
    """Changes of municipality keys (Destatis' Gebietsänderungen): former key → successor key from a date, with the
    share of the former territory's inhabitants for a split (empty: the only successor takes all).

    Kept are the changes that lead, directly or through later changes, to one of the region's municipalities (with
    all parts of such a split, also those leaving the region); the others are filtered and counted. Rejected: shares
    of one former key that do not add up to 1, and a successor in the region's key range that is neither one of its
    municipalities nor changed further (municipalities.csv older than the change table)."""
    result = parse_tidy(KEY_CHANGES, delivery, {"separator": ";", "decimal": ",", **options}, region, mappings)
    if result.rows.empty:
        return result
    return changes_into_region(delivery, result.rows, list(result.findings), region)


def reaching_keys(rows: pd.DataFrame, current: set[str]) -> set[str]:
    """Keys whose territory is (partly) in the region today: its keys and those changed into them, transitively."""
    reaching = set(current)
    while more := set(rows.loc[rows["ags"].isin(reaching), "former_ags"]) - reaching:
        reaching |= more
    return reaching


def changes_into_region(delivery: Delivery, rows: pd.DataFrame, findings: list, region: Region,
                        labels: tuple[str, str, str] = ("Gemeindeschlüssel alt", "Gemeindeschlüssel neu",
                                                        "Anteil Bevölkerung")) -> ParseResult:
    """The key changes (source_row, former_ags, ags, effective_date, share) that lead into the region, checked:
    shares of a split adding up to 1, successors in the region known. `labels`: the delivery's column names for
    the former key, the successor and the share (findings name them)."""
    old, new, share = labels
    if rows.empty:
        return ParseResult(rows, findings)
    parts = rows.groupby(["former_ags", "effective_date"])["share"]
    count, filled = parts.transform("size"), parts.transform("count")
    rows["share"] = rows["share"].where(rows["share"].notna() | (count > 1), 1.0)
    total = rows.groupby(["former_ags", "effective_date"])["share"].transform(lambda s: s.sum(min_count=1))
    bad = (filled.lt(count) & count.gt(1)) | (total - 1.0).abs().gt(1e-6)
    for row in rows[bad].itertuples(index=False):
        findings.append(finding_for(delivery, int(row.source_row), share, None if pd.isna(row.share)
                                    else str(row.share), f"the shares of former key {row.former_ags} (effective "
                                    f"{row.effective_date}) do not add up to 1 over its successors",
                                    "for a split one share per successor, together 1; for a merge none or 1"))
    rows = rows[~bad]
    current = set(region.municipality_keys)
    dangling = rows["ags"].str.startswith(region.prefix) & ~rows["ags"].isin(current | set(rows["former_ags"]))
    for row in rows[dangling].itertuples(index=False):
        findings.append(finding_for(delivery, int(row.source_row), new, row.ags,
                                    f"successor key {row.ags} lies in the region but is neither one of its "
                                    "municipalities nor changed further", "a key of municipalities.csv (is it older "
                                    "than the change table?)"))
    rows = rows[~rows["former_ags"].isin(set(rows.loc[dangling, "former_ags"]))]
    relevant = rows["former_ags"].isin(reaching_keys(rows, current))
    outside = int((~relevant).sum())
    if outside:
        findings.append(finding_for(delivery, None, old, None, f"{outside} change(s) not leading "
                                    "into the configured region were filtered out", kind="filtered",
                                    rows_affected=outside))
    return ParseResult(rows[relevant].reset_index(drop=True), findings)
