"""Modelled balance inputs (grade C), each documented in docs/methodology.md:

- Non-grid heating fuels from chimney-sweep surveys: systems per municipality, fuel and power class × configured
  consumption per system; surveys are every 2–3 years, so years between two surveys are interpolated linearly and
  years after the last survey carried forward for a configured number of years — each row says which.
- Road transport from vehicle-kilometres by road type, vehicle class and drive × configured energy per vehicle-km:
  combustion by fuel shares (biodiesel blended into diesel as its own carrier), battery-electric as electricity
  (input kind `road_battery_electric`). The electricity of battery-electric cars charged at home is already in the
  grid operator's household sales: a configured share of it is taken out of the households' electricity cell
  (`bev_home_charging`), so it is counted once, in transport (the same rule as heat pumps; docs/methodology.md).
- Rail from train-kilometres by category (local and long-distance passenger, freight) and traction × configured
  energy per train-km (input kinds `rail_<category>`).
- Solar thermal heat from the collector area × a configured yield per m².

Specific consumptions are method data that change over the years: each may be one number or a mapping of years to
values (linear between the stated years, the nearest stated year outside them); `detail` says which was used.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from assets.compute.balance import INPUT_COLUMNS


class ModelError(ValueError):
    """The configuration of a modelled input does not cover what was delivered."""


BEV_HOME_CHARGING = "bev_home_charging"


def value_for_year(value: float | Mapping[int, float], year: int) -> tuple[float, str]:
    """A key figure for one year and how it was taken: a constant, a stated year, interpolated or the nearest."""
    if not isinstance(value, Mapping):
        return float(value), "constant"
    points = sorted((int(y), float(v)) for y, v in value.items())
    if not points:
        raise ModelError("a key figure by year has no years")
    for y, v in points:
        if y == year:
            return v, f"{y}"
    before = [(y, v) for y, v in points if y < year]
    after = [(y, v) for y, v in points if y > year]
    if before and after:
        (y0, v0), (y1, v1) = before[-1], after[0]
        return v0 + (v1 - v0) * (year - y0) / (y1 - y0), f"interpolated {y0}–{y1}"
    y, v = before[-1] if before else after[0]
    return v, f"held from {y}"


def _figure(table: Mapping[str, Any], path: tuple[str, ...], year: int, where: str) -> tuple[float, str]:
    node: Any = table
    for key in path:
        if not isinstance(node, Mapping) or key not in node:
            raise ModelError(f"no {where} for {' on '.join(path)}")
        node = node[key]
    return value_for_year(node, year)


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


def _row(kind: str, r, sector: str, carrier: str, detail: str, mwh, grade: str = "C") -> dict:
    return {"input_kind": kind, "ags": r.ags, "year": int(r.year), "sector": sector, "carrier": carrier,
            "detail": detail, "input_mwh": mwh, "value_status": r.value_status if mwh is None else "estimated",
            "data_quality": grade, "provisional": False, "delivery_id": r.delivery_id, "source_row": r.source_row}


def transport_inputs(vehicle_km: pd.DataFrame, settings: Mapping[str, Any]) -> pd.DataFrame:
    """`vehicle_km`: rows in use (ags, year, road_type, vehicle_class, drive, vehicle_km_million, value_status, ...)."""
    if vehicle_km.empty:
        return pd.DataFrame(columns=INPUT_COLUMNS)
    shares: Mapping[str, Mapping[str, float]] = settings["fuel_shares"]
    blend = float(settings.get("biodiesel_blend", 0.0))
    home = float(settings.get("bev_home_charging_share", 0.0))
    rows = []
    drives = vehicle_km["drive"] if "drive" in vehicle_km else pd.Series(None, index=vehicle_km.index, dtype=object)
    for r, drive in zip(vehicle_km.itertuples(index=False), drives.fillna("combustion"), strict=True):
        electric = drive == "battery_electric"
        table = settings.get("kwh_per_vkm_electric", {}) if electric else settings["kwh_per_vkm"]
        kwh, how = _figure(table, (r.vehicle_class, r.road_type), int(r.year),
                           "battery-electric energy per vehicle-km (modelled.transport.kwh_per_vkm_electric)"
                           if electric else "energy per vehicle-km (modelled.transport.kwh_per_vkm)")
        mwh = None if pd.isna(r.vehicle_km_million) else r.vehicle_km_million * 1e6 * kwh / 1000
        detail = f"{r.vehicle_class} on {r.road_type}"
        if electric:
            rows.append(_row("road_battery_electric", r, "transport", "electricity",
                             f"{detail} (battery electric, {kwh:g} kWh/vkm {how})", mwh))
            if home:
                rows.append(_row(BEV_HOME_CHARGING, r, "households", "electricity",
                                 f"minus {home:.0%} of {detail} (battery electric) charged at home: counted in transport",
                                 None if mwh is None else -mwh * home))
            continue
        if r.vehicle_class not in shares or not np.isclose(sum(shares[r.vehicle_class].values()), 1.0):
            raise ModelError(f"fuel shares of {r.vehicle_class} are missing or do not add up to 1 "
                             "(modelled.transport.fuel_shares)")
        for fuel, share in shares[r.vehicle_class].items():
            parts = [(fuel, share)]
            if fuel == "diesel" and blend:
                parts = [("diesel", share * (1 - blend)), ("biodiesel", share * blend)]
            for carrier, part in parts:
                rows.append(_row("transport", r, "transport", carrier, f"{detail} ({kwh:g} kWh/vkm {how})",
                                 None if mwh is None else mwh * part))
    return pd.DataFrame(rows, columns=INPUT_COLUMNS)


def rail_inputs(train_km: pd.DataFrame, settings: Mapping[str, Any]) -> pd.DataFrame:
    """`train_km`: rows in use (ags, year, rail_category, traction, train_km_thousand, value_status, ...)."""
    if train_km.empty:
        return pd.DataFrame(columns=INPUT_COLUMNS)
    carriers = {"electric": "electricity", "diesel": "diesel"}
    rows = []
    for r in train_km.itertuples(index=False):
        kwh, how = _figure(settings.get("kwh_per_train_km", {}), (r.rail_category, r.traction), int(r.year),
                           "energy per train-km (modelled.rail.kwh_per_train_km)")
        mwh = None if pd.isna(r.train_km_thousand) else r.train_km_thousand * 1000 * kwh / 1000
        rows.append(_row(f"rail_{r.rail_category}", r, "transport", carriers[r.traction],
                         f"rail {r.rail_category} {r.traction} ({kwh:g} kWh/train-km {how})", mwh))
    return pd.DataFrame(rows, columns=INPUT_COLUMNS)


def solar_thermal_inputs(area: pd.DataFrame, settings: Mapping[str, Any]) -> pd.DataFrame:
    """`area`: rows in use (ags, year, collector_area_m2, ...) → heat of carrier solar_thermal in the configured
    sector (households by default)."""
    if area.empty:
        return pd.DataFrame(columns=INPUT_COLUMNS)
    sector = settings.get("sector", "households")
    rows = []
    for r in area.itertuples(index=False):
        if "kwh_per_m2" not in settings:
            raise ModelError("no heat yield per m² of collector area (modelled.solar_thermal.kwh_per_m2)")
        kwh, how = value_for_year(settings["kwh_per_m2"], int(r.year))
        mwh = None if pd.isna(r.collector_area_m2) else r.collector_area_m2 * kwh / 1000
        rows.append(_row("solar_thermal", r, sector, "solar_thermal",
                         f"{0 if mwh is None else r.collector_area_m2:,.0f} m² × {kwh:g} kWh/m² ({how})", mwh))
    return pd.DataFrame(rows, columns=INPUT_COLUMNS)
