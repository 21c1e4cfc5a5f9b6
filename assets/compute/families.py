"""Source families: which formats deliver which kind of input, and which indicators need which kinds.

A district starts with two or three sources and adds the rest over years. Every family may be absent (no source of
its formats configured) or empty (configured, but nothing accepted delivered); an indicator resting on such a family
is `not_assessable` with a reason that names the family in words ("no renewable-generation source configured").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

ABSENT = "absent"  # no source of the family's formats is configured
EMPTY = "empty"  # configured, but no delivery of it was accepted
DELIVERED = "delivered"


@dataclass(frozen=True)
class Family:
    id: str
    words: str  # the family in words, as a reason names it
    formats: tuple[str, ...]


FAMILIES: tuple[Family, ...] = (
    Family("population", "population", ("genesis_population",)),
    Family("grid", "grid / final-energy", ("grid_sheet", "final_energy")),
    Family("factors", "emission-factor", ("emission_factors", "district_heat_factors")),
    Family("renewable_generation", "renewable-generation", ("mastr_csv", "mastr_xml", "eeg_feed_in")),
    Family("heat", "heating (chimney-sweep, solar-thermal)", ("chimney_sweep", "solar_thermal")),
    Family("transport", "transport (vehicle-km, train-km)", ("vehicle_km", "rail_train_km")),
    Family("vehicle_stock", "vehicle-stock", ("vehicle_stock", "kba_fz3")),
    Family("buildings", "renovation / building-stock", ("renovations", "building_stock")),
    Family("facilities", "facility-database", ("facility_db", "interval_csv")),
    Family("ets", "EU ETS", ("ets",)),
    Family("agriculture", "agriculture", ("agriculture",)),
    Family("weather", "degree-day", ("degree_days", "dwd_degree_days")),
    Family("key_changes", "key-change", ("key_changes", "territorial_changes", "ags_history")),
    Family("directory", "municipality-directory", ("gv100ad", "auszug_gv")),
    Family("statistics_tables", "statistics-table", ("genesis_table",)),
    Family("work_programme", "work-programme (measures, eea assessment)", ("measures", "eea_assessment")),
)
FAMILY = {f.id: f for f in FAMILIES}
FAMILY_OF_FORMAT = {fmt: f.id for f in FAMILIES for fmt in f.formats}

# The families the territorial balance of a sector (None: the total) rests on: every required cell of it has a
# source in one of them.
_BALANCE = ("grid", "heat", "transport", "factors")
BALANCE_BY_SECTOR: dict[str | None, tuple[str, ...]] = {
    None: _BALANCE,
    "transport": ("transport", "factors"),
    "industry": ("grid", "factors"),
}
# The families each indicator (targets' `indicator`) needs besides the balance of its sector.
INDICATOR_FAMILIES: dict[str, tuple[str, ...]] = {
    "emissions_change_vs_base": (),
    "sector_emissions_annual_change": (),
    "sector_emissions_yoy_change": (),
    "renewable_electricity_share": ("renewable_generation", "grid", "transport"),  # rail and BEV electricity
    "renovation_growth": ("buildings",),
    "renovation_growth_yoy": ("buildings",),
    "renovation_rate": ("buildings",),
    "own_properties_change_vs_base": ("facilities", "factors"),
    "own_properties_per_m2": ("facilities", "factors"),
    "emissions_per_inhabitant": ("population",),
    "emissions_per_inhabitant_with_agriculture": ("population", "agriculture"),
    "battery_electric_share": ("vehicle_stock",),
}
ON_THE_BALANCE = {"emissions_change_vs_base", "sector_emissions_annual_change", "sector_emissions_yoy_change",
                  "emissions_per_inhabitant", "emissions_per_inhabitant_with_agriculture"}


def families_needed(indicator: str, sector: str | None = None) -> tuple[str, ...]:
    """The families an indicator (of a sector) rests on, in a fixed order."""
    needed = list(INDICATOR_FAMILIES.get(indicator, ()))
    if indicator in ON_THE_BALANCE:
        needed += BALANCE_BY_SECTOR.get(sector, _BALANCE)
    return tuple(f.id for f in FAMILIES if f.id in needed)


def configured_families(formats: Iterable[str]) -> set[str]:
    """The families that have at least one source of these (configured) formats."""
    return {FAMILY_OF_FORMAT[f] for f in formats if f in FAMILY_OF_FORMAT}


def family_states(sources: Sequence[tuple[str, str]], deliveries: pd.DataFrame) -> dict[str, str]:
    """ABSENT, EMPTY or DELIVERED per family; `sources`: (source id, format) of the configuration, `deliveries`:
    the published register (a family is delivered when one of its sources has an accepted delivery)."""
    accepted = set(deliveries.loc[deliveries["status"] == "accepted", "source_id"]) if len(deliveries) else set()
    states = {f.id: ABSENT for f in FAMILIES}
    for source_id, fmt in sources:
        family = FAMILY_OF_FORMAT.get(fmt)
        if family is None:
            continue
        if source_id in accepted:
            states[family] = DELIVERED
        elif states[family] == ABSENT:
            states[family] = EMPTY
    return states


def reason(family: str, state: str) -> str:
    words = FAMILY[family].words
    if state == ABSENT:
        return f"no {words} source configured"
    return f"a {words} source is configured but nothing was delivered"


def missing_reasons(indicator: str, sector: str | None, states: Mapping[str, str]) -> list[str]:
    """Why an indicator cannot be assessed from the sources there are: one reason per family it lacks ([] if none)."""
    return [reason(f, states[f]) for f in families_needed(indicator, sector) if states.get(f, ABSENT) != DELIVERED]


def unconfigured_for(indicator: str, sector: str | None, formats: Iterable[str]) -> list[str]:
    """The families an indicator needs that no configured source belongs to (the configuration check's warning)."""
    present = configured_families(formats)
    return [f for f in families_needed(indicator, sector) if f not in present]


def not_assessable_rows(rows: pd.DataFrame, columns: Sequence[str], reasons: Sequence[str], places: Sequence[str],
                        years: Sequence[int], target: Mapping) -> pd.DataFrame:
    """An indicator's rows when families it needs are missing: every place and year, the values computed from what
    there is kept (flagged incomplete), status `not_assessable` with the missing families named."""
    grid = pd.MultiIndex.from_product([list(places), list(years)], names=["ags", "year"]).to_frame(index=False)
    have = rows[[c for c in columns if c in rows]] if len(rows) else pd.DataFrame(columns=["ags", "year"])
    out = grid.merge(have.drop(columns=["status", "status_reason"], errors="ignore"), on=["ags", "year"], how="left")
    for key in ("unit", "base_year", "target_year", "target_value"):
        out[key] = target.get(key)
    out["complete"] = False
    out["status"] = "not_assessable"
    out["status_reason"] = "; ".join(reasons) + ": no verdict"
    for column in columns:
        if column not in out:
            out[column] = None
    return out[list(columns)]
