"""Tracing a published value back to its deliveries: which files (name, sha256, landed copy), which rows, which
emission factor rows; a gap analysis (target_measures) to the measures behind it and the deliveries of the list.
Tables that name their delivered row themselves (population, vehicle_stock, renovations, agriculture_emissions,
statistics: delivery_id, source_row) are followed directly; a row a step summed (a district from its
municipalities, a municipality's cars of all fuels from its fuels) to the delivered rows it sums.
Reads only the release (lineage, deliveries, emission_factors, targets, measures and their history, the tables
traced) and, to confirm the raw bytes, the landing zone beside it."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from warehouse.files import sha256_file

EMISSION_INDICATORS = {"emissions_change_vs_base", "sector_emissions_annual_change", "sector_emissions_yoy_change",
                       "emissions_per_inhabitant", "emissions_per_inhabitant_with_agriculture"}


def factor_row_ids(factors: pd.DataFrame) -> pd.Series:
    """The id of each emission_factors row as lineage names it: <set>:<carrier>:<sector_scope>:<region_scope>:<year>."""
    return (factors["factor_set"] + ":" + factors["carrier"] + ":" + factors["sector_scope"] + ":"
            + factors["region_scope"] + ":" + factors["year"].astype("int64").astype(str))


class TraceError(ValueError):
    """The value cannot be traced (unknown table or key, or no lineage for it)."""


def _emission_prefixes(ags: str, years: list[int], sector: str | None) -> list[str]:
    return [f"ags={ags};year={y};" + (f"sector={sector};" if sector else "") for y in years]


# Key parts each traceable table needs, with an example the error message shows.
_CELL = (["ags", "year", "sector", "carrier"], "ags=05974000 year=2020 sector=households carrier=electricity")
REQUIRED_KEYS = {
    "final_energy": _CELL,
    "emissions": _CELL,
    "balance_summary": (["ags", "year"], "ags=05974000 year=2020 balance_scope=total"),
    "indicators": (["target_set", "indicator_id", "ags", "year"],
                   "target_set=kreistag_2012 indicator_id=co2_total_vs_2007 ags=05974000 year=2020"),
}
# Tables whose rows carry their delivered row (delivery_id, source_row): traced without lineage.
DIRECT_KEYS = {
    "population": (["ags", "year"], "ags=05974040 year=2024"),
    "vehicle_stock": (["ags", "year", "vehicle_fuel"], "ags=05974000 year=2021 vehicle_fuel=all"),
    "renovations": (["ags", "year"], "ags=05974040 year=2020"),
    "agriculture_emissions": (["ags", "year"], "ags=05974040 year=2020"),
    "statistics": (["ags", "year", "statistic"], "ags=05974040 year=2008 statistic=flats"),
}
TRACEABLE = [*REQUIRED_KEYS, *DIRECT_KEYS, "target_measures"]
# The table to trace for an indicator that is no emissions cell (its values rest on that table's rows).
_INPUT_TABLES = {"renovation_growth": "renovations", "renovation_growth_yoy": "renovations",
                 "renovation_rate": "renovations", "battery_electric_share": "vehicle_stock vehicle_fuel=all"}


def output_keys(release: Path, table: str, key: dict[str, str]) -> tuple[str, list[str]]:
    """(lineage table, key prefixes) for a published row."""
    if table not in REQUIRED_KEYS:
        raise TraceError(f"tracing {table!r} is not supported; use one of {', '.join(TRACEABLE)}")
    needed, example = REQUIRED_KEYS[table]
    missing = [k for k in needed if k not in key]
    if missing:
        raise TraceError(f"{table}: give {', '.join(missing)} (e.g. {example})")
    if table in ("final_energy", "emissions"):
        view = ";view=" + key.get("view", "bisko") if table == "emissions" else ""
        return table, [";".join(f"{k}={key[k]}" for k in needed) + view]
    if table == "balance_summary":
        scope = key.get("balance_scope", "total")
        return "emissions", _emission_prefixes(key["ags"], [int(key["year"])], None if scope == "total" else scope)
    if table == "indicators":
        targets = pd.read_parquet(release / "targets.parquet")
        match = targets[(targets["target_set"] == key.get("target_set")) & (targets["indicator_id"] == key.get(
            "indicator_id"))]
        if match.empty:
            raise TraceError(f"no target {key.get('target_set')}/{key.get('indicator_id')} in this release")
        t = match.iloc[0]
        if t["indicator"] not in EMISSION_INDICATORS:
            inputs = _INPUT_TABLES.get(t["indicator"])
            where = (f"klimamonitor trace {inputs} ags={key['ags']} year={key['year']}" if inputs else
                     "its input tables")
            raise TraceError(f"indicator {t['indicator']!r} is traced through {where}; its processing note: "
                             f"{t['processing']}")
        years = sorted({int(key["year"]), *([int(t["base_year"])] if pd.notna(t["base_year"]) else [])})
        sector = None
        if t["indicator"].startswith("sector_") or "transport" in t["indicator_id"]:
            sector = "industry" if "production" in t["indicator_id"] else "transport"
        return "emissions", _emission_prefixes(key["ags"], years, sector)
    raise AssertionError(table)  # every table of REQUIRED_KEYS is handled above


def traced_rows(release: Path, table: str, key: dict[str, str]) -> list[dict]:
    """The published rows the key selects (all rows of the key's cells, e.g. every view of an emissions cell unless
    `view=` is given), as records."""
    frame = pd.read_parquet(release / f"{table}.parquet")
    for column, value in key.items():
        if column in frame.columns:
            frame = frame[frame[column].astype(str) == value]
    return frame.to_dict("records")


def trace(release: Path, table: str, key: dict[str, str]) -> dict:
    if table == "target_measures":
        return trace_gap(release, key)
    if table in DIRECT_KEYS:
        return trace_direct(release, table, key)
    lineage_table, prefixes = output_keys(release, table, key)
    lineage = pd.read_parquet(release / "lineage.parquet")
    lineage = lineage[lineage["output_table"] == lineage_table]
    chosen = lineage[lineage["output_key"].map(lambda k: any(k.startswith(p) for p in prefixes))]
    if chosen.empty:
        raise TraceError(f"no lineage for {table} {key} in release {release.name}")
    files = delivered_files(release, chosen)
    factors = pd.read_parquet(release / "emission_factors.parquet")
    factors["factor_row"] = factor_row_ids(factors)
    used = factors[factors["factor_row"].isin(set(chosen["factor_row"].dropna()))]
    if table == "indicators":
        files += _beside_emissions(release, key)
    return {"table": table, "key": key, "cells": int(chosen["output_key"].nunique()), "deliveries": files,
            "factors": used[["factor_row", "g_co2e_per_kwh", "source", "derivation"]].to_dict("records")}


# Emissions indicators divided by or added to another table's values: those rows are traced too.
_BESIDE_EMISSIONS = {"emissions_per_inhabitant": ("population",),
                     "emissions_per_inhabitant_with_agriculture": ("population", "agriculture_emissions")}


def _beside_emissions(release: Path, key: dict[str, str]) -> list[dict]:
    """The deliveries of the population (and agriculture) an emissions indicator per inhabitant rests on, in the
    value's year."""
    targets = pd.read_parquet(release / "targets.parquet")
    target = targets[(targets["target_set"] == key["target_set"]) & (targets["indicator_id"] == key["indicator_id"])]
    files = []
    for table in _BESIDE_EMISSIONS.get(target.iloc[0]["indicator"], ()):
        try:
            files += trace_direct(release, table, {"ags": key["ags"], "year": key["year"]})["deliveries"]
        except TraceError:
            pass  # no row for the year: the indicator has no value then, and nothing to trace
    return files


