"""Grid operators' yearly sheets: electricity, gas or district heat per municipality and customer group.

The real shape: a header block (operator, title, `Berichtsjahr: 2021`, `Stand: ... (vorläufig)`, `Einheit: MWh`,
for gas `Brennwertbezug: Hs`), a header row, data rows with German numbers, confidential marks (•) and dashes for
no value, footnotes below. `;`-separated, Windows-1252 by default. Configuration says the carrier, the column
names if they differ, and which customer group is which sector (checked here, applied in the core layer).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from sources.errors import LayoutError, UnitError
from sources.parsers.common import Delivery, ParseResult, RowReader, classify_key, parse_year, reject_duplicates
from sources.region import Region

DEFAULT_COLUMNS = {
    "ags": "Gemeindeschlüssel",
    "customer_group": "Kundengruppe",
    "consumers": "Zählpunkte",
    "value": "Energiemenge",
    "year": "Jahr",
}
UNITS_TO_MWH = {"kwh": 0.001, "mwh": 1.0, "gwh": 1000.0}
CARRIERS = ("electricity", "natural_gas", "district_heat")
# A household meter uses a few MWh a year; a median far above this means the values are not in the declared unit.
HOUSEHOLD_MWH_PER_METER_LIMIT = 100.0


def customer_group_sector(mapping: Mapping[str, Any], group: str) -> str | None:
    entry = mapping.get(group)
    if isinstance(entry, str):
        return entry
    if isinstance(entry, Mapping):
        return entry.get("sector")
    return None


def parse_grid_sheet(delivery: Delivery, options: Mapping[str, Any], mappings: Mapping[str, Any],
                     region: Region) -> ParseResult:
    src, name = delivery.source_id, delivery.file_name
    columns = {**DEFAULT_COLUMNS, **options.get("columns", {})}
    carrier = options.get("carrier")
    if carrier not in CARRIERS:
        raise LayoutError(src, name, f"options.carrier is {carrier!r}", expected=f"one of {CARRIERS}")
    required = [columns["ags"], columns["customer_group"], columns["value"]]
    reader = RowReader(delivery, options, required, default_encoding="cp1252")
    header_year = reader.header_value("Berichtsjahr", "Jahr", "Year")
    if not reader.has(columns["year"]) and not header_year:
        raise LayoutError(src, name, "neither a 'Berichtsjahr: YYYY' line above the table nor a column "
                          f"{columns['year']!r}", expected="the reporting year in the header block or a year column")
    unit = (options.get("unit") or reader.header_value("Einheit", "Unit") or "").strip()
    if unit.casefold() not in UNITS_TO_MWH:
        raise UnitError(src, name, f"unit {unit!r} (from 'Einheit:' above the table or options.unit)",
                        expected="kWh, MWh or GWh")
    factor = UNITS_TO_MWH[unit.casefold()]
    basis, hi_per_hs = None, None
    if carrier == "natural_gas":
        basis = (options.get("calorific_basis") or reader.header_value("Brennwertbezug", "Brennwert") or "").strip()
        basis = {"hs": "Hs", "ho": "Hs", "brennwert": "Hs", "hi": "Hi", "hu": "Hi", "heizwert": "Hi"}.get(basis.casefold())
        if basis is None:
            raise LayoutError(src, name, "the gas quantities do not say whether they are gross (Hs) or net (Hi) "
                              "calorific value", expected="'Brennwertbezug: Hs' (or Hi) above the table, or "
                              "options.calorific_basis")
        stated = options.get("hi_per_hs") or reader.header_value("Hi/Hs", "Verhältnis Hi/Hs", "Umrechnung Hi/Hs")
        if stated is not None:
            try:
                hi_per_hs = float(str(stated).strip().replace(",", "."))
            except ValueError:
                hi_per_hs = None
            if hi_per_hs is None or not 0.5 < hi_per_hs <= 1:
                raise LayoutError(src, name, f"the stated ratio of net to gross calorific value {stated!r} is not a "
                                  "number between 0.5 and 1", expected="'Hi/Hs: 0,901' above the table, or "
                                  "options.hi_per_hs")
    provisional = "vorläufig" in reader.header_text().casefold() or bool(options.get("provisional", False))
    group_map = mappings.get("customer_groups", {})

    records, findings = [], []
    for line, cells in reader.rows(findings):
        raw_key = cells.get(columns["ags"].casefold(), "")
        key, problem = classify_key(reader, region, line, columns["ags"], raw_key)
        if problem:
            findings.append(problem)
            continue
        if reader.has(columns["year"]):
            year, problem = parse_year(reader, line, columns["year"], cells[columns["year"].casefold()])
        else:
            year, problem = parse_year(reader, line, "Berichtsjahr", header_year)
        if problem:
            findings.append(problem)
            continue
        group = cells.get(columns["customer_group"].casefold(), "")
        if group_map and customer_group_sector(group_map, group) is None:
            findings.append(reader.finding(line.number, columns["customer_group"], group,
                                           f"customer group {group!r} is not mapped to a sector",
                                           f"one of {sorted(group_map)} (mappings.customer_groups of the source)"))
            continue
        value = reader.value(line, cells, columns["value"])
        if value.finding:
            findings.append(value.finding)
            continue
        consumers = None
        if reader.has(columns["consumers"]):
            count = reader.value(line, cells, columns["consumers"])
            if count.finding:
                findings.append(count.finding)
                continue
            consumers = None if count.value is None else int(count.value)
        records.append({
            "delivery_id": delivery.delivery_id, "source_row": line.number, "ags": key, "year": year,
            "carrier": carrier, "customer_group": group, "consumers": consumers,
            "delivered_mwh": None if value.value is None else value.value * factor, "calorific_basis": basis,
            "hi_per_hs": hi_per_hs, "value_status": value.status, "provisional": provisional,
        })  # fmt: skip
    frame = pd.DataFrame(records, columns=RAW_COLUMNS)
    frame, dupes = reject_duplicates(reader, frame, ["ags", "year", "customer_group"])
    findings += dupes
    _check_magnitude(frame, group_map, src, name, unit)
    return ParseResult(frame, findings)


def _check_magnitude(frame: pd.DataFrame, group_map: Mapping[str, Any], src: str, name: str, unit: str) -> None:
    """kWh delivered where MWh is declared shows as households using thousands of MWh per meter."""
    groups = [g for g in group_map if customer_group_sector(group_map, g) == "households"]
    rows = frame[frame["customer_group"].isin(groups) & frame["consumers"].notna() & frame["delivered_mwh"].notna()]
    rows = rows[rows["consumers"].astype(float) >= 3]
    if rows.empty:
        return
    per_meter = (rows["delivered_mwh"] / rows["consumers"].astype(float)).median()
    if per_meter > HOUSEHOLD_MWH_PER_METER_LIMIT:
        worst = rows.iloc[0]
        raise UnitError(
            src, name, f"households use a median of {per_meter:,.0f} MWh per meter with the declared unit {unit}, "
            "which is implausible (a household uses a few MWh a year): the values look like kWh",
            row=int(worst["source_row"]), column="Einheit",
            expected="the unit the values are really in ('Einheit: kWh' if they are kWh)",
        )


RAW_COLUMNS = ["delivery_id", "source_row", "ags", "year", "carrier", "customer_group", "consumers", "delivered_mwh",
               "calorific_basis", "hi_per_hs", "value_status", "provisional"]
