"""Marktstammdatenregister (Bundesnetzagentur, licence dl-de/by-2-0): generation units in both real formats.

- Web CSV export of the public unit overview: UTF-8 with BOM, `;`, decimal comma and thousands dot, dates
  `dd.mm.yyyy`, German headers (`MaStR-Nr. der Einheit`, `Betriebs-Status`, `Energieträger`, `Bruttoleistung der
  Einheit`, `Inbetriebnahmedatum der Einheit`, `Datum der endgültigen Stilllegung`, `Gemeindeschlüssel`, ...).
- Daily bulk export (`Gesamtdatenexport_<date>.zip`): XML per unit type, UTF-16, split into numbered files
  (`EinheitenSolar_1.xml`, ...), many values as catalog codes (energy carrier 2495 = solar radiation, 2497 = wind).
  Streamed element by element with defusedxml (no external entities, no entity expansion), so a national export
  does not have to fit in memory: only units inside the region are kept, the others are counted.

Units are kept with gross capacity (Bruttoleistung, kW), commissioning and decommissioning dates and status; which
units count in a year is decided later (assets/compute/generation.py). Mappings of carriers and status codes are
configurable (`options.technologies`, `options.status_codes`, ...) with the catalog values below as defaults.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator, Mapping
from typing import Any, BinaryIO

import pandas as pd
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser, ParseError, iterparse

from sources.errors import EmptyDeliveryError, LayoutError
from sources.parsers.common import (Delivery, DeliveryReporter, ParseResult, RowReader, UnpackBudget, csv_batches,
                                   finding_for, reject_duplicates, unknown_key_problem)
from sources.region import INSIDE, INVALID, OUTSIDE, UNKNOWN, Region
from sources.text import parse_numbers

TECHNOLOGY_NAMES = {
    "Solare Strahlungsenergie": "solar_pv", "Wind": "wind_onshore", "Biomasse": "biomass", "Wasser": "hydro",
    "Geothermie": "other_renewable", "Klärschlamm": "other_renewable", "Deponiegas": "other_renewable",
    "Klärgas": "other_renewable", "Grubengas": "other_fossil", "Erdgas": "fossil_chp", "Steinkohle": "other_fossil",
    "Braunkohle": "other_fossil", "Mineralölprodukte": "other_fossil", "Nicht biogener Abfall": "other_fossil",
    "Wärme": "other_fossil", "andere Gase": "other_fossil",
}  # fmt: skip
TECHNOLOGY_CODES = {"2495": "solar_pv", "2497": "wind_onshore", "2493": "biomass", "2498": "hydro"}
NOT_GENERATION = {"Speicher", "Solarthermie"}  # storage units are not generation
STATUS_NAMES = {"In Betrieb": "operating", "In Planung": "planned", "Vorübergehend stillgelegt": "temporarily_closed",
                "Endgültig stillgelegt": "closed"}  # fmt: skip
STATUS_CODES = {"35": "operating", "31": "planned", "37": "temporarily_closed", "38": "closed"}
CSV_COLUMNS = {
    "unit_id": "MaStR-Nr. der Einheit", "status": "Betriebs-Status", "carrier": "Energieträger",
    "gross_kw": "Bruttoleistung der Einheit", "net_kw": "Nettonennleistung der Einheit",
    "commissioned_on": "Inbetriebnahmedatum der Einheit", "decommissioned_on": "Datum der endgültigen Stilllegung",
    "ags": "Gemeindeschlüssel", "eeg_id": "MaStR-Nr. der EEG-Anlage",
}  # fmt: skip
XML_UNIT_FILE = re.compile(r"^Einheiten[A-Za-z]+(_\d+)?\.xml$")
RAW_COLUMNS = ["delivery_id", "source_row", "unit_id", "ags", "technology", "unit_status", "gross_kw", "net_kw",
               "commissioned_on", "decommissioned_on", "eeg_id"]  # fmt: skip


RECORD_FIELDS = list(CSV_COLUMNS)  # unit_id, status, carrier, gross_kw, net_kw, commissioned_on, ... eeg_id
STREAM_FROM_BYTES = 32 * 2**20  # larger web exports are read in column batches (pyarrow), not line by line
XML_BATCH = 10_000  # unit records validated together (memory stays flat: only units in the region are kept)


SLASHED = r"^(\d{1,2})/(\d{1,2})/(\d{4})$"
DATE_ORDERS = {"dmy": "%d/%m/%Y", "mdy": "%m/%d/%Y"}


def date_order(delivery: Delivery, columns: list[pd.Series], option: str = "auto") -> str | None:
    """The order of day and month of a file's slashed dates (`9/16/2014`: the exporting browser's locale), decided
    once per file: from options.date_order, else from values that can be read one way only (a first number above 12
    is a day: dmy; a second above 12: mdy). None when the file has no slashed dates. Never decided per row."""
    if option in DATE_ORDERS:
        return option
    if option != "auto":
        raise LayoutError(delivery.source_id, delivery.file_name, f"options.date_order {option!r} is not known",
                          expected="auto, dmy or mdy")
    texts = pd.concat([c.fillna("").astype(str).str.strip().str[:10] for c in columns], ignore_index=True)
    parts = texts.str.extract(SLASHED).dropna().astype(int)
    if parts.empty:
        return None
    day_first, month_first = bool((parts[0] > 12).any()), bool((parts[1] > 12).any())
    if day_first and month_first:
        raise LayoutError(delivery.source_id, delivery.file_name, "the dates are written in both orders (some with "
                          "the day first, some with the month first)", expected="one date order per file")
    if day_first or month_first:
        return "dmy" if day_first else "mdy"
    raise LayoutError(delivery.source_id, delivery.file_name, "every date could be day/month or month/day "
                      f"(e.g. {texts[texts.str.match(SLASHED)].iloc[0]!r})",
                      expected="options.date_order: dmy or mdy for this source")


def _dates(texts: pd.Series, order: str | None) -> tuple[pd.Series, pd.Series]:
    """(dates, not_a_date) of a column: dd.mm.yyyy, yyyy-mm-dd (first 10 characters) or slashed in the file's
    order; empty is null."""
    t = texts.fillna("").astype(str).str.strip().str[:10]
    parsed = pd.to_datetime(t, format="%d.%m.%Y", errors="coerce")
    parsed = parsed.fillna(pd.to_datetime(t, format="%Y-%m-%d", errors="coerce"))
    if order is not None:
        parsed = parsed.fillna(pd.to_datetime(t, format=DATE_ORDERS[order], errors="coerce"))
    return parsed.dt.date.where(parsed.notna(), None), parsed.isna() & (t != "")


class _Units:
    """Turns batches of unit records (text, with their row numbers) into rows, findings and a count of units
    outside the region — every check on whole columns, so a national export costs no Python per unit."""

    def __init__(self, delivery: Delivery, region: Region, technologies: Mapping[str, str],
                 statuses: Mapping[str, str], decimal: str, columns: Mapping[str, str], order: str = "auto"):
        self.delivery, self.region, self.decimal, self.columns = delivery, region, decimal, columns
        self.order_option, self.order = order, None  # decided on the first batch with slashed dates
        self.technologies, self.statuses = technologies, statuses
        self.skip = set(NOT_GENERATION)  # carriers that are not generation (storage), as names or catalog codes
        self.frames: list[pd.DataFrame] = []
        self.findings: list = []
        self.outside = 0
        self.not_generation = 0

    def use_catalog(self, catalog: Mapping[str, str], technology_codes: Mapping[str, str],
                    status_codes: Mapping[str, str]) -> None:
        """Catalog codes from the export's own Katalogwerte.xml (code → value name), mapped through the names;
        codes configured in options still win. An empty catalog leaves the built-in codes."""
        if not catalog:
            return
        self.technologies = {**{c: TECHNOLOGY_NAMES[n] for c, n in catalog.items() if n in TECHNOLOGY_NAMES},
                             **technology_codes}
        self.statuses = {**{c: STATUS_NAMES[n] for c, n in catalog.items() if n in STATUS_NAMES}, **status_codes}
        self.skip |= {c for c, n in catalog.items() if n in NOT_GENERATION}

    def _reject(self, batch: pd.DataFrame, mask: pd.Series, field: str, problem, expected: str) -> pd.Series:
        """Findings for the rows of `mask` (problem: text, or a function of the raw value), naming the unit and,
        in a bulk export, the archive member; returns the rest."""
        members = batch["member"] if "member" in batch else pd.Series(None, index=batch.index)
        for row, raw, unit, member in zip(batch.loc[mask, "source_row"], batch.loc[mask, field],
                                          batch.loc[mask, "unit_id"], members[mask], strict=True):
            raw = None if raw is None or (isinstance(raw, float) and pd.isna(raw)) else str(raw)
            where = f" (unit {unit}" + (f" in {member})" if isinstance(member, str) else ")") if unit else ""
            self.findings.append(finding_for(self.delivery, int(row), self.columns[field], raw,
                                             (problem(raw) if callable(problem) else problem) + where, expected))
        return ~mask

    def add(self, batch: pd.DataFrame) -> None:
        """`batch`: source_row and the RECORD_FIELDS as delivered text (None where a column is absent)."""
        if batch.empty:
            return
        batch = batch.reset_index(drop=True)
        key, where = self.region.classify_many(batch["ags"])
        blank_ags = batch["ags"].fillna("").astype(str).str.strip() == ""
        keep = where == INSIDE
        self._reject(batch, (where == INVALID) & ~blank_ags, "ags", lambda r: f"{r!r} is not a valid municipality key",
                     "an 8-digit Gemeindeschlüssel")
        for row, k in zip(batch.loc[where == UNKNOWN, "source_row"], key[where == UNKNOWN], strict=True):
            self.findings.append(finding_for(self.delivery, int(row), self.columns["ags"], k,
                                             unknown_key_problem(k, self.region), "one of the configured municipalities"))
        self.outside += int(((where == OUTSIDE) | ((where == INVALID) & blank_ags)).sum())
        carrier = batch["carrier"].fillna("").astype(str).str.strip()
        storage = keep & carrier.isin(self.skip)
        self.not_generation += int(storage.sum())
        keep &= ~storage
        technology = carrier.map(self.technologies)
        keep &= self._reject(batch, keep & technology.isna(), "carrier",
                             lambda r: f"energy carrier {(r or '').strip()!r} is not mapped to a technology",
                             f"one of {sorted(self.technologies)} (options.technologies)")
        status = batch["status"].fillna("").astype(str).str.strip().map(self.statuses)
        keep &= self._reject(batch, keep & status.isna(), "status", lambda r: f"operating status {r!r} is not known",
                             f"one of {sorted(self.statuses)}")
        values = {}
        for name in ("gross_kw", "net_kw"):
            values[name], bad = parse_numbers(batch[name], self.decimal)
            keep &= self._reject(batch, keep & bad, name, lambda r: f"{(r or '').strip()!r} is not a number",
                                 "a capacity in kW")
        keep &= self._reject(batch, keep & ~(values["gross_kw"] >= 0), "gross_kw",
                             "the gross capacity is missing or negative", "a capacity in kW ≥ 0")
        if self.order is None:
            self.order = date_order(self.delivery, [batch["commissioned_on"], batch["decommissioned_on"]],
                                    self.order_option)
        for name in ("commissioned_on", "decommissioned_on"):
            values[name], bad = _dates(batch[name], self.order)
            keep &= self._reject(batch, keep & bad, name, lambda r: f"{r!r} is not a date", "dd.mm.yyyy, yyyy-mm-dd or the file's m/d/yyyy")
        undated = keep & values["commissioned_on"].isna() & (status != "planned")
        for row in batch.loc[undated, "source_row"]:
            self.findings.append(finding_for(self.delivery, int(row), self.columns["commissioned_on"], None,
                                             "a unit in operation has no commissioning date", "a date"))
        keep &= ~undated
        eeg = batch["eeg_id"].fillna("").astype(str).str.strip()
        self.frames.append(pd.DataFrame({
            "delivery_id": self.delivery.delivery_id, "source_row": batch["source_row"].astype("int64"),
            "unit_id": batch["unit_id"].fillna("").astype(str).str.strip(), "ags": key, "technology": technology,
            "unit_status": status, **values, "eeg_id": eeg.where(eeg != "", None),
        })[keep.to_numpy()][RAW_COLUMNS])  # fmt: skip

    def result(self, column: str) -> ParseResult:
        findings = list(self.findings)
        if self.outside:
            findings.append(finding_for(self.delivery, None, column, None,
                                        f"{self.outside} unit(s) outside the configured region were filtered out",
                                        kind="filtered", rows_affected=self.outside))
        frames = [f for f in self.frames if len(f)]
        frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=RAW_COLUMNS)
        frame, dupes = reject_duplicates(DeliveryReporter(self.delivery), frame, ["unit_id"])
        return ParseResult(frame, findings + dupes)




def parse_mastr_csv(delivery: Delivery, options: Mapping[str, Any], mappings: Mapping[str, Any],
                    region: Region) -> ParseResult:
    columns = {**CSV_COLUMNS, **options.get("columns", {})}
    required = [columns[c] for c in ("unit_id", "status", "carrier", "gross_kw", "commissioned_on", "ags")]
    decimal = options.get("decimal", ",")
    units = _Units(delivery, region, {**TECHNOLOGY_NAMES, **options.get("technologies", {})},
                   {**STATUS_NAMES, **options.get("statuses", {})}, decimal, columns,
                   options.get("date_order", "auto"))
    if delivery.size() >= int(options.get("stream_from_bytes", STREAM_FROM_BYTES)):
        for batch in csv_batches(delivery, {"encoding": "utf-8", **options}, columns, required, units.findings):
            units.add(batch)
        return units.result(columns["ags"])
    reader = RowReader(delivery, {"encoding": "utf-8", **options}, required)
    records = [(line.number, *[cells.get(columns[name].casefold()) for name in RECORD_FIELDS])
               for line, cells in reader.rows(units.findings)]
    units.add(pd.DataFrame(records, columns=["source_row", *RECORD_FIELDS]))
    return units.result(columns["ags"])


XML_FIELDS = {
    "EinheitMastrNummer": "unit_id", "Gemeindeschluessel": "ags", "Energietraeger": "carrier",
    "Bruttoleistung": "gross_kw", "Nettonennleistung": "net_kw", "Inbetriebnahmedatum": "commissioned_on",
    "DatumEndgueltigeStilllegung": "decommissioned_on", "EinheitBetriebsstatus": "status",
    "EegMastrNummer": "eeg_id",
}  # fmt: skip


MAX_TEXT_CHARS = 1 * 2**20  # text between two tags (options.max_xml_text_chars): a unit's values are short
MAX_UNPACKED_BYTES = 64 * 2**30  # the unit files of one archive (options.max_uncompressed_bytes)
MAX_CATALOG_BYTES = 16 * 2**20  # Katalogwerte.xml (a few hundred kB in the real export)
_CHUNK = 1 << 16


class _UnitTarget:
    """Parser target that keeps only unit records (elements with a direct child EinheitMastrNummer) and refuses a
    text run between two tags longer than `max_text`, so no padded element can grow memory (ElementTree would
    gather it whole): no tree is built at all."""

    def __init__(self, delivery: Delivery, member: str, max_text: int):
        self.delivery, self.member, self.max_text = delivery, member, max_text
        self.stack: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.text_len = 0
        self.records: list[dict[str, str | None]] = []

    def start(self, tag: str, attrib) -> None:
        if not self.stack and tag.startswith("{"):
            raise LayoutError(self.delivery.source_id, self.delivery.file_name,
                              f"{self.member}: the root element {tag} is in an XML namespace",
                              expected="the Marktstammdatenregister export without namespace (e.g. <EinheitenSolar>)")
        self.stack.append((tag, {}))
        self.text, self.text_len = [], 0

    def data(self, text: str) -> None:
        self.text_len += len(text)
        if self.text_len > self.max_text:
            raise LayoutError(self.delivery.source_id, self.delivery.file_name,
                              f"{self.member}: element <{self.stack[-1][0] if self.stack else '?'}> holds more than "
                              f"{self.max_text:,} characters of text (the cap on element text, "
                              "options.max_xml_text_chars); it was not read further",
                              expected="a Marktstammdatenregister export with values of normal length")
        if self.stack and self.stack[-1][0] in XML_FIELDS:
            self.text.append(text)

    def end(self, tag: str) -> None:
        tag, fields = self.stack.pop()
        if tag in XML_FIELDS and self.stack:
            self.stack[-1][1][XML_FIELDS[tag]] = "".join(self.text) or None
        elif "unit_id" in fields and self.stack:
            self.records.append(fields)
        self.text, self.text_len = [], 0

    def close(self) -> None:
        return None


def _xml_units(stream: BinaryIO, delivery: Delivery, member: str, options: Mapping[str, Any],
               budget: UnpackBudget) -> Iterator[dict[str, str | None]]:
    """Unit records of one XML file, fed in small chunks; memory does not grow with the file or with any element.
    DTDs are refused (defusedxml: forbid_dtd, entities and external references)."""
    target = _UnitTarget(delivery, member, int(options.get("max_xml_text_chars", MAX_TEXT_CHARS)))
    parser = DefusedXMLParser(target=target, forbid_dtd=True)
    while chunk := stream.read(_CHUNK):
        budget.spend(len(chunk))
        parser.feed(chunk)
        yield from target.records
        target.records.clear()
    parser.close()
    yield from target.records


def parse_mastr_xml(delivery: Delivery, options: Mapping[str, Any], mappings: Mapping[str, Any],
                    region: Region) -> ParseResult:
    columns = {v: k for k, v in XML_FIELDS.items()}
    collector = _Units(delivery, region, {**TECHNOLOGY_CODES, **options.get("technology_codes", {})},
                       {**STATUS_CODES, **options.get("status_codes", {})}, ".", columns)
    try:
        row = _read_xml(delivery, options, collector, columns)
    except ParseError as exc:
        line = getattr(exc, "position", (None,))[0]
        raise LayoutError(delivery.source_id, delivery.file_name, f"the XML is not well-formed ({exc})", row=line,
                          expected="a complete Marktstammdatenregister XML export") from None
    except DefusedXmlException as exc:
        raise LayoutError(delivery.source_id, delivery.file_name, f"the XML uses a forbidden construct ({exc!r})",
                          expected="XML without a DOCTYPE (no DTD, internal or external), entity declarations or "
                          "external references") from None
    except zipfile.BadZipFile as exc:
        raise LayoutError(delivery.source_id, delivery.file_name, f"the archive is damaged ({exc})",
                          expected="a complete zip archive") from None
    if row == 0:
        raise EmptyDeliveryError(delivery.source_id, delivery.file_name, "no units in the export",
                                 expected="<Einheit...> elements with an EinheitMastrNummer")
    return collector.result("Gemeindeschluessel")


def _catalog(stream: BinaryIO) -> dict[str, str]:
    """Katalogwerte.xml of a bulk export: each <Katalogwert> with its <Id> (the code) and <Wert> (the name)."""
    values = {}
    for _, elem in iterparse(stream, events=("end",), forbid_dtd=True):
        if elem.tag == "Katalogwert":
            code, name = elem.findtext("Id"), elem.findtext("Wert")
            if code and name:
                values[code.strip()] = name.strip()
            elem.clear()
    return values


def _read_xml(delivery: Delivery, options: Mapping[str, Any], collector: _Units,
              columns: Mapping[str, str]) -> int:
    row = 0
    pending: list[tuple] = []

    def add(record: Mapping[str, str | None], member: str | None = None) -> None:
        nonlocal row
        row += 1
        pending.append((row, member, *[record.get(name) for name in RECORD_FIELDS]))
        if len(pending) >= XML_BATCH:
            flush()

    def flush() -> None:
        collector.add(pd.DataFrame(pending, columns=["source_row", "member", *RECORD_FIELDS]))
        pending.clear()

    budget = UnpackBudget(delivery, options, MAX_UNPACKED_BYTES, "the unit files")
    with delivery.open() as handle:
        if zipfile.is_zipfile(handle):
            handle.seek(0)
            with zipfile.ZipFile(handle) as archive:
                members = sorted(m for m in archive.namelist() if XML_UNIT_FILE.match(m.rsplit("/", 1)[-1]))
                if not members:
                    raise EmptyDeliveryError(delivery.source_id, delivery.file_name, "the archive has no unit files",
                                             expected="files such as EinheitenSolar_1.xml")
                budget.spend(sum(archive.getinfo(m).file_size for m in members))  # as declared, before reading
                budget.used = 0  # then as really unpacked (zipfile stops at the declared size)
                catalog = [m for m in archive.namelist() if m.rsplit("/", 1)[-1] == "Katalogwerte.xml"]
                if catalog:
                    if archive.getinfo(catalog[0]).file_size > MAX_CATALOG_BYTES:
                        raise LayoutError(delivery.source_id, delivery.file_name, f"{catalog[0]} unpacks to more "
                                          f"than {MAX_CATALOG_BYTES:,} bytes (the cap on the catalog file)",
                                          expected="the Katalogwerte.xml of a Marktstammdatenregister export")
                    with archive.open(catalog[0]) as stream:
                        collector.use_catalog(_catalog(stream), options.get("technology_codes", {}),
                                              options.get("status_codes", {}))
                for member in members:
                    with archive.open(member) as stream:
                        for record in _xml_units(stream, delivery, member, options, budget):
                            add(record, member)
        else:
            handle.seek(0)
            for record in _xml_units(handle, delivery, delivery.file_name, options, budget):
                add(record)
    flush()
    return row
