"""The BISKO balance: balance inputs in one shape → final energy per municipality, year, sector and carrier →
emissions with the factor set → per-inhabitant summary. Pure functions; rules in docs/methodology.md.

Every input row (grid sheets, tidy final-energy deliveries, the district's own buildings, derived ambient heat,
and the modelled inputs later issues add) has the same columns, `INPUT_COLUMNS`, and keeps its delivery and row.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from assets.compute.crosswalk import to_current_keys
from assets.compute.factors import lookup
from assets.compute.totals import HAS_VALUE, totals
from sources.parsers.grid import customer_group_sector

INPUT_COLUMNS = ["input_kind", "ags", "year", "sector", "carrier", "detail", "input_mwh", "value_status",
                 "data_quality", "provisional", "delivery_id", "source_row"]  # fmt: skip
GRADE_WEIGHTS = {"A": 1.0, "B": 0.5, "C": 0.25, "D": 0.0}


class BalanceError(ValueError):
    """The balance cannot be computed from these inputs; the message says which cell."""


def grade_of(score: float | None) -> str | None:
    """The grade whose weight is nearest to a weighted score (ties go to the better grade)."""
    if score is None or pd.isna(score):
        return None
    return min(GRADE_WEIGHTS, key=lambda g: (abs(GRADE_WEIGHTS[g] - score), -GRADE_WEIGHTS[g]))


def net_calorific_mwh(mwh: pd.Series, gross: pd.Series, stated: pd.Series | None, default: float) -> pd.Series:
    """The one Hs→Hi conversion of the code base: quantities at gross calorific value (`gross` true) × the ratio
    Hi/Hs the delivery states, else `default` (balance.gas_hi_per_hs, 1 ÷ 1.11); others as they are."""
    ratio = stated.astype("float64").fillna(default) if stated is not None else default
    return mwh * np.where(gross.to_numpy(dtype=bool), ratio, 1.0)


def grid_inputs(rows: pd.DataFrame, group_maps: Mapping[str, Mapping[str, Any]], gas_hi_per_hs: float) -> pd.DataFrame:
    """Grid rows in use → inputs (grade A). Gas in Hs is converted to Hi with the ratio the delivery states, else
    `gas_hi_per_hs` (1 ÷ 1.11); heat-pump groups are marked in `detail`."""
    if rows.empty:
        return pd.DataFrame(columns=INPUT_COLUMNS)
    source = rows["delivery_id"].str.split(":").str[0]
    sectors, heat_pump = [], []
    for src, group in zip(source, rows["customer_group"], strict=True):
        mapping = group_maps.get(src, {})
        sector = customer_group_sector(mapping, group)
        if sector is None:
            raise BalanceError(f"source {src!r}: customer group {group!r} is not mapped to a sector "
                               "(mappings.customer_groups)")
        entry = mapping.get(group)
        sectors.append(sector)
        heat_pump.append(bool(isinstance(entry, Mapping) and entry.get("heat_pump")))
    mwh = net_calorific_mwh(rows["delivered_mwh"], rows["calorific_basis"].fillna("") == "Hs",
                            rows["hi_per_hs"] if "hi_per_hs" in rows else None, gas_hi_per_hs)
    return pd.DataFrame({
        "input_kind": "grid", "ags": rows["ags"], "year": rows["year"], "sector": sectors, "carrier": rows["carrier"],
        "detail": [f"{g} (heat pumps)" if hp else g for g, hp in zip(rows["customer_group"], heat_pump, strict=True)],
        "input_mwh": mwh, "value_status": rows["value_status"], "data_quality": "A",
        "provisional": rows["provisional"].fillna(False).astype(bool), "delivery_id": rows["delivery_id"],
        "source_row": rows["source_row"],
    })[INPUT_COLUMNS]  # fmt: skip


HEAT_PUMP_ELECTRICITY = "heat_pump_electricity"
_ONE_GRADE_LOWER = {"A": "B", "B": "C", "C": "D", "D": "D"}


def ambient_heat_inputs(grid: pd.DataFrame, spf: float) -> pd.DataFrame:
    """Heat pumps counted once (BISKO; DOMAIN.md §2): the heat they deliver is final energy of carrier `ambient_heat`
    = heat-pump electricity × SPF, valued at the electricity mix ÷ SPF, and that electricity is taken out of the
    electricity cell of the same sector (an input of kind `heat_pump_electricity`, negative). Their emissions are
    then exactly electricity × mix. The heat rests on an assumed SPF: one grade below the metered electricity."""
    pumps = grid[(grid["carrier"] == "electricity") & grid["detail"].str.endswith("(heat pumps)")]
    status = pumps["value_status"].where(~pumps["value_status"].isin(HAS_VALUE), "estimated")
    heat = pumps.assign(input_kind="ambient_heat", carrier="ambient_heat", input_mwh=pumps["input_mwh"] * spf,
                        value_status=status, data_quality=pumps["data_quality"].map(_ONE_GRADE_LOWER),
                        detail=pumps["detail"] + f" × SPF {spf:g}")
    moved = pumps.assign(input_kind=HEAT_PUMP_ELECTRICITY, input_mwh=-pumps["input_mwh"],
                         detail="minus " + pumps["detail"] + ": counted as ambient heat")
    return pd.concat([heat, moved], ignore_index=True)[INPUT_COLUMNS]


def tidy_inputs(rows: pd.DataFrame) -> pd.DataFrame:
    """Final energy delivered as a tidy table (balances made elsewhere), with the grade the delivery states."""
    return rows.assign(input_kind="reported_balance", detail="reported balance", input_mwh=rows["final_energy_mwh"],
                       provisional=False)[INPUT_COLUMNS]


def facility_inputs(consumption: pd.DataFrame, reclassified_from: str) -> pd.DataFrame:
    """The district's own buildings: their consumption is municipal; the grid operator counted it in
    `reclassified_from` (commerce), so the same amount is taken out there — nothing is counted twice."""
    if consumption.empty:
        return pd.DataFrame(columns=INPUT_COLUMNS)
    base = pd.DataFrame({
        "ags": consumption["ags"], "year": consumption["year"], "carrier": consumption["carrier"],
        "value_status": np.where(consumption["final_energy_mwh"].notna(), "reported", "missing"),
        "data_quality": "A", "provisional": False, "delivery_id": consumption["delivery_id"], "source_row": None,
    })  # fmt: skip
    complete = consumption["complete"].astype(bool).to_numpy()
    base.loc[~complete & (base["value_status"] == "reported"), "value_status"] = "estimated"
    own = base.assign(input_kind="facility", sector="municipal", detail=consumption["building_id"],
                      input_mwh=consumption["final_energy_mwh"])
    moved = base.assign(input_kind="facility_reclassification", sector=reclassified_from,
                        detail="minus " + consumption["building_id"], input_mwh=-consumption["final_energy_mwh"])
    return pd.concat([own, moved], ignore_index=True)[INPUT_COLUMNS]


def inputs_in_current_keys(inputs: pd.DataFrame, changes: pd.DataFrame, municipality_keys: Sequence[str]) -> pd.DataFrame:
    """Inputs delivered under a former municipality key moved to today's key(s), split by the share of inhabitants;
    each keeps its delivery and row, and `detail` says which key it was delivered under."""
    moved = to_current_keys(inputs, changes, municipality_keys, ["input_mwh"])
    changed = moved["ags_delivered"] != moved["ags"]
    share = moved["key_share"].map(lambda v: f" × {v:.4g}" if v != 1 else "")
    moved.loc[changed, "detail"] = (moved["detail"] + " (delivered as " + moved["ags_delivered"] + share + ")")[changed]
    return moved[INPUT_COLUMNS]


def _weighted_score(frame: pd.DataFrame, group_by: list[str], energy: str, score: str) -> pd.Series:
    """Energy-weighted mean score per group. Only positive quantities weigh: a correction inside a cell (the
    district's buildings moved out of commerce, heat-pump electricity moved to ambient heat) changes the cell's
    energy, which is what weighs one level up, and adds no weight of its own."""
    values, scores = frame[energy].astype("float64"), frame[score].astype("float64")
    weights = values.where(scores.notna() & (values > 0))
    work = frame.assign(_w=weights, _ws=weights * scores, _s0=scores.where(values == 0))
    grouped = work.groupby(group_by, dropna=False, sort=True)
    total = grouped["_w"].sum(min_count=1)
    weighted = grouped["_ws"].sum(min_count=1) / total.where(total > 0)
    # a cell stated as 0 (e.g. no rail line) has no energy to weigh: it keeps the grade of what states it
    return weighted.fillna(grouped["_s0"].mean()).rename("data_quality_score")


CELL = ["ags", "year", "sector", "carrier"]
# inputs that move energy between cells (the district's buildings, heat pumps, battery-electric cars charged at home)
CORRECTIONS = ("facility_reclassification", HEAT_PUMP_ELECTRICITY, "bev_home_charging")


def required_grid(specs: Sequence[Mapping[str, Any]], municipality_keys: Sequence[str],
                  years: Sequence[int]) -> pd.DataFrame:
    """Every required municipality × year × sector × carrier cell (from `balance.required_cells` as flat specs
    {carrier, sectors, municipalities, inputs}), with the input kinds required inside it (`inputs`, a tuple)."""
    rows: dict[tuple, set] = {}
    for spec in specs:
        places = [a for a in (spec.get("municipalities") or municipality_keys) if a in set(municipality_keys)]
        for sector in spec["sectors"]:
            for ags in places:
                for year in years:
                    rows.setdefault((ags, year, sector, spec["carrier"]), set()).update(spec.get("inputs") or ())
    return pd.DataFrame([(*k, tuple(sorted(v))) for k, v in rows.items()], columns=[*CELL, "inputs"])


def missing_inputs(inputs: pd.DataFrame, required: pd.DataFrame) -> pd.DataFrame:
    """Required cells lacking a required input kind: (ags, year, sector, carrier, missing_inputs) — the cell may have
    other inputs, but without these it is not whole."""
    wanted = required[required["inputs"].map(len) > 0].explode("inputs").rename(columns={"inputs": "input_kind"})
    if wanted.empty:
        return pd.DataFrame(columns=[*CELL, "missing_inputs"])
    present = inputs[inputs["input_mwh"].notna()][[*CELL, "input_kind"]].drop_duplicates().assign(_present=True)
    merged = wanted.merge(present, on=[*CELL, "input_kind"], how="left")
    absent = merged[merged["_present"].isna()]
    return absent.groupby(CELL, sort=True)["input_kind"].agg(lambda k: ", ".join(sorted(k))).rename(
        "missing_inputs").reset_index()


def final_energy_table(inputs: pd.DataFrame, municipality_keys: Sequence[str], district_ags: str,
                       years: Sequence[int], required_specs: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """The final-energy matrix, municipalities and district, on the grid of required cells; a required cell
    lacking a required input kind is incomplete."""
    keys = CELL
    municipal = inputs[inputs["ags"].isin(municipality_keys)]
    required = required_grid(required_specs, municipality_keys, years)
    present = municipal[keys].drop_duplicates()
    absent = required[keys].merge(present, on=keys, how="left", indicator=True)
    absent = absent[absent["_merge"] == "left_only"].drop(columns="_merge")
    filler = absent.assign(input_kind="absent", detail="no delivery", input_mwh=np.nan, value_status="missing",
                           data_quality=None, provisional=False, delivery_id=None, source_row=None)
    cells = pd.concat([municipal, filler[INPUT_COLUMNS]], ignore_index=True) if len(filler) else municipal.copy()
    # A correction moves a delivered value; where the cell has no delivered value it has nothing to correct
    # (the cell stays missing rather than becoming a negative partial sum).
    correction = cells["input_kind"].isin(CORRECTIONS)
    base = cells[~correction & cells["input_mwh"].notna()]
    has_base = cells[keys].merge(base[keys].drop_duplicates().assign(_base=True), on=keys, how="left")["_base"]
    cells = cells[~correction | has_base.fillna(False).to_numpy()]
    cells["_score"] = cells["data_quality"].map(GRADE_WEIGHTS).astype("float64")
    rows = totals(cells, keys, "input_mwh").rename(columns={"input_mwh": "final_energy_mwh"})
    rows = rows.merge(_weighted_score(cells, keys, "input_mwh", "_score").reset_index(), on=keys, how="left")
    rows = rows.merge(cells.groupby(keys)["provisional"].any().reset_index(), on=keys, how="left")
    rows["data_quality"] = rows["data_quality_score"].map(grade_of)
    lacking = missing_inputs(municipal, required)
    if len(lacking):
        flagged = rows[keys].merge(lacking.assign(_lacking=True), on=keys, how="left")["_lacking"].notna().to_numpy()
        rows.loc[flagged, "complete"] = False
    district = totals(rows, ["year", "sector", "carrier"], "final_energy_mwh", complete_column="complete")
    district = district.merge(_weighted_score(rows, ["year", "sector", "carrier"], "final_energy_mwh",
                                              "data_quality_score").reset_index(), on=["year", "sector", "carrier"])
    district = district.merge(rows.groupby(["year", "sector", "carrier"])["provisional"].any().reset_index(),
                              on=["year", "sector", "carrier"])
    district = district.assign(ags=district_ags, data_quality=district["data_quality_score"].map(grade_of))
    out = pd.concat([rows, district], ignore_index=True)
    return out[["ags", "year", "sector", "carrier", "final_energy_mwh", "data_quality", "data_quality_score",
                "value_status", "complete", "provisional"]]


def emissions_table(final_energy: pd.DataFrame, factors: pd.DataFrame, factor_set: str,
                    district_ags: str) -> pd.DataFrame:
    """BISKO emissions per municipality cell with the most specific factor of the set (a supplier's plant factor for
    district heat where delivered for that municipality and year, BISKO rule 6); district rows are sums, their
    factor the energy-weighted mean of the municipalities' factors."""
    municipal = final_energy[final_energy["ags"] != district_ags]
    cells = lookup(factors, municipal[["ags", "year", "sector", "carrier", "final_energy_mwh", "complete"]])
    cells["emissions_t_co2e"] = cells["final_energy_mwh"] * cells["g_co2e_per_kwh"] / 1000
    cells["complete"] = cells["complete"].astype(bool) & (cells["g_co2e_per_kwh"].notna()
                                                          | cells["final_energy_mwh"].isna())  # no factor delivered
    cells["bisko_conformant"] = cells["bisko_conformant"].fillna(True).astype(bool)
    group = ["year", "sector", "carrier"]
    grouped = cells.groupby(group, sort=True)
    district = grouped[["final_energy_mwh", "emissions_t_co2e"]].sum(min_count=1).join(
        grouped[["bisko_conformant", "complete"]].all()).reset_index().assign(ags=district_ags)
    energy = district["final_energy_mwh"]
    district["g_co2e_per_kwh"] = (district["emissions_t_co2e"] * 1000 / energy).where(energy > 0)
    out = pd.concat([cells, district], ignore_index=True).assign(view="bisko", factor_set=factor_set)
    return out[["ags", "year", "sector", "carrier", "view", "final_energy_mwh", "g_co2e_per_kwh", "emissions_t_co2e",
                "factor_set", "bisko_conformant", "complete"]]


def balance_summary(final_energy: pd.DataFrame, emissions: pd.DataFrame, population: pd.DataFrame) -> pd.DataFrame:
    """Per place and year, in total and per sector: final energy, emissions, per inhabitant, data quality."""
    bisko = emissions[emissions["view"] == "bisko"]
    joined = final_energy.merge(bisko[["ags", "year", "sector", "carrier", "emissions_t_co2e", "bisko_conformant"]],
                                on=["ags", "year", "sector", "carrier"], how="left")
    frames = []
    for scope, part in [("total", joined), *[(s, g) for s, g in joined.groupby("sector")]]:
        keys = ["ags", "year"]
        grouped = part.assign(bisko_conformant=part["bisko_conformant"].fillna(True).astype(bool)).groupby(keys,
                                                                                                          sort=True)
        summary = grouped[["final_energy_mwh", "emissions_t_co2e"]].sum(min_count=1).join(
            grouped[["complete", "bisko_conformant"]].all()).reset_index()
        summary = summary.merge(_weighted_score(part, keys, "final_energy_mwh", "data_quality_score").reset_index(),
                                on=keys, how="left")
        frames.append(summary.assign(balance_scope=scope))
    out = pd.concat(frames, ignore_index=True)
    pop = population[["ags", "year", "population", "complete"]].rename(columns={"complete": "_pop_complete"})
    out = out.merge(pop, on=["ags", "year"], how="left")
    out["t_co2e_per_inhabitant"] = out["emissions_t_co2e"] / out["population"]
    out["mwh_per_inhabitant"] = out["final_energy_mwh"] / out["population"]
    # tonnes need no population: a missing population makes only the per-inhabitant figures incomplete
    out["per_inhabitant_complete"] = out["complete"] & out["_pop_complete"].astype("boolean").fillna(False).astype(bool)
    out["data_quality"] = out["data_quality_score"].map(grade_of)
    return out[["ags", "year", "balance_scope", "final_energy_mwh", "emissions_t_co2e", "population",
                "t_co2e_per_inhabitant", "mwh_per_inhabitant", "data_quality_score", "data_quality", "complete",
                "per_inhabitant_complete", "bisko_conformant"]]

