"""What a person sees while the pipeline runs: one line per asset as it finishes, and a summary at the end.

`progress_logger` replaces Dagster's console logger for `klimamonitor run`; `RunSummary` is collected from the
run's events afterwards, so the summary reports what Dagster recorded, not what we hoped happened.
"""

from __future__ import annotations

import logging
import re
import sys
import time
from dataclasses import dataclass, field
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from dagster import DagsterEventType, LoggerDefinition, logger

from assets.config import DEFAULT_CONFIG, resolve_data_dir
from warehouse.redact import redact


def error_message(err) -> str:
    """The message a person needs from a Dagster error: the innermost cause, not Dagster's wrapper; credentials
    masked (warehouse/redact.py), whatever the message came from."""
    if err is None:
        return "failed"
    while getattr(err, "cause", None) is not None:
        err = err.cause
    return redact(err.message.strip())


# Errors that no klimamonitor code raises on purpose: a computation met an input it does not handle.
UNEXPECTED = {"TypeError", "KeyError", "AttributeError", "IndexError", "ValueError", "ZeroDivisionError",
              "NameError", "UnboundLocalError", "AssertionError", "IntCastingNaNError", "ArrowNotImplementedError",
              "ArrowInvalid", "ArrowTypeError", "MergeError", "InvalidIndexError"}


def failure_message(step: str, err, inputs: list[str] | None = None) -> str:
    """A failed step in words: the error, and for an unexpected one (a Python error, not a message of klimamonitor)
    which asset failed on which inputs and what to check."""
    message = error_message(err)
    while err is not None and getattr(err, "cause", None) is not None:
        err = err.cause
    if getattr(err, "cls_name", None) == "DagsterAssetCheckFailedError":  # "N blocking asset checks failed …: a: x,y"
        failed = [name for line in message.splitlines()[1:] for name in line.partition(": ")[2].split(",") if name]
        return (f"blocking check {', '.join(failed) or '(unnamed)'} did not pass (see above): "
                "what depends on it does not run")
    if err is None or getattr(err, "cls_name", None) not in UNEXPECTED:
        return message
    shown = ", ".join(inputs) if inputs else "(none)"
    first = message.splitlines()[0] if message else err.cls_name
    return (f"unexpected error in asset {step} ({first}); "
            f"its inputs: {shown}. Check that the sources feeding them delivered and were accepted "
            "(`klimamonitor status`, the deliveries table), then report it with this message as a klimamonitor bug")


def step_inputs(job_def, step: str) -> list[str]:
    """The input tables of a step's asset (empty when the step is not a node of the job)."""
    try:
        return sorted(job_def.graph.node_named(step.split("[")[0]).definition.input_dict)
    except Exception:  # noqa: BLE001 - a step key that names no node: no inputs to list
        return []


def peak_rss_mb() -> float:
    """The run process's peak resident memory so far (Linux reports KiB, macOS bytes)."""
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 1024


class _ProgressHandler(logging.Handler):
    def __init__(self, total: int, stream: TextIO):
        super().__init__(level=logging.DEBUG)
        self.total = total
        self.stream = stream
        self.done = 0
        self.started: dict[str, float] = {}
        self.rows: dict[str, int] = {}

    def _line(self, step: str, status: str, detail: str) -> None:
        self.done += 1
        width = len(str(self.total))
        self.stream.write(f"  [{self.done:>{width}}/{self.total}] {step:<36} {status:<7} {detail}\n")
        self.stream.flush()

    def emit(self, record: logging.LogRecord) -> None:
        meta = getattr(record, "dagster_meta", None) or {}
        event = meta.get("dagster_event")
        if event is None:
            message = meta.get("orig_message", record.getMessage())
            skipped = re.match(r"Dependencies for step (\S+) (failed|were not executed)", message)
            if skipped:
                self._line(skipped.group(1), "skipped", "(an upstream step failed or a blocking check did not pass)")
            elif record.levelno >= logging.WARNING:
                self.stream.write(f"      {record.levelname.lower()}: {redact(message)}\n")
            return
        step = event.step_key or ""
        kind = event.event_type
        if kind == DagsterEventType.STEP_START:
            self.started[step] = time.perf_counter()
        elif kind == DagsterEventType.ASSET_MATERIALIZATION:
            md = event.event_specific_data.materialization.metadata
            if "dagster/row_count" in md:
                self.rows.setdefault(step, md["dagster/row_count"].value)
        elif kind == DagsterEventType.STEP_SUCCESS:
            secs = time.perf_counter() - self.started.get(step, time.perf_counter())
            rows = self.rows.get(step)
            detail = f"{secs:6.2f} s" + (f"   {rows:>9,} rows" if rows is not None else f"   {'':>14}")
            self._line(step, "ok", f"{detail}   peak {peak_rss_mb():,.0f} MB")
        elif kind == DagsterEventType.STEP_FAILURE:
            self._line(step, "FAILED", failure_message(step, event.event_specific_data.error).splitlines()[0])
        elif kind == DagsterEventType.STEP_SKIPPED:
            self._line(step, "skipped", "(an upstream step failed or a blocking check did not pass)")
        elif kind == DagsterEventType.ASSET_CHECK_EVALUATION:
            evaluation = event.event_specific_data
            if not evaluation.passed:
                self.stream.write(
                    f"      check {evaluation.check_name} on {evaluation.asset_key.to_user_string()}: "
                    f"{'FAILED' if evaluation.severity.value == 'ERROR' else 'warning'}"
                    f"{': ' + evaluation.description if evaluation.description else ''}\n"
                )


