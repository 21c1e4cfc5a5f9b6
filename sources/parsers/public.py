"""Files public bodies publish, read as they are downloaded (examples of each in tests/fixtures/real/):

- DWD Climate Data Center, monthly heating degree days (VDI 3807) of all stations, one file a month
  (`gradtage_YYYYMM.csv`): comment lines starting with `#` (the last names the columns), then
  `ID;lat;lon;Station;YYYYMM;days;degree days;heating days;mean of the reference period`, `-999.9` for no value.
- KBA FZ 3, vehicle stock per municipality on 1 January (xlsx, sheet `FZ 3.1`): rows per registration district
  (`SOEST (05974)`, carried down) and municipality with its postcode (`59609  ANROECHTE`), upper case without umlauts,
  no municipality key. Keys come from the municipality directory by name (`Region.names`, from municipalities.csv);
  a name that matches no key is reported, never guessed. FZ 3 has no split by fuel: `vehicle_fuel` is `all`.
- Destatis municipality directory GV100AD (fixed-width records, Latin-1; record type 60: municipality, key in
  columns 11-22, name 23-72, area in ha 129-139, inhabitants 140-150, Gebietsstand 3-10) and its xlsx extract
  `Auszug GV` (record type 60 rows; area in km², inhabitants).
- Destatis territorial changes of a year (xlsx `Gebietsaenderungen`, one row per municipality and successor with
  the change type 1 dissolution, 2 partial transfer, 3 key change, 4 renaming, inhabitants moved and the dates) and
  the XRepository code list `Destatis.AGS.Historie` (JSON: metadaten, spalten, daten) as key-change sources.
  Dissolutions and key changes become key changes (share of a split from the inhabitants moved); partial transfers
  and renamings keep the key and are counted as filtered.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from collections.abc import Mapping
from typing import Any

import pandas as pd

from sources.errors import EmptyDeliveryError, LayoutError
from sources.parsers.common import Delivery, ParseResult, finding_for
from sources.parsers.sheets import Grid, cell_text, read_sheets, sheet_named
from sources.parsers.tidy import changes_into_region, reaching_keys
from sources.region import INSIDE, Region
from sources.text import decode

MISSING_DWD = "-999.9"


def _filtered(delivery: Delivery, column: str, count: int, what: str) -> list:
    return [finding_for(delivery, None, column, None, f"{count} {what} were filtered out", kind="filtered",
                        rows_affected=count)] if count else []


# --- DWD monthly degree days

def is_dwd_degree_days(head: str) -> bool:
    return head.lstrip("\ufeff").startswith("#Monatsgradtage")


def parse_dwd_degree_days(delivery: Delivery, options: Mapping[str, Any], mappings: Mapping[str, Any],
                          region: Region) -> ParseResult:
    text = decode(delivery.content(), options.get("encoding", "latin-1"), delivery.source_id, delivery.file_name)
    if not is_dwd_degree_days(text):
        raise LayoutError(delivery.source_id, delivery.file_name, "the file does not start with '#Monatsgradtage'",
                          row=1, expected="a monthly degree-day file of the DWD Climate Data Center")
    stations = {str(s).zfill(5) for s in options.get("stations", ())}
    records, findings, other = [], [], 0
    lines = text.splitlines()
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = [c.strip() for c in line.split(";")]
        if len(cells) != 9:
            if number == len(lines) and not text.endswith("\n"):
                raise LayoutError(delivery.source_id, delivery.file_name, f"the last line has {len(cells)} of 9 "
                                  "cells and no line break: the file looks cut off", row=number,
                                  expected="the complete file")
            findings.append(finding_for(delivery, number, None, line[:200], f"the line has {len(cells)} cells",
                                        "9 cells: ID; lat; lon; station; month; days; degree days; ..."))
            continue
        station, month, value = cells[0], cells[4], cells[6]
        if stations and station not in stations:
            other += 1
            continue
        if not re.fullmatch(r"\d{6}", month) or not 1 <= int(month[4:]) <= 12:
            findings.append(finding_for(delivery, number, "Monat", month, f"{month!r} is not a month",
                                        "YYYYMM such as 201001"))
            continue
        try:
            number_value = None if value == MISSING_DWD else float(value)
        except ValueError:
            findings.append(finding_for(delivery, number, "Monatsgradtage", value, f"{value!r} is not a number",
                                        "degree days such as 642.8, or -999.9 for none"))
            continue
        records.append({"delivery_id": delivery.delivery_id, "source_row": number, "station_id": station,
                        "year": int(month[:4]), "month": int(month[4:]), "heating_degree_days": number_value,
                        "value_status": "missing" if number_value is None else "reported"})
    if not records and not other:
        raise EmptyDeliveryError(delivery.source_id, delivery.file_name, "no station lines",
                                 expected="one line per station below the '#' header")
    findings += _filtered(delivery, "ID", other, "line(s) of stations not in options.stations")
    return ParseResult(pd.DataFrame(records, columns=DWD_COLUMNS), findings)


DWD_COLUMNS = ["delivery_id", "source_row", "station_id", "year", "month", "heating_degree_days", "value_status"]


# --- KBA FZ 3

def name_key(name: str) -> str:
    """A municipality name as the KBA writes it: upper case, umlauts spelt out, without the town title."""
    text = name.upper().replace("Ä", "AE").replace("Ö", "OE").replace("Ü", "UE").replace("ß", "SS")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = re.sub(r",\s*(ST\.?|STADT|HANSESTADT|GEM\.?|M\.?|MARKT)$", "", text.strip())
    return re.sub(r"\s*,\s*", ", ", re.sub(r"\s+", " ", text)).strip()  # 'GARDING,KIRCHSPIEL' = 'GARDING, KIRCHSPIEL'


def _base_name(key: str) -> str:
    """A name without the designation after its comma ('HOEVELHOF, SENNEGEMEINDE' → 'HOEVELHOF')."""
    return key.split(",")[0].strip()


def kba_directory(region: Region, mapped: Mapping[str, Any]) -> dict[str, str]:
    """The region's municipality names as the KBA may write them → key: the full name and the name without its
    designation (only where that is one municipality's), and the source's own mappings (KBA name → key) first.
    Nothing else is tried: a name the KBA spells otherwise is reported, never guessed."""
    # the municipalities' names (a district-free city's own name among them: it is its one municipality)
    names = [(key, name_key(name)) for key, name in region.names if key in region.municipality_keys]
    full = {name: key for key, name in names}
    bases: dict[str, set[str]] = {}
    for key, name in names:
        bases.setdefault(_base_name(name), set()).add(key)
    # a base only where it is one municipality's and no other's full name ('GARDING' is Garding, Stadt, and the
    # base of Garding, Kirchspiel: not taken for the Kirchspiel)
    directory = {base: next(iter(keys)) for base, keys in bases.items()
                 if len(keys) == 1 and (base not in full or full[base] in keys)}
    directory |= full
    directory |= {name_key(re.sub(r"^\d{5}\s+", "", str(name))): str(key) for name, key in mapped.items()}
    return directory


def _fz3_header(grid: Grid) -> int | None:
    return next((n for n, row in enumerate(grid[:30]) if "PLZ, Gemeinde" in [cell_text(c) for c in row]), None)


def parse_kba_fz3(delivery: Delivery, options: Mapping[str, Any], mappings: Mapping[str, Any],
                  region: Region) -> ParseResult:
    sheets = read_sheets(delivery)
    _, grid = sheet_named(delivery, sheets, options.get("sheet"), lambda g: _fz3_header(g) is not None)
    header = _fz3_header(grid)
    title = " ".join(cell_text(c) for row in grid[:header] for c in row)
    year = re.search(r"1\. Januar (\d{4})", title)
    if year is None and "year" not in options:
        raise LayoutError(delivery.source_id, delivery.file_name, "the title names no date '1. Januar YYYY'",
                          expected="the FZ 3 title, or options.year")
    year = int(options.get("year") or year.group(1))
    top, names = [cell_text(c) for c in grid[header - 1]], [cell_text(c) for c in grid[header]]
    try:
        cars = next(j for j, label in enumerate(top) if label.startswith("Personenkraftwagen"))
    except StopIteration:
        raise LayoutError(delivery.source_id, delivery.file_name, "no column 'Personenkraftwagen'",
                          row=header, expected="the FZ 3 header") from None
    place = names.index("PLZ, Gemeinde")
    district_column = names.index("Zulassungsbezirk") if "Zulassungsbezirk" in names else place - 1
    directory = kba_directory(region, mappings.get("municipality_names") or {})
    records, findings, other = [], [], 0
    matched: dict[str, int] = {}  # key → the row that matched it
    district = None
    for n in range(header + 1, len(grid)):
        row = [cell_text(c) for c in grid[n]]
        if len(row) <= cars or not row[place]:
            continue
        if row[district_column]:
            match = re.search(r"\((\d{5})\)", row[district_column])
            district = match.group(1) if match else None
        in_region = district is not None and (district + "000") == region.district_ags
        if not in_region:
            other += 1
            continue
        if row[place].upper() == "ZUSAMMEN":
            if region.district_ags in matched:  # a district-free city: its total is its one municipality's row
                continue
            key = region.district_ags
        else:
            name = re.sub(r"^\d{5}\s+", "", row[place])
            key = directory.get(name_key(name)) or directory.get(_base_name(name_key(name)))
            if key is None:
                findings.append(finding_for(delivery, n + 1, "PLZ, Gemeinde", row[place], f"the municipality "
                                            f"{name!r} matches no name of the directory; not guessed",
                                            "a name of municipalities.csv (as the KBA writes it: upper case, "
                                            "umlauts spelt out), or the KBA's name mapped to its key in "
                                            f"mappings.municipality_names ({name!r}: <key>)"))
                continue
            if key in matched:
                findings.append(finding_for(delivery, n + 1, "PLZ, Gemeinde", row[place], f"{name!r} is municipality "
                                            f"{key}, which row {matched[key]} is already; not guessed which is",
                                            "one row per municipality (mappings.municipality_names names each)"))
                continue
            if key not in region.municipality_keys:
                findings.append(finding_for(delivery, n + 1, "PLZ, Gemeinde", row[place], f"mappings."
                                            f"municipality_names maps {name!r} to {key}, which is no municipality "
                                            "of the region", "a key of municipalities.csv"))
                continue
        raw = grid[n][cars]
        if isinstance(raw, float):
            value, status = raw, "reported"
        elif cell_text(raw) in (".", "-", "x"):
            value, status = None, "confidential" if cell_text(raw) == "." else "missing"
        else:
            findings.append(finding_for(delivery, n + 1, "Personenkraftwagen insgesamt", cell_text(raw),
                                        f"{cell_text(raw)!r} is not a number", "a count of cars"))
            continue
        matched[key] = n + 1
        records.append({"delivery_id": delivery.delivery_id, "source_row": n + 1, "ags": key, "year": year,
                        "vehicle_fuel": "all", "vehicles": value, "value_status": status})
    findings += _filtered(delivery, "Zulassungsbezirk", other, "row(s) of other registration districts")
    return ParseResult(pd.DataFrame(records, columns=KBA_COLUMNS), findings)


KBA_COLUMNS = ["delivery_id", "source_row", "ags", "year", "vehicle_fuel", "vehicles", "value_status"]


# --- Destatis municipality directory

# Record types of the directory and the digits of the key each has: state, Regierungsbezirk, district, municipality.
DIRECTORY_LEVELS = {"10": 2, "20": 3, "40": 5, "60": 8}
DIRECTORY_COLUMNS = ["delivery_id", "source_row", "ags", "name", "area_ha", "population", "directory_date"]


def _directory(delivery: Delivery, records: list[dict], region: Region) -> ParseResult:
    frame = pd.DataFrame(records, columns=DIRECTORY_COLUMNS[1:])
    keys, where = region.classify_many(frame["ags"])
    inside = where == INSIDE
    frame = frame[inside.to_numpy()].copy()
    frame["ags"] = keys[inside]
    frame.insert(0, "delivery_id", delivery.delivery_id)
    findings = _filtered(delivery, "ags", int((~inside).sum()), "municipalities outside the configured region")
    return ParseResult(frame.reset_index(drop=True), findings)


def is_gv100ad(head: bytes) -> bool:
    return bool(re.match(rb"^10\d{8}\d{2}\s", head))


def gv100ad_entries(delivery: Delivery, options: Mapping[str, Any]) -> tuple[list[dict], list]:
    """Every record of a GV100AD file (DIRECTORY_LEVELS: state, Regierungsbezirk, district, municipality) as
    {level, ags, name, type_code, area_ha, population, directory_date, source_row}, and findings of broken
    municipality records."""
    text = decode(delivery.content(), options.get("encoding", "latin-1"), delivery.source_id, delivery.file_name)
    entries, findings = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        level = line[:2]
        if level not in DIRECTORY_LEVELS:
            continue
        if level == "60" and len(line) < 150:
            findings.append(finding_for(delivery, number, None, line[:80], f"the record has {len(line)} characters",
                                        "a record type 60 of at least 150 characters"))
            continue
        date, area, people = line[2:10], line[128:139].strip(), line[139:150].strip()
        try:
            directory_date = dt.date(int(date[:4]), int(date[4:6]), int(date[6:]))
        except ValueError:
            findings.append(finding_for(delivery, number, "Gebietsstand", date, f"{date!r} is not a date",
                                        "the territorial status as YYYYMMDD in columns 3–10"))
            continue
        # a municipality (type 60): Land, RB, Kreis, Gemeinde in columns 11-18 (19-22: its Gemeindeverband, the
        # Amt or Verbandsgemeinde, e.g. 5417 Eiderstedt; a municipality of none has 0 and its own number there)
        key = line[10:18] if level == "60" else line[10:10 + DIRECTORY_LEVELS[level]].strip()
        entries.append({"level": level, "source_row": number, "ags": key.ljust(8, "0"), "name": line[22:72].strip(),
                        "type_code": line[122:124].strip() or None,
                        "area_ha": float(area) if area.isdigit() else None,
                        "population": float(people) if people.isdigit() else None,
                        "directory_date": directory_date})
    return entries, findings


def parse_gv100ad(delivery: Delivery, options: Mapping[str, Any], mappings: Mapping[str, Any],
                  region: Region) -> ParseResult:
    entries, findings = gv100ad_entries(delivery, options)
    records = [e for e in entries if e["level"] == "60"]
    if not records:
        raise EmptyDeliveryError(delivery.source_id, delivery.file_name, "no municipality records (type 60)",
                                 expected="a GV100AD file of the Statistisches Bundesamt")
    result = _directory(delivery, records, region)
    result.findings[:0] = findings
    return result


def _auszug_header(grid: Grid) -> int | None:
    return next((n for n, row in enumerate(grid[:10]) if row and cell_text(row[0]).startswith("Satz")), None)


def auszug_gv_entries(delivery: Delivery, options: Mapping[str, Any]) -> list[dict]:
    """Every row of an Auszug GV of the directory levels (DIRECTORY_LEVELS), like `gv100ad_entries`."""
    name, grid = sheet_named(delivery, read_sheets(delivery), options.get("sheet"),
                             lambda g: _auszug_header(g) is not None)
    title = cell_text(grid[0][0]) if grid and grid[0] else ""
    stated = re.search(r"(\d{2})\.(\d{2})\.(\d{4})", title) or re.search(r"(\d{2})(\d{2})(\d{4})", name)
    if stated is None:
        raise LayoutError(delivery.source_id, delivery.file_name, "the title states no date",
                          expected="'... am 31.12.2023' in the first row")
    try:
        date = dt.date(int(stated.group(3)), int(stated.group(2)), int(stated.group(1)))
    except ValueError:
        raise LayoutError(delivery.source_id, delivery.file_name, f"the stated date {stated.group(0)!r} is not a date",
                          expected="'... am 31.12.2023' in the first row") from None
    entries = []
    for n, row in enumerate(grid, start=1):
        cells = [cell_text(c) for c in row]
        if len(cells) < 10 or cells[0] not in DIRECTORY_LEVELS:
            continue
        level, area, people = cells[0], row[8], row[9]
        key = cells[2] + cells[3] + cells[4] + cells[6] if level == "60" else "".join(cells[2:5])
        entries.append({"level": level, "source_row": n, "ags": key.ljust(8, "0"), "name": cells[7],
                        "type_code": cells[1] or None, "area_ha": area * 100 if isinstance(area, float) else None,
                        "population": people if isinstance(people, float) else None, "directory_date": date})
    return entries


def parse_auszug_gv(delivery: Delivery, options: Mapping[str, Any], mappings: Mapping[str, Any],
                    region: Region) -> ParseResult:
    records = [e for e in auszug_gv_entries(delivery, options) if e["level"] == "60"]
    if not records:
        raise EmptyDeliveryError(delivery.source_id, delivery.file_name, "no municipality rows (Satzart 60)",
                                 expected="the Auszug GV of the Statistisches Bundesamt")
    return _directory(delivery, records, region)


# --- key changes

CHANGE_COLUMNS = ["delivery_id", "source_row", "former_ags", "ags", "effective_date", "share"]
KEY_CHANGING = {1, 3}  # dissolution, key change; 2 (partial transfer) and 4 (renaming) keep the key


def _date(text: str):
    day = pd.to_datetime(text, format="%d.%m.%Y", errors="coerce")
    return None if pd.isna(day) else day.date()


def _changes(delivery: Delivery, records: list[dict], kept_key: int, region: Region,
             labels: tuple[str, str, str]) -> ParseResult:
    frame = pd.DataFrame(records, columns=[*CHANGE_COLUMNS[1:], "moved", "area"])
    group = frame.groupby(["former_ags", "effective_date"])
    several = group["moved"].transform("size") > 1
    people, land = group["moved"].transform("sum"), group["area"].transform("sum")
    # a split's share: the inhabitants moved; where nobody lived (an unincorporated area), the area moved
    share = (frame["moved"] / people).where(people > 0, frame["area"] / land.where(land > 0))
    frame["share"] = share.where(several, None)
    frame.insert(0, "delivery_id", delivery.delivery_id)
    relevant = frame["former_ags"].isin(reaching_keys(frame, set(region.municipality_keys)))
    findings = _filtered(delivery, labels[0], kept_key, "change(s) that keep the key (partial transfer, renaming)")
    findings += _filtered(delivery, labels[0], int((~relevant).sum()), "change(s) not leading into the configured "
                          "region")  # a national table: only the region's changes are checked
    return changes_into_region(delivery, frame.loc[relevant, CHANGE_COLUMNS], findings, region, labels)


def territorial_change_rows(delivery: Delivery, options: Mapping[str, Any]) -> tuple[list[dict], int]:
    """The municipality rows of a yearly territorial-change table: (records, rows that keep the key)."""
    _, grid = sheet_named(delivery, read_sheets(delivery), options.get("sheet"),
                          lambda g: any(row and cell_text(row[0]) == "Kennziffer" for row in g[:10]))
    records, kept = [], 0
    for n, row in enumerate(grid, start=1):
        cells = [cell_text(c) for c in row]
        if len(cells) < 13 or cells[1] != "Gemeinde":
            continue
        kind = int(row[5]) if isinstance(row[5], float) else None
        if kind not in KEY_CHANGING:
            kept += 1
            continue
        moved, area = (row[j] if isinstance(row[j], float) else None for j in (7, 6))
        records.append({"source_row": n, "former_ags": cells[3], "ags": cells[9], "area": area,
                        "effective_date": _date(cells[12] or cells[11]), "share": None, "moved": moved})
    return records, kept


def parse_territorial_changes(delivery: Delivery, options: Mapping[str, Any], mappings: Mapping[str, Any],
                              region: Region) -> ParseResult:
    records, kept = territorial_change_rows(delivery, options)
    if not records and not kept:
        raise EmptyDeliveryError(delivery.source_id, delivery.file_name, "no municipality rows ('Gemeinde')",
                                 expected="the Gebietsänderungen table of the Statistisches Bundesamt")
    return _changes(delivery, records, kept, region, ("Amtlicher Gemeindeschlüssel (AGS)",
                                                      "Amtlicher Gemeindeschlüssel (AGS) aufnehmend", "Einwohner"))


def is_ags_history(payload: Any) -> bool:
    return isinstance(payload, dict) and "ags.historie" in str(payload.get("metadaten", {}).get("kennungInhalt", ""))


def ags_history_rows(delivery: Delivery) -> tuple[list[dict], int]:
    try:
        payload = json.loads(delivery.content().decode("utf-8-sig"))
    except ValueError as exc:
        raise LayoutError(delivery.source_id, delivery.file_name, f"not valid JSON ({str(exc)[:100]})",
                          expected="an XRepository code list in JSON") from None
    if not is_ags_history(payload):
        raise LayoutError(delivery.source_id, delivery.file_name, "not the code list Destatis.AGS.Historie",
                          expected="metadaten.kennungInhalt ending in ags.historie")
    try:
        names = [c["spaltennameTechnisch"] for c in payload["spalten"]]
        data = list(payload["daten"])
    except (KeyError, TypeError):
        raise LayoutError(delivery.source_id, delivery.file_name, "the code list has no readable column list and "
                          "data ('spalten' with 'spaltennameTechnisch', 'daten')",
                          expected="an XRepository code list in JSON as published") from None
    needed = ["AGS", "Aenderungsart", "NachfolgerAGS", "NachfolgerGueltigAb"]
    if missing := [n for n in needed if n not in names]:
        raise LayoutError(delivery.source_id, delivery.file_name, f"the code list lacks the columns {missing}",
                          expected=f"columns {needed}")
    at = {n: names.index(n) for n in needed}
    records, kept = [], 0
    for number, row in enumerate(data, start=1):
        if not isinstance(row, list) or len(row) < len(names):
            raise LayoutError(delivery.source_id, delivery.file_name, f"data row {number} is not a list of "
                              f"{len(names)} values", expected="one value per column in every row of 'daten'")
        kind = row[at["Aenderungsart"]]
        if kind is None:
            continue
        kinds = {int(k) for k in re.findall(r"\d", str(kind))}  # several at once: '3, 4'
        if not kinds & KEY_CHANGING or row[at["NachfolgerAGS"]] in (None, row[at["AGS"]]):
            kept += 1
            continue
        records.append({"source_row": number, "former_ags": row[at["AGS"]], "ags": row[at["NachfolgerAGS"]],
                        "effective_date": _date(row[at["NachfolgerGueltigAb"]] or ""), "share": None,
                        "moved": None, "area": None})
    return records, kept


def parse_ags_history(delivery: Delivery, options: Mapping[str, Any], mappings: Mapping[str, Any],
                      region: Region) -> ParseResult:
    records, kept = ags_history_rows(delivery)
    return _changes(delivery, records, kept, region, ("AGS", "NachfolgerAGS", "Aenderungsart"))
