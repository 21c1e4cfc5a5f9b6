"""Electricity generation per municipality, year and technology from Marktstammdatenregister units and EEG feed-in.

- Installed capacity at year end: gross kW of units commissioned on or before 31 December and not finally
  decommissioned by then (planned units never count; temporarily closed ones do).
- Generation: the unit's EEG feed-in for the year where delivered (linked by EegMastrNummer), otherwise capacity ×
  configured full-load hours × the share of the year the unit was in operation.
- EEG feed-in of a plant without a usable Marktstammdatenregister unit (closed before MaStR began in 2019) is
  counted in its municipality where the delivery names it (technology as delivered, else other_renewable; no
  capacity); without a municipality it is left out and listed by `feed_in_without_unit`, to be reported loudly.
- `method` is metered only if every unit's generation was metered. Grade: A metered, B partly metered, C
  estimated; years before the Marktstammdatenregister was complete (2019) get one grade lower, because units
  decommissioned before then may be missing (capacity is a lower bound).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from assets.compute.balance import grade_of

_DOWNGRADE = {"A": "B", "B": "C", "C": "D", "D": "D"}


def _in_year(start: np.ndarray, end: np.ndarray, year: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per unit (datetime64 commissioning/decommissioning, end NaT while operating): existed in `year`, the share of
    the year in operation, and whether it still operated at year end."""
    first, after = np.datetime64(f"{year}-01-01"), np.datetime64(f"{year + 1}-01-01")
    open_end = np.isnat(end)
    alive = (start < after) & (open_end | (end > first))
    active_to = np.where(open_end, after, np.minimum(end, after))
    share = np.where(alive, (active_to - np.maximum(start, first)) / (after - first), 0.0)
    return alive, share, alive & (open_end | (end >= after))


def usable_units(units: pd.DataFrame, municipality_keys: Sequence[str]) -> pd.DataFrame:
    """Units that can be placed in time and space: not planned, commissioned, and a closed unit only with its date."""
    usable = units[(units["unit_status"] != "planned") & units["commissioned_on"].notna()
                   & ~((units["unit_status"] == "closed") & units["decommissioned_on"].isna())
                   & units["ags"].isin(municipality_keys)]
    return usable.assign(start=pd.to_datetime(usable["commissioned_on"]).astype("datetime64[s]"),
                         end=pd.to_datetime(usable["decommissioned_on"]).astype("datetime64[s]"))


@dataclass(frozen=True)
class _Columns:
    """The columns of the units without feed-in data that every year needs, extracted once as arrays."""

    start: np.ndarray
    end: np.ndarray
    gross_kw: np.ndarray
    hours: np.ndarray  # full-load hours of the unit's technology (NaN: none configured)
    codes: np.ndarray  # the unit's (municipality, technology) group
    groups: pd.MultiIndex

    @classmethod
    def of(cls, units: pd.DataFrame, hours: Mapping[str, float]) -> _Columns:
        codes, groups = pd.MultiIndex.from_frame(units[["ags", "technology"]]).factorize()
        groups = groups.set_names(["ags", "technology"])
        per_technology = groups.get_level_values("technology").map(hours).to_numpy(dtype="float64", na_value=np.nan)
        return cls(units["start"].to_numpy(), units["end"].to_numpy(), units["gross_kw"].to_numpy(dtype="float64"),
                   per_technology[codes] if len(codes) else np.array([], dtype="float64"), codes, groups)


def _estimated_year(units: _Columns, year: int) -> pd.DataFrame:
    """Units without feed-in data, summed per municipality and technology for one year (bincount over the group
    codes: no row per unit and year is built)."""
    alive, share, at_end = _in_year(units.start, units.end, year)
    n = len(units.groups)
    count = np.bincount(units.codes, weights=alive, minlength=n)
    out = units.groups.to_frame(index=False).assign(
        year=year, generation_mwh=np.bincount(units.codes, weights=np.where(
            alive, units.gross_kw * units.hours * share / 1000, 0.0), minlength=n),
        installed_kw=np.bincount(units.codes, weights=np.where(at_end, units.gross_kw, 0.0), minlength=n),
        metered_units=0, units=count.astype("int64"))
    missing_hours = np.bincount(units.codes, weights=alive & np.isnan(units.hours), minlength=n) > 0
    out.loc[missing_hours, "generation_mwh"] = np.nan  # no full-load hours for the technology: unknown, not 0
    return out[count > 0]


