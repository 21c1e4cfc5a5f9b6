"""Validation with Great Expectations 1.x: suites generated from the catalog, and the machinery domain checks use.

A `Check` is a named list of GX expectations run against a frame (the table itself, or a frame derived from it for
rules the catalog cannot express), with a severity: `error` blocks everything downstream, `warn` is published with
the data. `run_check` returns an `Outcome` a person can act on: which expectation failed, on how many rows, and a
sample of failing rows with their delivery id and source row.

Great Expectations costs about 2 s to import, so it is imported on first use, with its progress bars off. Its
suites are built once per process and check (building one costs as much as validating a small table), and
`run_check_reusing` does not validate again what was validated before: the same stored bytes under the same
expectations (and the same code of this module) have the same verdict, which is taken from the record of the run
that established it.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from warehouse.catalog import get_table
from warehouse.schema import Table

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
    # text that determines the expectations (e.g. the catalog's definition of the table): lets `run_check_reusing`
    # decide without building them (and without importing GX); by default their configuration is hashed
    identity: str | None = None


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
    reused_from: str | None = None  # the run whose validation of the same bytes this verdict is (run_check_reusing)

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
            "failures": [f.__dict__ for f in self.failures], "reused_from": self.reused_from,
        }  # fmt: skip

    @classmethod
    def from_dict(cls, record: dict) -> Outcome:
        return cls(record["check"], record["severity"], record["passed"], record["rows"], record["seconds"],
                   [Failure(**f) for f in record["failures"]], record["description"], record.get("reused_from"))


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


CHUNK_ROWS = 1_000_000  # larger frames are validated in slices: memory stays bounded by the slice, not the table
_WHOLE_TABLE = ("expect_column_values_to_be_unique", "expect_compound_columns_to_be_unique",
                "expect_table_columns_to_match_ordered_list")  # judged on the whole table (keys), not per slice


def run_check(check: Check, frame: pd.DataFrame) -> Outcome:
    """Run one check's expectations on a frame (index reset so failing rows can be shown).

    A frame of more than CHUNK_ROWS rows is validated slice by slice for the row-wise expectations (types, nulls,
    allowed values, ranges, patterns) and counts add up; uniqueness is judged on the key columns of the whole frame
    and the column list on its first rows."""
    started = time.perf_counter()
    frame = frame.reset_index(drop=True)
    if frame.empty and check.empty_frame_columns is not None:
        # nothing to validate row by row: only the column list can be wrong (GX is not needed for that)
        if list(frame.columns) == list(check.empty_frame_columns):
            return Outcome(check.name, check.severity, True, 0, time.perf_counter() - started, [], check.description)
    sample_columns = [c for c in check.sample_columns if c in frame.columns]
    expectations = check.expectations()
    if len(frame) <= CHUNK_ROWS:
        failures = _validate(check.name, expectations, frame, sample_columns)
    else:
        whole = [e for e in expectations if e.expectation_type in _WHOLE_TABLE]
        rows = [e for e in expectations if e.expectation_type not in _WHOLE_TABLE]
        failures = []
        for first in range(0, len(frame), CHUNK_ROWS):
            part = frame.iloc[first:first + CHUNK_ROWS].reset_index(drop=True)
            failures += _validate(check.name, rows, part, sample_columns)
        for e in whole:
            columns = getattr(e, "column_list", None) or [getattr(e, "column", None)]
            keys = frame.head(CHUNK_ROWS) if e.expectation_type.startswith("expect_table") else \
                frame[[*dict.fromkeys([*columns, *sample_columns])]]
            failures += _validate(check.name, [e], keys, sample_columns)
        failures = _combined(failures, len(frame))
    return Outcome(check.name, check.severity, not failures, len(frame), time.perf_counter() - started,
                   failures, check.description)


_CODE = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()


def run_check_reusing(check: Check, frame: Callable[[], pd.DataFrame], content_key: str, record: Path,
                      run_id: str) -> Outcome:
    """`run_check`, unless `record` (a JSON file) holds the outcome of this check on the same content.

    `content_key` names the frame's content (for a stored table: the sha256 of its files); with the expectations'
    fingerprint, the installed Great Expectations and this module's code it decides whether the recorded verdict
    holds. The frame is only read when the check has to run; the record is then replaced (atomically)."""
    from importlib.metadata import version

    from warehouse.files import atomic_write_text

    started = time.perf_counter()
    identity = check.identity or expectations_fingerprint(check.expectations())
    key = hashlib.sha256("\n".join([check.name, content_key, identity, check.severity,
                                    ",".join(check.sample_columns), repr(check.empty_frame_columns),
                                    version("great_expectations"), _CODE]).encode()).hexdigest()
    if record.exists():
        try:
            stored = json.loads(record.read_text(encoding="utf-8"))
            if stored.get("key") == key:
                outcome = Outcome.from_dict(stored["outcome"])
                outcome.reused_from, outcome.seconds = stored["run_id"], time.perf_counter() - started
                return outcome
        except (OSError, ValueError, KeyError, TypeError):
            pass  # an unreadable record is not a verdict: validate again
    outcome = run_check(check, frame())
    atomic_write_text(record, json.dumps({"key": key, "run_id": run_id, "outcome": outcome.to_dict()},
                                         ensure_ascii=False, default=str))
    return outcome


def frame_fingerprint(frame: pd.DataFrame) -> str:
    """A hash of a frame's columns, types and values (row order included), for `run_check_reusing`."""
    digest = hashlib.sha256(json.dumps([[str(c), str(t)] for c, t in frame.dtypes.items()]).encode())
    try:
        hashed = pd.util.hash_pandas_object(frame, index=False)
    except TypeError:  # cells pandas cannot hash (lists, dicts): by their text
        hashed = pd.util.hash_pandas_object(frame.astype(str), index=False)
    digest.update(hashed.to_numpy().tobytes())
    return digest.hexdigest()