def trace_direct(release: Path, table: str, key: dict[str, str]) -> dict:
    """A row of a table that names its delivered row: that delivery and row; a row without one (a sum) is followed
    to the delivered rows it sums (sources_of)."""
    needed, example = DIRECT_KEYS[table]
    missing = [k for k in needed if k not in key]
    if missing:
        raise TraceError(f"{table}: give {', '.join(missing)} (e.g. {example})")
    frame = pd.read_parquet(release / f"{table}.parquet")
    chosen = frame
    for column, value in key.items():
        if column not in frame.columns:
            raise TraceError(f"{table} has no column {column!r}; its key: {', '.join(needed)}")
        chosen = chosen[chosen[column].astype(str) == value]
    if chosen.empty:
        raise TraceError(f"no row of {table} for {key} in release {release.name}")
    places = pd.read_parquet(release / "municipalities.parquet")
    districts = set(places.loc[places["kind"] == "district", "ags"])
    delivered = pd.concat([sources_of(frame, row, districts) for _, row in chosen.iterrows()], ignore_index=True)
    return {"table": table, "key": key, "cells": len(chosen), "deliveries": delivered_files(release, delivered),
            "factors": []}


def sources_of(frame: pd.DataFrame, row: pd.Series, districts: set[str]) -> pd.DataFrame:
    """The delivered rows behind one published row: itself where it names its delivery; for a district row summed
    from its municipalities their rows of the same year (and fuel, statistic); for a place's cars of all fuels
    summed from its fuels, those (also below a summed district row). A cell nobody delivered has none. Vectorised:
    a state's row sums ten thousand municipalities."""
    if pd.notna(row.get("delivery_id")):
        return row.to_frame().T
    same = frame[frame["year"] == row["year"]]
    for column in ("statistic", "detail", "table_code"):
        if column in frame.columns:
            same = same[same[column] == row[column]]
    by_fuel = "vehicle_fuel" in frame.columns
    if row["ags"] in districts:
        parts = same[~same["ags"].isin(districts)]
        if by_fuel:
            parts = parts[parts["vehicle_fuel"] == row["vehicle_fuel"]]
    elif by_fuel and row["vehicle_fuel"] == "all":
        parts = same[(same["ags"] == row["ags"]) & (same["vehicle_fuel"] != "all")]
    else:
        return frame.iloc[0:0]
    delivered = parts[parts["delivery_id"].notna()]
    if by_fuel:  # places whose cars of all fuels are themselves a sum: their fuels' rows
        summed = parts.loc[parts["delivery_id"].isna() & (parts["vehicle_fuel"] == "all"), "ags"]
        fuels = same[same["ags"].isin(set(summed)) & (same["vehicle_fuel"] != "all") & same["delivery_id"].notna()]
        delivered = pd.concat([delivered, fuels])
    return delivered


