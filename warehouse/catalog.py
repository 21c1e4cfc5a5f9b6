"""The central catalog: every table and column klimamonitor writes, defined once.

The classes (`Field`: a column with type, unit, description, allowed values or range; `Table`: a field list plus a
primary key) are in `warehouse/schema.py`; `warehouse/fields.py` and `warehouse/tables.py` hold the definitions as
data, the controlled vocabularies are in `warehouse/vocabularies.py`. This module turns them into everything
else: Parquet schemas with descriptions and units in the footer, frame conformance (`conform`), the Frictionless
`datapackage.json` and the Markdown data dictionary. Validation suites (Great Expectations) are built from it too.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping

import pandas as pd
import pyarrow as pa

from warehouse.schema import CatalogError, Field, Table  # noqa: F401 (CatalogError: raised to callers of the catalog)
from warehouse.tables import TABLES

CONTRACT_VERSION = "3.4.0"
CONTRACT_NOTES = (
    "1.0.0: the first version. "
    "1.1.0: additive; published table `municipalities` (ags, name, kind, area) for joining names to keys. "
    "1.2.0: additive; `balance_summary` (per place, year and sector: totals, per inhabitant, weighted data quality); "
    "`final_energy.data_quality_score`; `emission_factors.delivery_id/source_row` (the delivered row behind a factor). "
    "1.3.0: additive; `targets.indicator/definition/notes/processing` (indicator metadata travels with the data); "
    "published tables `renovations`, `ets_installations`, "
    "`agriculture_emissions`, `vehicle_stock`. "
    "1.4.0: confidentiality; with `publishing.min_consumers` a municipal cell resting on fewer metering points is "
    "published null with `value_status = confidential` (final_energy; null in emissions), with secondary suppression "
    "and the place's sector and total rows of `balance_summary` (null, complete = false) and its `indicators` of that "
    "year (`not_assessable`, reason given); district rows keep the full total, so published municipal cells of a "
    "suppressed group no longer add up to the district row. "
    "1.5.0: exports; datapackage.json describes the UTF-8 CSV exports (tabular-data-resource, bytes and sha256 of the "
    "CSV; the Parquet file beside it as `klimamonitor:parquet`) with licenses, sources and contributors; CSV numbers "
    "rounded to the catalog's decimals per column in fixed notation, timestamps ISO 8601 UTC, German CSV booleans "
    "ja/nein; new files exports/klimamonitor.xlsx and exports/indicators_latest.json; column comments in the DuckDB "
    "file and in PostgreSQL. "
    "2.0.0: breaking (BISKO method, docs/contract.md); heat pumps counted once (ambient heat = heat-pump electricity "
    "× SPF, the electricity taken out of its cell); `emission_factors` keyed with `region_scope` (plant district-heat "
    "factors beside the default); `lineage.factor_row` = set:carrier:sector_scope:region_scope:year; one sign "
    "convention in `indicators` (changes negative = less; targets stated alike; `base_value` the base year's "
    "quantity; `gap` = target − value; compound rates for both rate targets); verdicts only on complete inputs; "
    "`indicators.conformity`; `balance_summary.per_inhabitant_complete`; new published table `bisko_conformity`; "
    "gas Hi = Hs ÷ 1.11 unless a delivery states its ratio; new required cells (rail, battery-electric road "
    "transport, solar thermal, district heat where a network exists, non-grid fuels, ambient heat); "
    "`vehicle_stock.vehicle_fuel` may be `all` (KBA FZ 3 counts cars without a split by fuel). "
    "2.1.0: additive; `targets.target_set_title_de/definition_de/notes_de/interpretation_de/source_de/processing_de` "
    "(the German texts the report shows)."
    " 2.2.0: additive (the work programme); published tables `measures` (the list of measures with German names and "
    "overdue flags), `measure_status_history` (status and budget per measure and delivery of the list), "
    "`eea_assessment` (points, share and award level per field of action and year) and `target_measures` (the gap "
    "per target beside the measures' estimated savings by status)."
    " 2.3.0: additive; `municipalities.kind` may be `district_free_city`; reasons of not_assessable indicators name "
    "the missing source family; `publishing.workbook: false` leaves exports/klimamonitor.xlsx out."
    " 3.0.0: breaking for readers of the workbook only; exports/klimamonitor.xlsx has no `lineage` sheet (its first "
    "sheet says where lineage is: lineage.parquet, exports/lineage.csv, the DuckDB file, `klimamonitor trace`), nor "
    "a sheet for a table above `publishing.workbook_max_rows` (100,000); every table and every other file is "
    "unchanged."
    " 3.1.0: additive; `deliveries.origin` (real_public, synthetic_demo or partner_deliveries: where each delivery's "
    "data come from), also in the manifest's `inputs.deliveries`; `deliveries.cells_confidential` and "
    "`cells_without_value` (the cells the partner marked, per file); the report's demo banner names the real files; the "
    "Kreis Soest demo's 2024 population is IT.NRW's real table 12411-15i."
    " 3.2.0: additive; published table `statistics` (values of the offices' GENESIS tables by rule: area, buildings, "
    "flats, living area, passenger cars, the industry's energy use incl. non-energy use; never a balance input); "
    "`population.census_basis` and `basis_break`; `vehicle_stock` has a fuel `all` row per place and year (delivered "
    "or summed). The demo takes its 2008-2015 population, the municipality directory, the area and the 2021 car stock "
    "from real files."
    " 3.3.0: meaning refined, no column changed; a district row (population, vehicle_stock, agriculture_emissions, "
    "renovations) is the district's own delivered figure where the delivery of its municipalities' rows states one "
    "(the offices' district rows, KBA's registration-district total: complete, with its delivery_id), or where no "
    "municipality has a value; else the min-count sum of its municipalities as before."
    " 3.4.0: additive; `population.source_row`, and `delivery_id`/`source_row` in `vehicle_stock`, `renovations` and "
    "`agriculture_emissions`: the delivered row a value is (null for a sum of municipalities or a cell nobody "
    "delivered), so `klimamonitor trace` follows these tables to the file; `indicators.data_quality` is null where "
    "the year has no value (a grade belongs to a value)."
)

def get_table(name: str) -> Table:
    try:
        return TABLES[name]
    except KeyError:
        raise CatalogError(
            f"table {name!r} is not in the catalog (warehouse/tables.py); every written table must be defined there"
        ) from None


def all_tables() -> dict[str, Table]:
    return dict(TABLES)


# ---------------------------------------------------------------------------------------------------------------
# Parquet schema and conformance


def arrow_schema(table: Table) -> pa.Schema:
    """The Parquet schema of a table, with description and unit of every column in the footer."""
    arrow_fields = []
    for col in table.columns:
        meta = {"description": col.description}
        if col.unit:
            meta["unit"] = col.unit
        arrow_fields.append(pa.field(col.name, col.arrow_type, nullable=not col.required, metadata=meta))
    schema_meta = {
        "klimamonitor.table": table.name,
        "klimamonitor.layer": table.layer,
        "klimamonitor.description": table.description,
        "klimamonitor.primary_key": json.dumps(list(table.primary_key)),
        "klimamonitor.contract_version": CONTRACT_VERSION,
    }
    return pa.schema(arrow_fields, metadata=schema_meta)


def _to_arrow_column(series: pd.Series, col: Field, table: Table) -> pa.Array:
    try:
        if col.type in ("integer", "year"):
            numeric = pd.to_numeric(series, errors="raise")
            if numeric.notna().any() and not (numeric.dropna() == numeric.dropna().round()).all():
                raise ValueError("non-integer values")
            return pa.array(numeric.astype("Int64"), type=col.arrow_type, from_pandas=True)
        if col.type == "datetime":
            return pa.array(pd.to_datetime(series, utc=True), type=col.arrow_type, from_pandas=True)
        if col.type == "date":
            return pa.array(pd.to_datetime(series).dt.date, type=col.arrow_type, from_pandas=True)
        if col.type in ("string", "ags"):
            if pd.api.types.infer_dtype(series, skipna=True) in ("string", "empty"):  # the usual case, columnar
                return pa.array(series, type=col.arrow_type, from_pandas=True)
            values = [None if _isna(v) else v for v in series.tolist()]
            bad = [v for v in values if v is not None and not isinstance(v, str)]
            if bad:
                raise TypeError(f"non-string values such as {bad[0]!r}")
            return pa.array(values, type=col.arrow_type)
        if col.type == "boolean":
            if pd.api.types.infer_dtype(series, skipna=True) in ("boolean", "empty"):
                return pa.array(series, type=col.arrow_type, from_pandas=True)
            values = [None if _isna(v) else v for v in series.tolist()]
            bad = [v for v in values if v is not None and v not in (True, False)]
            if bad:
                raise TypeError(f"non-boolean values such as {bad[0]!r}")
            return pa.array(values, type=col.arrow_type)
        if col.type.startswith("list_"):
            return pa.array([None if v is None else list(v) for v in series.tolist()], type=col.arrow_type)
        return pa.array(series, type=col.arrow_type, from_pandas=True)
    except (TypeError, ValueError, pa.ArrowInvalid, pa.ArrowTypeError) as exc:
        raise CatalogError(f"table {table.name!r}, column {col.name!r}: cannot store as {col.type}: {exc}") from exc


def _isna(value) -> bool:
    if isinstance(value, list | tuple | dict):
        return False
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def conform(frame: pd.DataFrame, table: Table | str) -> pa.Table:
    """The frame as an arrow table of exactly the catalog schema, sorted by the key.

    Raises CatalogError naming table and column for a missing or undeclared column, a value that does not fit the
    declared type, a null in a required column, or a duplicated primary key.
    """
    table = get_table(table) if isinstance(table, str) else table
    present = list(frame.columns)
    missing = [c for c in table.column_names if c not in present]
    extra = [c for c in present if c not in table.column_names]
    if missing or extra:
        parts = []
        if missing:
            parts.append(f"missing columns {missing}")
        if extra:
            parts.append(f"columns not in the catalog {extra}")
        raise CatalogError(f"table {table.name!r}: " + "; ".join(parts) + " (see warehouse/tables.py)")
    frame = frame.reset_index(drop=True)
    if table.primary_key:
        dupes = frame.duplicated(list(table.primary_key), keep=False)
        if dupes.any():
            sample = frame.loc[dupes, list(table.primary_key)].head(3).to_dict("records")
            raise CatalogError(
                f"table {table.name!r}: {int(dupes.sum())} rows share a primary key {list(table.primary_key)}, "
                f"e.g. {sample}"
            )
    if table.order:
        frame = frame.sort_values(table.order, kind="mergesort", na_position="last").reset_index(drop=True)
    arrays = []
    for col in table.columns:
        arr = _to_arrow_column(frame[col.name], col, table)
        if col.required and arr.null_count:
            raise CatalogError(f"table {table.name!r}, column {col.name!r}: {arr.null_count} null values in a required column")
        arrays.append(arr)
    return pa.Table.from_arrays(arrays, schema=arrow_schema(table))


# ---------------------------------------------------------------------------------------------------------------
# Descriptors generated from the catalog


def frictionless_schema(table: Table) -> dict:
    fields = []
    for col in table.columns:
        f: dict = {"name": col.name, "type": col.frictionless_type, "description": col.description}
        if col.unit:
            f["unit"] = col.unit
        constraints: dict = {}
        if col.required:
            constraints["required"] = True
        if col.allowed:
            constraints["enum"] = list(col.allowed)
        if col.minimum is not None:
            constraints["minimum"] = col.minimum
        if col.maximum is not None:
            constraints["maximum"] = col.maximum
        if col.pattern:
            constraints["pattern"] = col.pattern
        if constraints:
            f["constraints"] = constraints
        fields.append(f)
    schema: dict = {"fields": fields}
    if table.primary_key:
        schema["primaryKey"] = list(table.primary_key)
    return schema


def datapackage(resources: Mapping[str, dict], *, name: str, title: str, version: str, data_origin: str,
                licenses: Iterable[Mapping] = (), sources: Iterable[Mapping] = (),
                contributors: Iterable[Mapping] = ()) -> dict:
    """A Frictionless Data Package descriptor of the release's CSV exports (which `frictionless validate` reads
    exactly; the Parquet file of each table, the record, is named beside it).

    `resources` maps table name to {path, sha256, bytes} of the UTF-8 CSV and `parquet`: {path, sha256, bytes}.
    `licenses`, `sources` and `contributors` are Data Package properties (name/path/title; title/path;
    title/role/organization/email/path) taken from the configuration."""
    res = []
    for table_name in sorted(resources):
        table = get_table(table_name)
        info = resources[table_name]
        res.append(
            {
                "name": table.name,
                "path": info["path"],
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "description": table.description,
                "hash": f"sha256:{info['sha256']}",
                "bytes": info["bytes"],
                "schema": frictionless_schema(table),
                "klimamonitor:parquet": {"path": info["parquet"]["path"], "hash": f"sha256:{info['parquet']['sha256']}",
                                         "bytes": info["parquet"]["bytes"]},
            }
        )
    descriptor = {
        "profile": "tabular-data-package",
        "name": name,
        "title": title,
        "version": version,
        "keywords": ["BISKO", "CO2", "Klimaschutz", "energy balance"],
        "licenses": [dict(x) for x in licenses],
        "sources": [dict(x) for x in sources],
        "contributors": [dict(x) for x in contributors],
        "klimamonitor": {"data_origin": data_origin, "contract_version": CONTRACT_VERSION},
        "resources": res,
    }
    return {k: v for k, v in descriptor.items() if v != []}


def comment_statements(table: Table, qualified: str, kind: str = "TABLE") -> list[str]:
    """`COMMENT ON` statements (PostgreSQL syntax, which DuckDB follows) for a table or view and each column:
    description and unit from the catalog. `qualified` is the quoted (schema-qualified) name in the database."""
    def literal(text: str) -> str:
        return "'" + text.replace("'", "''") + "'"

    return [f"COMMENT ON {kind} {qualified} IS {literal(table.description)}",
            *(f'COMMENT ON COLUMN {qualified}."{c.name}" IS {literal(c.comment)}' for c in table.columns)]


def data_dictionary_markdown() -> str:
    """docs/data-dictionary.md, generated; `klimamonitor docs --out docs/data-dictionary.md` rewrites it and a test
    keeps it current."""
    lines = [
        "# Data dictionary",
        "",
        "Generated from the central catalog (`warehouse/fields.py`, `warehouse/tables.py`) by `klimamonitor docs`",
        "(`--out docs/data-dictionary.md`); do not edit by hand. Decimals: what the CSV and xlsx exports round to.",
        "Published tables are the contract (`docs/contract.md`); the others are internal.",
        f"Contract version {CONTRACT_VERSION}.",
        "",
    ]
    tables = all_tables()
    for layer in ("published", "raw", "core", "balance", "indicators"):
        in_layer = [t for t in tables.values() if (t.published if layer == "published" else (t.layer == layer and not t.published))]
        if not in_layer:
            continue
        lines += [f"## {layer.capitalize()} tables", ""]
        for t in sorted(in_layer, key=lambda t: t.name):
            key = ", ".join(t.primary_key) or "(none)"
            lines += [f"### `{t.name}`", "", t.description, "", f"Primary key: {key}", ""]
            lines += ["| column | type | unit | decimals | description | allowed |", "|---|---|---|---|---|---|"]
            for c in t.columns:
                allowed = ""
                if c.allowed:
                    allowed = ", ".join(f"`{a}`" for a in c.allowed)
                elif c.minimum is not None or c.maximum is not None:
                    allowed = f"{'' if c.minimum is None else c.minimum} … {'' if c.maximum is None else c.maximum}"
                elif c.pattern:
                    allowed = f"`{c.pattern}`"
                req = " (required)" if c.required else ""
                decimals = "" if c.decimals is None else c.decimals
                lines.append(f"| `{c.name}` | {c.type}{req} | {c.unit or ''} | {decimals} | {c.description} "
                             f"| {allowed} |")
            lines.append("")
    return "\n".join(lines)
