"""`klimamonitor inspect FILE...`: what a file is (format, table code or register, region level, keys, years, rows),
read with that format's defaults, its findings by class with counts, and the configuration a source needs for it."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from sources.errors import DeliveryError
from sources.formats import read_delivery
from sources.parsers.common import Delivery
from sources.parsers.tidy import TIDY_SPECS, years_in_file_name
from sources.recognise import recognise
from sources.region import Region
from sources.tidy_match import (Match, better_incomplete, closest_layouts, read_header, source_options, table_head,
                                word_codes)

_NUMBERS = re.compile(r"\d[\d.,]*|'[^']*'")


@dataclass
class Inspection:
    path: Path
    format: str | None
    readable: bool
    lines: list[str]
    findings: list = field(default_factory=list)  # of the file read with the format's defaults


def finding_classes(findings) -> list[tuple[str, str, int]]:
    """(kind, the column and the problem with its numbers and quoted values blanked and a first value with its row,
    rows) per class of finding, most rows first."""
    counts: Counter = Counter()
    examples: dict[tuple[str, str], str] = {}
    for f in findings:
        key = (f.kind, (f"column {f.column!r}: " if f.column else "") + _NUMBERS.sub("…", f.problem))
        counts[key] += f.rows_affected
        if f.raw_value and key not in examples:
            examples[key] = f" (first: {f.raw_value[:40]!r}" + (f" in row {f.source_row})" if f.source_row else ")")
    return [(kind, problem + examples.get((kind, problem), ""), n) for (kind, problem), n in counts.most_common()]


def _levels(rows, region: Region) -> str:
    if "ags" in rows:
        keys = sorted(set(rows["ags"].dropna()))
        city = region.district_ags in region.municipality_keys  # a district-free city: its key is its municipality's
        kinds = {("district-free city" if city else "district") if k.endswith("000") else "municipality"
                 for k in keys}
        return f"{', '.join(sorted(kinds)) or '-'}; {len(keys)} key(s){': ' + ', '.join(keys[:5]) if keys else ''}" \
               f"{' ...' if len(keys) > 5 else ''}"
    if "region_key" in rows:
        by_length = Counter(len(k) if k != "DG" else 0 for k in rows["region_key"].dropna())
        names = {0: "Germany", 2: "state", 3: "Regierungsbezirk", 5: "district", 8: "municipality"}
        return ", ".join(f"{names.get(n, f'{n}-digit key')} ({c} values)" for n, c in sorted(by_length.items()))
    if "station_id" in rows:
        return f"{rows['station_id'].nunique()} weather station(s)"
    return "-"


def _rows_read(rows, region: Region) -> str:
    """How many rows were read in the region; a statistics table's rows of the levels above it (kept for
    comparison) are counted apart."""
    above = int((~rows["region_key"].astype(str).str.startswith(region.prefix)).sum()) if "region_key" in rows else 0
    if not above:
        return f"  rows read in the region ({region.district_ags}): {len(rows)}"
    return (f"  rows read: {len(rows)}: {len(rows) - above} in the region ({region.district_ags}), {above} of the "
            "levels above it, for comparison (Germany, state, Regierungsbezirk)")


def inspect_file(path: Path, region: Region) -> Inspection:
    data = path.read_bytes()
    delivery = Delivery(f"inspect:{hashlib.sha256(data).hexdigest()[:16]}", "inspect", path.name, data)
    try:
        return _inspect(path, delivery, region)
    except DeliveryError as exc:  # a file that cannot even be looked into (a damaged workbook): said, not a traceback
        return Inspection(path, None, False, [f"{path}", f"  NOT READABLE: {exc}"])


def _inspect(path: Path, delivery: Delivery, region: Region) -> Inspection:
    found = recognise(delivery)
    lines = [f"{path}", f"  is: {found.what}"]
    if found.format is None or found.format in TIDY_SPECS:
        return _partner_table(path, delivery, region, lines)
    lines.append(f"  format: {found.format}")
    inspection = _read(path, delivery, region, lines, found.format, {}, {})
    mappings = _unmatched_names(inspection) if found.format == "kba_fz3" else {}
    if mappings:
        inspection.lines.append("  names the KBA writes otherwise than the directory: mappings.municipality_names "
                                "below needs each one's 8-digit key (never guessed)")
    inspection.lines += _snippet(found.format, {}, mappings, _pattern(path))
    return inspection


def _unmatched_names(inspection: Inspection) -> dict:
    """KBA FZ 3 names that match no municipality, as a mapping to fill in: {'municipality_names': {name: '<key>'}}."""
    names = sorted({re.sub(r"^\d{5}\s+", "", f.raw_value) for f in inspection.findings
                    if f.kind == "rejected" and "matches no name of the directory" in f.problem and f.raw_value})
    return {"municipality_names": {name: "<its 8-digit key>" for name in names}} if names else {}


def _read(path: Path, delivery: Delivery, region: Region, lines: list[str], fmt: str, options: dict,
          mappings: dict) -> Inspection:
    """The file read with a format, options and mappings: table, rows, region level, years, findings."""
    try:
        target, result = read_delivery(fmt, options, mappings, region, delivery)
    except DeliveryError as exc:
        lines.append(f"  NOT READABLE with {'the configuration below' if options else 'the defaults of ' + fmt}: "
                     f"{exc}")
        return Inspection(path, fmt, False, lines)
    rows = result.rows
    years = sorted({int(y) for y in rows["year"].dropna()}) if "year" in rows else []
    codes = sorted(set(rows["table_code"].dropna())) if "table_code" in rows else []
    lines += [f"  raw table: {target.table}" + (f" (table code {', '.join(codes)})" if codes else ""),
              _rows_read(rows, region),
              f"  region level: {_levels(rows, region)}",
              f"  years: {', '.join(map(str, years)) if years else '-'}"]
    classes = finding_classes(result.findings)
    lines.append(f"  findings: {'none' if not classes else ''}")
    lines += [f"    {kind}: {n} row(s): {problem}" for kind, problem, n in classes]
    if rows.empty and any(f.kind == "rejected" for f in result.findings):
        lines.append("  NOT READABLE as it stands: every row was rejected (see the findings)")
        return Inspection(path, fmt, False, lines, result.findings)
    return Inspection(path, fmt, True, lines, result.findings)


def _snippet(fmt: str, options: dict, mappings: dict, pattern: str) -> list[str]:
    """The configuration a source delivering the file needs, as YAML for config/<region>.yaml."""
    source = {"id": "<source_id>", "partner": "<who sends it>", "connector": "file_drop", "location": "<folder>",
              "format": fmt, "options": {"pattern": pattern, **options}}
    source |= {"mappings": mappings} if mappings else {}
    if fmt not in TIDY_SPECS:  # a public body's publication, as published
        source |= {"origin": "real_public", "license": "<the publication's licence, e.g. dl-de/by-2-0>"}
    text = yaml.safe_dump({"sources": [source]}, sort_keys=False, allow_unicode=True, default_flow_style=False,
                          width=10**6)
    return ["  configuration for a source delivering this file:", *("    " + line for line in text.splitlines())]


def _pattern(path: Path) -> str:
    """The files of the source: those with the file's extension ('*.csv'; a compressed one: '*.csv.gz')."""
    return "*" + "".join(path.suffixes[-2:] if path.suffix == ".gz" else path.suffixes[-1:])


