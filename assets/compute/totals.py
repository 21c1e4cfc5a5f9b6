"""The missing-value policy, in one place: sums with min-count semantics and the `complete` flag.

- A cell whose value is missing or confidential has no value (null), never 0.
- A total over cells is null when no cell has a value (min-count 1), and otherwise the sum of the cells that have
  one, flagged `complete = False` when any expected cell is absent, missing or confidential.
- `not_applicable` cells count as present and contribute nothing.
- A district's own figure, where a delivery states one (an office's district row, KBA's total of a registration
  district), is taken as delivered instead of the sum of its municipalities: it counts everything, also what no
  municipality row holds (`own_totals_first`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd

HAS_VALUE = ("reported", "estimated")
COMPLETE_STATUSES = ("reported", "estimated", "not_applicable")


def cell_complete(frame: pd.DataFrame, status_column: str = "value_status") -> pd.Series:
    """True where the cell's status lets a total built on it be complete."""
    return frame[status_column].isin(COMPLETE_STATUSES)


def complete_grid(frame: pd.DataFrame, keys: dict[str, Sequence], value_column: str,
                  status_column: str = "value_status") -> pd.DataFrame:
    """Every combination of `keys` present: absent cells are added with a null value and status `missing`."""
    index = pd.MultiIndex.from_product(list(keys.values()), names=list(keys))
    grid = index.to_frame(index=False)
    merged = grid.merge(frame, on=list(keys), how="left")
    absent = merged[status_column].isna()
    merged.loc[absent, status_column] = "missing"
    merged.loc[absent, value_column] = None
    return merged


def totals(frame: pd.DataFrame, group_by: Iterable[str], value_column: str, status_column: str = "value_status",
           complete_column: str | None = None) -> pd.DataFrame:
    """Group totals with min-count semantics: columns group_by + value + status + complete.

    The total is null when no cell has a value; otherwise it is the sum of the cells that have one, and `complete`
    is False unless every cell is complete (and, if given, every cell's own `complete_column` is True). A partial
    sum is thus published flagged, never as if it were whole. The status follows `combined_status`.
    """
    group_by = list(group_by)
    work = frame.assign(
        _has=frame[status_column].isin(HAS_VALUE),
        _complete=cell_complete(frame, status_column) & (frame[complete_column].fillna(False).astype(bool)
                                                         if complete_column else True),
    )
    grouped = work.groupby(group_by, dropna=False, sort=True)
    out = grouped[[value_column]].sum(min_count=1).astype("float64")
    out["_any"] = grouped["_has"].any()
    out["_all_complete"] = grouped["_complete"].all()
    out[status_column] = combined_statuses(work[status_column], grouped.ngroup()).to_numpy()
    out = out.reset_index()
    out["complete"] = out["_all_complete"] & (out["_any"] | (out[status_column] == "not_applicable"))
    return out[[*group_by, value_column, status_column, "complete"]]


_STATUS_RANK = {"reported": 0, "estimated": 1, "confidential": 2, "not_applicable": 3}
_RANKED = ["reported", "estimated", "confidential"]


def combined_statuses(statuses: pd.Series, groups: pd.Series) -> pd.Series:
    """`combined_status` of every group at once (groups numbered 0..n-1 in order, as `ngroup` gives them)."""
    rank = statuses.map(_STATUS_RANK).astype("float64").fillna(4)
    by = rank.groupby(groups.to_numpy())
    low, high = by.min(), by.max()
    names = low.map(dict(enumerate(_RANKED))).astype(object)
    names[low.eq(3) & high.eq(3)] = "not_applicable"
    return names.fillna("missing").sort_index()


def combined_status(statuses: set[str]) -> str:
    """Status of a total (one group; `combined_statuses` does all groups at once): reported if any cell was reported, else estimated if any was, else confidential if any
    was, else not_applicable if all were, else missing."""
    for status in ("reported", "estimated", "confidential"):
        if status in statuses:
            return status
    return "not_applicable" if statuses == {"not_applicable"} else "missing"


def own_totals_first(district: pd.DataFrame, delivered: pd.DataFrame, district_ags: str, keys: Sequence[str],
                     value_column: str, carried: Sequence[str] = (), status_column: str = "value_status") -> pd.DataFrame:
    """`district` (rows computed from the municipalities, one per `keys`) with the district's own figure where
    `delivered` has one: a row of a delivery (with a delivery_id; a row a step computed has none) with a value, from
    the same delivery as the municipality rows with a value for those keys, or where no municipality has one. Then
    its value, status and `carried` columns (e.g. delivery_id) are taken, complete: the office's total counts what
    the municipality rows may lack (KBA's cars of names matching no key). A district row of another delivery than
    its municipalities' (another year's basis, another territory) is never taken: the sum stays, flagged as it is."""
    keys = list(keys)
    if "delivery_id" not in delivered:
        return district
    with_value = delivered[delivered[value_column].notna() & delivered["delivery_id"].notna()]
    own = with_value.loc[with_value["ags"] == district_ags, [*keys, value_column, status_column, *carried]]
    if "delivery_id" not in carried:
        own = own.assign(delivery_id=with_value.loc[own.index, "delivery_id"])
    if own.empty:
        return district
    municipal = with_value[with_value["ags"] != district_ags]
    theirs = municipal.groupby(keys)["delivery_id"].agg(lambda ids: frozenset(ids)).rename("__theirs").reset_index()
    own = own.drop_duplicates(keys, keep="last").merge(theirs, on=keys, how="left")
    agrees = [not isinstance(ids, frozenset) or ids <= {own_id} for ids, own_id in zip(own["__theirs"],
                                                                                      own["delivery_id"])]
    own = own[agrees]
    merged = district.merge(own, on=keys, how="left", suffixes=("", "__own"))
    has = merged[f"{value_column}__own"].notna().to_numpy()
    out = district.copy()
    for column in [value_column, status_column, *carried]:
        out[column] = out[column].astype(object).where(~has, merged[f"{column}__own"].astype(object).to_numpy())
    out[value_column] = out[value_column].astype("float64")
    out["complete"] = out["complete"].astype(bool) | has
    return out
