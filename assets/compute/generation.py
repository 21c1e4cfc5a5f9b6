"""Electricity generation per municipality, year and technology from Marktstammdatenregister units and EEG feed-in.

- Installed capacity at year end: gross kW of units commissioned on or before 31 December and not finally
  decommissioned by then (planned units never count; temporarily closed ones do).
- Generation: the unit's EEG feed-in for the year where delivered (linked by EegMastrNummer), otherwise capacity ×
  configured full-load hours × the share of the year the unit was in operation.
- `method` is metered only if every unit's generation was metered. Grade: A metered, B partly metered, C
  estimated; years before the Marktstammdatenregister was complete (2019) get one grade lower, because units
  decommissioned before then may be missing (capacity is a lower bound).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from assets.compute.balance import grade_of

RENEWABLE = ("solar_pv", "wind_onshore", "biomass", "hydro", "other_renewable")
_DOWNGRADE = {"A": "B", "B": "C", "C": "D", "D": "D"}


def unit_years(units: pd.DataFrame, years: Sequence[int]) -> pd.DataFrame:
    """One row per unit and year it existed: capacity at year end and the share of the year in operation."""
    rows = []
    usable = units[(units["unit_status"] != "planned") & units["commissioned_on"].notna()]
    for u in usable.itertuples(index=False):
        start = u.commissioned_on
        end = u.decommissioned_on
        if u.unit_status == "closed" and end is None:
            continue  # closed at an unknown date: it cannot be placed in time
        for year in years:
            first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
            if start > last or (end is not None and end <= first):
                continue
            active_from = max(start, first)
            active_to = min(end, dt.date(year + 1, 1, 1)) if end is not None else dt.date(year + 1, 1, 1)
            share = (active_to - active_from).days / (dt.date(year + 1, 1, 1) - first).days
            at_year_end = end is None or end > last
            rows.append({"unit_id": u.unit_id, "ags": u.ags, "technology": u.technology, "year": year,
                         "eeg_id": u.eeg_id, "installed_kw": u.gross_kw if at_year_end else 0.0,
                         "gross_kw": u.gross_kw, "share_of_year": share})
    return pd.DataFrame(rows, columns=["unit_id", "ags", "technology", "year", "eeg_id", "installed_kw", "gross_kw",
                                       "share_of_year"])


def generation_table(units: pd.DataFrame, feed_in: pd.DataFrame, municipality_keys: Sequence[str],
                     district_ags: str, years: Sequence[int], full_load_hours: Mapping[str, float],
                     complete_from: int = 2019) -> pd.DataFrame:
    per_unit = unit_years(units, years)
    metered = feed_in.dropna(subset=["feed_in_mwh"]).groupby(["eeg_id", "year"])["feed_in_mwh"].sum()
    per_unit = per_unit.merge(metered.rename("metered_mwh").reset_index(), on=["eeg_id", "year"], how="left")
    hours = per_unit["technology"].map(full_load_hours).astype("float64")
    per_unit["estimated_mwh"] = per_unit["gross_kw"] * hours * per_unit["share_of_year"] / 1000
    per_unit["is_metered"] = per_unit["metered_mwh"].notna()
    per_unit["generation_mwh"] = per_unit["metered_mwh"].where(per_unit["is_metered"], per_unit["estimated_mwh"])
    per_unit = per_unit[per_unit["ags"].isin(municipality_keys)]
    keys = ["ags", "year", "technology"]
    grouped = per_unit.groupby(keys, sort=True)
    out = grouped[["generation_mwh"]].sum(min_count=1).join(grouped.agg(
        installed_kw=("installed_kw", "sum"), metered_units=("is_metered", "sum"), units=("is_metered", "size"),
    )).reset_index()
    out["method"] = np.where(out["metered_units"] == out["units"], "metered", "estimated")
    grade = np.where(out["metered_units"] == out["units"], "A", np.where(out["metered_units"] > 0, "B", "C"))
    out["data_quality"] = [(_DOWNGRADE[g] if y < complete_from else g) for g, y in zip(grade, out["year"], strict=True)]
    out["_weighted"] = out["data_quality"].map({"A": 1.0, "B": 0.5, "C": 0.25, "D": 0.0}) * out["generation_mwh"]
    grouped = out.groupby(["year", "technology"], sort=True)
    district = grouped[["generation_mwh"]].sum(min_count=1).join(
        grouped[["installed_kw", "metered_units", "units", "_weighted"]].sum()).reset_index()
    district["method"] = np.where(district["metered_units"] == district["units"], "metered", "estimated")
    district["data_quality"] = (district["_weighted"] / district["generation_mwh"]).map(grade_of)
    district["ags"] = district_ags
    columns = ["ags", "year", "technology", "installed_kw", "generation_mwh", "method", "data_quality"]
    return pd.concat([out[columns], district[columns]], ignore_index=True)
