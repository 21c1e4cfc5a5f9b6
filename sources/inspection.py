"""`klimamonitor inspect FILE...`: what a file is (format, table code or register, region level, keys, years, rows),
read with that format's defaults, its findings by class with counts, and the configuration a source needs for it."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from sources.errors import DeliveryError
from sources.formats import read_delivery
from sources.parsers.common import Delivery
from sources.recognise import recognise
from sources.region import Region

_NUMBERS = re.compile(r"\d[\d.,]*|'[^']*'")


@dataclass
class Inspection:
    path: Path
    format: str | None
    readable: bool
    lines: list[str]


def finding_classes(findings) -> list[tuple[str, str, int]]:
    """(kind, problem with its numbers and quoted values blanked, rows) per class of finding, most rows first."""
    counts: Counter = Counter()
    for f in findings:
        counts[(f.kind, _NUMBERS.sub("…", f.problem))] += f.rows_affected
    return [(kind, problem, n) for (kind, problem), n in counts.most_common()]


def _levels(rows) -> str:
    if "ags" in rows:
        keys = sorted(set(rows["ags"].dropna()))
        kinds = {"district" if k.endswith("000") else "municipality" for k in keys}
        return f"{', '.join(sorted(kinds)) or '-'}; {len(keys)} key(s){': ' + ', '.join(keys[:5]) if keys else ''}" \
               f"{' ...' if len(keys) > 5 else ''}"
    if "region_key" in rows:
        by_length = Counter(len(k) if k != "DG" else 0 for k in rows["region_key"].dropna())
        names = {0: "Germany", 2: "state", 3: "Regierungsbezirk", 5: "district", 8: "municipality"}
        return ", ".join(f"{names.get(n, f'{n}-digit key')} ({c} values)" for n, c in sorted(by_length.items()))
    if "station_id" in rows:
        return f"{rows['station_id'].nunique()} weather station(s)"
    return "-"


def inspect_file(path: Path, region: Region) -> Inspection:
    data = path.read_bytes()
    delivery = Delivery(f"inspect:{hashlib.sha256(data).hexdigest()[:16]}", "inspect", path.name, data)
    found = recognise(delivery)
    lines = [f"{path}", f"  is: {found.what}"]
    if found.format is None:
        lines.append("  format: none of klimamonitor's formats fits; a partner's own table goes through a tidy "
                     "format with column aliases (docs/ingestion.md)")
        return Inspection(path, None, False, lines)
    lines.append(f"  format: {found.format}")
    try:
        target, result = read_delivery(found.format, {}, {}, region, delivery)
    except DeliveryError as exc:
        lines.append(f"  NOT READABLE with the defaults of {found.format}: {exc}")
        return Inspection(path, found.format, False, lines)
    rows = result.rows
    years = sorted({int(y) for y in rows["year"].dropna()}) if "year" in rows else []
    codes = sorted(set(rows["table_code"].dropna())) if "table_code" in rows else []
    lines += [f"  raw table: {target.table}" + (f" (table code {', '.join(codes)})" if codes else ""),
              f"  rows read in the region ({region.district_ags}): {len(rows)}",
              f"  region level: {_levels(rows)}",
              f"  years: {', '.join(map(str, years)) if years else '-'}"]
    classes = finding_classes(result.findings)
    lines.append(f"  findings: {'none' if not classes else ''}")
    lines += [f"    {kind}: {n} row(s): {problem}" for kind, problem, n in classes]
    lines += ["  configuration for a source delivering this file:",
              "    sources:", "      - id: <source_id>", "        partner: <who sends it>",
              "        connector: file_drop", "        location: <folder>", f"        format: {found.format}"]
    return Inspection(path, found.format, True, lines)
