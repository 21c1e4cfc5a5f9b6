"""Derived exports of a release (Parquet stays the record): CSV in UTF-8, CSV in the German Excel dialect (`;`,
decimal comma, UTF-8 with BOM) and JSON, one file each per table under `exports/`.

Text that came from partners is neutralised against formula injection: a cell starting with `=`, `+`, `-`, `@`, a
tab or a carriage return gets a leading apostrophe, so a spreadsheet shows it as text instead of running it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _cell(value):
    if hasattr(value, "__len__") and not isinstance(value, str):  # list columns (e.g. scope_years) as JSON text
        return json.dumps([v.item() if hasattr(v, "item") else v for v in value], ensure_ascii=False)
    return neutralise(value)


def _for_csv(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for col in out.columns:
        kind = pd.api.types.infer_dtype(out[col], skipna=True)
        if kind == "string":  # columnar: only cells that start like a formula change
            text = out[col]
            risky = text.str.startswith(_FORMULA_START, na=False)
            if risky.any():
                out[col] = text.where(~risky, "'" + text)
        elif out[col].dtype == object or str(out[col].dtype) in ("str", "string"):
            out[col] = out[col].map(_cell)
    return out


def write_exports(release_dir: Path, tables: list[str]) -> list[Path]:
    folder = Path(release_dir) / "exports"
    (folder / "de").mkdir(parents=True, exist_ok=True)
    written = []
    for name in tables:
        frame = pq.read_table(Path(release_dir) / f"{name}.parquet").to_pandas()
        csv_frame = _for_csv(frame)
        plain, german, js = folder / f"{name}.csv", folder / "de" / f"{name}.csv", folder / f"{name}.json"
        csv_frame.to_csv(plain, index=False, encoding="utf-8", lineterminator="\n")
        csv_frame.to_csv(german, index=False, sep=";", decimal=",", encoding="utf-8-sig", lineterminator="\r\n")
        js.write_text(frame.to_json(orient="records", date_format="iso", force_ascii=False, indent=None) + "\n",
                      encoding="utf-8")
        written += [plain, german, js]
    return written
