"""The balance next to published figures: for each published figure klimamonitor can compute, the computed value,
the published one and the deviation. Used by the run summary; tolerances belong to the tests."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

Tables = dict[str, pd.DataFrame]


def _summary(t: Tables, ags: str, year: int, scope: str, column: str) -> float | None:
    s = t["balance_summary"]
    row = s[(s["ags"] == ags) & (s["year"] == year) & (s["balance_scope"] == scope)]
    return None if row.empty or pd.isna(row.iloc[0][column]) else float(row.iloc[0][column])


def _electricity_mwh(t: Tables, ags: str, year: int, sector: str | None = None) -> float | None:
    f = t["final_energy"]
    rows = f[(f["ags"] == ags) & (f["year"] == year) & (f["carrier"] == "electricity")]
    if sector:
        rows = rows[rows["sector"] == sector]
    total = rows["final_energy_mwh"].sum(min_count=1)
    return None if pd.isna(total) else float(total)


def _per_capita_kwh(mwh: float | None, t: Tables, ags: str, year: int) -> float | None:
    p = t["population"]
    pop = p[(p["ags"] == ags) & (p["year"] == year)]["population"]
    if mwh is None or pop.empty or pd.isna(pop.iloc[0]) or not pop.iloc[0]:
        return None
    return mwh * 1000 / float(pop.iloc[0])


def _share(t: Tables, ags: str, year: int, sector: str) -> float | None:
    part, total = _summary(t, ags, year, sector, "final_energy_mwh"), _summary(t, ags, year, "total", "final_energy_mwh")
    return None if part is None or not total else part / total * 100


def _renewable_mwh(t: Tables, ags: str, year: int, technology: str | None = None) -> float | None:
    g = t.get("electricity_generation")
    if g is None:
        return None
    rows = g[(g["ags"] == ags) & (g["year"] == year) & g["technology"].isin(
        [technology] if technology else ["solar_pv", "wind_onshore", "biomass", "hydro", "other_renewable"])]
    total = rows["generation_mwh"].sum(min_count=1)
    return None if pd.isna(total) else float(total)


def _installed_kw(t: Tables, ags: str, year: int, technology: str) -> float | None:
    g = t.get("electricity_generation")
    if g is None:
        return None
    rows = g[(g["ags"] == ags) & (g["year"] == year) & (g["technology"] == technology)]
    return float(rows["installed_kw"].sum()) if len(rows) else None


def _renewable_share(t: Tables, ags: str, year: int) -> float | None:
    generated, consumed = _renewable_mwh(t, ags, year), _electricity_mwh(t, ags, year)
    return None if generated is None or not consumed else generated / consumed * 100


COMPUTE: dict[str, tuple[str, Callable[[Tables, str, int], float | None]]] = {
    "co2_per_capita": ("t CO2e/person (BISKO balance so far)",
                       lambda t, a, y: _summary(t, a, y, "total", "t_co2e_per_inhabitant")),
    "co2e_per_capita": ("t CO2e/person (BISKO balance so far)",
                        lambda t, a, y: _summary(t, a, y, "total", "t_co2e_per_inhabitant")),
    "electricity_per_capita": ("kWh/person", lambda t, a, y: _per_capita_kwh(_electricity_mwh(t, a, y), t, a, y)),
    "household_electricity_per_capita": (
        "kWh/person", lambda t, a, y: _per_capita_kwh(_electricity_mwh(t, a, y, "households"), t, a, y)),
    "electricity_consumption": ("GWh/a", lambda t, a, y: (v / 1000) if (v := _electricity_mwh(t, a, y)) else None),
    "renewable_share_of_electricity_consumption": ("%", _renewable_share),
    "renewable_electricity_generation": ("GWh/a", lambda t, a, y: (v / 1000) if (v := _renewable_mwh(t, a, y)) else None),
    "wind_generation": ("GWh/a", lambda t, a, y: (v / 1000) if (v := _renewable_mwh(t, a, y, "wind_onshore")) else None),
    **{f"installed_capacity_{tech}": ("kW", (lambda tech: lambda t, a, y: _installed_kw(t, a, y, tech))(tech))
       for tech in ("solar_pv", "wind_onshore", "biomass", "hydro")},
    "final_energy_share_transport": ("%", lambda t, a, y: _share(t, a, y, "transport")),
    "final_energy_share_households": ("%", lambda t, a, y: _share(t, a, y, "households")),
    "final_energy_share_industry": ("%", lambda t, a, y: _share(t, a, y, "industry")),
}


def compare(published: pd.DataFrame, tables: Tables) -> pd.DataFrame:
    """One row per published figure that can be computed: figure, ags, year, published, computed, deviation %."""
    rows = []
    for r in published.itertuples(index=False):
        if r.figure not in COMPUTE:
            continue
        unit, fn = COMPUTE[r.figure]
        value = fn(tables, str(r.ags).zfill(8), int(r.year))
        rows.append({"figure": r.figure, "ags": str(r.ags).zfill(8), "year": int(r.year), "unit": unit,
                     "published": float(r.value), "computed": value, "method": r.method,
                     "deviation_pct": None if value is None else (value - float(r.value)) / float(r.value) * 100})
    return pd.DataFrame(rows)
