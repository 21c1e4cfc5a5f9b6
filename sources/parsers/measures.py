"""The work programme: the climate manager's list of measures and the eea auditor's assessment, as xlsx or CSV.

Columns are the partner's own headers, mapped in the source's `options.columns` ({field: header}; German defaults
below). Fields of action and statuses are read as the catalog's codes, their German names (warehouse/vocabularies.py)
or the partner's own words mapped in `mappings.fields_of_action` / `mappings.statuses`. A row is quarantined, naming
file, row and column, for an unknown field of action or status, an indicator that is no configured target
(`options.known_indicators`, set from the district's targets by assets/raw.py), a municipality that is not in the
region, an end before the start, a negative budget or saving, or a date or number that cannot be read.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

import pandas as pd

from sources.errors import Finding, LayoutError
from sources.parsers.common import Delivery, ParseResult, RowReader, parse_year, reject_duplicates
from sources.region import INSIDE, Region
from sources.text import number_format_hint, parse_number
from warehouse.vocabularies import FIELDS_OF_ACTION_DE, MEASURE_STATUS_DE

MEASURE_COLUMNS = {
    "measure_id": "Nr.", "measure_title": "Titel", "measure_description": "Beschreibung",
    "field_of_action": "Handlungsfeld", "lead": "Federführung", "municipalities_involved": "Beteiligte Kommunen",
    "measure_status": "Status", "start_date": "Beginn", "end_date": "Ende",
    "budget_planned_eur": "Budget geplant (EUR)", "budget_spent_eur": "Budget verausgabt (EUR)",
    "savings_t_co2e_per_year": "Einsparung (t CO2e/a)", "savings_mwh_per_year": "Einsparung (MWh/a)",
    "savings_method": "Schätzmethode", "target_indicators": "Ziele", "last_updated": "Letzte Aktualisierung",
}  # fmt: skip
MEASURE_REQUIRED = ("measure_id", "measure_title", "field_of_action", "measure_status", "last_updated")
MEASURE_NUMBERS = ("budget_planned_eur", "budget_spent_eur", "savings_t_co2e_per_year", "savings_mwh_per_year")
EEA_COLUMNS = {"field_of_action": "Handlungsfeld", "year": "Jahr", "eea_points_possible": "Punkte möglich",
               "eea_points_achieved": "Punkte erreicht"}
_LIST_SPLIT = re.compile(r"\s*[;,\n]\s*")
_PLACES_SPLIT = re.compile(r"\s*[;/\n]\s*")  # official names hold commas ("Lippstadt, Stadt")


def vocabulary(delivery: Delivery, labels: Mapping[str, str], mapped: Mapping[str, str] | None,
               mapping: str) -> dict[str, str]:
    """Every accepted spelling (casefolded) → code: the codes, their German names and the source's own mapping
    (`mappings.<mapping>`; a word mapped to no known code refuses the delivery, naming the mapping)."""
    wrong = {k: v for k, v in (mapped or {}).items() if v not in labels}
    if wrong:
        raise LayoutError(delivery.source_id, delivery.file_name, f"mappings.{mapping} maps {wrong} to no known "
                          "code", expected=f"codes among {list(labels)}")
    words = {code.casefold(): code for code in labels} | {de.casefold(): code for code, de in labels.items()}
    return words | {str(k).strip().casefold(): v for k, v in (mapped or {}).items()}


class _Row:
    """One data row being read: its cells, and the first finding (the row is quarantined with it)."""

    def __init__(self, reader: RowReader, line, cells: Mapping[str, str], headers: Mapping[str, str]):
        self.reader, self.line, self.cells, self.headers = reader, line, cells, headers
        self.problem: Finding | None = None

    def text(self, field: str) -> str:
        return self.cells.get(self.headers[field].casefold(), "").strip()

    def fail(self, field: str, problem: str, expected: str) -> None:
        if self.problem is None:
            self.problem = self.reader.finding(self.line.number, self.headers[field], self.text(field), problem,
                                               expected)

    def choice(self, field: str, words: Mapping[str, str], what: str, mapping: str) -> str | None:
        raw = self.text(field)
        if raw.casefold() in words:
            return words[raw.casefold()]
        names = ", ".join(dict.fromkeys(w for w in words.values()))
        self.fail(field, f"{raw!r} is not {what}" if raw else f"the cell is empty; it must name {what}",
                  f"one of {names} (their German names, or the partner's words in mappings.{mapping})")
        return None

    def number(self, field: str) -> float | None:
        raw = self.text(field)
        if raw in self.reader.missing_marks:
            return None
        try:
            value = parse_number(raw, self.reader.decimal)
        except ValueError:
            self.fail(field, f"{raw!r} is not a number", number_format_hint(self.reader.decimal))
            return None
        if value < 0:
            self.fail(field, f"the value {raw} is negative", "an amount of 0 or more")
            return None
        return value

    def date(self, field: str, required: bool = False) -> dt.date | None:
        raw = self.text(field)
        if not raw:
            if required:
                self.fail(field, "the cell is empty", "a date as DD.MM.YYYY or YYYY-MM-DD")
            return None
        for fmt in ("%Y-%m-%d", "%d.%m.%Y"):
            try:
                return dt.datetime.strptime(raw[:10] if fmt == "%Y-%m-%d" else raw, fmt).date()
            except ValueError:
                continue
        self.fail(field, f"{raw!r} is not a date", "a date as DD.MM.YYYY or YYYY-MM-DD")
        return None


def _reader(delivery: Delivery, options: Mapping[str, Any], defaults: Mapping[str, str],
            required: tuple[str, ...]) -> tuple[RowReader, dict[str, str]]:
    headers = {**defaults, **options.get("columns", {})}
    opts = {"separator": ";", "decimal": ",", **options}
    reader = RowReader(delivery, opts, [headers[f] for f in required], default_separator=";", spreadsheet=True)
    return reader, headers


def _municipalities(row: _Row, region: Region) -> list[str]:
    names = {spelling.casefold(): key for key, name in region.names for spelling in (name, name.split(",")[0])}
    keys = []
    for part in (p for p in _PLACES_SPLIT.split(row.text("municipalities_involved")) if p):
        key, where = region.classify(part)
        key = key if where == INSIDE else names.get(part.casefold())
        if key is None:
            row.fail("municipalities_involved", f"{part!r} is not a municipality of the region",
                     "names (Lippstadt or Lippstadt, Stadt) or keys of municipalities.csv, separated by ';'")
            return []
        keys.append(key)
    return sorted(set(keys))


def _indicators(row: _Row, known: set[str] | None) -> list[str]:
    ids = [p for p in _LIST_SPLIT.split(row.text("target_indicators")) if p]
    unknown = [i for i in ids if known is not None and i not in known]
    if unknown:
        row.fail("target_indicators", f"{', '.join(map(repr, unknown))} is not a configured target indicator",
                 f"indicator_id(s) of the district's targets ({', '.join(sorted(known or ()))})")
    return ids


def parse_measures(delivery: Delivery, options: Mapping[str, Any], mappings: Mapping[str, Any],
                   region: Region) -> ParseResult:
    """The list of measures: one row per measure (measure_id unique within the delivery)."""
    reader, headers = _reader(delivery, options, MEASURE_COLUMNS, MEASURE_REQUIRED)
    fields = vocabulary(delivery, FIELDS_OF_ACTION_DE, mappings.get("fields_of_action"), "fields_of_action")
    statuses = vocabulary(delivery, MEASURE_STATUS_DE, mappings.get("statuses"), "statuses")
    known = set(options["known_indicators"]) if "known_indicators" in options else None
    present = {f for f, h in headers.items() if reader.has(h)}
    records, findings = [], []
    for line, cells in reader.rows(findings):
        row = _Row(reader, line, cells, headers)
        record: dict[str, Any] = {"delivery_id": delivery.delivery_id, "source_row": line.number}
        for field in ("measure_id", "measure_title", "measure_description", "lead", "savings_method"):
            record[field] = (row.text(field) or None) if field in present else None
        if not record["measure_id"]:
            row.fail("measure_id", "the measure has no number", "the measure's id (Nr.) in every row")
        if not record["measure_title"]:
            row.fail("measure_title", "the measure has no title", "a title in every row")
        record["field_of_action"] = row.choice("field_of_action", fields, "an eea field of action", "fields_of_action")
        record["measure_status"] = row.choice("measure_status", statuses, "a status of a measure", "statuses")
        for field in MEASURE_NUMBERS:
            record[field] = row.number(field) if field in present else None
        for field in ("start_date", "end_date"):
            record[field] = row.date(field) if field in present else None
        record["last_updated"] = row.date("last_updated", required=True)
        if record["start_date"] and record["end_date"] and record["end_date"] < record["start_date"]:
            row.fail("end_date", f"the end {record['end_date']:%d.%m.%Y} is before the start "
                     f"{record['start_date']:%d.%m.%Y}", "an end on or after the start")
        record["municipalities_involved"] = _municipalities(row, region) if "municipalities_involved" in present \
            else []
        record["target_indicators"] = _indicators(row, known) if "target_indicators" in present else []
        if row.problem:
            findings.append(row.problem)
            continue
        records.append(record)
    frame = pd.DataFrame(records, columns=["delivery_id", "source_row", *MEASURE_COLUMNS])
    frame, dupes = _unique(reader, frame, ["measure_id"])
    return ParseResult(frame, findings + dupes)


def _unique(reader: RowReader, frame: pd.DataFrame, key: list[str]) -> tuple[pd.DataFrame, list[Finding]]:
    """reject_duplicates on a frame with list cells (compared as text)."""
    lists = [c for c in ("municipalities_involved", "target_indicators") if c in frame]
    shown = frame.assign(**{c: frame[c].map(tuple) for c in lists})
    kept, dupes = reject_duplicates(reader, shown, key)
    return frame.loc[frame["source_row"].isin(kept["source_row"])].reset_index(drop=True), dupes


def parse_eea_assessment(delivery: Delivery, options: Mapping[str, Any], mappings: Mapping[str, Any],
                         region: Region) -> ParseResult:
    """The auditor's assessment: points possible and achieved per field of action and year."""
    reader, headers = _reader(delivery, options, EEA_COLUMNS, tuple(EEA_COLUMNS))
    fields = vocabulary(delivery, FIELDS_OF_ACTION_DE, mappings.get("fields_of_action"), "fields_of_action")
    records, findings = [], []
    for line, cells in reader.rows(findings):
        row = _Row(reader, line, cells, headers)
        field = row.choice("field_of_action", fields, "an eea field of action", "fields_of_action")
        year, problem = parse_year(reader, line, headers["year"], row.text("year"))
        row.problem = row.problem or problem
        possible, achieved = row.number("eea_points_possible"), row.number("eea_points_achieved")
        if possible is None and row.problem is None:
            row.fail("eea_points_possible", "the points possible are missing", "a number of points")
        if achieved is not None and possible is not None and achieved > possible:
            row.fail("eea_points_achieved", f"{achieved:g} points achieved are more than the {possible:g} possible",
                     "at most the points possible")
        if row.problem:
            findings.append(row.problem)
            continue
        records.append({"delivery_id": delivery.delivery_id, "source_row": line.number, "field_of_action": field,
                        "year": year, "eea_points_possible": possible, "eea_points_achieved": achieved})
    frame = pd.DataFrame(records, columns=["delivery_id", "source_row", *EEA_COLUMNS])
    frame, dupes = reject_duplicates(reader, frame, ["field_of_action", "year"])
    return ParseResult(frame, findings + dupes)
