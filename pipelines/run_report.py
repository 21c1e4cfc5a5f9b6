"""What a run tells its user at the end, besides the step lines (pipelines/progress.py): `.runs/last_run.json`
for `klimamonitor status`, an error of the machinery in words, the balance against the district's published
figures, and the headline targets (from this run, or from the last good release after a failure)."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pandas as pd


def record_run(data_path: Path, record: dict) -> None:
    """`.runs/last_run.json` (what `status` reports); a disk too full for it is said, not raised."""
    from warehouse.files import atomic_write_text

    try:
        (data_path / ".runs").mkdir(exist_ok=True)
        atomic_write_text(data_path / ".runs" / "last_run.json", json.dumps(record, indent=1, ensure_ascii=False))
    except OSError as exc:
        click.echo(f"  warning: could not record the run in {data_path / '.runs'}: {exc.strerror or exc}", err=True)


def machine_failure(exc: Exception, data_path: Path) -> str:
    """An error of the machinery in words; a full disk (or file-size limit) says so, with the space left."""
    import shutil

    from warehouse.redact import redact

    text = f"{type(exc).__name__}: {str(exc).splitlines()[0][:300] if str(exc) else ''}"
    full = isinstance(exc, OSError) and exc.errno in (28, 27) or any(
        m in str(exc).lower() for m in ("disk is full", "no space left", "file too large", "disk i/o error"))
    if full:
        free = shutil.disk_usage(data_path).free / 2**20
        text = (f"writing under {data_path} failed: the disk is full, a file-size limit was reached or the disk "
                f"failed ({free:,.0f} MB free): {text}; free space and run again (nothing landed or published was "
                "lost)")
    return redact(text)


def marked_cells_per_file(data_path: Path) -> list[str]:
    """A line per delivery in use with cells its partner marked confidential or as having no value (deliveries
    table), for the run summary."""
    from warehouse.store import ParquetStore

    store = ParquetStore(data_path / "warehouse")
    if not store.exists("deliveries"):
        return []
    deliveries = store.read("deliveries")
    if "cells_confidential" not in deliveries:
        return []  # a warehouse written before the counts existed
    marked = deliveries[(deliveries["status"] == "accepted") &
                        ((deliveries["cells_confidential"] > 0) | (deliveries["cells_without_value"] > 0))]
    return [f"{r.source_id}: {r.file_name}: {r.cells_confidential:,} confidential, {r.cells_without_value:,} without "
            "a value" for r in marked.sort_values(["source_id", "file_name"]).itertuples()]


def years_outside(data_path: Path, first: int, last: int) -> list[str]:
    """A line per delivery in use with years outside the configured ones (district.years), which the balance, the
    population and the indicators leave out: the data engineer sees that a file was taken but is not used there
    (statistics, ETS installations and the eea assessment keep every year delivered)."""
    from warehouse.store import ParquetStore

    store = ParquetStore(data_path / "warehouse")
    if not store.exists("deliveries"):
        return []
    deliveries = store.read("deliveries", columns=["source_id", "file_name", "status", "scope_years"])
    lines = []
    for r in deliveries[deliveries["status"] == "accepted"].sort_values(["source_id", "file_name"]).itertuples():
        years = sorted(int(y) for y in (r.scope_years if r.scope_years is not None else []))
        outside = [y for y in years if not first <= y <= last]
        if outside:
            shown = ", ".join(map(str, outside[:8])) + (f" and {len(outside) - 8} more" if len(outside) > 8 else "")
            lines.append(f"{r.source_id}: {r.file_name}: {shown}" + (" (all its years)" if len(outside) == len(years)
                                                                      else ""))
    return lines


def quarantined_per_file(data_path: Path) -> list[str]:
    """For the run summary, of the deliveries in use: a line per file with quarantined rows and a line per source
    with rows filtered out (outside the region or left out by design), each with every class of finding and its
    count of rows (sources/quarantine.py finding_classes)."""
    from sources.quarantine import finding_classes
    from warehouse.catalog import all_tables
    from warehouse.store import ParquetStore

    store = ParquetStore(data_path / "warehouse")
    if not store.exists("deliveries"):
        return []
    deliveries = store.read("deliveries", columns=["delivery_id", "source_id", "file_name", "status", "rows_rejected",
                                                   "rows_out_of_region"])
    in_use = deliveries[(deliveries["status"] == "accepted") &
                        ((deliveries["rows_rejected"] > 0) | (deliveries["rows_out_of_region"] > 0))]
    if in_use.empty:
        return []
    present = [store.read(t, columns=["delivery_id", "reason", "finding_kind", "rows_affected"])
               for t in sorted(all_tables()) if t.endswith("_rejected") and store.exists(t)]
    findings = pd.concat(present, ignore_index=True).merge(in_use[["delivery_id", "source_id", "file_name"]])
    findings["rows_affected"] = findings["rows_affected"].fillna(1).astype(int)

    def classes(rows: pd.DataFrame) -> str:
        return finding_classes(list(rows["reason"]), list(rows["rows_affected"]))

    lines = []
    quarantined = findings[findings["finding_kind"] == "rejected"]
    for (source, file_name), rows in quarantined.groupby(["source_id", "file_name"]):
        lines.append(f"{source}: {file_name}: {int(rows['rows_affected'].sum()):,} row(s) quarantined — {classes(rows)}")
    filtered = findings[findings["finding_kind"] == "filtered"]
    for source, rows in filtered.groupby("source_id"):
        files = rows["file_name"].nunique()
        where = rows["file_name"].iloc[0] if files == 1 else f"{files} files"
        lines.append(f"{source}: {where}: {int(rows['rows_affected'].sum()):,} row(s) filtered — {classes(rows)}")
    return lines


def published_comparison(cfg, data_path: Path) -> list[str]:
    """Lines comparing the balance with the district's published figures (when both exist)."""
    if not cfg.district.published_figures:
        return []
    import pandas as pd

    from assets.compute.figures import compare
    from warehouse.store import ParquetStore

    store = ParquetStore(data_path / "warehouse")
    needed = ("balance_summary", "final_energy", "population")
    if not all(store.exists(t) for t in needed):
        return []
    needed += tuple(t for t in ("electricity_generation",) if store.exists(t))
    published = pd.read_csv(cfg.resolve(cfg.district.published_figures), dtype={"ags": str})
    table = compare(published, {t: store.read(t) for t in needed})
    names = dict(zip(*[cfg.municipalities()[c] for c in ("ags", "name")], strict=True))
    lines = []
    for r in table.itertuples(index=False):
        computed = "not in the balance yet" if pd.isna(r.computed) else f"{r.computed:,.2f}"
        deviation = "" if pd.isna(r.deviation_pct) else f" ({r.deviation_pct:+.0f} %)"
        lines.append(f"{r.figure} {names.get(r.ags, r.ags)} {r.year}: {computed} vs published {r.published:,.2f} "
                     f"{r.unit}{deviation} [{r.method}]")
    if lines and cfg.data_origin == "synthetic_demo":
        lines.append("note: synthetic demo data calibrated to these published figures; pre-2019 figures come from "
                     "other tools (ECORegion) and are not fully comparable with BISKO")
    return lines


