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

import datetime as dt
import re
import zipfile
from collections.abc import Iterator, Mapping
from typing import Any, BinaryIO

import pandas as pd
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, iterparse

from sources.errors import EmptyDeliveryError, LayoutError
from sources.parsers.common import Delivery, ParseResult, RowReader, finding_for, reject_duplicates, unknown_key_problem
from sources.region import INSIDE, INVALID, UNKNOWN, Region
from sources.text import parse_number

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


def _date(text: str | None) -> dt.date | None:
    text = (text or "").strip()
    if not text:
        return None
    for fmt in ("%d.%m.%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text[:10], fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


class _Collector:
    """Turns unit records into rows, findings and a count of units outside the region."""

    def __init__(self, delivery: Delivery, region: Region, technologies: Mapping[str, str],
                 statuses: Mapping[str, str], decimal: str):
        self.delivery, self.region, self.decimal = delivery, region, decimal
        self.technologies, self.statuses = technologies, statuses
        self.rows: list[dict] = []
        self.findings: list = []
        self.outside = 0
        self.not_generation = 0

    def add(self, row_number: int, record: Mapping[str, str | None], columns: Mapping[str, str]) -> None:
        key, where = self.region.classify(record.get("ags") or "")
        if where != INSIDE:
            if where == INVALID and (record.get("ags") or "").strip():
                self.findings.append(finding_for(self.delivery, row_number, columns["ags"], record.get("ags"),
                                                 f"{record.get('ags')!r} is not a valid municipality key",
                                                 "an 8-digit Gemeindeschlüssel"))
            elif where == UNKNOWN:
                self.findings.append(finding_for(self.delivery, row_number, columns["ags"], record.get("ags"),
                                                 unknown_key_problem(key, self.region),
                                                 "one of the configured municipalities"))
            else:
                self.outside += 1  # also units located only to a postcode outside the region
            return
        carrier = (record.get("carrier") or "").strip()
        if carrier in NOT_GENERATION:
            self.not_generation += 1
            return
        technology = self.technologies.get(carrier)
        if technology is None:
            self.findings.append(finding_for(self.delivery, row_number, columns["carrier"], carrier,
                                             f"energy carrier {carrier!r} is not mapped to a technology",
                                             f"one of {sorted(self.technologies)} (options.technologies)"))
            return
        status = self.statuses.get((record.get("status") or "").strip())
        if status is None:
            self.findings.append(finding_for(self.delivery, row_number, columns["status"], record.get("status"),
                                             f"operating status {record.get('status')!r} is not known",
                                             f"one of {sorted(self.statuses)}"))
            return
        values: dict[str, Any] = {}
        for name in ("gross_kw", "net_kw"):
            text = (record.get(name) or "").strip()
            try:
                values[name] = parse_number(text, self.decimal) if text else None
            except ValueError:
                self.findings.append(finding_for(self.delivery, row_number, columns[name], text,
                                                 f"{text!r} is not a number", "a capacity in kW"))
                return
        if values["gross_kw"] is None or values["gross_kw"] < 0:
            self.findings.append(finding_for(self.delivery, row_number, columns["gross_kw"], record.get("gross_kw"),
                                             "the gross capacity is missing or negative", "a capacity in kW ≥ 0"))
            return
        for name in ("commissioned_on", "decommissioned_on"):
            try:
                values[name] = _date(record.get(name))
            except ValueError:
                self.findings.append(finding_for(self.delivery, row_number, columns[name], record.get(name),
                                                 f"{record.get(name)!r} is not a date", "dd.mm.yyyy or yyyy-mm-dd"))
                return
        if values["commissioned_on"] is None and status != "planned":
            self.findings.append(finding_for(self.delivery, row_number, columns["commissioned_on"], None,
                                             "a unit in operation has no commissioning date", "a date"))
            return
        self.rows.append({"delivery_id": self.delivery.delivery_id, "source_row": row_number,
                          "unit_id": (record.get("unit_id") or "").strip(), "ags": key, "technology": technology,
                          "unit_status": status, **values, "eeg_id": (record.get("eeg_id") or "").strip() or None})

    def result(self, column: str) -> ParseResult:
        findings = list(self.findings)
        if self.outside:
            findings.append(finding_for(self.delivery, None, column, None,
                                        f"{self.outside} unit(s) outside the configured region were filtered out",
                                        kind="filtered", rows_affected=self.outside))
        frame = pd.DataFrame(self.rows, columns=RAW_COLUMNS)
        frame, dupes = reject_duplicates(_KeyReporter(self.delivery), frame, ["unit_id"])
        return ParseResult(frame, findings + dupes)


class _KeyReporter:
    def __init__(self, delivery: Delivery):
        self.delivery = delivery

    def finding(self, *args, **kwargs):
        return finding_for(self.delivery, *args, **kwargs)


def parse_mastr_csv(delivery: Delivery, options: Mapping[str, Any], mappings: Mapping[str, Any],
                    region: Region) -> ParseResult:
    columns = {**CSV_COLUMNS, **options.get("columns", {})}
    required = [columns[c] for c in ("unit_id", "status", "carrier", "gross_kw", "commissioned_on", "ags")]
    reader = RowReader(delivery, {"encoding": "utf-8", **options}, required)
    collector = _Collector(delivery, region, {**TECHNOLOGY_NAMES, **options.get("technologies", {})},
                           {**STATUS_NAMES, **options.get("statuses", {})}, reader.decimal)
    for line, cells in reader.rows(collector.findings):
        record = {name: cells.get(header.casefold()) for name, header in columns.items()}
        collector.add(line.number, record, columns)
    return collector.result(columns["ags"])


XML_FIELDS = {
    "EinheitMastrNummer": "unit_id", "Gemeindeschluessel": "ags", "Energietraeger": "carrier",
    "Bruttoleistung": "gross_kw", "Nettonennleistung": "net_kw", "Inbetriebnahmedatum": "commissioned_on",
    "DatumEndgueltigeStilllegung": "decommissioned_on", "EinheitBetriebsstatus": "status",
    "EegMastrNummer": "eeg_id",
}  # fmt: skip


def _xml_units(stream: BinaryIO, delivery: Delivery, member: str) -> Iterator[dict[str, str | None]]:
    """Unit records of one XML file, one element at a time; memory does not grow with the file."""
    root = None
    for event, elem in iterparse(stream, events=("start", "end")):
        if root is None:
            root = elem
            if root.tag.startswith("{"):
                raise LayoutError(delivery.source_id, delivery.file_name,
                                  f"{member}: the root element {root.tag} is in an XML namespace",
                                  expected="the Marktstammdatenregister export without namespace (e.g. <EinheitenSolar>)")
            continue
        if event == "end" and elem is not root and len(elem) and elem.find("EinheitMastrNummer") is not None:
            yield {XML_FIELDS[child.tag]: child.text for child in elem if child.tag in XML_FIELDS}
            root.clear()


def parse_mastr_xml(delivery: Delivery, options: Mapping[str, Any], mappings: Mapping[str, Any],
                    region: Region) -> ParseResult:
    columns = {v: k for k, v in XML_FIELDS.items()}
    collector = _Collector(delivery, region, {**TECHNOLOGY_CODES, **options.get("technology_codes", {})},
                           {**STATUS_CODES, **options.get("status_codes", {})}, decimal=".")
    try:
        row = _read_xml(delivery, options, collector, columns)
    except ParseError as exc:
        line = getattr(exc, "position", (None,))[0]
        raise LayoutError(delivery.source_id, delivery.file_name, f"the XML is not well-formed ({exc})", row=line,
                          expected="a complete Marktstammdatenregister XML export") from None
    except DefusedXmlException as exc:
        raise LayoutError(delivery.source_id, delivery.file_name, f"the XML uses a forbidden construct ({exc!r})",
                          expected="XML without DTDs, entity declarations or external references") from None
    except zipfile.BadZipFile as exc:
        raise LayoutError(delivery.source_id, delivery.file_name, f"the archive is damaged ({exc})",
                          expected="a complete zip archive") from None
    if row == 0:
        raise EmptyDeliveryError(delivery.source_id, delivery.file_name, "no units in the export",
                                 expected="<Einheit...> elements with an EinheitMastrNummer")
    return collector.result("Gemeindeschluessel")


def _read_xml(delivery: Delivery, options: Mapping[str, Any], collector: _Collector,
              columns: Mapping[str, str]) -> int:
    row = 0
    with delivery.open() as handle:
        if zipfile.is_zipfile(handle):
            handle.seek(0)
            with zipfile.ZipFile(handle) as archive:
                members = sorted(m for m in archive.namelist() if XML_UNIT_FILE.match(m.rsplit("/", 1)[-1]))
                if not members:
                    raise EmptyDeliveryError(delivery.source_id, delivery.file_name, "the archive has no unit files",
                                             expected="files such as EinheitenSolar_1.xml")
                limit = int(options.get("max_uncompressed_bytes", 200 * 2**30))
                if sum(archive.getinfo(m).file_size for m in members) > limit:
                    raise LayoutError(delivery.source_id, delivery.file_name, "the unit files unpack to more than "
                                      f"{limit:,} bytes", expected="a Marktstammdatenregister export of normal size")
                for member in members:
                    with archive.open(member) as stream:
                        for record in _xml_units(stream, delivery, member):
                            row += 1
                            collector.add(row, record, columns)
        else:
            handle.seek(0)
            for record in _xml_units(handle, delivery, delivery.file_name):
                row += 1
                collector.add(row, record, columns)
    return row