def progress_logger(total_steps: int | Callable[[], int], stream: TextIO | None = None) -> LoggerDefinition:
    """A Dagster logger that prints one line per finished step; `total_steps` may be a function asked when the run
    starts (the caller knows the steps only once the definitions it builds with this logger exist)."""

    @logger(description="klimamonitor progress lines")
    def _progress(_init_context):
        lg = logging.Logger("klimamonitor.progress", level=logging.DEBUG)
        lg.addHandler(_ProgressHandler(total_steps() if callable(total_steps) else total_steps,
                                       stream or sys.stdout))
        return lg

    return _progress


@dataclass
class RunSummary:
    success: bool
    tables: dict[str, int] = field(default_factory=dict)
    checks_passed: int = 0
    checks_failed: list[str] = field(default_factory=list)
    checks_warned: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    release: dict | None = None
    seconds: float = 0.0
    validation_seconds: float = 0.0
    report: str | None = None
    figures: list[str] = field(default_factory=list)
    marked_cells: list[str] = field(default_factory=list)  # per file: cells the partner marked confidential / empty
    quarantined: list[str] = field(default_factory=list)  # per file in use: quarantined/filtered rows by class
    quarantine: dict[str, tuple[int, int]] = field(default_factory=dict)  # *_rejected table: (rejected, filtered)
    last_good_release: str | None = None  # a failed run: the release published/latest still points to
    years_outside: list[str] = field(default_factory=list)  # per file in use: its years outside district.years
    years: tuple[int, int] | None = None  # district.years (first, last)

    @classmethod
    def from_result(cls, result, seconds: float) -> RunSummary:
        summary = cls(success=result.success, seconds=seconds)
        written_by: dict[str, str] = {}
        failed_steps = set()
        for event in result.all_events:
            kind = event.event_type
            if kind == DagsterEventType.ASSET_MATERIALIZATION:
                mat = event.event_specific_data.materialization
                name = mat.asset_key.to_user_string()
                md = mat.metadata
                if "dagster/row_count" in md:
                    summary.tables[name] = md["dagster/row_count"].value
                    written_by[name] = event.step_key
                if "rejected" in md and "filtered" in md:
                    summary.quarantine[name] = (int(md["rejected"].value), int(md["filtered"].value))
                if name == "release" and "release_id" in md:
                    summary.release = {"release_id": md["release_id"].value, "path": md["path"].value}
            elif kind == DagsterEventType.ASSET_CHECK_EVALUATION:
                ev = event.event_specific_data
                if "seconds" in ev.metadata:
                    summary.validation_seconds += float(ev.metadata["seconds"].value)
                label = f"{ev.asset_key.to_user_string()}:{ev.check_name}"
                if not ev.passed and ev.description:
                    label += f" — {redact(ev.description)}"
                if ev.passed:
                    summary.checks_passed += 1
                elif ev.severity.value == "ERROR":
                    summary.checks_failed.append(label)
                else:
                    summary.checks_warned.append(label)
            elif kind == DagsterEventType.STEP_FAILURE:
                failed_steps.add(event.step_key)
                inputs = step_inputs(getattr(result, "job_def", None), event.step_key)
                summary.failures.append(
                    f"{event.step_key}: {failure_message(event.step_key, event.event_specific_data.error, inputs)}")
        for name in [t for t, step in written_by.items() if step in failed_steps]:  # its step failed after all
            summary.tables.pop(name)
            summary.quarantine.pop(name, None)
        return summary

    @property
    def overdue(self) -> list[str]:
        """Failed freshness checks (sources whose data are overdue or stale)."""
        return [c for c in self.checks_warned if "_delivery_on_time" in c]

    def record(self, run_id: str, started_at: str) -> dict:
        """What `klimamonitor status` shows of this run (DATA_DIR/.runs/last_run.json)."""
        return {"run_id": run_id, "started_at": started_at, "success": self.success, "seconds": round(self.seconds, 1),
                "failures": [f.splitlines()[0] for f in self.failures], "checks_passed": self.checks_passed,
                "checks_failed": self.checks_failed, "checks_warned": self.checks_warned, "release": self.release}

    def render(self, data_dir, config_path=None) -> str:
        lines = ["", "Summary"]
        if self.tables:
            lines.append("  tables written:")
            for name, rows in sorted(self.tables.items()):
                if name in self.quarantine:  # filtered rows (e.g. outside the region) are left out by design
                    rejected, filtered = self.quarantine[name]
                    lines.append(f"    {name:<40} {rejected:>10,} rows rejected, {filtered:,} filtered (outside the "
                                 "region or otherwise left out by design)" if filtered else
                                 f"    {name:<40} {rejected:>10,} rows rejected")
                else:
                    lines.append(f"    {name:<40} {rows:>10,} rows")
        else:
            lines.append("  tables written: none")
        lines.append(
            f"  checks: {self.checks_passed} passed, {len(self.checks_failed)} failed, {len(self.checks_warned)} warnings"
        )
        lines += [f"    failed: {c}" for c in self.checks_failed]
        lines += [f"    warning: {c}" for c in self.checks_warned]
        if self.release:
            lines.append(f"  release: {self.release['release_id']} (published/latest now points to it)")
        else:
            lines.append("  release: none published in this run; published/latest is unchanged")
        share = self.validation_seconds / self.seconds * 100 if self.seconds else 0.0
        lines.append(f"  time: {self.seconds:.1f} s, of which validation {self.validation_seconds:.1f} s ({share:.0f} %)")
        if self.report:
            lines.append(f"  validation report: {self.report}")
        if self.failures:
            lines.append("  FAILED:")
            for failure in self.failures:
                first, *rest = failure.splitlines()
                lines.append(f"    {first}")
                lines += [f"      {r}" for r in rest[:8]]
        if self.quarantined:
            lines.append("  rows quarantined or filtered in deliveries in use (per file, every class of finding with "
                         "its count; the rows are in the *_rejected tables):")
            lines += [f"    {q}" for q in self.quarantined]
        if self.years_outside and self.years:
            lines.append(f"  years outside the configured {self.years[0]}–{self.years[1]} (district.years), per file in "
                         "use: the balance, the population and the indicators leave them out (statistics, ETS "
                         "installations and the eea assessment keep every year delivered):")
            lines += [f"    {y}" for y in self.years_outside]
        if self.marked_cells:
            lines.append("  cells the partners marked, taken in without a value (deliveries in use, per file):")
            lines += [f"    {m}" for m in self.marked_cells]
        if self.figures:
            lines.append("  compared with published figures" + ("" if self.success else
                         " (the warehouse as this failed run left it; targets from the last good release)") + ":")
            lines += [f"    {f}" for f in self.figures]
        lines.append("")
        lines.append("Where to look:")
        if self.success or not self.last_good_release:
            lines.append(f"  release:   {data_dir}/published/latest/  (manifest.json, *.parquet, klimamonitor.duckdb)")
        else:
            lines.append(f"  release:   {data_dir}/published/latest/  (the last good release {self.last_good_release}, "
                         "not this failed run's)")
        lines.append(f"  internal:  {data_dir}/warehouse/*.parquet")
        where = "" if Path(data_dir).resolve() == resolve_data_dir() else f" --data-dir {data_dir}"
        config = "" if config_path is None or Path(config_path).resolve() == DEFAULT_CONFIG.resolve() \
            else f" --config {config_path}"
        lines.append(f"  query:     klimamonitor sql{where} \"SELECT * FROM municipalities\"   (or duckdb / pandas on the "
                     "Parquet files)")
        lines.append(f"  UI:        klimamonitor ui{config}{where}   (Dagster UI with this run's history)")
        return "\n".join(lines)
