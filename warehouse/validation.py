"""Validation with Great Expectations 1.x: suites generated from the catalog, and the machinery domain checks use.

A `Check` is a named list of GX expectations run against a frame (the table itself, or a frame derived from it for
rules the catalog cannot express), with a severity: `error` blocks everything downstream, `warn` is published with
the data. `run_check` returns an `Outcome` a person can act on: which expectation failed, on how many rows, and a
sample of failing rows with their delivery id and source row.

Great Expectations costs about 2 s to import, so it is imported on first use, with its progress bars off.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import pandas as pd

from warehouse.catalog import Table, get_table

ERROR = "error"
WARN = "warn"
SAMPLE_ROWS = 5
# How GX names the values of each logical type in a frame read from the store.
_GX_TYPES = {"string": "str", "ags": "str", "integer": "int64", "year": "int64", "number": "float64",
             "boolean": "bool", "datetime": "Timestamp"}  # fmt: skip


@lru_cache(maxsize=1)
def _batch_definition():
    import logging

    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    source = context.data_sources.add_pandas("klimamonitor")
    return context, source.add_dataframe_asset(name="frame").add_batch_definition_whole_dataframe("whole")


def gx():
    import great_expectations

    return great_expectations


@dataclass
class Check:
    name: str
    description: str
    expectations: Callable[[], list]  # built lazily (GX imported on first use)
    severity: str = ERROR
    sample_columns: Sequence[str] = ()
    empty_frame_columns: Sequence[str] | None = None  # an empty frame with exactly these columns passes


@dataclass
class Failure:
    expectation: str
    column: str | None
    unexpected_count: int
    detail: str
    sample: list[dict] = field(default_factory=list)


@dataclass
class Outcome:
    check: str
    severity: str
    passed: bool
    rows: int
    seconds: float
    failures: list[Failure] = field(default_factory=list)
    description: str = ""

    def summary(self) -> str:
        if self.passed:
            return f"{self.check}: passed ({self.rows} rows)"
        parts = [f"{f.expectation}{f' on {f.column}' if f.column else ''}: {f.detail}"
                 + (f"; first row {f.sample[0]}" if f.sample else "") for f in self.failures]
        return f"{self.check}: " + "; ".join(parts)

    def to_dict(self) -> dict:
        return {
            "check": self.check, "severity": self.severity, "passed": self.passed, "rows": self.rows,
            "seconds": round(self.seconds, 4), "description": self.description,
            "failures": [f.__dict__ for f in self.failures],
        }  # fmt: skip


def _json_safe(value: Any) -> Any:
    if hasattr(value, "item") and not isinstance(value, list | dict | str):
        try:
            value = value.item()  # numpy scalars
        except (ValueError, TypeError):
            pass
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return None if value != value else value
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return json.loads(json.dumps(value, default=str)) if isinstance(value, list | dict) else str(value)


def run_check(check: Check, frame: pd.DataFrame) -> Outcome:
    """Run one check's expectations on a frame (index reset so failing rows can be shown)."""
    started = time.perf_counter()
    frame = frame.reset_index(drop=True)
    if frame.empty and check.empty_frame_columns is not None:
        # nothing to validate row by row: only the column list can be wrong (GX is not needed for that)
        if list(frame.columns) == list(check.empty_frame_columns):
            return Outcome(check.name, check.severity, True, 0, time.perf_counter() - started, [], check.description)
    _, batch_definition = _batch_definition()
    suite = gx().ExpectationSuite(name=check.name)
    for expectation in check.expectations():
        suite.add_expectation(expectation)
    batch = batch_definition.get_batch(batch_parameters={"dataframe": frame})
    # a quick pass that only says pass/fail (about a third faster); the failing rows are collected only on failure
    result = batch.validate(suite, result_format={"result_format": "BOOLEAN_ONLY"})
    if not result.success:
        result = batch.validate(suite, result_format={"result_format": "COMPLETE"})
    failures = []
    sample_columns = [c for c in check.sample_columns if c in frame.columns]
    for r in result.results:
        if r.success:
            continue
        kwargs = r.expectation_config.kwargs
        kind = r.expectation_config.type
        column = kwargs.get("column") or (
            ", ".join(kwargs["column_list"]) if "column_list" in kwargs and not kind.startswith("expect_table") else None
        )
        res = r.result or {}
        count = int(res.get("unexpected_count") or 0)
        positions = list(res.get("unexpected_index_list") or [])[:SAMPLE_ROWS]
        sample = []
        for pos in positions:
            if isinstance(pos, dict):  # compound expectations report the row's key values
                sample.append({k: _json_safe(v) for k, v in pos.items()})
                continue
            row = frame.iloc[int(pos)]
            shown = [*sample_columns, *([kwargs["column"]] if "column" in kwargs else [])]
            sample.append({c: _json_safe(row[c]) for c in dict.fromkeys(shown)})
        if r.exception_info and r.exception_info.get("raised_exception"):
            detail = f"could not be evaluated: {r.exception_info.get('exception_message')}"
        elif "observed_value" in res and not count:
            detail = f"observed {res['observed_value']!r}"
        else:
            pct = res.get("unexpected_percent")
            detail = f"{count} row(s) unexpected" + (f" ({pct:.1f} %)" if pct is not None else "")
            if res.get("partial_unexpected_list"):
                values = [_json_safe(v) for v in res["partial_unexpected_list"][:SAMPLE_ROWS]]
                detail += f", e.g. {values}"
        failures.append(Failure(kind, column, count, detail, sample))
    return Outcome(check.name, check.severity, not failures, len(frame), time.perf_counter() - started,
                   failures, check.description)


# ---------------------------------------------------------------------------------------------------------------
# Suites generated from the catalog


def catalog_expectations(table: Table) -> list:
    """Required columns, types, not-null keys, unique key, allowed values, ranges and patterns of a table."""
    E = gx().expectations
    out: list = [E.ExpectTableColumnsToMatchOrderedList(column_list=table.column_names)]
    for col in table.columns:
        if col.type in _GX_TYPES:
            out.append(E.ExpectColumnValuesToBeOfType(column=col.name, type_=_GX_TYPES[col.type]))
        if col.required:
            out.append(E.ExpectColumnValuesToNotBeNull(column=col.name))
        if col.allowed:
            out.append(E.ExpectColumnValuesToBeInSet(column=col.name, value_set=list(col.allowed)))
        if col.minimum is not None or col.maximum is not None:
            out.append(E.ExpectColumnValuesToBeBetween(column=col.name, min_value=col.minimum,
                                                       max_value=col.maximum))
        if col.pattern:
            out.append(E.ExpectColumnValuesToMatchRegex(column=col.name, regex=col.pattern))
    if len(table.primary_key) == 1:
        out.append(E.ExpectColumnValuesToBeUnique(column=table.primary_key[0]))
    elif table.primary_key:
        out.append(E.ExpectCompoundColumnsToBeUnique(column_list=list(table.primary_key)))
    return out


def catalog_check(table_name: str) -> Check:
    table = get_table(table_name)
    lineage = [c for c in ("delivery_id", "source_row") if c in table.column_names]
    return Check(
        name=f"{table_name}_matches_catalog",
        description=f"{table_name} has the catalog's columns, types, keys, allowed values and ranges",
        expectations=lambda: catalog_expectations(table),
        severity=ERROR,
        sample_columns=lineage or list(table.primary_key),
        empty_frame_columns=table.column_names,
    )
