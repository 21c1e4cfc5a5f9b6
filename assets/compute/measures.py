"""The work programme: measures and their history across deliveries of the list, overdue flags, the eea assessment
with its award level, and the gap analysis per target (the measures' expected savings beside the remaining gap).

- A delivery of the list is dated by its latest `last_updated` (`list_date`); deliveries are ordered by that date
  (then by arrival). Every delivery that was not rejected counts in the history, also one superseded by a later list.
- Overdue is judged on the date of the latest list: a last update older than `max_update_age_days`, or an end date
  before that date without `completed` (a stopped measure is never overdue).
- eea: share = achieved ÷ possible × 100; eea from 50 %, eea Gold from 75 % (inclusive); the total of a year counts
  only with all six fields assessed.
- Gap per target, at the latest year whose value is complete (else the latest with a value: not assessable): the
  gap in the target's unit (target − value, as in `indicators`) and, for emissions targets, the emissions still to
  reduce in t CO2e; beside it the measures' expected savings by status group (vocabularies.SAVINGS_GROUP). The
  shortfall sets the savings of the measures not yet completed against the gap: completed measures are taken to be
  in the measured value already.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from warehouse.catalog import get_table
from warehouse.vocabularies import (EEA_AWARD_THRESHOLDS, FIELDS_OF_ACTION, FIELDS_OF_ACTION_DE, MEASURE_STATUS_DE,
                                    SAVINGS_GROUP)

DEFAULT_MAX_UPDATE_AGE_DAYS = 365
SAVINGS_BASIS = "the measures' own estimates of their expected savings per year, not measured savings"
CHANGE_INDICATORS = {"emissions_change_vs_base", "own_properties_change_vs_base"}
RATE_INDICATORS = {"sector_emissions_annual_change"}
PER_INHABITANT_INDICATORS = {"emissions_per_inhabitant", "emissions_per_inhabitant_with_agriculture"}


def _columns(table: str) -> list[str]:
    return get_table(table).column_names


def measure_versions(raw: pd.DataFrame, deliveries: pd.DataFrame) -> pd.DataFrame:
    """Rows of every delivery of the list that was not rejected, with `source_id`, `received_at` and `list_date`
    (the latest last_updated of the delivery)."""
    info = deliveries.set_index("delivery_id")
    kept = set(deliveries.loc[deliveries["status"] != "rejected", "delivery_id"])
    rows = raw[raw["delivery_id"].isin(kept)].copy()
    rows["source_id"] = rows["delivery_id"].map(info["source_id"])
    rows["received_at"] = rows["delivery_id"].map(info["received_at"])
    rows["list_date"] = rows.groupby("delivery_id")["last_updated"].transform("max")
    return rows.reset_index(drop=True)


def _same(a, b) -> bool:
    return (pd.isna(a) and pd.isna(b)) or (not pd.isna(a) and not pd.isna(b) and float(a) == float(b))


def status_history(versions: pd.DataFrame) -> pd.DataFrame:
    """`measure_status_history`: per source's list, every delivery in date order and every measure it lists or
    listed before (then `not_in_list`), with what changed against the measure's previous listing."""
    records = []
    for _, rows in versions.groupby("source_id", sort=True):
        order = (rows.drop_duplicates("delivery_id").sort_values(["list_date", "received_at", "delivery_id"])
                 [["delivery_id", "list_date"]])
        last: dict[str, dict] = {}
        for delivery_id, list_date in order.itertuples(index=False):
            listed = rows[rows["delivery_id"] == delivery_id].set_index("measure_id")
            for measure_id, row in listed.iterrows():
                before = last.get(measure_id)
                status_changed = before is not None and before["measure_status"] != row["measure_status"]
                budget_changed = before is not None and not (
                    _same(before["budget_planned_eur"], row["budget_planned_eur"])
                    and _same(before["budget_spent_eur"], row["budget_spent_eur"]))
                change = ("first_listed" if before is None else "status_and_budget_changed" if status_changed and
                          budget_changed else "status_changed" if status_changed else "budget_changed" if
                          budget_changed else "unchanged")
                records.append({
                    "measure_id": measure_id, "delivery_id": delivery_id, "list_date": list_date,
                    "source_row": row["source_row"], "measure_status": row["measure_status"],
                    "previous_status": None if before is None else before["measure_status"],
                    "budget_planned_eur": row["budget_planned_eur"], "budget_spent_eur": row["budget_spent_eur"],
                    "budget_planned_change_eur": None if before is None else
                    row["budget_planned_eur"] - before["budget_planned_eur"],
                    "budget_spent_change_eur": None if before is None else
                    row["budget_spent_eur"] - before["budget_spent_eur"],
                    "last_updated": row["last_updated"], "history_change": change,
                })  # fmt: skip
                last[measure_id] = row
            for measure_id in sorted(set(last) - set(listed.index)):
                records.append({"measure_id": measure_id, "delivery_id": delivery_id, "list_date": list_date,
                                "previous_status": last[measure_id]["measure_status"], "history_change": "not_in_list"})
    frame = pd.DataFrame(records, columns=_columns("measure_status_history"))
    for column in ("budget_planned_eur", "budget_spent_eur", "budget_planned_change_eur", "budget_spent_change_eur"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("float64")
    return frame


def overdue(measures: pd.DataFrame, reference: pd.Timestamp | None, max_age_days: int) -> pd.DataFrame:
    """(overdue, overdue_reason) per measure, judged on `reference` (the date of the latest list)."""
    out = pd.DataFrame({"overdue": False, "overdue_reason": None}, index=measures.index)
    if reference is None or measures.empty:
        return out
    reference = pd.Timestamp(reference)
    updated = pd.to_datetime(measures["last_updated"])
    ended = pd.to_datetime(measures["end_date"])
    active = ~measures["measure_status"].isin(["completed", "stopped"])
    stale = active & (updated < reference - pd.Timedelta(days=max_age_days))
    late = active & ended.notna() & (ended < reference)
    reasons = []
    for i in measures.index:
        parts = []
        if late[i]:
            parts.append(f"end date {ended[i]:%Y-%m-%d} passed on {reference:%Y-%m-%d} without completion")
        if stale[i]:
            parts.append(f"last updated {updated[i]:%Y-%m-%d}, more than {max_age_days} days before the list of "
                         f"{reference:%Y-%m-%d}")
        reasons.append("; ".join(parts) or None)
    return pd.DataFrame({"overdue": (stale | late).astype(bool), "overdue_reason": reasons}, index=measures.index)


def measures_table(core: pd.DataFrame, history: pd.DataFrame,
                   max_age_days: int = DEFAULT_MAX_UPDATE_AGE_DAYS) -> pd.DataFrame:
    """`measures`: the measures in use with German names and the overdue flag on the date of the latest list."""
    reference = history["list_date"].max() if len(history) else None
    reference = None if pd.isna(reference) else reference
    out = core.copy()
    out["field_of_action_de"] = out["field_of_action"].map(FIELDS_OF_ACTION_DE)
    out["measure_status_de"] = out["measure_status"].map(MEASURE_STATUS_DE)
    out[["overdue", "overdue_reason"]] = overdue(out, reference, max_age_days)
    out["overdue_reference_date"] = reference
    return out[_columns("measures")].sort_values("measure_id").reset_index(drop=True)


def award(possible: float, achieved: float) -> str | None:
    """The award level the points reach: eea_gold from 75 %, eea from 50 % (inclusive), else none."""
    if pd.isna(possible) or pd.isna(achieved) or possible <= 0:
        return None
    for level, threshold in EEA_AWARD_THRESHOLDS:
        if achieved * 100 >= threshold * possible - 1e-9:
            return level
    return "none"


def eea_table(points: pd.DataFrame) -> pd.DataFrame:
    """`eea_assessment`: the delivered fields and each year's total (complete with all six fields assessed)."""
    rows = points[["field_of_action", "year", "eea_points_possible", "eea_points_achieved"]].copy()
    rows["complete"] = rows["eea_points_achieved"].notna()
    totals = []
    for year, fields in rows.groupby("year"):
        whole = set(fields["field_of_action"]) == set(FIELDS_OF_ACTION) and bool(fields["complete"].all())
        totals.append({"field_of_action": "total", "year": year,
                       "eea_points_possible": fields["eea_points_possible"].sum(min_count=1),
                       "eea_points_achieved": fields["eea_points_achieved"].sum(min_count=1), "complete": whole})
    out = pd.concat([rows, pd.DataFrame(totals, columns=rows.columns)], ignore_index=True) if totals else rows
    possible, achieved = out["eea_points_possible"].astype("float64"), out["eea_points_achieved"].astype("float64")
    out["eea_share_pct"] = (achieved / possible.where(possible > 0) * 100).where(out["complete"])
    out["eea_award"] = [award(p, a) if c else None for p, a, c in zip(possible, achieved, out["complete"],
                                                                       strict=True)]
    order = {f: i for i, f in enumerate([*FIELDS_OF_ACTION, "total"])}
    out = out.sort_values(["year", "field_of_action"], key=lambda s: s.map(order) if s.name == "field_of_action"
                          else s)
    return out[_columns("eea_assessment")].reset_index(drop=True)


def savings_by_group(measures: pd.DataFrame, indicator_id: str) -> dict:
    """Count of the measures serving an indicator, those without an estimate, and the summed estimates per group."""
    serving = measures.loc[measures["target_indicators"].map(lambda ids: indicator_id in list(ids)).astype(bool)]
    group = serving["measure_status"].map(SAVINGS_GROUP)
    out = {"measures_count": len(serving),
           "measures_without_estimate": int((group.notna() & serving["savings_t_co2e_per_year"].isna()
                                             & serving["savings_mwh_per_year"].isna()).sum())}
    for name in ("completed", "in_progress", "planned"):
        mine = serving[group == name]
        out[f"savings_{name}_t_co2e"] = float(mine["savings_t_co2e_per_year"].sum())
        out[f"savings_{name}_mwh"] = float(mine["savings_mwh_per_year"].sum())
    return out


def emissions_gap(indicator: str, row: Mapping, base_year, population: float | None) -> float | None:
    """Emissions still to reduce (t CO2e) at the row's value, for emissions targets; None for other targets."""
    value, target, base = row["value"], row["target_value"], row.get("base_value")
    if indicator in CHANGE_INDICATORS:
        return None if pd.isna(base) else float(base) * (value - target) / 100
    if indicator in RATE_INDICATORS:
        years = int(row["year"]) - int(base_year)
        return None if pd.isna(base) or years <= 0 else float(base) * (
            (1 + value / 100) ** years - (1 + target / 100) ** years)
    if indicator in PER_INHABITANT_INDICATORS:
        return None if population is None or pd.isna(population) else (value - target) * float(population)
    return None


def _fmt(x: float) -> str:
    return f"{x:,.1f}"


def target_measures_table(targets: pd.DataFrame, indicators: pd.DataFrame, measures: pd.DataFrame,
                          population: Mapping[int, float], district_ags: str) -> pd.DataFrame:
    """`target_measures`: per target with a target value, the gap at the latest complete year beside the savings
    the measures serving it expect; `population`: the district's inhabitants per year (per-inhabitant targets).
    Without a list of measures there is no work programme to set against the gaps: no rows."""
    records = []
    if measures.empty:
        return pd.DataFrame(columns=_columns("target_measures"))
    for t in targets[targets["target_value"].notna()].itertuples(index=False):
        rows = indicators[(indicators["target_set"] == t.target_set) & (indicators["indicator_id"] == t.indicator_id)
                          & (indicators["ags"] == district_ags) & indicators["value"].notna()]
        complete = rows[rows["complete"].astype("boolean").fillna(False).astype(bool)]
        chosen = (complete if len(complete) else rows).sort_values("year").tail(1)
        record = {"target_set": t.target_set, "indicator_id": t.indicator_id, "ags": district_ags,
                  "target_value": t.target_value, "unit": t.unit, "complete": False,
                  **savings_by_group(measures, t.indicator_id)}
        open_savings = record["savings_in_progress_t_co2e"] + record["savings_planned_t_co2e"]
        if chosen.empty:
            records.append({**record, "gap_status": "not_assessable", "gap_reason": "no value of the indicator yet"})
            continue
        row = {**chosen.iloc[0].to_dict(), "target_value": t.target_value}
        record |= {"year": int(row["year"]), "value": row["value"], "gap": t.target_value - row["value"],
                   "complete": bool(len(complete))}
        if not len(complete):
            records.append({**record, "gap_status": "not_assessable", "gap_reason": f"the value of {row['year']} "
                            f"is incomplete, so the gap is not assessed: {row.get('status_reason') or ''}".strip()})
            continue
        reached = row["value"] <= t.target_value if t.comparator == "<=" else row["value"] >= t.target_value
        gap_t = emissions_gap(t.indicator, row, t.base_year, population.get(int(row["year"])))
        if gap_t is None:
            status = "target_reached" if reached else "no_emissions_gap"
            reason = (f"the value {row['value']:.1f} {t.unit} of {row['year']} reaches the target" if reached else
                      f"gap {record['gap']:+.1f} {t.unit} in the target's unit; the measures' savings (t CO2e, MWh) "
                      "are not converted into it")
            records.append({**record, "gap_status": status, "gap_reason": reason})
            continue
        shortfall = gap_t - open_savings
        status = "target_reached" if gap_t <= 0 else "closed_by_measures" if shortfall <= 0 else "not_closed"
        reason = {"target_reached": f"the target is reached in {row['year']}",
                  "closed_by_measures": f"the measures not yet completed expect {_fmt(open_savings)} t CO2e a year "
                  f"against a gap of {_fmt(gap_t)} t CO2e ({SAVINGS_BASIS})",
                  "not_closed": f"the measures not yet completed expect {_fmt(open_savings)} t CO2e a year against a "
                  f"gap of {_fmt(gap_t)} t CO2e: {_fmt(shortfall)} t CO2e remain uncovered ({SAVINGS_BASIS})"}[status]
        records.append({**record, "gap_t_co2e": gap_t, "shortfall_t_co2e": shortfall if gap_t > 0 else None,
                        "gap_status": status, "gap_reason": reason})
    frame = pd.DataFrame(records, columns=_columns("target_measures"))
    for column in ("measures_count", "measures_without_estimate"):
        frame[column] = frame[column].astype("int64")
    frame["year"] = frame["year"].astype("Int64")
    return frame
