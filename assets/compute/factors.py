"""Emission factor sets: from the delivered rows of one set to a factor for every carrier, sector scope and year the
balance needs, with every derivation stated.

- A factor published for a year is taken as it is (derivation null).
- A factor published without a year is valid for every year: expanded, derivation says so (conformant).
- Missing years are filled only for carriers the configuration names: `interpolate` (linear between the published
  years around it) or `carry_forward` (after the last published year). Both are flagged non-conformant.
- Ambient heat of heat pumps = federal electricity mix ÷ SPF (a BISKO rule; non-conformant if the electricity factor
  of that year was itself interpolated or carried forward).
- District heat from a supplier's plant data (BISKO rule 6) is a row of its own, scoped to its municipality
  (`region_scope` = AGS) beside the set's default (`region_scope` = all) for the same year; the delivery is its source.
- `lookup` picks, per cell, the most specific row: the municipality's own before the default, the sector's own before
  `all`; `factor_row` names that row, so lineage, `trace` and the number agree.
- Nothing else is filled: a factor still missing when the balance needs it is an error naming carrier and year.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd

from warehouse.trace import factor_row_ids

COLUMNS = ["factor_set", "carrier", "sector_scope", "region_scope", "year", "g_co2e_per_kwh", "source", "derivation",
           "bisko_rule", "delivery_id", "source_row"]  # fmt: skip
ALL = "all"
YEARLESS = "published without a year: valid for every year"


class FactorError(ValueError):
    """The factor set cannot serve the balance (unknown set, missing factor)."""


def conformant(derivation, bisko_rule) -> bool:
    """A factor taken as published, or derived by a BISKO rule."""
    return derivation is None or (isinstance(derivation, float) and pd.isna(derivation)) or bool(bisko_rule)


def compile_factor_set(rows: pd.DataFrame, factor_set: str, years: Sequence[int], *,
                       interpolate: Iterable[str] = (), carry_forward: Iterable[str] = (),
                       heat_pump_spf: float = 3.2, plant_factors: pd.DataFrame | None = None) -> pd.DataFrame:
    """`rows`: delivered factor rows (raw_factors__emission_factors in use); `plant_factors`: district-heat factors
    from plant data (ags, year, g_co2e_per_kwh, source, delivery_id, source_row). Returns the emission_factors table."""
    chosen = rows[rows["factor_set"] == factor_set]
    if chosen.empty:
        known = sorted(rows["factor_set"].dropna().unique())
        raise FactorError(f"factor set {factor_set!r} was not delivered; delivered sets: {known}")
    interpolate, carry_forward = set(interpolate), set(carry_forward)
    out: dict[tuple, dict] = {}
    yearly = chosen[chosen["year"].notna()]
    for r in yearly.itertuples(index=False):
        out[(r.carrier, r.sector_scope, int(r.year))] = _row(r, int(r.year), r.derivation, bool(r.bisko_rule))
    for r in chosen[chosen["year"].isna()].itertuples(index=False):
        stated = None if r.derivation is None or (isinstance(r.derivation, float) and pd.isna(r.derivation)) else \
            r.derivation
        derivation = YEARLESS + (f"; {stated}" if stated else "")
        for year in years:  # a caveat the set states (e.g. a different scope) keeps the row non-conformant
            out.setdefault((r.carrier, r.sector_scope, year), _row(r, year, derivation, bool(r.bisko_rule) or not stated))
    for (carrier, scope), group in yearly.groupby(["carrier", "sector_scope"]):
        published = group.assign(year=group["year"].astype(int)).set_index("year").sort_index()
        for year in years:
            if (carrier, scope, year) in out:
                continue
            before = published[published.index < year]
            after = published[published.index > year]
            if carrier in interpolate and not before.empty and not after.empty:
                y0, y1 = int(before.index[-1]), int(after.index[0])
                v0, v1 = float(before.iloc[-1]["g_co2e_per_kwh"]), float(after.iloc[0]["g_co2e_per_kwh"])
                value = v0 + (v1 - v0) * (year - y0) / (y1 - y0)
                out[(carrier, scope, year)] = {
                    "factor_set": factor_set, "carrier": carrier, "sector_scope": scope, "region_scope": ALL,
                    "year": year, "g_co2e_per_kwh": round(value, 3),
                    "source": f"{before.iloc[-1]['source']} | {after.iloc[0]['source']}",
                    "derivation": f"linear interpolation between {y0} ({v0:g}) and {y1} ({v1:g})",
                    "bisko_rule": False, "delivery_id": None, "source_row": None,
                }  # fmt: skip
            elif carrier in carry_forward and not before.empty and after.empty:
                y0 = int(before.index[-1])
                out[(carrier, scope, year)] = {
                    "factor_set": factor_set, "carrier": carrier, "sector_scope": scope, "region_scope": ALL,
                    "year": year, "g_co2e_per_kwh": float(before.iloc[-1]["g_co2e_per_kwh"]),
                    "source": before.iloc[-1]["source"],
                    "derivation": f"carried forward from {y0}", "bisko_rule": False, "delivery_id": None,
                    "source_row": None,
                }  # fmt: skip
    for year in years:
        electricity = out.get(("electricity", "all", year))
        if electricity is None or ("ambient_heat", "all", year) in out:
            continue
        inherited = "" if conformant(electricity["derivation"], electricity["bisko_rule"]) else (
            f"; the electricity factor was derived: {electricity['derivation']}")
        out[("ambient_heat", "all", year)] = {
            "factor_set": factor_set, "carrier": "ambient_heat", "sector_scope": ALL, "region_scope": ALL, "year": year,
            "g_co2e_per_kwh": round(electricity["g_co2e_per_kwh"] / heat_pump_spf, 3),
            "source": electricity["source"],
            "derivation": f"BISKO rule: federal electricity mix of {year} ÷ {heat_pump_spf:g} (heat-pump SPF)"
            + inherited,
            "bisko_rule": not inherited, "delivery_id": electricity["delivery_id"],
            "source_row": electricity["source_row"],
        }  # fmt: skip
    rows_out = list(out.values())
    if plant_factors is not None:
        for r in plant_factors[plant_factors["year"].isin(list(years))].itertuples(index=False):
            rows_out.append({
                "factor_set": factor_set, "carrier": "district_heat", "sector_scope": ALL, "region_scope": r.ags,
                "year": int(r.year), "g_co2e_per_kwh": float(r.g_co2e_per_kwh),
                "source": f"{r.source} (plant data of the supplier, BISKO rule 6)", "derivation": None,
                "bisko_rule": False, "delivery_id": r.delivery_id, "source_row": int(r.source_row),
            })  # fmt: skip
    frame = pd.DataFrame(rows_out, columns=COLUMNS)
    frame = frame[frame["year"].isin(list(years))]
    return frame.sort_values(["carrier", "sector_scope", "region_scope", "year"]).reset_index(drop=True)


def _row(r, year: int, derivation, bisko_rule: bool) -> dict:
    derivation = None if derivation is None or (isinstance(derivation, float) and pd.isna(derivation)) else derivation
    return {
        "factor_set": r.factor_set, "carrier": r.carrier, "sector_scope": r.sector_scope, "region_scope": ALL,
        "year": year,
        "g_co2e_per_kwh": float(r.g_co2e_per_kwh), "source": r.source, "derivation": derivation,
        "bisko_rule": bool(bisko_rule), "delivery_id": r.delivery_id, "source_row": int(r.source_row),
    }  # fmt: skip


def lookup(factors: pd.DataFrame, cells: pd.DataFrame) -> pd.DataFrame:
    """The factor for each (ags, carrier, sector, year) cell: the most specific row of the set — the municipality's
    own (region_scope = ags) before the default, the sector's own before `all`.

    Returns cells with g_co2e_per_kwh, sector_scope, region_scope, factor_row and bisko_conformant; raises
    FactorError naming carrier, sector and year for every cell with energy but no factor — unless no factor at all
    was delivered (no factor source): then every factor is missing, and so is every emission.
    """
    f = factors.assign(conformant=[conformant(d, b) for d, b in zip(factors["derivation"], factors["bisko_rule"],
                                                                     strict=True)], factor_row=factor_row_ids(factors))
    found = ["g_co2e_per_kwh", "sector_scope", "region_scope", "factor_row", "conformant"]
    merged = cells.reset_index(drop=True).assign(**{c: None for c in found})
    if "ags" not in merged:
        merged["ags"] = None
    merged["g_co2e_per_kwh"] = merged["g_co2e_per_kwh"].astype("float64")
    regional = f["region_scope"] != ALL
    general = f["sector_scope"] == ALL
    for pick, on in ((regional & ~general, ["carrier", "year", "ags", "sector"]),
                     (regional & general, ["carrier", "year", "ags"]),
                     (~regional & ~general, ["carrier", "year", "sector"]),
                     (~regional & general, ["carrier", "year"])):
        todo = merged["g_co2e_per_kwh"].isna()
        if not todo.any() or not pick.any():
            continue
        rows = f[pick].assign(ags=f["region_scope"], sector=f["sector_scope"])
        hit = merged.loc[todo, on].merge(rows[[*on, *found]], on=on, how="left")
        for column in found:
            merged.loc[todo, column] = hit[column].to_numpy()
    needed = merged["g_co2e_per_kwh"].isna() & merged["final_energy_mwh"].notna()
    if needed.any() and not factors.empty:
        missing = merged.loc[needed, ["carrier", "sector", "year"]].drop_duplicates().sort_values(["carrier", "year"])
        listed = "; ".join(f"{r.carrier} ({r.sector}) {int(r.year)}" for r in missing.head(20).itertuples())
        raise FactorError(f"no emission factor for {len(missing)} carrier/sector/year cell(s) with energy: {listed}"
                          " — add them to the factor set, or name the carrier under balance.interpolate / "
                          "balance.carry_forward")
    return merged.rename(columns={"conformant": "bisko_conformant"})
