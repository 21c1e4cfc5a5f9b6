"""What changed between two releases: rows added or removed, and values that moved beyond a tolerance, per
published table (joined on its primary key). Typically what a re-delivery changed."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from warehouse.catalog import get_table
from warehouse.store import read_parquet


def diff_releases(a: Path, b: Path, tolerance: float = 1e-6) -> pd.DataFrame:
    """Rows: table, key, column, old, new, change (added/removed/changed; "column added"/"column removed" between
    releases of different contract versions)."""
    rows = []
    tables = sorted({p.stem for p in Path(a).glob("*.parquet")} | {p.stem for p in Path(b).glob("*.parquet")})
    for name in tables:
        table = get_table(name)
        key = list(table.primary_key)
        if not key:
            continue
        old = read_parquet(Path(a) / f"{name}.parquet") if (Path(a) / f"{name}.parquet").exists() else None
        new = read_parquet(Path(b) / f"{name}.parquet") if (Path(b) / f"{name}.parquet").exists() else None
        if old is None or new is None:
            rows.append({"table": name, "key": "", "column": "", "old": None, "new": None,
                         "change": "table added" if old is None else "table removed"})
            continue
        if old.empty and new.empty:
            continue
        merged = old.merge(new, on=key, how="outer", suffixes=("_old", "_new"), indicator=True)
        label = merged[key].astype(str).agg(";".join, axis=1)
        for kind, side in (("removed", "left_only"), ("added", "right_only")):
            for k in label[merged["_merge"] == side]:
                rows.append({"table": name, "key": k, "column": "", "old": None, "new": None, "change": kind})
        both = merged[merged["_merge"] == "both"]
        for col in [c.name for c in table.columns if c.name not in key]:
            if (col in old) != (col in new):  # a release of another contract version: the column itself changed
                rows.append({"table": name, "key": "", "column": col, "old": None, "new": None,
                             "change": "column added" if col in new else "column removed"})
                continue
            if col not in old or col in ("received_at",):
                continue
            o, n = both[f"{col}_old"], both[f"{col}_new"]
            if pd.api.types.is_numeric_dtype(o) and pd.api.types.is_numeric_dtype(n):
                changed = ~np.isclose(o.astype(float), n.astype(float), rtol=tolerance, atol=tolerance, equal_nan=True)
            else:
                changed = ~((o.isna() & n.isna()) | (o.astype(str) == n.astype(str)))
            for i in both.index[changed]:
                rows.append({"table": name, "key": label[i], "column": col, "old": o[i], "new": n[i],
                             "change": "changed"})
    return pd.DataFrame(rows, columns=["table", "key", "column", "old", "new", "change"])
