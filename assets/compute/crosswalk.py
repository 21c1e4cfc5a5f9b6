"""Municipality keys by year: partners name a municipality by the key it had when the data were collected; the balance
and the indicators use the region's keys of today (municipalities.csv).

The change table (Destatis' Gebietsänderungen, a delivery of format `key_changes`, raw table
`raw_destatis__key_changes`) lists each change: former key, successor key, date and, for a split, each part's share
of the former inhabitants. A row delivered under a former key moves to the successor(s):

- additive quantities (MWh, inhabitants, counts) are split by the share (`mode="split"`);
- records with one location (a plant, an installation, a building) go whole to the successor with the largest
  share (`mode="locate"`).

A change applies to a row of an earlier year than the change, and to any row whose key no longer exists (a late
delivery under the old key). Changes are applied in date order, so chains (A → B in 2010, B → C in 2015) end at
today's key. Every moved row keeps the key it was delivered under (`ags_delivered`) and its share (`key_share`), so
its lineage to the delivered row stays intact.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd

MOVED_COLUMNS = ["ags_delivered", "key_share"]


def changes_in_use(raw_key_changes: pd.DataFrame, deliveries: pd.DataFrame) -> pd.DataFrame:
    """The rows of `raw_destatis__key_changes` from accepted deliveries (the later wins on the same change)."""
    from assets.compute.deliveries import rows_in_use

    return rows_in_use(raw_key_changes, deliveries, ["former_ags", "ags", "effective_date"])


def to_current_keys(frame: pd.DataFrame, changes: pd.DataFrame, current_keys: Iterable[str],
                    additive: Sequence[str] = (), mode: str = "split") -> pd.DataFrame:
    """`frame` (with `ags`, optionally `year`) with every former key replaced by today's key(s); adds
    `ags_delivered` and `key_share`. `changes`: former_ags, ags, effective_date, share."""
    out = frame.assign(ags_delivered=frame["ags"], key_share=1.0)
    if changes.empty or frame.empty:
        return out
    current = set(current_keys)
    effective_year = pd.to_datetime(changes["effective_date"]).dt.year
    for year, group in changes.assign(_effective=effective_year).groupby("_effective", sort=True):
        targets = group[["former_ags", "ags", "share"]].rename(columns={"ags": "_to", "share": "_share"})
        if mode == "locate":
            targets = targets.sort_values(["_share", "_to"], ascending=[False, True]).drop_duplicates("former_ags")
        applies = out["ags"].isin(targets["former_ags"])
        if "year" in out:
            applies &= (out["year"] < year) | ~out["ags"].isin(current)
        if not applies.any():
            continue
        moved = out[applies].merge(targets, left_on="ags", right_on="former_ags", how="inner")
        moved["key_share"] = moved["key_share"] * (1.0 if mode == "locate" else moved["_share"])
        for column in additive if mode == "split" else ():
            moved[column] = moved[column] * moved["_share"]
        moved["ags"] = moved["_to"]
        out = pd.concat([out[~applies], moved[out.columns]], ignore_index=True)
    return out


def located(rows: pd.DataFrame, changes: pd.DataFrame, current_keys: Iterable[str],
            unique: Sequence[str] = (), what: str = "rows") -> pd.DataFrame:
    """Records with one location (`mode="locate"`) at today's key, without the helper columns. With `unique`: two
    records for one such key after a merge (e.g. two plants' district-heat factors for one municipality and year)
    are an error, because which one applies only the partner can say."""
    moved = to_current_keys(rows, changes, current_keys, mode="locate")
    twice = moved[moved.duplicated(list(unique), keep=False)] if unique else moved.iloc[:0]
    if len(twice):
        first = twice.iloc[0]
        raise ValueError(f"two {what} for {', '.join(f'{k}={first[k]}' for k in unique)} after moving former keys "
                         f"({sorted(twice['ags_delivered'])}) to today's: deliver one, under today's key")
    return moved.drop(columns=MOVED_COLUMNS)


def summed_at_current_keys(rows: pd.DataFrame, changes: pd.DataFrame, current_keys: Iterable[str],
                           key: Sequence[str], value: str) -> pd.DataFrame:
    """Rows of an additive `value` at today's keys: split by share, then summed per `key`."""
    return sum_current(to_current_keys(rows, changes, current_keys, [value]), key, value)


def sum_current(frame: pd.DataFrame, key: Sequence[str], value: str) -> pd.DataFrame:
    """Rows of one key after moving to today's keys (a merge makes several) summed with the missing-value policy;
    the key's other columns as the first row has them. Its `delivery_id`/`source_row` are those of the one row with
    a value where only one has (a former key's '-' beside today's figure); a sum of several rows with a value is no
    one row of a file: `source_row` null, `delivery_id` too unless all come from one delivery (a split row keeps the
    row it is a share of)."""
    from assets.compute.totals import HAS_VALUE, totals

    key = list(key)
    if frame.empty or not frame.duplicated(key).any():
        return frame.drop(columns=[c for c in MOVED_COLUMNS if c in frame]).reset_index(drop=True)
    summed = totals(frame, key, value).drop(columns="complete")
    rest = [c for c in frame.columns if c not in {*key, value, "value_status", *MOVED_COLUMNS}]
    first = frame.drop_duplicates(key)[[*key, *rest]]
    out = summed.merge(first, on=key, how="left")[[c for c in frame.columns if c not in MOVED_COLUMNS]]
    lineage = [c for c in ("delivery_id", "source_row") if c in frame]
    if not lineage:
        return out
    # the rows with a value make the sum (a former key's '-' adds nothing): where one row has a value, it is the row
    valued = frame[frame["value_status"].isin(HAS_VALUE)]
    counts = valued.groupby(key, sort=False, dropna=False).size().rename("__valued").reset_index()
    sole = valued.merge(counts[counts["__valued"] == 1], on=key)[[*key, *lineage]]
    out = out.merge(sole, on=key, how="left", suffixes=("", "__sole")).merge(counts, on=key, how="left")
    has_sole = out["__valued"].eq(1).to_numpy()
    for column in lineage:
        out[column] = out[column].astype(object).where(~has_sole, out[f"{column}__sole"].astype(object))
    several = out["__valued"].gt(1).to_numpy()
    if "source_row" in out:
        out["source_row"] = out["source_row"].astype("Int64").mask(several)
    if "delivery_id" in out:
        ids = valued.groupby(key, sort=False, dropna=False)["delivery_id"].nunique(dropna=False).rename("__ids")
        mixed = out.merge(ids.reset_index(), on=key, how="left")["__ids"].gt(1).to_numpy()
        out["delivery_id"] = out["delivery_id"].astype(object).mask(mixed)
    return out[[c for c in frame.columns if c not in MOVED_COLUMNS]]


def core_rows(raw: pd.DataFrame, deliveries: pd.DataFrame, changes: pd.DataFrame, current_keys: Iterable[str],
              key: Sequence[str], move: str | None = None, value: str | None = None, unique: Sequence[str] = (),
              what: str = "rows") -> pd.DataFrame:
    """A core table from the raw rows of one shape (all its formats): the rows in use (accepted deliveries, the
    later one winning per `key`), then at today's keys — `move="sum"`: an additive `value` split by share and summed
    per key; `"locate"`: each record whole to its municipality of today (`unique`: a key that must stay unique);
    None: as delivered (moved later with the inputs they become, or without a municipality)."""
    from assets.compute.deliveries import rows_in_use

    rows = rows_in_use(raw, deliveries, list(key))
    if move == "sum":
        return summed_at_current_keys(rows, changes, current_keys, key, value)
    if move == "locate":
        return located(rows, changes, current_keys, unique=unique, what=what)
    return rows


def key_changes_in_use(register: pd.DataFrame, raw: dict[str, pd.DataFrame], rejected: dict[str, pd.DataFrame],
                       thresholds: dict) -> pd.DataFrame:
    """The key changes in use, from the key-change deliveries alone (`register`: their landing rows; `raw`,
    `rejected`: their raw tables and quarantines): the same status rules as the published `deliveries` table, which
    needs every other raw table and so comes after the parsers that need the changes."""
    from assets.compute.deliveries import delivery_table

    statuses = delivery_table(register, raw, rejected, thresholds)
    frames = [f for f in raw.values() if not f.empty]
    columns = ["delivery_id", "source_row", "former_ags", "ags", "effective_date", "share"]
    rows = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)
    return changes_in_use(rows, statuses)