def _metered_year(units: pd.DataFrame, metered: pd.DataFrame, year: int, hours: Mapping[str, float]) -> pd.DataFrame:
    """Units with an EEG link, one by one for one year: the feed-in where delivered, else the estimate."""
    alive, share, at_end = _in_year(units["start"].to_numpy(), units["end"].to_numpy(), year)
    per_unit = units[alive].assign(year=year, share_of_year=share[alive],
                                   installed_kw=np.where(at_end, units["gross_kw"], 0.0)[alive])
    per_unit = per_unit.merge(metered[metered["year"] == year], on=["eeg_id", "year"], how="left")
    estimated = per_unit["gross_kw"] * per_unit["technology"].map(hours).astype("float64") * \
        per_unit["share_of_year"] / 1000
    per_unit["is_metered"] = per_unit["metered_mwh"].notna()
    per_unit["generation_mwh"] = per_unit["metered_mwh"].where(per_unit["is_metered"], estimated)
    grouped = per_unit.groupby(["ags", "year", "technology"], sort=True)
    return grouped[["generation_mwh"]].sum(min_count=1).join(grouped.agg(
        installed_kw=("installed_kw", "sum"), metered_units=("is_metered", "sum"), units=("is_metered", "size"),
    )).reset_index()


def feed_in_without_unit(units: pd.DataFrame, feed_in: pd.DataFrame,
                         municipality_keys: Sequence[str]) -> pd.DataFrame:
    """EEG feed-in rows with energy whose plant has no usable unit: `placed` where the row names a municipality."""
    usable = usable_units(units, municipality_keys)
    orphan = feed_in[feed_in["feed_in_mwh"].notna() & ~feed_in["eeg_id"].isin(usable["eeg_id"])]
    ags = orphan["ags"] if "ags" in orphan else pd.Series(None, index=orphan.index, dtype="object")
    technology = orphan["technology"] if "technology" in orphan else pd.Series(None, index=orphan.index)
    return orphan.assign(ags=ags, technology=technology.fillna("other_renewable"),
                         placed=ags.isin(municipality_keys))


def generation_table(units: pd.DataFrame, feed_in: pd.DataFrame, municipality_keys: Sequence[str],
                     district_ags: str, years: Sequence[int], full_load_hours: Mapping[str, float],
                     complete_from: int = 2019) -> pd.DataFrame:
    """Per municipality, year and technology; year by year, without a row per unit and year."""
    usable = usable_units(units, municipality_keys)
    metered = feed_in.dropna(subset=["feed_in_mwh"]).groupby(["eeg_id", "year"])["feed_in_mwh"].sum()
    metered = metered.rename("metered_mwh").reset_index()
    linked = usable["eeg_id"].isin(metered["eeg_id"])
    hours = {k: float(v) for k, v in full_load_hours.items()}
    keys = ["ags", "year", "technology"]
    estimated = _Columns.of(usable[~linked], hours)
    parts = [part for year in years for part in (_estimated_year(estimated, year),
                                                 _metered_year(usable[linked], metered, year, hours)) if len(part)]
    orphans = feed_in_without_unit(units, feed_in, municipality_keys)
    placed = orphans[orphans["placed"] & orphans["year"].isin(list(years))]
    if len(placed):
        grouped = placed.groupby(keys, sort=True)
        parts.append(grouped[["feed_in_mwh"]].sum().rename(columns={"feed_in_mwh": "generation_mwh"}).join(
            grouped.agg(metered_units=("eeg_id", "nunique"), units=("eeg_id", "nunique"))).reset_index().assign(
            installed_kw=0.0))
    if parts:
        both = pd.concat(parts, ignore_index=True)
        grouped = both.groupby(keys, sort=True)
        out = grouped[["generation_mwh"]].sum(min_count=1).join(
            grouped[["installed_kw", "metered_units", "units"]].sum()).reset_index()
    else:
        out = pd.DataFrame(columns=[*keys, "generation_mwh", "installed_kw", "metered_units", "units"])
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
