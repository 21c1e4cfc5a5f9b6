"""Target indicators: a series per place and year for each kind of indicator, then each target assessed against it.

Series (`SERIES`): each returns rows (ags, year, value, complete, data_quality) from the published tables. The
assessment (`assess`) adds, per target, place and year: base value, target value, gap (positive: still to go),
the straight-line path from base to target, a least-squares trend over the last N years with its value at the
target year and the year the target would be reached, and a status with its reason:

- `met` / `missed` from the target year on; `on_track` / `off_track` before it (on track: at least on the straight
  path and the trend reaches the target by the target year);
- `not_assessable` with the reason (base year missing or incomplete, value undefined or missing);
- `no_target` for supporting indicators.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from assets.compute.balance import grade_of
from assets.compute.factors import lookup

SERIES_COLUMNS = ["ags", "year", "value", "complete", "data_quality", "note"]
RENEWABLES = ("solar_pv", "wind_onshore", "biomass", "hydro", "other_renewable")


def _series(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for col, default in (("complete", True), ("data_quality", None), ("note", None)):
        if col not in out:
            out[col] = default
    return out[SERIES_COLUMNS].reset_index(drop=True)


def _emissions(t: Mapping[str, pd.DataFrame], sector: str | None) -> pd.DataFrame:
    s = t["balance_summary"]
    rows = s[s["balance_scope"] == (sector or "total")]
    return rows.rename(columns={"emissions_t_co2e": "value"})[["ags", "year", "value", "complete", "data_quality"]]


def reduction_vs_base(series: pd.DataFrame, base_year: int) -> pd.DataFrame:
    """(base − value) ÷ base × 100 per place; base missing or incomplete → no value, with a note."""
    base = series[series["year"] == base_year].set_index("ags")
    out = series.copy()
    base_value = out["ags"].map(base["value"])
    base_complete = out["ags"].map(base["complete"].astype(bool)).astype("boolean").fillna(False).astype(bool)
    out["value"] = (base_value - out["value"]) / base_value * 100
    out["note"] = np.where(base_value.isna(), f"no value for the base year {base_year}",
                           np.where(~base_complete, f"the base year {base_year} is incomplete", None))
    out.loc[~base_complete, "value"] = np.nan
    return _series(out)


def annual_change_since_base(series: pd.DataFrame, base_year: int) -> pd.DataFrame:
    base = series[series["year"] == base_year].set_index("ags")["value"]
    out = series[series["year"] > base_year].copy()
    ratio = out["value"] / out["ags"].map(base)
    out["value"] = (ratio ** (1 / (out["year"] - base_year)) - 1) * 100
    return _series(out)


def year_on_year_change(series: pd.DataFrame, *, undefined_note: str) -> pd.DataFrame:
    work = series.sort_values(["ags", "year"]).copy()
    previous = work.groupby("ags")["value"].shift(1)
    previous_year = work.groupby("ags")["year"].shift(1)
    consecutive = previous_year == work["year"] - 1
    work["note"] = np.where(consecutive & (previous == 0), undefined_note, None)
    work["value"] = ((work["value"] / previous.where(previous != 0)) - 1) * 100
    work.loc[~consecutive, "value"] = np.nan
    prev_complete = work.groupby("ags")["complete"].shift(1).fillna(False).astype(bool)
    work["complete"] = work["complete"].astype(bool) & prev_complete
    return _series(work[work["year"] > work.groupby("ags")["year"].transform("min")])


def renewable_share(t: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    g = t["electricity_generation"]
    generated = g[g["technology"].isin(RENEWABLES)].groupby(["ags", "year"])["generation_mwh"].sum(min_count=1)
    f = t["final_energy"]
    by_place = f[f["carrier"] == "electricity"].groupby(["ags", "year"])
    electricity = by_place["final_energy_mwh"].sum(min_count=1).rename("consumed").to_frame().join(
        by_place["complete"].all())
    joined = electricity.join(generated.rename("generated"), how="left").reset_index()
    joined["value"] = joined["generated"] / joined["consumed"] * 100
    grades = g[g["technology"].isin(RENEWABLES)].assign(
        _s=lambda x: x["data_quality"].map({"A": 1.0, "B": 0.5, "C": 0.25, "D": 0.0}) * x["generation_mwh"])
    sums = grades.groupby(["ags", "year"])[["_s", "generation_mwh"]].sum()
    weighted = sums["_s"] / sums["generation_mwh"].where(sums["generation_mwh"] != 0)
    joined["data_quality"] = joined.set_index(["ags", "year"]).index.map(weighted).map(grade_of)
    return _series(joined)


def own_properties_emissions(t: Mapping[str, pd.DataFrame], district_ags: str) -> pd.DataFrame:
    """Emissions of the district's own buildings (facility consumption × the balance's factors), district only."""
    c = t["core_facility__consumption"]
    if c.empty:
        return pd.DataFrame(columns=SERIES_COLUMNS)
    cells = c.assign(sector="municipal")[["ags", "year", "sector", "carrier", "final_energy_mwh", "complete"]]
    with_factors = lookup(t["emission_factors"], cells)
    with_factors["t"] = with_factors["final_energy_mwh"] * with_factors["g_co2e_per_kwh"] / 1000
    by_year = with_factors.groupby("year")
    out = by_year["t"].sum(min_count=1).rename("value").to_frame().join(by_year["complete"].all()).reset_index()
    return _series(out.assign(ags=district_ags, data_quality="A"))


def own_properties_per_m2(t: Mapping[str, pd.DataFrame], district_ags: str) -> pd.DataFrame:
    emissions = own_properties_emissions(t, district_ags)
    buildings = t["buildings"].drop_duplicates("building_id")
    area = buildings["gross_floor_area_m2"].sum(min_count=1)
    return _series(emissions.assign(value=emissions["value"] * 1000 / area))


def per_inhabitant_with_agriculture(t: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    s = t["balance_summary"]
    total = s[s["balance_scope"] == "total"][["ags", "year", "emissions_t_co2e", "population", "complete",
                                              "data_quality"]]
    agri = t["agriculture_emissions"][["ags", "year", "emissions_t_co2e", "complete"]].rename(
        columns={"emissions_t_co2e": "agri", "complete": "agri_complete"})
    joined = total.merge(agri, on=["ags", "year"], how="left")
    joined["value"] = (joined["emissions_t_co2e"] + joined["agri"]) / joined["population"]
    joined["complete"] = joined["complete"] & joined["agri_complete"].fillna(False).astype(bool)
    return _series(joined)


def battery_electric_share(t: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    v = t["vehicle_stock"]
    grouped = v.groupby(["ags", "year"])
    total = grouped["vehicles"].sum(min_count=1)
    bev = v[v["vehicle_fuel"] == "battery_electric"].set_index(["ags", "year"])["vehicles"]
    frame = pd.DataFrame({"value": bev / total * 100, "complete": grouped["complete"].all()}).reset_index()
    return _series(frame.assign(data_quality="A"))


def renovation_series(t: Mapping[str, pd.DataFrame], column: str) -> pd.DataFrame:
    r = t["renovations"].rename(columns={column: "value"})
    return _series(r.assign(data_quality="A"))


SeriesFn = Callable[[Mapping[str, pd.DataFrame], Mapping[str, Any], str], pd.DataFrame]
SERIES: dict[str, SeriesFn] = {
    "emissions_reduction_vs_base": lambda t, target, d: reduction_vs_base(
        _emissions(t, target.get("sector")), target["base_year"]),
    "renewable_electricity_share": lambda t, target, d: renewable_share(t),
    "renovation_growth": lambda t, target, d: year_on_year_change(
        renovation_series(t, "energy_renovations"), undefined_note="growth undefined: no renovations the year before"),
    "renovation_rate": lambda t, target, d: renovation_series(t, "renovation_rate_pct"),
    "sector_emissions_annual_change": lambda t, target, d: annual_change_since_base(
        _emissions(t, target.get("sector")), target["base_year"]),
    "sector_emissions_yoy_change": lambda t, target, d: year_on_year_change(
        _emissions(t, target.get("sector")), undefined_note="no emissions the year before"),
    "own_properties_reduction_vs_base": lambda t, target, d: reduction_vs_base(
        own_properties_emissions(t, d), target["base_year"]),
    "own_properties_per_m2": lambda t, target, d: own_properties_per_m2(t, d),
    "emissions_per_inhabitant": lambda t, target, d: _series(
        t["balance_summary"][t["balance_summary"]["balance_scope"] == "total"].rename(
            columns={"t_co2e_per_inhabitant": "value"})),
    "emissions_per_inhabitant_with_agriculture": lambda t, target, d: per_inhabitant_with_agriculture(t),
    "battery_electric_share": lambda t, target, d: battery_electric_share(t),
}


# Indicators that are themselves a rate per year: the target applies in every year, no base value is needed and the
# straight path is the target itself.
RATE_INDICATORS = {"renovation_growth", "sector_emissions_annual_change"}
LAST_PROJECTED_YEAR = 2100


PROCESSING = {
    "emissions_reduction_vs_base": "balance_summary (bisko view) total or sector emissions; (base − year) ÷ base × 100; "
    "no value when the base year is missing or incomplete",
    "renewable_electricity_share": "electricity_generation (MaStR capacity, EEG feed-in or full-load hours) of "
    "renewable technologies ÷ electricity final energy × 100",
    "renovation_growth": "renovations: (year − previous year) ÷ previous year × 100; undefined after a year with none",
    "renovation_rate": "renovations ÷ old-building stock (censuses interpolated) × 100",
    "sector_emissions_annual_change": "balance_summary sector emissions: ((year ÷ base) ^ (1 ÷ years since base) − 1) "
    "× 100",
    "sector_emissions_yoy_change": "balance_summary sector emissions: (year ÷ previous year − 1) × 100",
    "own_properties_reduction_vs_base": "core_facility__consumption × emission_factors (municipal sector) summed per "
    "year; (base − year) ÷ base × 100",
    "own_properties_per_m2": "emissions of the district's buildings × 1000 ÷ gross floor area (facility database)",
    "emissions_per_inhabitant": "balance_summary total emissions ÷ population of the year",
    "emissions_per_inhabitant_with_agriculture": "(balance_summary total + agriculture_emissions) ÷ population",
    "battery_electric_share": "vehicle_stock battery_electric ÷ all fuels × 100",
}


def _meets(value: float, target: float, comparator: str) -> bool:
    return value >= target if comparator == ">=" else value <= target


def _trend(years: np.ndarray, values: np.ndarray) -> tuple[float, float] | None:
    if len(years) < 2:
        return None
    slope, intercept = np.polyfit(years.astype(float), values.astype(float), 1)
    return float(slope), float(intercept)


def assess(series: pd.DataFrame, target: Mapping[str, Any], trend_years: int) -> pd.DataFrame:
    """Indicator rows for one target from its series (rows sorted by place and year)."""
    rows = []
    supporting = target.get("target_value") is None
    for ags, group in series.sort_values(["ags", "year"]).groupby("ags", sort=True):
        known = group.dropna(subset=["value"])
        base_rows = group[group["year"] == target.get("base_year")]
        base_value = None if supporting or base_rows.empty or pd.isna(base_rows["value"].iloc[0]) else \
            float(base_rows["value"].iloc[0])
        for r in group.itertuples(index=False):
            row = {"ags": ags, "year": int(r.year), "value": r.value, "unit": target["unit"],
                   "base_year": target.get("base_year"), "base_value": base_value,
                   "target_year": target.get("target_year"), "target_value": target.get("target_value"),
                   "gap": None, "path_value": None, "projected_value_at_target_year": None,
                   "projected_year_reached": None, "data_quality": r.data_quality, "complete": bool(r.complete)}
            if supporting:
                rows.append({**row, "status": "no_target", "status_reason": "supporting indicator without a target"})
                continue
            tv, ty, by, comparator = float(target["target_value"]), int(target["target_year"]), \
                int(target["base_year"]), target["comparator"]
            if pd.isna(r.value):
                reason = r.note or "no value for this year"
                rows.append({**row, "status": "not_assessable", "status_reason": reason})
                continue
            rate = target.get("indicator") in RATE_INDICATORS
            if r.year < by:
                rows.append({**row, "status": "not_assessable", "status_reason": f"before the base year {by}"})
                continue
            if base_value is None and not rate:
                rows.append({**row, "status": "not_assessable",
                             "status_reason": r.note or f"no value for the base year {by}"})
                continue
            value = float(r.value)
            row["gap"] = (tv - value) if comparator == ">=" else (value - tv)
            share = min(max((r.year - by) / (ty - by), 0.0), 1.0)
            row["path_value"] = tv if rate else base_value + (tv - base_value) * share
            recent = known[known["year"] <= r.year].tail(trend_years)  # the last N years with data
            fit = _trend(recent["year"].to_numpy(), recent["value"].to_numpy())
            if fit:
                slope, intercept = fit
                row["projected_value_at_target_year"] = slope * ty + intercept
                if _meets(value, tv, comparator):
                    row["projected_year_reached"] = int(r.year)
                elif slope and ((comparator == ">=" and slope > 0) or (comparator == "<=" and slope < 0)):
                    year_reached = int(np.ceil((tv - intercept) / slope))
                    row["projected_year_reached"] = year_reached if year_reached <= LAST_PROJECTED_YEAR else None
            if r.year >= ty:
                met = _meets(value, tv, comparator)
                status = "met" if met else "missed"
                reason = f"{value:.2f} {target['unit']} in {r.year} against the target {comparator} {tv:g}"
            else:
                on_path = _meets(value, row["path_value"], comparator)
                projected = row["projected_value_at_target_year"]
                trend_ok = projected is not None and _meets(projected, tv, comparator)
                status = "on_track" if on_path and trend_ok else "off_track"
                reason = (f"{'on' if on_path else 'behind'} the straight path ({row['path_value']:.2f}); the trend of the "
                          f"last {len(recent)} years {'reaches' if trend_ok else 'does not reach'} the target by {ty}")
            if not r.complete:
                reason += "; based on incomplete inputs"
            rows.append({**row, "status": status, "status_reason": reason})
    return pd.DataFrame(rows)
