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

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from assets.compute.balance import grade_of

RENEWABLE = ("solar_pv", "wind_onshore", "biomass", "hydro", "other_renewable")
_DOWNGRADE = {"A": "B", "B": "C", "C": "D", "D": "D"}


def unit_year(units: pd.DataFrame, year: int) -> pd.DataFrame:
    """The units that existed in `year` (whole columns at once): capacity at year end and the share of the year in
    operation. `units`: usable units with `start`/`end` as datetime64 (end NaT: still operating)."""
    first, after = np.datetime64(f"{year}-01-01"), np.datetime64(f"{year + 1}-01-01")
    start, end = units["start"].to_numpy(), units["end"].to_numpy()
    open_end = np.isnat(end)
    alive = (start < after) & (open_end | (end > first))
    start, end, open_end = start[alive], end[alive], open_end[alive]
    active_to = np.where(open_end, after, np.minimum(end, after))
    share = (active_to - np.maximum(start, first)) / (after - first)
    part = units[alive]
    return pd.DataFrame({"unit_id": part["unit_id"].to_numpy(), "ags": part["ags"].to_numpy(),
                         "technology": part["technology"].to_numpy(), "year": year, "eeg_id": part["eeg_id"].to_numpy(),
                         "installed_kw": np.where(open_end | (end >= after), part["gross_kw"].to_numpy(), 0.0),
                         "gross_kw": part["gross_kw"].to_numpy(), "share_of_year": share})


def usable_units(units: pd.DataFrame, municipality_keys: Sequence[str]) -> pd.DataFrame:
    """Units that can be placed in time and space: not planned, commissioned, and a closed unit only with its date."""
    usable = units[(units["unit_status"] != "planned") & units["commissioned_on"].notna()
                   & ~((units["unit_status"] == "closed") & units["decommissioned_on"].isna())
                   & units["ags"].isin(municipality_keys)]
    return usable.assign(start=pd.to_datetime(usable["commissioned_on"]).astype("datetime64[s]"),
                         end=pd.to_datetime(usable["decommissioned_on"]).astype("datetime64[s]"))


def generation_table(units: pd.DataFrame, feed_in: pd.DataFrame, municipality_keys: Sequence[str],
                     district_ags: str, years: Sequence[int], full_load_hours: Mapping[str, float],
                     complete_from: int = 2019) -> pd.DataFrame:
    """Per municipality, year and technology; computed year by year, so memory holds one year of units at a time."""
    usable = usable_units(units, municipality_keys)
    metered = feed_in.dropna(subset=["feed_in_mwh"]).groupby(["eeg_id", "year"])["feed_in_mwh"].sum()
    metered = metered.rename("metered_mwh").reset_index()
    keys = ["ags", "year", "technology"]
    hours = {k: float(v) for k, v in full_load_hours.items()}
    parts = []
    for year in years:
        per_unit = unit_year(usable, year)
        per_unit = per_unit.merge(metered[metered["year"] == year], on=["eeg_id", "year"], how="left")
        estimated = per_unit["gross_kw"] * per_unit["technology"].map(hours).astype("float64") * \
            per_unit["share_of_year"] / 1000
        per_unit["is_metered"] = per_unit["metered_mwh"].notna()
        per_unit["generation_mwh"] = per_unit["metered_mwh"].where(per_unit["is_metered"], estimated)
        grouped = per_unit.groupby(keys, sort=True)
        parts.append(grouped[["generation_mwh"]].sum(min_count=1).join(grouped.agg(
            installed_kw=("installed_kw", "sum"), metered_units=("is_metered", "sum"), units=("is_metered", "size"),
        )).reset_index())
    parts = [p for p in parts if len(p)]
    out = pd.concat(parts, ignore_index=True) if parts else \
        pd.DataFrame(columns=[*keys, "generation_mwh", "installed_kw", "metered_units", "units"])
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