def trace_gap(release: Path, key: dict[str, str]) -> dict:
    """A gap analysis (target_measures) back to the measures serving the target, every delivery of the list each
    appears in (file, rows) and, for emissions targets, the emissions cells of the value's year and base year."""
    missing = [k for k in ("target_set", "indicator_id") if k not in key]
    if missing:
        raise TraceError(f"target_measures: give {', '.join(missing)} (e.g. target_set=kreistag_2012 "
                         "indicator_id=co2_total_vs_2007)")
    gaps = pd.read_parquet(release / "target_measures.parquet")
    gap = gaps[(gaps["target_set"] == key["target_set"]) & (gaps["indicator_id"] == key["indicator_id"])]
    if gap.empty:
        raise TraceError(f"no gap analysis for {key['target_set']}/{key['indicator_id']} in this release")
    measures = pd.read_parquet(release / "measures.parquet")
    serving = measures.loc[measures["target_indicators"].map(lambda ids: key["indicator_id"] in list(ids)).astype(bool)]
    history = pd.read_parquet(release / "measure_status_history.parquet")
    listed = history[history["measure_id"].isin(set(serving["measure_id"])) & history["source_row"].notna()]
    result = {"table": "target_measures", "key": key, "cells": len(serving),
              "deliveries": delivered_files(release, listed), "factors": [],
              "measures": serving[["measure_id", "measure_title", "measure_status", "savings_t_co2e_per_year",
                                   "delivery_id", "source_row"]].to_dict("records")}
    year = gap.iloc[0]["year"]
    if pd.notna(year):
        try:  # the value the gap is measured at, for emissions targets
            value = trace(release, "indicators", {**key, "ags": gap.iloc[0]["ags"], "year": str(int(year))})
            result["deliveries"] += value["deliveries"]
            result["factors"] = value["factors"]
        except TraceError:
            pass  # not an emissions indicator: its inputs are traced through their own tables
    return result


def delivered_files(release: Path, chosen: pd.DataFrame) -> list[dict]:
    """The deliveries behind rows with delivery_id and source_row: file, partner, sha256, landed copy verified."""
    deliveries = pd.read_parquet(release / "deliveries.parquet").set_index("delivery_id")
    data_dir = release.parent.parent
    files = []
    for delivery_id, rows in chosen.dropna(subset=["delivery_id"]).groupby("delivery_id"):
        d = deliveries.loc[delivery_id]
        landed = data_dir / d["landed_path"]
        files.append({
            "delivery_id": delivery_id, "file_name": d["file_name"], "partner": d["partner"], "sha256": d["sha256"],
            "landed_path": str(landed), "status": d["status"],
            "bytes_verified": landed.exists() and sha256_file(landed) == d["sha256"],
            "source_rows": sorted(int(r) for r in rows["source_row"].dropna().unique()),
        })  # fmt: skip
    return files
