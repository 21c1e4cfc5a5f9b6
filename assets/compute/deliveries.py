"""The delivery register as published: every landed delivery with its scope, its findings and its status.

Status rules (per source and raw table, in order of arrival):
- `rejected`: the file could not be read as a whole (a structural finding), or more of its rows were quarantined
  than the source's threshold allows (sources/quarantine.py: default more than 1 % and more than 5 rows); it blocks
  the run until a corrected delivery supersedes it. Fewer quarantined rows leave the delivery accepted: its other
  rows are used, the quarantined ones are listed with their reasons.
- `superseded`: a later delivery without errors replaces it, either a re-delivery under the same file name or one
  whose scope (municipality × year) covers all of its scope. Kept, with `superseded_by`.
- `accepted`: in use.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from sources.quarantine import Threshold, finding_classes, structural, verdict
from warehouse.catalog import get_table


def _scope(rows: pd.DataFrame, detail: tuple[str, ...] = ()) -> set[tuple]:
    """(ags, year, detail) of every row; detail is what else a table's rows are per (e.g. meter and day); the ags of
    an office's table is that of its region key (a state or Germany has none)."""
    def column(name: str) -> list:
        if name not in rows:
            return [None] * len(rows)
        return [None if pd.isna(v) else v for v in rows[name]]

    years = [None if y is None else int(y) for y in column("year")]
    details = list(zip(*[column(c) for c in detail], strict=True)) if detail else [()] * len(rows)
    places = column("ags")
    if "ags" not in rows and "region_key" in rows:  # an office's table: its region keys as municipality keys
        from assets.compute.statistics import ags_of

        places = [None if k is None else ags_of(k) for k in column("region_key")]
    return set(zip(places, years, details, strict=True))


def marked_cells(rows: pd.DataFrame) -> tuple[int, int]:
    """(confidential, without a value) cells among a delivery's raw rows: the partner's marks for a value kept
    secret (•, x, vertraulich, ...) and for no value (-, k.A., ...), from the rows' `value_status`."""
    if "value_status" not in rows:
        return 0, 0
    status = rows["value_status"]
    return int((status == "confidential").sum()), int((status == "missing").sum())


def delivery_table(register: pd.DataFrame, raw: Mapping[str, pd.DataFrame],
                   rejected: Mapping[str, pd.DataFrame],
                   thresholds: Mapping[str, Threshold] | None = None,
                   origins: Mapping[str, str] | None = None) -> pd.DataFrame:
    """The `deliveries` table from the landing register, the raw tables and their quarantines; `thresholds`: the
    quarantine threshold per source id (default: Threshold()); `origins`: where each source's data come from
    (default: partner_deliveries)."""
    info: dict[str, dict] = {d: {"table": None, "scope": set(), "rows": 0, "rejected": [], "rejected_rows": 0, "filtered": 0,
                                 "structural": [], "provisional": False, "confidential": 0, "no_value": 0}
            for d in register["delivery_id"]}  # fmt: skip
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
            entry["confidential"], entry["no_value"] = marked_cells(rows)
    for table, frame in rejected.items():
        for delivery_id, rows in frame.groupby("delivery_id", sort=False):
            if delivery_id not in info:
                continue
            entry = info[delivery_id]
            entry["table"] = entry["table"] or table
            affected = rows["rows_affected"] if "rows_affected" in rows else pd.Series(1, index=rows.index)
            whole = [structural(k, r, n) for k, r, n in zip(rows["finding_kind"], rows["source_row"], affected,
                                                            strict=True)]
            entry["structural"] += list(rows.loc[whole, "reason"])
            row_findings = ~pd.Series(whole, index=rows.index) & (rows["finding_kind"] == "rejected")
            entry["rejected"] += list(rows.loc[row_findings, "reason"])
            entry["rejected_rows"] += int(affected[row_findings].fillna(1).sum())  # a summary finding: its rows
            filtered = rows["finding_kind"] == "filtered"
            counts = rows["rows_affected"] if "rows_affected" in rows else pd.Series(1, index=rows.index)
            entry["filtered"] += int(counts[filtered].fillna(1).sum())

    reg = register.sort_values(["received_at", "delivery_id"]).reset_index(drop=True)
    status, superseded_by, reasons = {}, {}, {}
    for delivery_id in reg["delivery_id"]:
        entry = info[delivery_id]
        if entry["table"] is None and not entry["rejected"] and not entry["structural"]:
            entry["structural"].append("no parser took this file: its name does not fit the source's format")
    source_of = dict(zip(register["delivery_id"], register["source_id"], strict=True))
    for delivery_id, entry in info.items():
        entry["verdict"] = verdict(entry["rows"], entry["rejected_rows"], entry["structural"],
                                   (thresholds or {}).get(source_of[delivery_id], Threshold()))
    for (_, _), group in reg.groupby(["source_id", reg["delivery_id"].map(lambda d: info[d]["table"])],
                                     sort=False, dropna=False):
        ordered = list(group.itertuples(index=False))
        for i, older in enumerate(ordered):
            covering = []
            remaining = set(info[older.delivery_id]["scope"])
            for newer in ordered[i + 1:]:
                if info[newer.delivery_id]["verdict"]:
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
                was = " (it had been rejected)" if info[older.delivery_id]["verdict"] else ""
                reasons[older.delivery_id] = f"replaced by {last.file_name} received {last.received_at}{was}"
            elif info[older.delivery_id]["verdict"]:
                status[older.delivery_id] = "rejected"
                found = info[older.delivery_id]["rejected"]
                classes = f"; {finding_classes(found)}; first: {found[0]}" if found and not \
                    info[older.delivery_id]["structural"] else ""
                reasons[older.delivery_id] = info[older.delivery_id]["verdict"] + classes
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
            "rows_parsed": entry["rows"], "rows_rejected": entry["rejected_rows"],
            "rows_out_of_region": entry["filtered"],
            "origin": (origins or {}).get(row.source_id, "partner_deliveries"),
            "cells_confidential": entry["confidential"], "cells_without_value": entry["no_value"],
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
