"""Target indicators: a series per place and year for each kind of indicator, then each target assessed against it.

One sign convention (docs/indicators.md): every change is the change against the base in % — negative means less
(fewer emissions) — and targets are stated the same way (total emissions ≤ −30 % against 2007, production emissions
≤ −2.8 % a year, renovations ≥ +2.5 % a year). Both rate targets use one method: the compound average annual rate
since the base year; the year-on-year rate is a supporting indicator.

Series (`SERIES`): each returns rows (ags, year, value, quantity, complete, data_quality, note) from the published
tables; `quantity` is the underlying quantity of a change or rate (t CO2e, count), so that `base_value` is the base
year's quantity. The assessment (`assess`) adds, per target, place and year: base value, target value, gap (target
minus value, in the indicator's unit), the straight path from the base to the target, a least-squares trend over
the last N years with its value at the target year and the year the target would be reached, and a status:

- `met` / `missed` from the target year on; `on_track` / `off_track` before it (on track: at least on the straight
  path and the trend of at least `min_trend_years` complete years reaches the target by the target year);
- a verdict only when the year and the base year are complete; otherwise `not_assessable`, naming what is missing;
  the base year itself and years with a trend of fewer than `min_trend_years` years get no on/off-track status;
- `no_target` for supporting indicators.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from assets.compute.balance import GRADE_WEIGHTS, HEAT_PUMP_ELECTRICITY, grade_of
from assets.compute.factors import lookup

SERIES_COLUMNS = ["ags", "year", "value", "quantity", "complete", "data_quality", "note"]
RENEWABLES = ("solar_pv", "wind_onshore", "biomass", "hydro", "other_renewable")
MAX_LISTED = 3


def _series(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for col, default in (("quantity", np.nan), ("complete", True), ("data_quality", None), ("note", None)):
        if col not in out:
            out[col] = default
    out["complete"] = out["complete"].astype("boolean").fillna(False).astype(bool)
    out["note"] = out["note"].astype("object").where(out["note"].notna(), None)
    return out[SERIES_COLUMNS].reset_index(drop=True)


def _join_notes(*notes: pd.Series) -> pd.Series:
    """Notes side by side, '; '-joined, nulls left out (vectorised: a national table has a million rows)."""
    out = pd.Series(None, index=notes[0].index, dtype="object")
    for note in notes:
        note = note.where(note.notna() & (note.astype("object") != ""), None).astype("object")
        out = out.where(note.isna(), note.where(out.isna(), out + "; " + note))
    return out


def missing_cells(t: Mapping[str, Any], district_ags: str, sector: str | None = None,
                  carrier: str | None = None) -> pd.Series:
    """Per (ags, year): the final-energy cells that make it incomplete, in words ("Welver industry electricity
    confidential"); a district year lists its municipalities' cells."""
    f = t["final_energy"]
    f = f[~f["complete"].astype("boolean").fillna(False).astype(bool) & (f["ags"] != district_ags)]
    if sector:
        f = f[f["sector"] == sector]
    if carrier:
        f = f[f["carrier"] == carrier]
    if f.empty:
        return pd.Series([], dtype="object", index=pd.MultiIndex.from_arrays([[], []], names=["ags", "year"]))
    names = t.get("names", {})
    words = (f["ags"].map(lambda a: names.get(a, a)) + " " + f["sector"] + " " + f["carrier"] + " "
             + f["value_status"].fillna("missing"))
    both = pd.concat([f.assign(_w=words), f.assign(_w=words, ags=district_ags)], ignore_index=True)

    def listed(cells: pd.Series) -> str:
        shown = "; ".join(cells.head(MAX_LISTED))
        return shown + (f" and {len(cells) - MAX_LISTED} more cells" if len(cells) > MAX_LISTED else "")

    return both.sort_values(["ags", "year", "_w"]).groupby(["ags", "year"])["_w"].agg(listed)


def _emissions(t: Mapping[str, Any], sector: str | None, district_ags: str) -> pd.DataFrame:
    s = t["balance_summary"]
    rows = s[s["balance_scope"] == (sector or "total")]
    rows = rows.rename(columns={"emissions_t_co2e": "value"})[["ags", "year", "value", "complete", "data_quality"]]
    missing = missing_cells(t, district_ags, sector)
    note = pd.Series(pd.MultiIndex.from_frame(rows[["ags", "year"]]).map(missing.to_dict().get), index=rows.index)
    return rows.assign(note=("incomplete inputs: " + note).where(note.notna(), None))


def _base_of(series: pd.DataFrame, base_year: int) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Per row of `series`: the base year's quantity, whether the base year is complete, and its note."""
    base = series[series["year"] == base_year].drop_duplicates("ags").set_index("ags")
    value = series["ags"].map(base["value"]).astype("float64")  # float also when no row has a base (empty series)
    complete = series["ags"].map(base["complete"].astype(bool)).astype("boolean").fillna(False).astype(bool)
    note = series["ags"].map(base["note"]) if "note" in base else pd.Series(None, index=series.index)
    base_note = np.where(value.isna(), f"no value for the base year {base_year}",
                         np.where(~complete, f"the base year {base_year} is incomplete", None))
    detail = pd.Series(base_note, index=series.index).where(lambda n: n.notna(), None)
    detail = _join_notes(detail, note.where(~complete & note.notna(), None))
    return value, complete, detail


def change_vs_base(series: pd.DataFrame, base_year: int) -> pd.DataFrame:
    """(value ÷ base − 1) × 100 per place (negative: less than in the base year); `quantity` keeps the value. The
    change is complete only where the year and the base year are; the note says what is missing."""
    out = series.copy()
    base_value, base_complete, base_note = _base_of(series, base_year)
    out["quantity"] = out["value"]
    out["value"] = (out["value"] / base_value.where(base_value != 0) - 1) * 100
    out["complete"] = out["complete"].astype(bool) & base_complete
    out["note"] = _join_notes(out["note"] if "note" in out else pd.Series(None, index=out.index), base_note)
    return _series(out)


def annual_change_since_base(series: pd.DataFrame, base_year: int) -> pd.DataFrame:
    """Compound average annual rate since the base year: ((value ÷ base) ^ (1 ÷ years since base) − 1) × 100."""
    base_value, base_complete, base_note = _base_of(series, base_year)
    out = series.copy()
    out["quantity"] = out["value"]
    ratio = out["value"] / base_value.where(base_value > 0)
    years = (out["year"] - base_year).where(out["year"] > base_year)
    out["value"] = (ratio ** (1 / years) - 1) * 100
    out.loc[(ratio == 0) & years.notna(), "value"] = -100.0
    out["complete"] = out["complete"].astype(bool) & base_complete
    out["note"] = _join_notes(out["note"] if "note" in out else pd.Series(None, index=out.index), base_note)
    undefined = base_value.notna() & (base_value <= 0)
    out.loc[undefined, "note"] = f"rate undefined: nothing in the base year {base_year}"
    at_base = out["year"] == base_year
    out.loc[at_base, "value"] = np.nan  # no rate in the base year itself (1 ** nan would say 0 %)
    out.loc[at_base, "note"] = f"the base year {base_year}: the rate is measured from here"
    return _series(out[out["year"] >= base_year])


def year_on_year_change(series: pd.DataFrame, *, undefined_note: str) -> pd.DataFrame:
    work = series.sort_values(["ags", "year"]).copy()
    previous = work.groupby("ags")["value"].shift(1)
    previous_year = work.groupby("ags")["year"].shift(1)
    consecutive = previous_year == work["year"] - 1
    work["quantity"] = work["value"]
    work["note"] = np.where(consecutive & (previous == 0), undefined_note, None)
    work["value"] = ((work["value"] / previous.where(previous != 0)) - 1) * 100
    work.loc[~consecutive, "value"] = np.nan
    prev_complete = work.groupby("ags")["complete"].shift(1).astype("boolean").fillna(False).astype(bool)
    work["complete"] = work["complete"].astype(bool) & prev_complete
    return _series(work[work["year"] > work.groupby("ags")["year"].transform("min")])


def heat_pump_electricity(t: Mapping[str, Any], district_ags: str) -> pd.Series:
    """Heat-pump electricity per (ags, year) that the balance moved from the electricity cells to ambient heat."""
    inputs = t.get("core_energy__inputs")
    if inputs is None or inputs.empty:
        return pd.Series([], dtype="float64", index=pd.MultiIndex.from_arrays([[], []], names=["ags", "year"]))
    moved = inputs[inputs["input_kind"] == HEAT_PUMP_ELECTRICITY]
    both = pd.concat([moved, moved.assign(ags=district_ags)], ignore_index=True)
    return -both.groupby(["ags", "year"])["input_mwh"].sum(min_count=1)


def renewable_share(t: Mapping[str, Any], district_ags: str = "") -> pd.DataFrame:
    """Renewable generation ÷ all electricity consumed in the territory × 100; the denominator includes the
    heat-pump electricity that the balance counts as ambient heat."""
    g = t["electricity_generation"]
    generated = g[g["technology"].isin(RENEWABLES)].groupby(["ags", "year"])["generation_mwh"].sum(min_count=1)
    f = t["final_energy"]
    by_place = f[f["carrier"] == "electricity"].groupby(["ags", "year"])
    electricity = by_place["final_energy_mwh"].sum(min_count=1).rename("consumed").to_frame().join(
        by_place["complete"].all())
    pumps = heat_pump_electricity(t, district_ags).reindex(electricity.index)
    electricity["consumed"] = electricity["consumed"] + pumps.fillna(0.0)
    joined = electricity.join(generated.rename("generated"), how="left").reset_index()
    joined["value"] = joined["generated"] / joined["consumed"] * 100
    grades = g[g["technology"].isin(RENEWABLES)].assign(
        _s=lambda x: x["data_quality"].map(GRADE_WEIGHTS).astype("float64") * x["generation_mwh"].astype("float64"))
    sums = grades.groupby(["ags", "year"])[["_s", "generation_mwh"]].sum()
    weighted = sums["_s"] / sums["generation_mwh"].where(sums["generation_mwh"] != 0)
    joined["data_quality"] = joined.set_index(["ags", "year"]).index.map(weighted).map(grade_of)
    missing = missing_cells(t, district_ags, carrier="electricity") if district_ags else pd.Series([], dtype="object")
    note = pd.Series(pd.MultiIndex.from_frame(joined[["ags", "year"]]).map(missing.to_dict().get), index=joined.index)
    joined["note"] = ("incomplete inputs: " + note).where(note.notna(), None)
    return _series(joined)


def own_properties_emissions(t: Mapping[str, Any], district_ags: str) -> pd.DataFrame:
    """Emissions of the district's own buildings (facility consumption × the balance's factors), district only."""
    c = t["core_facility__consumption"]
    if c.empty:
        return pd.DataFrame(columns=SERIES_COLUMNS)
    cells = c.assign(sector="municipal")[["ags", "year", "sector", "carrier", "final_energy_mwh", "complete"]]
    with_factors = lookup(t["emission_factors"], cells)
    with_factors["t"] = with_factors["final_energy_mwh"] * with_factors["g_co2e_per_kwh"] / 1000
    by_year = with_factors.groupby("year")
    out = by_year["t"].sum(min_count=1).rename("value").to_frame().join(by_year["complete"].all()).reset_index()
    gaps = c[~c["complete"].astype(bool)].groupby("year")["building_id"].agg(
        lambda b: "incomplete meter data: buildings " + ", ".join(sorted(set(b))[:MAX_LISTED]))
    return _series(out.assign(ags=district_ags, data_quality="A", note=out["year"].map(gaps)))


def own_properties_per_m2(t: Mapping[str, Any], district_ags: str) -> pd.DataFrame:
    emissions = own_properties_emissions(t, district_ags)
    buildings = t["buildings"].drop_duplicates("building_id")
    area = buildings["gross_floor_area_m2"].sum(min_count=1)
    return _series(emissions.assign(value=emissions["value"] * 1000 / area))


def per_inhabitant(t: Mapping[str, Any]) -> pd.DataFrame:
    """BISKO emissions ÷ population; complete where the balance and the population are (per_inhabitant_complete)."""
    s = t["balance_summary"]
    total = s[s["balance_scope"] == "total"]
    note = np.where(total["population"].isna(), "no population for the year", None)
    return _series(total.assign(value=total["t_co2e_per_inhabitant"], complete=total["per_inhabitant_complete"],
                                note=note))


def per_inhabitant_with_agriculture(t: Mapping[str, Any]) -> pd.DataFrame:
    s = t["balance_summary"]
    total = s[s["balance_scope"] == "total"][["ags", "year", "emissions_t_co2e", "population",
                                              "per_inhabitant_complete", "data_quality"]]
    agri = t["agriculture_emissions"][["ags", "year", "emissions_t_co2e", "complete"]].rename(
        columns={"emissions_t_co2e": "agri", "complete": "agri_complete"})
    joined = total.merge(agri, on=["ags", "year"], how="left")
    joined["value"] = (joined["emissions_t_co2e"] + joined["agri"]) / joined["population"]
    agri_complete = joined["agri_complete"].astype("boolean").fillna(False).astype(bool)
    joined["complete"] = joined["per_inhabitant_complete"].astype(bool) & agri_complete
    joined["note"] = _join_notes(
        pd.Series(np.where(joined["population"].isna(), "no population for the year", None), index=joined.index),
        pd.Series(np.where(~agri_complete, "agriculture emissions missing or incomplete", None), index=joined.index))
    return _series(joined)


def battery_electric_share(t: Mapping[str, Any]) -> pd.DataFrame:
    """Battery-electric cars ÷ all cars × 100; all cars: the delivered total of all fuels (KBA FZ 3, fuel `all`)
    where there is one, else the sum of the fuels (never both: that would count the cars twice)."""
    v = t["vehicle_stock"]
    grouped = v.groupby(["ags", "year"])
    by_fuel = v[v["vehicle_fuel"] != "all"].groupby(["ags", "year"])["vehicles"].sum(min_count=1)
    stated = v[v["vehicle_fuel"] == "all"].set_index(["ags", "year"])["vehicles"]
    total = stated.combine_first(by_fuel).reindex(grouped.size().index)
    bev = v[v["vehicle_fuel"] == "battery_electric"].set_index(["ags", "year"])["vehicles"]
    frame = pd.DataFrame({"value": bev / total * 100, "complete": grouped["complete"].all(),
                          "bev": bev.reindex(total.index)}).reset_index()
    lacking = frame["bev"].isna()  # e.g. KBA FZ 3, which counts cars without a split by fuel: incomplete, not 0
    note = np.where(lacking, "no count of battery-electric cars (vehicle_fuel battery_electric not delivered, "
                    "missing or confidential)", None)
    return _series(frame.drop(columns="bev").assign(data_quality="A", note=note,
                                                    complete=frame["complete"].astype(bool) & ~lacking))


def renovation_series(t: Mapping[str, Any], column: str) -> pd.DataFrame:
    r = t["renovations"].rename(columns={column: "value"})
    return _series(r.assign(data_quality="A"))


SeriesFn = Callable[[Mapping[str, Any], Mapping[str, Any], str], pd.DataFrame]
SERIES: dict[str, SeriesFn] = {
    "emissions_change_vs_base": lambda t, target, d: change_vs_base(
        _emissions(t, target.get("sector"), d), target["base_year"]),
    "renewable_electricity_share": lambda t, target, d: renewable_share(t, d),
    "renovation_growth": lambda t, target, d: annual_change_since_base(
        renovation_series(t, "energy_renovations"), target["base_year"]),
    "renovation_growth_yoy": lambda t, target, d: year_on_year_change(
        renovation_series(t, "energy_renovations"), undefined_note="growth undefined: no renovations the year before"),
    "renovation_rate": lambda t, target, d: renovation_series(t, "renovation_rate_pct"),
    "sector_emissions_annual_change": lambda t, target, d: annual_change_since_base(
        _emissions(t, target.get("sector"), d), target["base_year"]),
    "sector_emissions_yoy_change": lambda t, target, d: year_on_year_change(
        _emissions(t, target.get("sector"), d), undefined_note="no emissions the year before"),
    "own_properties_change_vs_base": lambda t, target, d: change_vs_base(
        own_properties_emissions(t, d), target["base_year"]),
    "own_properties_per_m2": lambda t, target, d: own_properties_per_m2(t, d),
    "emissions_per_inhabitant": lambda t, target, d: per_inhabitant(t),
    "emissions_per_inhabitant_with_agriculture": lambda t, target, d: per_inhabitant_with_agriculture(t),
    "battery_electric_share": lambda t, target, d: battery_electric_share(t),
}
# Indicator names of contract 1.x whose sign was the other way round (a reduction shown positive).
RENAMED = {"emissions_reduction_vs_base": "emissions_change_vs_base",
           "own_properties_reduction_vs_base": "own_properties_change_vs_base"}

# Indicators that are a change against the base year (0 % in the base year; the path runs from 0 to the target),
# and indicators that are themselves a rate per year (the target applies in every year; the path is the target).
CHANGE_INDICATORS = {"emissions_change_vs_base", "own_properties_change_vs_base"}
RATE_INDICATORS = {"renovation_growth", "sector_emissions_annual_change"}
# Indicators resting on the territorial BISKO balance: they carry its conformity (bisko_conformity).
BALANCE_INDICATORS = {"emissions_change_vs_base", "renewable_electricity_share", "sector_emissions_annual_change",
                      "sector_emissions_yoy_change", "emissions_per_inhabitant",
                      "emissions_per_inhabitant_with_agriculture"}
LAST_PROJECTED_YEAR = 2100


PROCESSING = {
    "emissions_change_vs_base": "balance_summary (bisko view) total or sector emissions; (year ÷ base − 1) × 100 "
    "(negative: fewer emissions); complete only where the year and the base year are",
    "renewable_electricity_share": "electricity_generation (MaStR capacity, EEG feed-in or full-load hours) of "
    "renewable technologies ÷ all electricity consumed in the territory × 100: the electricity cells of final_energy "
    "plus the heat-pump electricity that the balance counts as ambient heat",
    "renovation_growth": "renovations: compound average annual rate since the base year, ((year ÷ base) ^ (1 ÷ years) "
    "− 1) × 100",
    "renovation_growth_yoy": "renovations: (year ÷ previous year − 1) × 100; undefined after a year with none",
    "renovation_rate": "renovations ÷ old-building stock (censuses interpolated) × 100",
    "sector_emissions_annual_change": "balance_summary sector emissions: compound average annual rate since the base "
    "year, ((year ÷ base) ^ (1 ÷ years since base) − 1) × 100",
    "sector_emissions_yoy_change": "balance_summary sector emissions: (year ÷ previous year − 1) × 100",
    "own_properties_change_vs_base": "core_facility__consumption × emission_factors (municipal sector) summed per "
    "year; (year ÷ base − 1) × 100 (negative: fewer emissions)",
    "own_properties_per_m2": "emissions of the district's buildings × 1000 ÷ gross floor area (facility database)",
    "emissions_per_inhabitant": "balance_summary total emissions ÷ population of the year",
    "emissions_per_inhabitant_with_agriculture": "(balance_summary total + agriculture_emissions) ÷ population",
    "battery_electric_share": "vehicle_stock battery_electric ÷ all fuels × 100",
}
# the same steps in German, for the report's methodology page (sources and factors described, no table names)
PROCESSING_DE = {
    "emissions_change_vs_base": "Emissionen der BISKO-Bilanz (gesamt oder des Sektors) im Jahr geteilt durch die des "
    "Basisjahres, minus 1, mal 100 (negativ: weniger Emissionen); vollständig nur, wenn Jahr und Basisjahr es sind",
    "renewable_electricity_share": "Erneuerbare Stromerzeugung im Gebiet (Marktstammdatenregister: Leistung; "
    "EEG-Einspeisung oder Volllaststunden) geteilt durch den gesamten Stromverbrauch im Gebiet (Netzbetreiber, "
    "einschließlich des Stroms der Wärmepumpen), mal 100",
    "renovation_growth": "Zahl der energetischen Sanierungen: durchschnittliche jährliche Rate seit dem Basisjahr, "
    "((Jahr ÷ Basisjahr) hoch (1 ÷ Jahre) − 1) × 100",
    "renovation_growth_yoy": "Zahl der energetischen Sanierungen: (Jahr ÷ Vorjahr − 1) × 100; nach einem Jahr ohne "
    "Sanierungen nicht bestimmbar",
    "renovation_rate": "Sanierungen geteilt durch den Altbaubestand (Zensus, dazwischen interpoliert), mal 100",
    "sector_emissions_annual_change": "Emissionen des Sektors in der BISKO-Bilanz: durchschnittliche jährliche Rate "
    "seit dem Basisjahr, ((Jahr ÷ Basisjahr) hoch (1 ÷ Jahre seit dem Basisjahr) − 1) × 100",
    "sector_emissions_yoy_change": "Emissionen des Sektors in der BISKO-Bilanz: (Jahr ÷ Vorjahr − 1) × 100",
    "own_properties_change_vs_base": "Verbrauch der kreiseigenen Gebäude (Liegenschaftsdatenbank, Zählerstände und "
    "Lastgänge) mal die BISKO-Emissionsfaktoren für kommunale Einrichtungen, je Jahr summiert; (Jahr ÷ Basisjahr − 1) "
    "× 100 (negativ: weniger Emissionen)",
    "own_properties_per_m2": "Emissionen der kreiseigenen Gebäude mal 1000 geteilt durch ihre Bruttogrundfläche "
    "(Liegenschaftsdatenbank)",
    "emissions_per_inhabitant": "Gesamtemissionen der BISKO-Bilanz geteilt durch die Einwohnerzahl des Jahres "
    "(amtliche Bevölkerungsstatistik)",
    "emissions_per_inhabitant_with_agriculture": "Gesamtemissionen der BISKO-Bilanz plus Emissionen der "
    "Landwirtschaft, geteilt durch die Einwohnerzahl des Jahres",
    "battery_electric_share": "Batterieelektrische Pkw geteilt durch alle Pkw (Kraftfahrt-Bundesamt), mal 100",
}


def _meets(value: float, target: float, comparator: str) -> bool:
    return value >= target if comparator == ">=" else value <= target


def _trend(years: np.ndarray, values: np.ndarray) -> tuple[float, float] | None:
    if len(years) < 2:
        return None
    slope, intercept = np.polyfit(years.astype(float), values.astype(float), 1)
    return float(slope), float(intercept)


def assess(series: pd.DataFrame, target: Mapping[str, Any], trend_years: int,
           min_trend_years: int = 3) -> pd.DataFrame:
    """Indicator rows for one target from its series (rows sorted by place and year)."""
    rows = []
    supporting = target.get("target_value") is None
    kind = target.get("indicator")
    for ags, group in series.sort_values(["ags", "year"]).groupby("ags", sort=True):
        known = group[group["value"].notna() & group["complete"].astype(bool)]
        base_rows = group[group["year"] == target.get("base_year")]
        base = base_rows.iloc[0] if len(base_rows) else None
        base_indicator = None if base is None or pd.isna(base["value"]) else float(base["value"])
        base_quantity = None if base is None else (base["quantity"] if pd.notna(base["quantity"]) else base["value"])
        base_quantity = None if base_quantity is None or pd.isna(base_quantity) else float(base_quantity)
        base_complete = base is not None and bool(base["complete"])
        for r in group.itertuples(index=False):
            row = {"ags": ags, "year": int(r.year), "value": r.value, "unit": target["unit"],
                   "base_year": target.get("base_year"), "base_value": None if supporting else base_quantity,
                   "target_year": target.get("target_year"), "target_value": target.get("target_value"),
                   "gap": None, "path_value": None, "projected_value_at_target_year": None,
                   "projected_year_reached": None, "complete": bool(r.complete),
                   # a grade belongs to a value: none where the year has none
                   "data_quality": r.data_quality if pd.notna(r.value) else None}
            if supporting:
                reason = "supporting indicator without a target" + (
                    f"; no value: {r.note or 'no value for this year'}" if pd.isna(r.value) else "")
                rows.append({**row, "status": "no_target", "status_reason": reason})
                continue
            tv, ty, by, comparator = float(target["target_value"]), int(target["target_year"]), \
                int(target["base_year"]), target["comparator"]

            def not_assessable(reason: str) -> None:
                rows.append({**row, "status": "not_assessable", "status_reason": reason})

            if r.year < by:
                not_assessable(f"before the base year {by}")
                continue
            if pd.isna(r.value):
                not_assessable(r.note or "no value for this year")
                continue
            value = float(r.value)
            row["gap"] = tv - value
            if kind not in RATE_INDICATORS and base_indicator is None:
                not_assessable(r.note or f"no value for the base year {by}")
                continue
            share = min(max((r.year - by) / (ty - by), 0.0), 1.0)
            start = 0.0 if kind in CHANGE_INDICATORS else base_indicator
            row["path_value"] = tv if kind in RATE_INDICATORS else start + (tv - start) * share
            recent = known[known["year"] <= r.year].tail(trend_years)  # the last N complete years with data
            fit = _trend(recent["year"].to_numpy(), recent["value"].to_numpy())
            if fit and len(recent) >= min_trend_years:
                slope, intercept = fit
                row["projected_value_at_target_year"] = slope * ty + intercept
                if _meets(value, tv, comparator):
                    row["projected_year_reached"] = int(r.year)
                elif slope and ((comparator == ">=" and slope > 0) or (comparator == "<=" and slope < 0)):
                    year_reached = int(np.ceil((tv - intercept) / slope))
                    row["projected_year_reached"] = year_reached if year_reached <= LAST_PROJECTED_YEAR else None
            if not r.complete or not base_complete:
                not_assessable("incomplete inputs, no verdict: " + (r.note or (
                    f"the base year {by} is incomplete" if not base_complete else "this year is incomplete")))
                continue
            if r.year >= ty:
                status = "met" if _meets(value, tv, comparator) else "missed"
                reason = f"{value:.2f} {target['unit']} in {r.year} against the target {comparator} {tv:g}"
            elif r.year == by and kind not in RATE_INDICATORS:
                not_assessable(f"the base year {by} is the reference of the target, not judged")
                continue
            elif row["projected_value_at_target_year"] is None:
                not_assessable(f"fewer than {min_trend_years} complete years up to {r.year} for a trend")
                continue
            else:
                on_path = _meets(value, row["path_value"], comparator)
                trend_ok = _meets(row["projected_value_at_target_year"], tv, comparator)
                status = "on_track" if on_path and trend_ok else "off_track"
                reason = (f"{'on' if on_path else 'behind'} the straight path ({row['path_value']:.2f}); the trend of the "
                          f"last {len(recent)} years {'reaches' if trend_ok else 'does not reach'} the target by {ty}")
            rows.append({**row, "status": status, "status_reason": reason})
    return pd.DataFrame(rows)
