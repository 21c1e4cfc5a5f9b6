"""Derived exports of a release (Parquet stays the record): CSV in UTF-8, CSV in the German Excel dialect (`;`,
decimal comma, booleans as `ja`/`nein`, UTF-8 with BOM, CRLF) and JSON, one file each per table under `exports/`.

CSV numbers are rounded to the decimals the catalog declares per column (`Field.decimals`) and written in fixed
notation (no float noise such as 3270919.8887670003, no exponent); JSON keeps the stored values. Timestamps are ISO
8601 in UTC (`2026-11-25T14:03:07Z`).

Written by DuckDB straight from the release's Parquet files (columnar, in C++: a national lineage table of millions
of rows takes seconds, not minutes). Text that came from partners is neutralised against formula injection in the
CSV files: a cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading apostrophe, so a
spreadsheet shows it as text instead of running it; JSON keeps the value. List columns are written as JSON text.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pandas as pd

from warehouse.catalog import get_table

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_BOM = b"\xef\xbb\xbf"


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _csv_columns(con: duckdb.DuckDBPyConnection, source: str, table: str, german: bool) -> str:
    """The SELECT list of a CSV export: text neutralised, lists as JSON, numbers rounded to the catalog's decimals
    (decimal comma if German), timestamps ISO 8601, booleans ja/nein if German."""
    starts = ", ".join("'" + s.replace("'", "''") + "'" for s in _FORMULA_START)
    catalog = get_table(table)
    columns = []
    for name, kind, *_ in con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall():
        col = _quoted(name)
        decimals = catalog.column(name).decimals
        if kind == "VARCHAR":
            expr = f"CASE WHEN left({col}, 1) IN ({starts}) THEN '''' || {col} ELSE {col} END"
        elif kind.endswith("[]"):
            expr = f"CAST(to_json({col}) AS VARCHAR)"
        elif kind in ("DOUBLE", "FLOAT") and decimals is not None:
            expr = (f"CASE WHEN isfinite({col}) THEN CAST(CAST(round({col}, {decimals}) AS DECIMAL(38, {decimals})) "
                    "AS VARCHAR) END")
            expr = f"replace({expr}, '.', ',')" if german else expr
        elif kind.startswith("TIMESTAMP"):
            expr = f"strftime(CAST({col} AS TIMESTAMP), '%Y-%m-%dT%H:%M:%SZ')"
        elif kind == "BOOLEAN" and german:
            expr = f"CASE WHEN {col} THEN 'ja' WHEN NOT {col} THEN 'nein' END"
        else:
            expr = col
        columns.append(f"{expr} AS {col}")
    return ", ".join(columns)


def write_exports(release_dir: Path, tables: list[str]) -> list[Path]:
    folder = Path(release_dir) / "exports"
    (folder / "de").mkdir(parents=True, exist_ok=True)
    written = []
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")  # timestamps as stored (UTC), whatever the machine's zone
    try:
        for name in tables:
            parquet = str(Path(release_dir) / f"{name}.parquet").replace("'", "''")
            source = f"read_parquet('{parquet}')"
            plain, german, js = folder / f"{name}.csv", folder / "de" / f"{name}.csv", folder / f"{name}.json"
            con.execute(f"COPY (SELECT {_csv_columns(con, source, name, False)} FROM {source}) TO '{_sql_path(plain)}' "
                        "(FORMAT csv, HEADER)")
            body = german.with_suffix(".body")
            con.execute(f"COPY (SELECT {_csv_columns(con, source, name, True)} FROM {source}) TO '{_sql_path(body)}' "
                        "(FORMAT csv, HEADER, DELIMITER ';', NEW_LINE '\r\n')")
            with open(german, "wb") as out, open(body, "rb") as data:
                out.write(_BOM)
                shutil.copyfileobj(data, out, 16 * 2**20)
            body.unlink()
            con.execute(f"COPY (SELECT * FROM {source}) TO '{_sql_path(js)}' (FORMAT json, ARRAY true)")
            written += [plain, german, js]
    finally:
        con.close()
    return written


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")


INDICATORS_LATEST = "indicators_latest.json"
_LATEST_KEYS = ["target_set", "indicator_id", "title_de", "title_en", "ags", "name", "year", "value", "unit",
                "target_value", "comparator", "base_year", "target_year", "status", "status_reason", "conformity",
                "release_id"]


def write_indicators_latest(release_dir: Path, release_id: str) -> Path | None:
    """`exports/indicators_latest.json` for dashboards: per target and place the latest year with a value (or the
    latest year, when none has one), with target, status, unit, conformity (null while the indicators table has no
    `conformity` column) and the release id; keys in a fixed order, rows sorted by target set, indicator and place.
    None when the release has no indicators."""
    paths = {t: Path(release_dir) / f"{t}.parquet" for t in ("indicators", "targets", "municipalities")}
    if not paths["indicators"].exists():
        return None
    frame = pd.read_parquet(paths["indicators"])
    if "conformity" not in frame.columns:
        frame["conformity"] = None
    frame["_has_value"] = frame["value"].notna()
    key = ["target_set", "indicator_id", "ags"]
    latest = (frame.sort_values([*key, "_has_value", "year"], kind="mergesort")
              .drop_duplicates(key, keep="last"))
    if paths["targets"].exists():
        titles = pd.read_parquet(paths["targets"], columns=["target_set", "indicator_id", "title_de", "title_en",
                                                            "comparator"])
        latest = latest.merge(titles, on=["target_set", "indicator_id"], how="left")
    if paths["municipalities"].exists():
        latest = latest.merge(pd.read_parquet(paths["municipalities"], columns=["ags", "name"]), on="ags", how="left")
    latest["release_id"] = release_id
    decimals = get_table("indicators").column("value").decimals
    records = []
    for row in latest.sort_values(key).reindex(columns=_LATEST_KEYS).to_dict("records"):
        clean = {k: (None if _missing(v) else v) for k, v in row.items()}
        for k in ("value", "target_value"):
            if clean[k] is not None:
                clean[k] = round(float(clean[k]), decimals)
        for k in ("year", "base_year", "target_year"):
            if clean[k] is not None:
                clean[k] = int(clean[k])
        records.append(clean)
    target = Path(release_dir) / "exports" / INDICATORS_LATEST
    target.write_text(json.dumps({"release_id": release_id, "indicators": records}, indent=1, ensure_ascii=False)
                      + "\n", encoding="utf-8")
    return target


def _missing(value) -> bool:
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))  # None, NaN, pd.NA, NaT
