"""BISKO conformity of the balance, per place, year and criterion: `conformant`, `non_conformant` or `incomplete`,
with the reason in words. Unknown never becomes conformant. The criteria (docs/methodology.md, "Conformity"):

- territorial_final_energy: final energy consumed in the territory, by sector and carrier, computed here; balances
  delivered ready-made (tidy final-energy rows) do not state their method → incomplete.
- five_sectors: a value for each of households, commerce, industry, municipal facilities and transport.
- lca_factors_with_upstream: every factor used (besides electricity) taken as published with upstream chains or
  derived by a BISKO rule; a factor whose set states another scope, or an interpolated/carried one → non-conformant.
- federal_electricity_mix: the federal mix of the year as published; interpolated or carried → non-conformant.
- no_weather_correction: the bisko view is never weather-corrected (that is a separate view); ready-made balances do
  not say → incomplete.
- district_heat_method: plant data of the supplier, or the BISKO default where none; a required district-heat cell
  without a value → incomplete.
- data_quality_stated: every cell with a value has a grade.
- required_cells_present: every required cell has a value, is complete and holds its required input kinds.

A district row takes the worst state of its municipalities (non_conformant before incomplete before conformant).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from assets.compute.balance import CELL, missing_inputs, required_grid
from assets.compute.factors import conformant, lookup
from warehouse.vocabularies import SECTORS
from warehouse.trace import factor_row_ids

COLUMNS = ["ags", "year", "criterion", "conformity", "conformity_reason"]
RANK = {"conformant": 0, "incomplete": 1, "non_conformant": 2}
LISTED = 3


def _listed(items: pd.Series) -> str:
    unique = list(dict.fromkeys(items))
    return "; ".join(unique[:LISTED]) + (f" and {len(unique) - LISTED} more" if len(unique) > LISTED else "")


def _per_place(places: pd.DataFrame, bad: pd.DataFrame, criterion: str, state: str, ok_reason: str) -> pd.DataFrame:
    """Rows for every place-year: `state` with the listed reasons of `bad` (ags, year, reason) where it has any."""
    reasons = bad.groupby(["ags", "year"])["reason"].agg(_listed) if len(bad) else pd.Series(dtype="object")
    out = places.copy()
    found = pd.MultiIndex.from_frame(out[["ags", "year"]]).map(reasons.to_dict().get) if len(out) else []
    out["conformity_reason"] = pd.Series(found, index=out.index, dtype="object")
    out["conformity"] = np.where(out["conformity_reason"].notna(), state, "conformant")
    out["conformity_reason"] = out["conformity_reason"].fillna(ok_reason)
    return out.assign(criterion=criterion)[COLUMNS]


def conformity_table(final_energy: pd.DataFrame, inputs: pd.DataFrame, factors: pd.DataFrame,
                     municipality_keys: Sequence[str], district_ags: str, years: Sequence[int],
                     required_specs: Sequence[Mapping], names: Mapping[str, str] | None = None) -> pd.DataFrame:
    """The bisko_conformity table: a row per criterion for every municipality and the district, every year."""
    names = dict(names or {})
    places = pd.DataFrame([(a, y) for a in municipality_keys for y in years], columns=["ags", "year"])
    fe = final_energy[final_energy["ags"].isin(municipality_keys) & final_energy["year"].isin(list(years))]
    with_value = fe[fe["final_energy_mwh"].notna()]
    frames = []

    # territorial final energy and weather correction: only ready-made balances leave them open
    valued = with_value[["ags", "year"]].drop_duplicates().assign(_v=True)
    none = places.merge(valued, on=["ags", "year"], how="left")
    none = none[none["_v"].isna()].assign(reason="no final energy with a value")
    ready = inputs[inputs["input_kind"] == "reported_balance"][["ags", "year", "sector", "carrier"]]
    ready = ready.assign(reason="ready-made balance rows (" + ready["sector"] + " " + ready["carrier"]
                         + ") do not state their method")
    frames.append(_per_place(places, pd.concat([none[["ags", "year", "reason"]], ready]), "territorial_final_energy",
                             "incomplete", "final energy consumed in the territory by sector and carrier, computed "
                             "from the partners' deliveries"))
    frames.append(_per_place(places, ready.assign(reason=ready["reason"].str.replace(
        "do not state their method", "do not say whether they are weather-corrected")), "no_weather_correction",
        "incomplete", "the bisko view is not weather-corrected (the weather_corrected view is separate)"))

    # five sectors
    sectors = with_value[["ags", "year", "sector"]].drop_duplicates()
    grid = places.merge(pd.DataFrame({"sector": SECTORS}), how="cross")
    lacking = grid.merge(sectors.assign(_v=True), on=["ags", "year", "sector"], how="left")
    lacking = lacking[lacking["_v"].isna()].assign(reason=lambda f: "no value for the sector " + f["sector"])
    frames.append(_per_place(places, lacking, "five_sectors", "incomplete", "all five BISKO sectors have values"))

    # factors: the row each cell with energy used
    used = lookup(factors, with_value[CELL + ["final_energy_mwh"]])  # no factor delivered: every factor missing
    if factors.empty:  # no emission-factor source: nothing to judge, every cell with energy lacks its factor
        other = with_value.assign(reason=with_value["carrier"] + " " + with_value["year"].astype(str)
                                  + ": no emission factor delivered")
        state = "incomplete"
    else:
        derivations = factors.assign(factor_row=factor_row_ids(factors)).drop_duplicates("factor_row")
        used = used.merge(derivations[["factor_row", "derivation"]], on="factor_row", how="left")
        used["_ok"] = used["bisko_conformant"].astype("boolean").fillna(False).astype(bool)
        other = used[(used["carrier"] != "electricity") & ~used["_ok"]]
        other = other.assign(reason=other["carrier"] + " factor " + other["year"].astype(str) + ": "
                             + other["derivation"].astype(str))
        state = "non_conformant"
    frames.append(_per_place(places, other, "lca_factors_with_upstream", state,
                             "every factor used is a life-cycle factor with upstream chains, as published or by a "
                             "BISKO rule"))

    electricity = factors[(factors["carrier"] == "electricity") & (factors["sector_scope"] == "all")
                          & (factors["region_scope"] == "all")].set_index("year")
    mix = []
    for year in years:
        if year not in electricity.index:
            mix.append((year, "incomplete", f"no federal electricity factor for {year}"))
            continue
        row = electricity.loc[year]
        if conformant(row["derivation"], row["bisko_rule"]):
            mix.append((year, "conformant", f"federal electricity mix {year}: {row['g_co2e_per_kwh']:g} g CO2e/kWh "
                        f"as published ({row['source']})"))
        else:
            mix.append((year, "non_conformant", f"electricity factor {year} {row['derivation']}"))
    mix = pd.DataFrame(mix, columns=["year", "conformity", "conformity_reason"])
    frames.append(places.merge(mix, on="year").assign(criterion="federal_electricity_mix")[COLUMNS])

    # district heat: plant data or the default; a required cell without value is incomplete
    required = required_grid(required_specs, municipality_keys, years)
    heat_required = required[required["carrier"] == "district_heat"][CELL]
    heat_open = heat_required.merge(fe[CELL + ["final_energy_mwh"]], on=CELL, how="left")
    heat_open = heat_open[heat_open["final_energy_mwh"].isna()].assign(
        reason=lambda f: "district heat " + f["sector"] + " required (a network exists) but has no value")
    heat = used[used["carrier"] == "district_heat"]
    how = heat.assign(method=np.select([heat["region_scope"].isna(), heat["region_scope"] != "all"],
                                       ["no factor (none delivered)", "plant data of the supplier"],
                                       "the BISKO default factor (no plant data)"))
    how = how.groupby(["ags", "year"])["method"].agg(lambda m: " and ".join(sorted(set(m))))
    heat_rows = _per_place(places, heat_open, "district_heat_method", "incomplete", "")
    method = pd.MultiIndex.from_frame(heat_rows[["ags", "year"]]).map(how.to_dict().get)
    fine = heat_rows["conformity"] == "conformant"
    heat_rows.loc[fine, "conformity_reason"] = np.where(
        pd.isna(method[fine.to_numpy()]), "no district heat delivered and none required here",
        "district heat valued with " + pd.Series(method[fine.to_numpy()], dtype="object").fillna("").to_numpy())
    frames.append(heat_rows)

    # data quality stated
    ungraded = with_value[with_value["data_quality"].isna()]
    ungraded = ungraded.assign(reason=ungraded["sector"] + " " + ungraded["carrier"] + " has no grade")
    frames.append(_per_place(places, ungraded, "data_quality_stated", "incomplete",
                             "every cell with a value has a data-quality grade (A–D)"))

    # required cells present, complete and whole
    cells = required[CELL].merge(fe[CELL + ["final_energy_mwh", "value_status", "complete"]], on=CELL, how="left")
    open_cells = cells[cells["final_energy_mwh"].isna() | ~cells["complete"].astype("boolean").fillna(False)]
    open_cells = open_cells.assign(reason=open_cells["sector"] + " " + open_cells["carrier"] + " "
                                   + open_cells["value_status"].fillna("missing"))
    lacking = missing_inputs(inputs, required)
    lacking = lacking.assign(reason=lacking["sector"] + " " + lacking["carrier"] + " without "
                             + lacking["missing_inputs"])
    present = _per_place(places, pd.concat([lacking[["ags", "year", "reason"]], open_cells[["ags", "year", "reason"]]]),
                         "required_cells_present", "incomplete", "every required cell has a complete value")
    if not len(required):  # nothing stated as required: that cells are present cannot be shown, never conformant
        present = present.assign(conformity="incomplete", conformity_reason="no required cells configured "
                                 "(balance.required_cells): whether the balance is whole cannot be shown")
    frames.append(present)

    municipal = pd.concat(frames, ignore_index=True)
    return pd.concat([municipal, _district(municipal, district_ags, names)], ignore_index=True).sort_values(
        ["ags", "year", "criterion"]).reset_index(drop=True)[COLUMNS]


def _district(municipal: pd.DataFrame, district_ags: str, names: Mapping[str, str]) -> pd.DataFrame:
    """The district's row per year and criterion: the worst state of its municipalities, naming them."""
    work = municipal.assign(_rank=municipal["conformity"].map(RANK))
    worst = work.groupby(["year", "criterion"])["_rank"].transform("max")
    same = work.groupby(["year", "criterion"])["conformity_reason"].transform("nunique") == 1  # all say the same
    chosen, same = work[work["_rank"] == worst], same[work["_rank"] == worst]
    place = chosen["ags"].map(lambda a: names.get(a, a))
    chosen = chosen.assign(_text=np.where((chosen["conformity"] == "conformant") | same, chosen["conformity_reason"],
                                          place + ": " + chosen["conformity_reason"]))
    out = chosen.groupby(["year", "criterion"]).agg(conformity=("conformity", "first"),
                                                    conformity_reason=("_text", _listed)).reset_index()
    return out.assign(ags=district_ags)[COLUMNS]


def overall(conformity: pd.DataFrame) -> pd.Series:
    """The worst state per (ags, year) over all criteria."""
    ranks = conformity.assign(_rank=conformity["conformity"].map(RANK)).groupby(["ags", "year"])["_rank"].max()
    inverse = {v: k for k, v in RANK.items()}
    return ranks.map(inverse)


def resting_on(rows: pd.DataFrame, states: pd.Series, base_year: int | None) -> pd.Series:
    """The conformity of the balance an indicator row rests on: the worse of its year and its base year."""
    now = pd.MultiIndex.from_frame(rows[["ags", "year"]]).map(states.to_dict().get)
    state = pd.Series(now, index=rows.index).fillna("incomplete")
    if base_year is not None:
        base = rows["ags"].map(lambda a: states.get((a, base_year), "incomplete"))
        state = state.where(state.map(RANK) >= base.map(RANK), base)
    return state
