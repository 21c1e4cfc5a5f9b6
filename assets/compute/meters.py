"""Meter readings of the district's buildings → consumption per building, carrier and year.

- Cumulative counters: consumption between two readings is the difference. At a reading flagged as a meter exchange
  the new counter started at 0 right after the previous reading, so the consumption is the reading itself.
- A counter that goes down without an exchange flag is not guessed at: the interval is reported as a finding and
  its consumption is missing.
- An interval spanning a year boundary is split in proportion to its days.
- A year is complete only if readings cover it from 1 January to 31 December; otherwise its value is the
  consumption of the covered days and `complete = false`. Gaps are reported, never filled silently.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

UNIT_TO_KWH = {"kWh": 1.0, "MWh": 1000.0}


@dataclass(frozen=True)
class MeterFinding:
    meter_id: str
    reading_date: dt.date
    problem: str


def _split_by_year(start: dt.date, end: dt.date, kwh: float) -> list[tuple[int, float, int]]:
    """(year, kWh, days) pieces of an interval [start, end)."""
    days = (end - start).days
    pieces = []
    cursor = start
    while cursor < end:
        boundary = min(end, dt.date(cursor.year + 1, 1, 1))
        span = (boundary - cursor).days
        pieces.append((cursor.year, kwh * span / days, span))
        cursor = boundary
    return pieces


def interval_consumption(readings: pd.DataFrame) -> tuple[pd.DataFrame, list[MeterFinding]]:
    """Per meter: intervals between consecutive readings with their consumption in kWh (as delivered units)."""
    rows, findings = [], []
    for meter_id, group in readings.sort_values(["meter_id", "reading_date"]).groupby("meter_id", sort=True):
        previous = None
        for r in group.itertuples(index=False):
            if r.reading_unit not in UNIT_TO_KWH:
                findings.append(MeterFinding(meter_id, r.reading_date, f"unit {r.reading_unit!r} cannot be converted "
                                             "to kWh (m3 needs a calorific value)"))
                previous = None
                continue
            value = float(r.reading_value) * UNIT_TO_KWH[r.reading_unit]
            if previous is not None:
                if r.reading_kind == "consumption":
                    kwh = value
                elif bool(r.meter_exchange):
                    kwh = value
                else:
                    kwh = value - previous[1]
                    if kwh < 0:
                        findings.append(MeterFinding(meter_id, r.reading_date, f"the counter went down from "
                                                     f"{previous[1]:g} to {value:g} kWh without a meter exchange"))
                        kwh = None
                rows.append({"meter_id": meter_id, "building_id": r.building_id, "carrier": r.carrier,
                             "start": previous[0], "end": r.reading_date, "kwh": kwh,
                             "delivery_id": r.delivery_id, "source_row": r.source_row})
            previous = (r.reading_date, value)
    return pd.DataFrame(rows, columns=["meter_id", "building_id", "carrier", "start", "end", "kwh", "delivery_id",
                                       "source_row"]), findings


def yearly_consumption(readings: pd.DataFrame, years: list[int]) -> tuple[pd.DataFrame, list[MeterFinding]]:
    """Consumption per building, carrier and year (kWh as metered), with coverage and completeness."""
    intervals, findings = interval_consumption(readings)
    pieces = []
    for r in intervals.itertuples(index=False):
        for year, kwh, days in _split_by_year(r.start, r.end, 0.0 if r.kwh is None else r.kwh):
            pieces.append({"meter_id": r.meter_id, "building_id": r.building_id, "carrier": r.carrier, "year": year,
                           "kwh": None if r.kwh is None else kwh, "days": days, "delivery_id": r.delivery_id})
    frame = pd.DataFrame(pieces, columns=["meter_id", "building_id", "carrier", "year", "kwh", "days", "delivery_id"])
    frame = frame[frame["year"].isin(years)]
    per_meter = frame.groupby(["meter_id", "building_id", "carrier", "year"], sort=True).agg(
        kwh=("kwh", lambda s: s.sum(min_count=1)),
        days_covered=("days", "sum"),
        any_missing=("kwh", lambda s: s.isna().any()),
        delivery_id=("delivery_id", "last"),
    ).reset_index()
    year_days = per_meter["year"].map(lambda y: (dt.date(y + 1, 1, 1) - dt.date(y, 1, 1)).days)
    per_meter["complete"] = (per_meter["days_covered"] >= year_days) & ~per_meter["any_missing"]
    for r in per_meter[per_meter["days_covered"] < year_days].itertuples(index=False):
        findings.append(MeterFinding(r.meter_id, dt.date(int(r.year), 1, 1),
                                     f"readings cover {int(r.days_covered)} of the days of {int(r.year)}"))
    out = per_meter.groupby(["building_id", "carrier", "year"], sort=True).agg(
        kwh=("kwh", lambda s: s.sum(min_count=1)),
        days_covered=("days_covered", "min"),
        complete=("complete", "all"),
        delivery_id=("delivery_id", "last"),
    ).reset_index()
    return out, findings


def _complete_days(days: pd.DataFrame) -> pd.Series:
    return (days["quarter_hours"] == days["expected_quarter_hours"]) & days["consumption_kwh"].notna()


def interval_months(days: pd.DataFrame) -> pd.DataFrame:
    """15-minute data per building, carrier and month: kWh, meters, quarter hours missing, and whether the month is
    complete (every meter has every day with all its quarter hours and no unusable day)."""
    frame = days.assign(year=[d.year for d in days["day"]], month=[d.month for d in days["day"]],
                        gap_quarter_hours=days["expected_quarter_hours"] - days["quarter_hours"],
                        complete_day=_complete_days(days))
    per_meter = frame.groupby(["building_id", "carrier", "year", "month", "meter_id"], sort=True).agg(
        consumption_kwh=("consumption_kwh", lambda s: s.sum(min_count=1)), complete_days=("complete_day", "sum"),
        gap_quarter_hours=("gap_quarter_hours", "sum"), delivery_id=("delivery_id", "last")).reset_index()
    month_days = [pd.Period(year=y, month=m, freq="M").days_in_month
                  for y, m in zip(per_meter["year"], per_meter["month"], strict=True)]
    per_meter["complete"] = per_meter["complete_days"] == month_days
    out = per_meter.groupby(["building_id", "carrier", "year", "month"], sort=True).agg(
        consumption_kwh=("consumption_kwh", lambda s: s.sum(min_count=1)), meters=("meter_id", "nunique"),
        gap_quarter_hours=("gap_quarter_hours", "sum"), complete=("complete", "all"),
        delivery_id=("delivery_id", "last")).reset_index()
    return out[["building_id", "carrier", "year", "month", "consumption_kwh", "meters", "gap_quarter_hours",
                "complete", "delivery_id"]]


def interval_years(days: pd.DataFrame, years: list[int]) -> pd.DataFrame:
    """15-minute data per building, carrier and year in the shape of `yearly_consumption`: kWh, days covered (fully
    metered days of the building's shortest meter) and completeness (every meter, every quarter hour of the year)."""
    frame = days.assign(year=[d.year for d in days["day"]], complete_day=_complete_days(days))
    frame = frame[frame["year"].isin(years)]
    per_meter = frame.groupby(["building_id", "carrier", "year", "meter_id"], sort=True).agg(
        kwh=("consumption_kwh", lambda s: s.sum(min_count=1)), days_covered=("complete_day", "sum"),
        delivery_id=("delivery_id", "last")).reset_index()
    year_days = per_meter["year"].map(lambda y: (dt.date(y + 1, 1, 1) - dt.date(y, 1, 1)).days)
    per_meter["complete"] = per_meter["days_covered"] == year_days
    out = per_meter.groupby(["building_id", "carrier", "year"], sort=True).agg(
        kwh=("kwh", lambda s: s.sum(min_count=1)), days_covered=("days_covered", "min"),
        complete=("complete", "all"), delivery_id=("delivery_id", "last")).reset_index()
    return out[["building_id", "carrier", "year", "kwh", "days_covered", "complete", "delivery_id"]]


def combine_consumption(from_readings: pd.DataFrame, from_intervals: pd.DataFrame) -> pd.DataFrame:
    """One yearly value per building, carrier and year: a complete year of 15-minute data wins over the readings
    (it is the more precise measurement); otherwise the readings; a building-year only in incomplete interval data
    keeps that (incomplete) value. Adds `consumption_method` and, where both exist, `readings_kwh` for comparison."""
    keys = ["building_id", "carrier", "year"]
    intervals = from_intervals.astype({"year": "int64"}).assign(consumption_method="interval_meter")
    readings = from_readings.astype({"year": "int64"}).assign(consumption_method="meter_readings")
    both = readings.merge(intervals[[*keys, "complete"]], on=keys, how="left", suffixes=("", "_interval"))
    use_interval = both["complete_interval"].fillna(False).astype(bool).to_numpy()
    compared = intervals.merge(readings[[*keys, "kwh"]].rename(columns={"kwh": "readings_kwh"}), on=keys, how="left")
    taken = pd.concat([readings[~use_interval], compared[compared["complete"] | compared["readings_kwh"].isna()]],
                      ignore_index=True)
    return taken.sort_values(keys).reset_index(drop=True)


FACILITY_COLUMNS = ["building_id", "ags", "year", "carrier", "final_energy_mwh", "consumption_method", "days_covered",
                    "complete", "delivery_id"]


@dataclass
class FacilityConsumption:
    """The district's buildings' yearly consumption and what a person should know about how it was obtained."""

    table: pd.DataFrame
    reading_findings: list[MeterFinding]
    gaps: pd.DataFrame  # interval days with fewer quarter hours than expected
    deviations: pd.DataFrame  # building-years with both methods: interval ÷ readings − 1, in %
    unplaced: list[str]  # buildings with meter data but not in the buildings table: left out


def facility_consumption(readings: pd.DataFrame, buildings: pd.DataFrame, days: pd.DataFrame, years: list[int],
                         gas_hi_per_hs: float) -> FacilityConsumption:
    """Consumption per building, carrier and year: a complete year of 15-minute data where there is one, else the
    cumulative readings (exchanges honoured); gas metered at gross calorific value converted to net; placed in the
    building's municipality (a building missing from the buildings table is left out and named)."""
    from assets.compute.balance import net_calorific_mwh

    from_readings, findings = yearly_consumption(readings, years)
    gaps = days[days["quarter_hours"] < days["expected_quarter_hours"]]
    yearly = combine_consumption(from_readings, interval_years(days, years))
    compared = yearly[yearly["readings_kwh"].notna()] if "readings_kwh" in yearly else yearly.iloc[:0]
    deviations = compared.assign(deviation_pct=(compared["kwh"] / compared["readings_kwh"] - 1) * 100)
    mwh = net_calorific_mwh(yearly["kwh"] / 1000, yearly["carrier"] == "natural_gas", None, gas_hi_per_hs)
    frame = yearly.assign(final_energy_mwh=mwh).merge(buildings[["building_id", "ags"]], on="building_id", how="left")
    unplaced = sorted(frame.loc[frame["ags"].isna(), "building_id"].unique())
    return FacilityConsumption(frame[frame["ags"].notna()][FACILITY_COLUMNS].reset_index(drop=True), findings, gaps,
                               deviations, unplaced)
