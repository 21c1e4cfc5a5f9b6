"""Modelled balance inputs (grade C), each documented in docs/methodology.md:

- Non-grid heating fuels from chimney-sweep surveys: systems per municipality, fuel and power class × configured
  consumption per system; surveys are every 2–3 years, so years between two surveys are interpolated linearly and
  years after the last survey carried forward for a configured number of years — each row says which.
- Transport from vehicle-kilometres by road type and vehicle class × configured energy per vehicle-km × fuel shares,
  with the biodiesel blended into diesel as its own carrier.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from assets.compute.balance import INPUT_COLUMNS


class ModelError(ValueError):
    """The configuration of a modelled input does not cover what was delivered."""


def heating_fuel_inputs(systems: pd.DataFrame, years: Sequence[int], settings: Mapping[str, Any]) -> pd.DataFrame:
    """`systems`: chimney-sweep rows in use (ags, year = survey year, fuel, power_class, systems, delivery_id, ...)."""
    if systems.empty:
        return pd.DataFrame(columns=INPUT_COLUMNS)
    fuels: Mapping[str, str] = settings["fuels"]
    per_system: Mapping[str, Mapping[str, float]] = settings["mwh_per_system"]
    sector_by_class: Mapping[str, str] = settings.get("sector_by_power_class", {})
    carry = int(settings.get("carry_forward_years", 2))
    unknown = sorted(set(systems["fuel"]) - set(fuels))
    if unknown:
        raise ModelError(f"chimney-sweep fuels {unknown} are not mapped to a carrier (modelled.heating.fuels)")
    rows = []
    for (ags, fuel, power_class), group in systems.groupby(["ags", "fuel", "power_class"], sort=True):
        if fuel not in per_system or power_class not in per_system[fuel]:
            raise ModelError(f"no consumption per system for fuel {fuel!r}, power class {power_class!r} "
                             "(modelled.heating.mwh_per_system)")
        surveys = group.dropna(subset=["systems"]).sort_values("year").set_index("year")
        if surveys.empty:
            continue
        survey_years = list(surveys.index)
        for year in years:
            if year in surveys.index:
                count, how, row = surveys.loc[year, "systems"], f"survey {year}", surveys.loc[year]
            elif survey_years[0] < year < survey_years[-1]:
                before = max(y for y in survey_years if y < year)
                after = min(y for y in survey_years if y > year)
                c0, c1 = surveys.loc[before, "systems"], surveys.loc[after, "systems"]
                count = c0 + (c1 - c0) * (year - before) / (after - before)
                how, row = f"interpolated between surveys {before} and {after}", surveys.loc[after]
            elif survey_years[-1] < year <= survey_years[-1] + carry:
                count, how, row = surveys.loc[survey_years[-1], "systems"], f"carried forward from survey " \
                    f"{survey_years[-1]}", surveys.loc[survey_years[-1]]
            else:
                continue
            rows.append({
                "input_kind": "chimney_sweep", "ags": ags, "year": year,
                "sector": sector_by_class.get(power_class, settings.get("default_sector", "households")),
                "carrier": fuels[fuel], "detail": f"{fuel} {power_class}: {count:.0f} systems ({how})",
                "input_mwh": count * per_system[fuel][power_class], "value_status": "estimated",
                "data_quality": "C", "provisional": False, "delivery_id": row["delivery_id"],
                "source_row": int(row["source_row"]),
            })  # fmt: skip
    frame = pd.DataFrame(rows, columns=INPUT_COLUMNS)
    # several power classes may share a sector and carrier: keep them apart by their detail (the key includes it)
    return frame


def transport_inputs(vehicle_km: pd.DataFrame, settings: Mapping[str, Any]) -> pd.DataFrame:
    """`vehicle_km`: rows in use (ags, year, road_type, vehicle_class, vehicle_km_million, value_status, ...)."""
    if vehicle_km.empty:
        return pd.DataFrame(columns=INPUT_COLUMNS)
    kwh_per_vkm: Mapping[str, Mapping[str, float]] = settings["kwh_per_vkm"]
    shares: Mapping[str, Mapping[str, float]] = settings["fuel_shares"]
    blend = float(settings.get("biodiesel_blend", 0.0))
    rows = []
    for r in vehicle_km.itertuples(index=False):
        if r.vehicle_class not in kwh_per_vkm or r.road_type not in kwh_per_vkm[r.vehicle_class]:
            raise ModelError(f"no energy per vehicle-km for {r.vehicle_class} on {r.road_type} "
                             "(modelled.transport.kwh_per_vkm)")
        if r.vehicle_class not in shares or not np.isclose(sum(shares[r.vehicle_class].values()), 1.0):
            raise ModelError(f"fuel shares of {r.vehicle_class} are missing or do not add up to 1 "
                             "(modelled.transport.fuel_shares)")
        mwh = None if pd.isna(r.vehicle_km_million) else r.vehicle_km_million * 1e6 * \
            kwh_per_vkm[r.vehicle_class][r.road_type] / 1000
        for fuel, share in shares[r.vehicle_class].items():
            parts = [(fuel, share)]
            if fuel == "diesel" and blend:
                parts = [("diesel", share * (1 - blend)), ("biodiesel", share * blend)]
            for carrier, part in parts:
                rows.append({
                    "input_kind": "transport", "ags": r.ags, "year": r.year, "sector": "transport",
                    "carrier": carrier, "detail": f"{r.vehicle_class} on {r.road_type}",
                    "input_mwh": None if mwh is None else mwh * part,
                    "value_status": r.value_status if mwh is None else "estimated", "data_quality": "C",
                    "provisional": False, "delivery_id": r.delivery_id, "source_row": r.source_row,
                })  # fmt: skip
    return pd.DataFrame(rows, columns=INPUT_COLUMNS)