def _partner_table(path: Path, delivery: Delivery, region: Region, lines: list[str]) -> Inspection:
    """A table of no publication layout: the tidy layout it comes closest to, read with the headers and words
    matched (sources/tidy_match.py), or the candidates and what each lacks."""
    head = table_head(delivery)
    matches = closest_layouts(head, delivery.file_name) if head is not None else []
    rival = better_incomplete(matches)
    if not matches or not matches[0].complete or rival:
        lines.append("  format: none of klimamonitor's formats fits; a partner's own table is read by a tidy layout "
                     "with its headers in options.columns (docs/configuration.md, tidy layouts)")
        if rival:
            lines.append(f"  {matches[0].format} has every column it needs, but {rival.format} fits more of the "
                         f"file's columns and lacks {', '.join(rival.missing)}: which one the file is, only its "
                         "partner can say")
        if matches:
            lines.append("  closest tidy layouts (columns found in the file / columns it lacks):")
            lines += [f"    {m.format}: {', '.join(f'{c} = {h!r}' for c, h in m.headers.items())} / lacks "
                      f"{', '.join([*m.missing, *m.needs_default]) or 'nothing'}" for m in matches[:3]]
        if matches and matches[0].missing == ["year"] and len(years := years_in_file_name(delivery.file_name)) > 1:
            lines.append(f"  the file name states several years ({', '.join(years)}): options.defaults.year says "
                         f"which year the file holds")
        if head is not None:
            lines.append(f"  the file's headers: {', '.join(repr(h) for h in head.headers if h)}")
            if not any("ags" in m.headers for m in matches) and any(
                    read_header(h).name in ("gemeinde", "gemeindename", "name", "kommune", "stadt gemeinde")
                    for h in head.headers):
                lines.append("  the file names its municipalities instead of giving their keys: the tidy layouts need "
                             "the 8-digit key (Amtlicher Gemeindeschlüssel) in a column")
        elif not delivery.content().strip():
            lines.append("  the file is empty")
        return Inspection(path, None, False, lines)
    best: Match = matches[0]
    options, mappings = source_options(best, head), word_codes(best, head)
    own = " with the file's own headers and words as configured below" if "columns" in options or mappings else ""
    lines.append(f"  format: {best.format} (a tidy layout of klimamonitor: no public one exists){own}")
    if best.year_from_file_name:
        lines.append(f"  year: {best.year_from_file_name}, from the file name (the file has no year column)")
    if head.decimal_guessed:
        lines.append(f"  decimal mark: {head.decimal!r} guessed (the numbers look like 1.234): check it with the "
                     "partner")
    lines += [f"  UNIT: {problem}; the partner should deliver the column in its unit" for problem in best.unit_problems]
    if any(code.startswith("<") for words in mappings.values() for code in words.values()):
        lines.append("  words with <one of ...> need their code from the partner: the configuration check refuses "
                     "the placeholder")
    allowed = {c.name: c.allowed for c in TIDY_SPECS[best.format].columns}
    stand_ins = {column: allowed[column][0] for column in best.needs_default}  # the first code, to show the rows
    if stand_ins:
        lines.append(f"  the file has no column {', '.join(stand_ins)}: options.defaults needs its value for the "
                     f"file (read here with the stand-in {', '.join(f'{k}={v}' for k, v in stand_ins.items())})")
    sure = {vocabulary: {w: c for w, c in words.items() if not c.startswith("<")} for vocabulary, words in
            mappings.items()}
    read_with = {**options, "defaults": stand_ins} if stand_ins else options
    inspection = _read(path, delivery, region, lines, best.format, read_with, sure)
    inspection.lines += _snippet(best.format, options, mappings, _pattern(path))
    inspection.readable &= not best.unit_problems
    return inspection
