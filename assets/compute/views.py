"""Separately labelled non-BISKO views of the emissions (every row `bisko_conformant = false`):

- `local_mix`: electricity valued with a territorial mix: local renewable generation with its own life-cycle
  factors (configured per technology), the rest at the federal mix of the year.
- `weather_corrected`: the space-heating part of heat carriers in households, commerce and municipal facilities
  scaled by long-term ÷ actual heating degree days; a year without degree days is missing, never dropped.
- `ets_production`: verified EU ETS emissions of the installations in the territory (industry; process emissions
  are outside BISKO; the ETS scope widened in 2013).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

HEAT_CARRIERS = ("natural_gas", "heating_oil", "lpg", "hard_coal", "lignite", "solid_biomass", "biogas",
                 "biomethane", "district_heat", "solar_thermal", "ambient_heat", "other_fossil", "other_renewable")
HEAT_SECTORS = ("households", "commerce", "municipal")
COLUMNS = ["ags", "year", "sector", "carrier", "view", "final_energy_mwh", "g_co2e_per_kwh", "emissions_t_co2e",
           "factor_set", "bisko_conformant", "complete"]  # fmt: skip


def _district_sums(cells: pd.DataFrame, district_ags: str) -> pd.DataFrame:
    group = ["year", "sector", "carrier", "view", "factor_set"]
    district = cells.groupby(group, sort=True, dropna=False).agg(
        final_energy_mwh=("final_energy_mwh", lambda s: s.sum(min_count=1)),
        emissions_t_co2e=("emissions_t_co2e", lambda s: s.sum(min_count=1)),
        complete=("complete", "all"),
    ).reset_index().assign(ags=district_ags, bisko_conformant=False)
    energy = district["final_energy_mwh"]
    district["g_co2e_per_kwh"] = (district["emissions_t_co2e"] * 1000 / energy).where(energy > 0)
    return pd.concat([cells, district], ignore_index=True)[COLUMNS]


def local_mix_view(bisko: pd.DataFrame, generation: pd.DataFrame, factors: Mapping[str, float],
                   district_ags: str) -> pd.DataFrame:
    cells = bisko[(bisko["ags"] != district_ags) & (bisko["carrier"] == "electricity")].copy()
    if cells.empty:
        return pd.DataFrame(columns=COLUMNS)
    consumption = cells.groupby(["ags", "year"])["final_energy_mwh"].sum(min_count=1).rename("consumption")
    gen = generation[generation["ags"] != district_ags].copy()
    gen["credited"] = gen["technology"].isin(list(factors))
    gen["weighted"] = gen["generation_mwh"] * gen["technology"].map(factors).astype("float64")
    local = gen[gen["credited"]].groupby(["ags", "year"]).agg(generation=("generation_mwh", "sum"),
                                                             weighted=("weighted", "sum"))
    federal = cells.groupby(["ags", "year"])["g_co2e_per_kwh"].first().rename("federal")
    mix = pd.concat([consumption, local, federal], axis=1).fillna({"generation": 0.0, "weighted": 0.0})
    rest = (mix["consumption"] - mix["generation"]).clip(lower=0)
    mix["local_g"] = (mix["weighted"] + rest * mix["federal"]) / (mix["generation"] + rest)
    cells = cells.merge(mix["local_g"].reset_index(), on=["ags", "year"], how="left")
    cells["g_co2e_per_kwh"] = cells["local_g"]
    cells["emissions_t_co2e"] = cells["final_energy_mwh"] * cells["g_co2e_per_kwh"] / 1000
    cells = cells.drop(columns="local_g").assign(view="local_mix", bisko_conformant=False)
    return _district_sums(cells[COLUMNS], district_ags)


def weather_corrected_view(bisko: pd.DataFrame, degree_days: pd.DataFrame, station: str | None,
                           space_heating_share: float, district_ags: str) -> pd.DataFrame:
    cells = bisko[bisko["ags"] != district_ags].copy()
    if cells.empty or station is None:
        return pd.DataFrame(columns=COLUMNS)
    monthly = degree_days[degree_days["station_id"] == station]
    full_years = monthly.groupby("year").filter(lambda g: g["month"].nunique() == 12 and g["heating_degree_days"]
                                                .notna().all())
    yearly = full_years.groupby("year")["heating_degree_days"].sum()
    long_term = yearly.mean() if len(yearly) else np.nan
    heat = cells["sector"].isin(HEAT_SECTORS) & cells["carrier"].isin(HEAT_CARRIERS)
    ratio = cells["year"].map(long_term / yearly)
    factor = (space_heating_share * ratio + (1 - space_heating_share)).where(heat, 1.0)
    cells["final_energy_mwh"] = cells["final_energy_mwh"] * factor
    cells["emissions_t_co2e"] = cells["emissions_t_co2e"] * factor
    no_weather = heat & ratio.isna()
    cells.loc[no_weather, "complete"] = False  # kept, with no value: never silently dropped
    cells = cells.assign(view="weather_corrected", bisko_conformant=False)
    return _district_sums(cells[COLUMNS], district_ags)


def ets_view(installations: pd.DataFrame, municipality_keys: Sequence[str], district_ags: str) -> pd.DataFrame:
    rows = installations[installations["ags"].isin(municipality_keys)]
    if rows.empty:
        return pd.DataFrame(columns=COLUMNS)
    cells = rows.groupby(["ags", "year"])["verified_emissions_t_co2e"].sum(min_count=1).rename(
        "emissions_t_co2e").reset_index()
    cells = cells.assign(sector="industry", carrier="other_fossil", view="ets_production", final_energy_mwh=np.nan,
                         g_co2e_per_kwh=np.nan, factor_set="eu_ets_verified", bisko_conformant=False, complete=True)
    return _district_sums(cells[COLUMNS], district_ags)