def headline_targets(cfg, data_path: Path, success: bool = True, last_good: Path | None = None) -> list[str]:
    """The district's results for the first target set, in its target year (or the latest year with data), with
    the BISKO conformity of the balance behind each: from this run's warehouse when it succeeded, else from the
    last good release (saying so), or none."""
    import pandas as pd

    from warehouse.store import ParquetStore

    store = ParquetStore(data_path / "warehouse")
    sets = cfg.target_sets()
    if success:
        frame = store.read("indicators") if store.exists("indicators") else None
    else:
        published = last_good / "indicators.parquet" if last_good else None
        frame = pd.read_parquet(published) if published and published.exists() else None
    if not sets or frame is None:
        return []
    first_set, target_set = next(iter(sets.items()))
    frame = frame[(frame["target_set"] == first_set) & (frame["ags"] == cfg.district.ags)]
    origin = "" if success else f" — from the last good release {last_good.name}, not from this failed run"
    lines = [f"{first_set} ({target_set.source}), {cfg.district.name}{origin}:",
             "  (changes in % against the base year: negative = less; BISKO: conformity of the balance behind it)"]
    for t in target_set.targets:
        rows = frame[(frame["indicator_id"] == t.indicator_id)].dropna(subset=["value"])
        if rows.empty:
            lines.append(f"  {t.title_de[:58]:<58} no value")
            continue
        row = rows[rows["year"] == t.target_year]
        row = (row if len(row) else rows[rows["year"] == rows["year"].max()]).iloc[0]
        conformity = row.get("conformity")
        conformity = "" if conformity in (None, "not_applicable") or pd.isna(conformity) else f"  BISKO {conformity}"
        lines.append(f"  {t.title_de[:58]:<58} {int(row['year'])}: {row['value']:+8.2f} {t.unit:<7} target "
                     f"{t.comparator} {t.target_value:+g}  {row['status']}{conformity}")
    return lines


def newest_launched_run(instance) -> dict | None:
    """The newest run of Dagster's history as a `.runs/last_run.json` record, when it is not one of `klimamonitor
    run` (which writes its own, fuller record): a run the daemon launched for a sensor or schedule, or one launched
    from the UI or with `dagster job launch`. None when there is none."""
    import datetime as dt

    from dagster import DagsterRunStatus
    from dagster._core.storage.dagster_run import IN_PROGRESS_RUN_STATUSES, NOT_FINISHED_STATUSES

    from pipelines.interrupted import LAUNCHED_BY_TAG
    from pipelines.progress import RunSummary

    runs = instance.get_runs(limit=1)
    if not runs or runs[0].tags.get(LAUNCHED_BY_TAG) == "cli":
        return None
    run = runs[0]
    stats = instance.get_run_stats(run.run_id)
    began = stats.launch_time or stats.start_time or stats.enqueued_time
    started_at = dt.datetime.fromtimestamp(began, dt.UTC).isoformat(timespec="seconds") if began else ""
    by = run.tags.get("dagster/sensor_name") or run.tags.get("dagster/schedule_name")
    origin = f"launched by the daemon for {by}" if by else "launched from the UI or `dagster job launch`"
    if run.status in NOT_FINISHED_STATUSES:
        state = "queued" if run.status not in IN_PROGRESS_RUN_STATUSES else "running now"
        return {"run_id": run.run_id, "started_at": started_at, "running": True, "state": state, "origin": origin,
                "success": False, "failures": [], "checks_failed": [], "checks_warned": []}

    class _Result:  # what RunSummary.from_result reads of an executed run
        success = run.status == DagsterRunStatus.SUCCESS
        job_def = None
        all_events = [r.dagster_event for r in instance.all_logs(run.run_id) if r.is_dagster_event]

    seconds = (stats.end_time - stats.start_time) if stats.end_time and stats.start_time else 0.0
    return {**RunSummary.from_result(_Result, seconds).record(run.run_id, started_at), "origin": origin}
