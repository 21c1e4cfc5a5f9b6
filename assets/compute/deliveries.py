"""The delivery register as published: every landed delivery with its scope, its findings and its status.

Status rules (per source and raw table, in order of arrival):
- `rejected`: the file could not be read, or rows were not taken in (findings of kind `rejected`); it blocks the run
  until a corrected delivery supersedes it.
- `superseded`: a later delivery without errors replaces it, either a re-delivery under the same file name or one
  whose scope (municipality × year) covers all of its scope. Kept, with `superseded_by`.
- `accepted`: in use.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from warehouse.catalog import get_table


def _scope(rows: pd.DataFrame, detail: tuple[str, ...] = ()) -> set[tuple]:
    """(ags, year, detail) of every row; detail is what else a table's rows are per (e.g. meter and day)."""
    def column(name: str) -> list:
        if name not in rows:
            return [None] * len(rows)
        return [None if pd.isna(v) else v for v in rows[name]]

    years = [None if y is None else int(y) for y in column("year")]
    details = list(zip(*[column(c) for c in detail], strict=True)) if detail else [()] * len(rows)
    return set(zip(column("ags"), years, details, strict=True))


def delivery_table(register: pd.DataFrame, raw: Mapping[str, pd.DataFrame],
                   rejected: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """The `deliveries` table from the landing register, the raw tables and their quarantines."""
    info: dict[str, dict] = {d: {"table": None, "scope": set(), "rows": 0, "rejected": [], "filtered": 0,
                                 "provisional": False} for d in register["delivery_id"]}  # fmt: skip
    for table, frame in raw.items():
        for delivery_id, rows in frame.groupby("delivery_id", sort=False):
            if delivery_id not in info:
                continue
            entry = info[delivery_id]
            entry["table"] = table
            entry["scope"] = _scope(rows, get_table(table).scope_detail)
            entry["rows"] = len(rows)
            if "provisional" in rows:
                entry["provisional"] = bool(rows["provisional"].fillna(False).any())
    for table, frame in rejected.items():
        for delivery_id, rows in frame.groupby("delivery_id", sort=False):
            if delivery_id not in info:
                continue
            entry = info[delivery_id]
            entry["table"] = entry["table"] or table
            entry["rejected"] += list(rows.loc[rows["finding_kind"] == "rejected", "reason"])
            filtered = rows["finding_kind"] == "filtered"
            counts = rows["rows_affected"] if "rows_affected" in rows else pd.Series(1, index=rows.index)
            entry["filtered"] += int(counts[filtered].fillna(1).sum())

    reg = register.sort_values(["received_at", "delivery_id"]).reset_index(drop=True)
    status, superseded_by, reasons = {}, {}, {}
    for delivery_id in reg["delivery_id"]:
        entry = info[delivery_id]
        if entry["table"] is None and not entry["rejected"]:
            entry["rejected"].append("no parser took this file: its name does not fit the source's format")
    for (_, _), group in reg.groupby(["source_id", reg["delivery_id"].map(lambda d: info[d]["table"])],
                                     sort=False, dropna=False):
        ordered = list(group.itertuples(index=False))
        for i, older in enumerate(ordered):
            covering = []
            remaining = set(info[older.delivery_id]["scope"])
            for newer in ordered[i + 1:]:
                if info[newer.delivery_id]["rejected"]:
                    continue
                if newer.file_name == older.file_name:
                    covering.append(newer)
                    remaining = set()
                    continue
                overlap = remaining & info[newer.delivery_id]["scope"]
                if overlap:
                    covering.append(newer)
                    remaining -= overlap
            scope_known = bool(info[older.delivery_id]["scope"]) or any(n.file_name == older.file_name for n in covering)
            if covering and not remaining and scope_known:
                last = covering[-1]
                status[older.delivery_id] = "superseded"
                superseded_by[older.delivery_id] = last.delivery_id
                was = " (it had been rejected)" if info[older.delivery_id]["rejected"] else ""
                reasons[older.delivery_id] = f"replaced by {last.file_name} received {last.received_at}{was}"
            elif info[older.delivery_id]["rejected"]:
                status[older.delivery_id] = "rejected"
                found = info[older.delivery_id]["rejected"]
                more = f" (and {len(found) - 1} more findings)" if len(found) > 1 else ""
                reasons[older.delivery_id] = found[0] + more
            else:
                status[older.delivery_id] = "accepted"
    records = []
    for row in reg.itertuples(index=False):
        entry = info[row.delivery_id]
        scope = entry["scope"]
        records.append({
            "delivery_id": row.delivery_id, "source_id": row.source_id, "partner": row.partner,
            "file_name": row.file_name, "landed_path": row.landed_path, "sha256": row.sha256,
            "size_bytes": row.size_bytes, "received_at": row.received_at,
            "scope_years": sorted({y for _, y, _ in scope if y is not None}),
            "scope_ags": sorted({a for a, _, _ in scope if a is not None}),
            "status": status[row.delivery_id], "superseded_by": superseded_by.get(row.delivery_id),
            "status_reason": reasons.get(row.delivery_id), "provisional": entry["provisional"],
            "rows_parsed": entry["rows"], "rows_rejected": len(entry["rejected"]),
            "rows_out_of_region": entry["filtered"],
        })  # fmt: skip
    return pd.DataFrame(records, columns=get_table("deliveries").column_names)


def rows_in_use(raw: pd.DataFrame, deliveries: pd.DataFrame, key: list[str]) -> pd.DataFrame:
    """Raw rows of accepted deliveries; where two accepted deliveries overlap on a key, the later one wins."""
    order = deliveries.set_index("delivery_id")["received_at"]
    accepted = set(deliveries.loc[deliveries["status"] == "accepted", "delivery_id"])
    rows = raw[raw["delivery_id"].isin(accepted)].copy()
    rows["_received"] = rows["delivery_id"].map(order)
    rows = rows.sort_values(["_received", "source_row"]).drop_duplicates(key, keep="last")
    return rows.drop(columns="_received").reset_index(drop=True)
