"""Frames for the domain checks the catalog cannot express: year-on-year jumps, municipalities summing to the
delivered district value, completeness of the municipality × year grid. Each returns the rows a GX expectation then
judges, with lineage columns kept for the sample a person sees."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from assets.compute.balance import CELL, CORRECTIONS, required_grid


def year_on_year(frame: pd.DataFrame, series_keys: Sequence[str], value_column: str) -> pd.DataFrame:
    """Consecutive-year ratios per series (value / previous year's value), where both years have a value > 0."""
    keep = [*series_keys, "year", value_column, *[c for c in ("delivery_id", "source_row") if c in frame]]
    work = frame[keep].dropna(subset=[value_column]).sort_values([*series_keys, "year"])
    work = work[work[value_column] > 0]
    previous = work.groupby(list(series_keys), sort=False, dropna=False)[[value_column, "year"]].shift(1)
    work = work.assign(previous_value=previous[value_column], previous_year=previous["year"])
    work = work[work["previous_year"] == work["year"] - 1]
    return work.assign(ratio=work[value_column] / work["previous_value"]).reset_index(drop=True)


def district_sum_difference(rows: pd.DataFrame, municipality_keys: Sequence[str], district_ags: str,
                            value_column: str) -> pd.DataFrame:
    """Per year where the district value was delivered: delivered, sum of municipalities, difference in %."""
    district = rows[rows["ags"] == district_ags].set_index("year")[value_column].dropna()
    municipal = rows[rows["ags"].isin(municipality_keys)].groupby("year")[value_column].sum(min_count=1)
    out = pd.DataFrame({"delivered_district": district, "sum_of_municipalities": municipal}).dropna()
    out["difference_pct"] = (out["sum_of_municipalities"] - out["delivered_district"]) / out["delivered_district"] * 100
    return out.reset_index().rename(columns={"index": "year"})


def directory_differences(configured: pd.DataFrame, directory: pd.DataFrame) -> pd.DataFrame:
    """Each configured municipality (municipalities.csv) against the municipality directory in use: whether the
    directory lists its key, under the same name, and how far the configured area is from the directory's (%).
    Empty without a directory delivery."""
    columns = ["ags", "name", "directory_name", "in_directory", "same_name", "area_ha", "directory_area_ha",
               "area_difference_pct", "directory_date", "delivery_id", "source_row"]
    places = configured[configured["kind"] != "district"]
    if directory.empty:
        return pd.DataFrame(columns=columns)
    listed = directory[["ags", "name", "area_ha", "directory_date", "delivery_id", "source_row"]].rename(
        columns={"name": "directory_name", "area_ha": "directory_area_ha"})
    out = places[["ags", "name", "area_ha"]].merge(listed, on="ags", how="left")
    out["in_directory"] = out["directory_name"].notna()
    out["same_name"] = ~out["in_directory"] | (out["name"].str.strip() == out["directory_name"].fillna("").str.strip())
    out["area_difference_pct"] = (out["area_ha"] - out["directory_area_ha"]) / out["directory_area_ha"] * 100
    return out[columns].reset_index(drop=True)


def ratio_bounds(factor: float) -> tuple[float, float]:
    """Allowed range of a year-on-year ratio for a maximum factor (1.5: from 0.667 to 1.5)."""
    return float(np.round(1 / factor, 6)), float(factor)


def absent_required_cells(inputs: pd.DataFrame, municipality_keys: Sequence[str], years: Sequence[int],
                          required_specs: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """Every required municipality × year × sector × carrier cell, with `delivered` False where no input exists."""
    keys = CELL
    required = required_grid(required_specs, municipality_keys, years)[keys]
    present = inputs[~inputs["input_kind"].isin(CORRECTIONS)][keys].drop_duplicates().assign(delivered=True)
    out = required.merge(present, on=keys, how="left")
    return out.assign(delivered=out["delivered"].fillna(False).astype(bool))


def per_inhabitant(final_energy: pd.DataFrame, population: pd.DataFrame, carrier: str,
                   municipality_keys: Sequence[str]) -> pd.DataFrame:
    """kWh of one carrier per inhabitant, per municipality and year (where both are known)."""
    energy = final_energy[(final_energy["carrier"] == carrier) & final_energy["ags"].isin(municipality_keys)]
    totals = energy.groupby(["ags", "year"])["final_energy_mwh"].sum(min_count=1).reset_index()
    out = totals.merge(population[["ags", "year", "population"]], on=["ags", "year"], how="inner").dropna()
    return out.assign(kwh_per_inhabitant=out["final_energy_mwh"] * 1000 / out["population"])