def _combined(failures: list[Failure], rows: int) -> list[Failure]:
    """Failures of the same expectation and column in several slices as one: counts added, the share taken over the
    whole frame, the first slice's examples and samples kept."""
    merged: dict[tuple, Failure] = {}
    for f in failures:
        key = (f.expectation, f.column)
        if key not in merged:
            merged[key] = Failure(f.expectation, f.column, f.unexpected_count, f.detail, list(f.sample))
            continue
        m = merged[key]
        m.unexpected_count += f.unexpected_count
        m.sample = (m.sample + f.sample)[:SAMPLE_ROWS]
    for m in merged.values():
        if m.unexpected_count and " row(s) unexpected" in m.detail:
            examples = m.detail.partition(", e.g. ")[2]
            m.detail = f"{m.unexpected_count} row(s) unexpected ({m.unexpected_count / rows * 100:.1f} %)" + (
                f", e.g. {examples}" if examples else "")
    return list(merged.values())


def expectations_fingerprint(expectations: list) -> str:
    """The expectations' configurations as canonical JSON, hashed: equal exactly when the suites are."""
    text = json.dumps([e.configuration.to_json_dict() for e in expectations], sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


_SUITES: dict[tuple[str, str], Any] = {}


def _suite(name: str, expectations: list):
    """The GX suite of these expectations, built once per process (keyed by name and configuration)."""
    key = (name, expectations_fingerprint(expectations))
    if key not in _SUITES:
        suite = gx().ExpectationSuite(name=name)
        for expectation in expectations:
            suite.add_expectation(expectation.copy() if hasattr(expectation, "copy") else expectation)
        _SUITES[key] = suite
    return _SUITES[key]


def _validate(name: str, expectations: list, frame: pd.DataFrame, sample_columns: list[str]) -> list[Failure]:
    _, batch_definition = _batch_definition()
    suite = _suite(name, expectations)
    batch = batch_definition.get_batch(batch_parameters={"dataframe": frame})
    # a quick pass that only says pass/fail (about a third faster); the failing rows are collected only on failure
    result = batch.validate(suite, result_format={"result_format": "BOOLEAN_ONLY"})
    if not result.success:
        result = batch.validate(suite, result_format={"result_format": "COMPLETE"})
    failures = []
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
    return failures


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
        identity=json.dumps(asdict(table), sort_keys=True,
                            default=lambda v: sorted(v, key=str) if isinstance(v, set | frozenset) else str(v)),
    )
