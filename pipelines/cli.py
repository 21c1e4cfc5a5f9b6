"""The `klimamonitor` command line: run the pipeline, query releases, open the Dagster UI, regenerate the docs.

Every subcommand takes --config (the district configuration; default: the bundled Kreis Soest demo) and
--data-dir (default: ./data). Exit codes: 0 success, 1 the pipeline or a check failed, 2 bad usage or configuration.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import time
import warnings
from pathlib import Path

import click

from assets.config import CONFIG_ENV, DATA_DIR_ENV, DEFAULT_CONFIG, ConfigError, load_config, resolve_data_dir

# `dagster dev` without Dagster's supersession/preview warnings (the dagster CLI points users at `dg`).
_DAGSTER_QUIET = (
    "import sys, warnings; from dagster._utils.warnings import BetaWarning, PreviewWarning, SupersessionWarning; "
    "[warnings.filterwarnings('ignore', category=c) for c in (BetaWarning, PreviewWarning, SupersessionWarning)]; "
    "from dagster._cli import main; sys.argv[0] = 'dagster'; main()"
)
EXIT_FAILED = 1
EXIT_USAGE = 2


def _quiet_dagster() -> None:
    from dagster._utils.warnings import BetaWarning, PreviewWarning, SupersessionWarning

    for category in (BetaWarning, PreviewWarning, SupersessionWarning):
        warnings.filterwarnings("ignore", category=category)


def common_options(fn):
    fn = click.option(
        "--data-dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help=f"Data directory (landing zone, warehouse, releases). Default: ${DATA_DIR_ENV} or ./data",
    )(fn)
    fn = click.option(
        "--config",
        "config_path",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help=f"District configuration YAML. Default: ${CONFIG_ENV} or the bundled demo "
        f"({DEFAULT_CONFIG.relative_to(DEFAULT_CONFIG.parent.parent)})",
    )(fn)
    return fn


def _checked(config_path: Path | None, paths: bool = True) -> None:
    """The configuration check (assets/config_check.py), printed (the resolved paths with `paths` or an error); exit
    2 when it finds an error."""
    from assets.config_check import check_config, render

    report = check_config(config_path or os.environ.get(CONFIG_ENV) or DEFAULT_CONFIG)
    for line in render(report, paths):
        click.echo(line, err=bool(report.errors))
    if report.errors:
        sys.exit(EXIT_USAGE)


def _load(config_path: Path | None, data_dir: Path | None):
    try:
        cfg = load_config(config_path)
        cfg.municipalities()
    except ConfigError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    return cfg, resolve_data_dir(data_dir)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 110})
@click.version_option(package_name="klimamonitor")
def main() -> None:
    """klimamonitor: energy and CO2 balances (BISKO) and climate-target indicators for a district.

    \b
    Typical use:
      klimamonitor run                      run everything on the bundled Kreis Soest demo into ./data
      klimamonitor run --config my.yaml     run on your district's configuration
      klimamonitor sql "SELECT * FROM population WHERE year = 2021"
      klimamonitor ui                       open the Dagster UI (asset graph, run history)

    Outputs land in DATA_DIR/published/<release>/ (Parquet, manifest, DuckDB views); DATA_DIR/published/latest
    always points to the newest complete release. See README.md and docs/.
    """


@main.command()
@common_options
@click.option(
    "--select",
    default=None,
    metavar="SELECTION",
    help="Only these assets, in Dagster's selection syntax: an asset name ('population'), a group ('group:raw'), "
    "with upstream ('+population') or downstream ('population+'). Default: everything.",
)
@click.option("--no-history", is_flag=True, help="Do not record the run in DATA_DIR/.dagster (faster; the run will not "
              "appear in the Dagster UI).")
@click.option("--wait", "wait_s", default=0.0, metavar="SECONDS", show_default=True,
              help="When another run uses the data directory, wait up to this long for it instead of refusing.")
@click.option("--years", "years", default=None, metavar="YEAR[-YEAR]",
              help="Only these years of the year-partitioned assets (inputs, final energy, emissions), e.g. 2024 or "
              "2020-2024; the other years stay as they are. Default: every configured year.")
def run(config_path: Path | None, data_dir: Path | None, select: str | None, no_history: bool,
        years: str | None, wait_s: float) -> None:
    """Materialise the assets in this process, printing a line per asset and a summary.

    Checks the configuration first (as `klimamonitor check-config`: every problem at once, exit 2), then reads the
    deliveries it names, builds the warehouse tables, checks them and publishes a new release. Exit 0 when
    everything succeeded; 1 when an asset or a blocking check failed (the previous release stays `latest`); 2 for
    a bad configuration or selection.
    """
    _quiet_dagster()
    _checked(config_path, paths=False)
    cfg, data_path = _load(config_path, data_dir)
    from dagster import AssetSelection

    from pipelines.definitions import MAIN_JOB, build_defs
    from pipelines.instance import ensure_dagster_home
    from pipelines.progress import progress_logger

    data_path.mkdir(parents=True, exist_ok=True)
    ensure_dagster_home(data_path)
    steps = {"count": 0}  # known once the selection is resolved on the definitions built here, once
    defs = build_defs(cfg.path, data_path, loggers={"console": progress_logger(lambda: steps["count"])})
    graph = defs.resolve_asset_graph()
    all_keys = graph.get_all_asset_keys()
    if select:
        try:
            # a multi-asset runs whole: take its sibling outputs along
            keys = AssetSelection.from_string(select).required_multi_asset_neighbors().resolve(graph)
        except Exception as exc:  # dagster raises several types for a bad selection string
            click.echo(f"error: --select {select!r} is not a valid selection: {exc}", err=True)
            sys.exit(EXIT_USAGE)
        if not keys:
            click.echo(f"error: --select {select!r} matches no asset; assets: "
                       f"{', '.join(sorted(k.to_user_string() for k in all_keys))}", err=True)
            sys.exit(EXIT_USAGE)
    else:
        keys = all_keys
    first, last = cfg.district.years.first, cfg.district.years.last
    if years:
        try:
            low, _, high = years.partition("-")
            first, last = int(low), int(high or low)
        except ValueError:
            first = last = None
        if first is None or not (cfg.district.years.first <= first <= last <= cfg.district.years.last):
            click.echo(f"error: --years {years!r} is not a year or range within {cfg.district.years.first}–"
                       f"{cfg.district.years.last}", err=True)
            sys.exit(EXIT_USAGE)
    click.echo(f"klimamonitor run: {cfg.district.name} ({cfg.district.ags}), data origin {cfg.data_origin}")
    click.echo(f"  configuration: {cfg.path}")
    click.echo(f"  data directory: {data_path}")
    click.echo(f"  assets: {len(keys)} of {len(all_keys)}; years {first}–{last}")
    steps["count"] = _step_count(defs, keys)
    job = defs.resolve_job_def(MAIN_JOB)
    from pipelines.lock import RunLock, RunLocked

    try:
        with RunLock(data_path, wait_s):
            _execute(cfg, data_path, job, keys, no_history, first, last)
    except RunLocked as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_FAILED)


def _execute(cfg, data_path: Path, job, keys, no_history: bool, first: int, last: int) -> None:
    """Run the job (the caller holds the data directory's run lock), print the summary, notify, exit 1 on failure.

    Whatever stops the run — a failed step, or an error of the machinery itself such as a full disk under Dagster's
    run storage — ends the same way: a summary, `.runs/last_run.json`, the notification, exit 1."""
    from dagster import DagsterInstance

    from pipelines.automation import year_range_tags
    from pipelines.interrupted import LAUNCHED_BY_TAG, PID_TAG, close_interrupted_runs
    from pipelines.progress import RunSummary
    from pipelines.run_report import (
        headline_targets,
        machine_failure,
        marked_cells_per_file,
        quarantined_per_file,
        years_outside,
        published_comparison,
        record_run,
    )

    started = time.perf_counter()
    started_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    run_id = None
    try:
        with (DagsterInstance.ephemeral() if no_history else DagsterInstance.get()) as instance:
            for closed in close_interrupted_runs(data_path, None if no_history else instance, lock_held=True):
                click.echo(f"  closed as failed (interrupted earlier): {closed}")
            record_run(data_path, RunSummary(success=False).record(None, started_at) | {"running": True,
                                                                                          "pid": os.getpid()})
            result = job.execute_in_process(
                instance=instance,
                raise_on_error=False,
                asset_selection=sorted(keys, key=lambda k: k.to_user_string()),
                run_config={"loggers": {"console": {}}},
                tags={**year_range_tags(first, last), LAUNCHED_BY_TAG: "cli", PID_TAG: str(os.getpid())},
            )
        run_id = result.run_id
        summary = RunSummary.from_result(result, time.perf_counter() - started)
    except Exception as exc:  # noqa: BLE001 - the machinery failed (storage, disk): still a summary, not a traceback
        summary = RunSummary(success=False, seconds=time.perf_counter() - started,
                             failures=[f"the run stopped: {machine_failure(exc, data_path)}"])
    run_id = run_id or f"not recorded ({started_at})"
    from warehouse.release import latest_release

    last_good = None if summary.success else latest_release(data_path)
    summary.last_good_release = last_good.name if last_good else None
    summary.figures = published_comparison(cfg, data_path) + headline_targets(cfg, data_path, summary.success,
                                                                                last_good)
    summary.marked_cells = marked_cells_per_file(data_path)
    summary.quarantined = quarantined_per_file(data_path)
    summary.years = (cfg.district.years.first, cfg.district.years.last)
    summary.years_outside = years_outside(data_path, *summary.years)
    run_dir = data_path / "validation" / run_id
    if run_dir.is_dir() or summary.failures:  # a failed step is reported even when no check ran
        from warehouse.validation_report import delivery_files, render

        run_dir.mkdir(parents=True, exist_ok=True)
        summary.report = str(render(run_dir, f"{cfg.district.name}, run {run_id}", summary.failures,
                                    delivery_files(data_path / "warehouse")))
    click.echo(summary.render(data_path, cfg.path))
    from pipelines import notify

    record_run(data_path, summary.record(run_id, started_at))
    note = notify.for_run(cfg.district.name, run_id, summary.failures, summary.checks_failed,
                          summary.overdue, str(data_path))
    if note:
        for outcome in notify.send(note):
            click.echo(f"  notification: {outcome}")
    if not summary.success:
        click.echo("\nThe run FAILED; see the failures above. The last good release was not changed.", err=True)
        sys.exit(EXIT_FAILED)


@main.command(name="check-config")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help=f"District configuration YAML. Default: ${CONFIG_ENV} or the bundled demo.")
def check_config_command(config_path: Path | None) -> None:
    """Check a district configuration before anything runs, listing every problem at once.

    Errors: unknown format names (with the closest known ones), unknown options of a format, folders and files that
    do not exist (every path printed resolved: relative paths against the configuration file's folder, package:
    paths inside the installed project), no factor set, duplicate source ids, a bad municipality table. Warnings:
    targets whose indicators need a source family that no source belongs to. Exit 0 without errors, 2 with any.
    `klimamonitor run` runs this check first.

    \b
      klimamonitor check-config --config my-district/district.yaml
    """
    _checked(config_path)


@main.command()
@click.option("--key", "ags", required=True, metavar="AGS",
              help="The region's 8-digit key: a district (05974000), a district-free city (05111000), a state "
              "(05000000) or the country (00000000).")
@click.option("--directory", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=True,
              help="The Destatis municipality directory: a GV100AD file or an Auszug GV (.xlsx).")
@click.option("--out", type=click.Path(path_type=Path), required=True,
              help="A new folder for the configuration (never an existing one).")
@click.option("--first-year", default=2007, show_default=True, help="First year of the balance.")
def init(ags: str, directory: Path, out: Path, first_year: int) -> None:
    """Make a district configuration for any region from the Destatis municipality directory.

    Writes OUT/district.yaml (region, years from --first-year up to last year, at most the bundled factor set's
    last year; the bundled factor set, BISKO's required cells, an example of every supported source format commented
    out) and OUT/municipalities.csv (keys, names, kinds, areas, population with source and date). Then add your
    sources and run `klimamonitor check-config`.

    \b
      klimamonitor init --key 05974000 --directory GV100AD_311217.ASC --out mein-kreis
    """
    from assets.district_init import InitError, init_district

    try:
        written = init_district(directory, ags, out, first_year)
    except InitError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    for path in written:
        click.echo(f"wrote {path}")
    click.echo(f"next: add your sources to {written[0]}, then `klimamonitor check-config --config {written[0]}`")


@main.command()
@common_options
def status(config_path: Path | None, data_dir: Path | None) -> None:
    """Where things stand: the last run, the last release, each source's latest delivery and freshness, failed
    checks. Exit 0 when nothing needs a human; 1 when the last run failed or a source is overdue or stale (usable as
    a monitoring probe).

    Freshness is judged as of today (or $KLIMAMONITOR_TODAY) against each source's expected_delivery.
    """
    import pandas as pd

    from assets.compute.freshness import freshness, today
    from warehouse.release import latest_release
    from warehouse.store import ParquetStore

    cfg, data_path = _load(config_path, data_dir)
    attention = False
    click.echo(f"klimamonitor status: {cfg.district.name} ({cfg.district.ags}), data directory {data_path}")
    last_run = data_path / ".runs" / "last_run.json"
    launched = _close_interrupted(data_path)
    run_info = json.loads(last_run.read_text(encoding="utf-8")) if last_run.exists() else None
    if launched and (run_info is None or launched["started_at"] >= run_info["started_at"]):
        run_info = launched  # the daemon (a sensor, a schedule) or the UI ran after the last `klimamonitor run`
    if run_info:
        outcome = "running now" if run_info.get("running") else "succeeded" if run_info["success"] else "FAILED"
        origin = f", {run_info['origin']}" if run_info.get("origin") else ""
        if run_info.get("running"):
            who = f"pid {run_info['pid']}" if run_info.get("pid") else run_info["run_id"]
            click.echo(f"  last run: started {run_info['started_at']}, {run_info.get('state', 'running now')} "
                       f"({who}{origin})")
        else:
            click.echo(f"  last run: {run_info['run_id']} started {run_info['started_at']}, {outcome} in "
                       f"{run_info['seconds']} s{origin}")
        for failure in run_info["failures"]:
            click.echo(f"    failed step: {failure}")
        for check in run_info["checks_failed"]:
            click.echo(f"    failed check: {check}")
        for check in run_info["checks_warned"]:
            click.echo(f"    warning: {check}")
        attention |= not run_info["success"] and not run_info.get("running")
    else:
        click.echo("  last run: none recorded (run `klimamonitor run`)")
    release = latest_release(data_path)
    if release is not None:
        manifest = json.loads((release / "manifest.json").read_text(encoding="utf-8"))
        click.echo(f"  last release: {manifest['release_id']} created {manifest.get('created_at', '?')}, "
                   f"{len(manifest.get('tables', {}))} tables, data origin {manifest.get('data_origin')}")
    else:
        click.echo("  last release: none")
    store = ParquetStore(data_path / "warehouse")
    deliveries = store.read("deliveries") if store.exists("deliveries") else pd.DataFrame(
        columns=["source_id", "status", "received_at", "scope_years", "file_name"])
    as_of = today()
    fresh = freshness(cfg.sources, deliveries, as_of, cfg.district.years.last)
    click.echo(f"  sources (freshness as of {as_of.isoformat()}):")
    for row in fresh.itertuples(index=False):
        mine = deliveries[deliveries["source_id"] == row.source_id]
        newest = mine.sort_values("received_at").iloc[-1] if len(mine) else None
        latest = f"{newest['file_name']} ({newest['status']}, {str(newest['received_at'])[:19]})" \
            if newest is not None else "no delivery"
        in_use = int((mine["status"] == "accepted").sum())
        files = f"; {in_use} files in use" if in_use > 1 else ""
        click.echo(f"    {row.source_id:<28} {row.status:<11} latest: {latest}{files}")
        if row.status in ("overdue", "stale"):
            click.echo(f"      {row.message}")
            attention = True
    if attention:
        click.echo("Needs attention: see above; docs/operations.md says what to do.")
        sys.exit(EXIT_FAILED)
    warned = len(run_info.get("checks_warned", [])) if run_info else 0
    click.echo("Nothing needs attention." + (f" {warned} warning(s) of the last run are listed above: worth a look "
                                             "(the validation report has the rows)." if warned else ""))


def _close_interrupted(data_path: Path) -> dict | None:
    """Runs a kill interrupted are closed as failed (pipelines/interrupted.py) before the status is read; returns
    the newest run of the history when `klimamonitor run` did not launch it (pipelines/run_report.py)."""
    from pipelines.interrupted import close_interrupted_runs

    home = data_path / ".dagster"
    if not (home / "dagster.yaml").exists():
        close_interrupted_runs(data_path)
        return None
    _quiet_dagster()
    from dagster import DagsterInstance

    from pipelines.instance import ensure_dagster_home
    from pipelines.run_report import newest_launched_run

    ensure_dagster_home(data_path)
    with DagsterInstance.get() as instance:
        close_interrupted_runs(data_path, instance)
        return newest_launched_run(instance)


def _step_count(defs, keys) -> int:
    """Steps the run will execute: one per asset op (a multi-asset is one) plus one per asset check."""
    from pipelines.definitions import MAIN_JOB

    return len(defs.resolve_job_def(MAIN_JOB).get_subset(asset_selection=set(keys)).graph.nodes)


@main.command()
@common_options
@click.argument("query", required=False)
@click.option("--release", "release_id", default=None, help="Release id to query (default: latest).")
@click.option("--csv", "as_csv", is_flag=True, help="Print CSV instead of a table.")
@click.option("--limit", default=200, show_default=True, help="Rows to print in table mode (CSV prints all).")
@click.option("--describe", "describe_table", default=None, metavar="TABLE",
              help="List TABLE's columns with type, unit and description (like .schema) instead of a query.")
@click.option("--scratch", "scratch", default=None, type=click.Path(dir_okay=False, path_type=Path),
              help="A DuckDB file of your own where CREATE/INSERT/UPDATE/DELETE may write; the release stays "
              "read-only (attached as `release`).")
def sql(config_path: Path | None, data_dir: Path | None, query: str | None, release_id: str | None, as_csv: bool,
        limit: int, describe_table: str | None, scratch: Path | None) -> None:
    """Run a SQL query (DuckDB dialect) against the published tables of a release.

    Every published table is a view of the same name, its columns commented with description and unit, e.g.

    \b
      klimamonitor sql "SELECT ags, name FROM municipalities"
      klimamonitor sql --csv "SELECT * FROM population" > population.csv
      klimamonitor sql --describe final_energy
      klimamonitor sql --scratch mine.duckdb "CREATE TABLE pop AS SELECT * FROM population"

    The release is read-only: only SELECT statements run, and no file outside the release can be read
    (docs/security.md); tables of your own go into a --scratch database.
    """
    import duckdb

    from warehouse.query import QueryRefused, query_release
    from warehouse.release import DUCKDB_FILE

    if (query is None) == (describe_table is None):
        click.echo("error: give a QUERY or --describe TABLE (one of them)", err=True)
        sys.exit(EXIT_USAGE)
    release_dir = _release_or_exit(resolve_data_dir(data_dir), release_id)
    if not (release_dir / DUCKDB_FILE).exists():
        click.echo(f"error: release {release_dir.name} has no {DUCKDB_FILE}; it is incomplete", err=True)
        sys.exit(EXIT_USAGE)
    if describe_table is not None:
        query = _DESCRIBE.format(table=describe_table.replace("'", "''"))
    try:
        frame = query_release(release_dir, query, scratch)
    except QueryRefused as exc:
        click.echo(f"error: refused: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    except duckdb.Error as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    if describe_table is not None and (frame is None or frame.empty):
        click.echo(f"error: no table {describe_table!r} in release {release_dir.name}; tables: "
                   f"{', '.join(_published_tables())}", err=True)
        sys.exit(EXIT_USAGE)
    if describe_table is not None and not as_csv:
        width = int(frame["column"].str.len().max())
        click.echo(f"{describe_table} (release {release_dir.name}):")
        for r in frame.itertuples(index=False):
            click.echo(f"  {r[0]:<{width}}  {r[1]:<9} {r[2]}")
        return
    if frame is None:
        return
    if as_csv:
        frame.to_csv(sys.stdout, index=False)
    else:
        import pandas as pd

        with pd.option_context("display.max_columns", None, "display.width", 200, "display.max_colwidth", 60):
            click.echo(frame.head(limit).to_string(index=False))
        if len(frame) > limit:
            click.echo(f"... {len(frame) - limit} more rows (use --limit or --csv)")


# `sql --describe`: the view's columns with the comments the release's DuckDB file carries (from the catalog).
_DESCRIBE = ("SELECT column_name AS \"column\", data_type AS type, comment AS \"description [unit]\" "
             "FROM duckdb_columns() WHERE table_name = '{table}' AND NOT internal ORDER BY column_index")


def _published_tables() -> list[str]:
    from warehouse.catalog import all_tables

    return sorted(t.name for t in all_tables().values() if t.published)


@main.command()
@common_options
@click.option("--source", "source_id", required=True, help="Source id from the configuration whose format applies.")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def validate(config_path: Path | None, data_dir: Path | None, source_id: str, path: Path) -> None:
    """Check one delivery file before it enters the pipeline (nothing is landed or written).

    Reads PATH with the format and options of SOURCE, runs the same parser and catalog checks as the pipeline and
    prints every finding with row and column. Exit 0: the file would be accepted (rows with findings, within the
    source's quarantine threshold, set aside); 1: it would be rejected, as a run would decide.

    \b
      klimamonitor validate --source westnetz_electricity Netzabsatz_Strom_2024.csv
    """
    from sources.errors import DeliveryError
    from sources.formats import read_delivery
    from sources.parsers.common import Delivery
    from warehouse.catalog import CatalogError
    from warehouse.store import as_stored
    from warehouse.files import sha256_file
    from warehouse.validation import catalog_check, run_check

    cfg, data_path = _load(config_path, data_dir)
    try:
        source = cfg.source(source_id)
    except ConfigError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    # read by the parser from the file (a file above the format's cap is refused unread)
    delivery = Delivery(f"{source.id}:{sha256_file(path)[:16]}", source.id, path.name, path=path)
    from assets.raw import key_changes_pending, landed_region, parser_options

    region = landed_region(cfg, data_path)  # with the former keys of the landed key changes, as a run would
    click.echo(f"Checking {path} as a delivery of {source.id!r} ({source.partner}, format {source.format})")
    if key_changes_pending(cfg, data_path):
        click.echo("  note: the key-change sources have not landed yet (no run in this data directory): rows under "
                   "former keys count as outside the region here; after the first run they are moved to today's keys")
    try:
        target, result = read_delivery(source.format, parser_options(cfg, source), source.mappings, region,
                                       delivery)
    except DeliveryError as exc:
        click.echo(f"REJECTED: the file cannot be read.\n  {exc}")
        sys.exit(EXIT_FAILED)
    rejected = [f for f in result.findings if f.kind == "rejected"]
    filtered = [f for f in result.findings if f.kind == "filtered"]
    from assets.compute.deliveries import marked_cells

    confidential, no_value = marked_cells(result.rows)
    click.echo(f"  rows read: {len(result.rows)}; rows rejected: {sum(f.rows_affected for f in rejected)}; rows "
               f"outside the region: {sum(f.rows_affected for f in filtered)}; cells marked confidential: "
               f"{confidential}; cells marked as having no value: "
               f"{no_value}")
    for finding in rejected:
        click.echo(f"  rejected: {finding.reason}")
    for finding in filtered[:5]:
        click.echo(f"  filtered: {finding.reason}")
    if len(filtered) > 5:
        click.echo(f"  ... and {len(filtered) - 5} more rows outside the region")
    from sources.quarantine import result_verdict, threshold_for

    why = result_verdict(len(result.rows), result.findings, threshold_for(source.options))  # as a run decides
    try:
        outcome = run_check(catalog_check(target.table), as_stored(result.rows, target.table))
        if not outcome.passed:
            why = why or "the catalog check failed"
            click.echo(f"  catalog check failed: {outcome.summary()}")
    except CatalogError as exc:
        why = why or "the catalog check failed"
        click.echo(f"  catalog check failed: {exc}")
    if why:
        click.echo(f"REJECTED: {why}. Fix the rows above and deliver the file again.")
        sys.exit(EXIT_FAILED)
    if rejected:
        click.echo(f"ACCEPTED with {sum(f.rows_affected for f in rejected)} quarantined row(s): a run takes the "
                   "other rows and sets these "
                   f"aside with their reasons in the source's *_rejected table; a corrected delivery replaces them.")
        return
    click.echo("OK: the file would be accepted.")


@main.command()
@common_options
@click.option("--source", "source_id", required=True, help="Source id from the configuration the file belongs to.")
@click.argument("path", metavar="FILE", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def redeliver(config_path: Path | None, data_dir: Path | None, source_id: str, path: Path) -> None:
    """Put FILE back as a new delivery of SOURCE, also when the same bytes were landed before (a file taken back
    after a wrong correction): recorded in the landing register as received now, so the next `klimamonitor run`
    takes it as the latest delivery for its scope. The archived copy is not changed.

    \b
      klimamonitor redeliver --source westnetz_electricity Netzabsatz_Strom_2021.csv
    """
    from sources.landing import LandingError, LandingZone

    cfg, data = _load(config_path, data_dir)
    try:
        source = cfg.source(source_id)
        entry = LandingZone(data).redeliver(source.id, source.partner, path.name, path.read_bytes())
    except (ConfigError, LandingError) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    click.echo(f"{path.name}: registered as delivery {entry.delivery_id} of {source.id!r} received "
               f"{entry.received_at}; run `klimamonitor run` to take it in")


@main.command()
@common_options
@click.argument("paths", metavar="FILE...", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
def inspect(config_path: Path | None, data_dir: Path | None, paths: tuple[Path, ...]) -> None:
    """Say what each FILE is: which format (by its content), table code or register, region level, keys, years and
    rows; read it with that format's defaults for the configured region, print its findings by class with counts and
    the configuration a source needs for it. Nothing is landed or written. Exit 0: every file is readable.

    \b
      klimamonitor inspect 12411-15i.csv fz3_2021.xlsx gradtage_202001.csv
    """
    from sources.inspection import inspect_file

    cfg, _ = _load(config_path, data_dir)
    click.echo(f"region: {cfg.district.name} ({cfg.district.ags}), from {cfg.path}"
               + ("" if config_path else " (--config names your district's configuration)"))
    readable = True
    for path in paths:
        report = inspect_file(path, cfg.region())
        click.echo("\n".join(report.lines))
        readable &= report.readable
    sys.exit(0 if readable else EXIT_FAILED)


@main.command()
@common_options
@click.argument("table")
@click.argument("key", nargs=-1, required=True)
@click.option("--release", "release_id", default=None, help="Release id (default: latest).")
def trace(config_path: Path | None, data_dir: Path | None, table: str, key: tuple[str, ...],
          release_id: str | None) -> None:
    """Show where a published value comes from: deliveries (file, sha256, rows) and emission factor rows.

    \b
      klimamonitor trace final_energy ags=05974040 year=2020 sector=households carrier=natural_gas
      klimamonitor trace indicators target_set=kreistag_2012 indicator_id=co2_total_vs_2007 ags=05974000 year=2020
      klimamonitor trace target_measures target_set=kreistag_2012 indicator_id=co2_total_vs_2007
      klimamonitor trace population ags=05974040 year=2024
      klimamonitor trace vehicle_stock ags=05974000 year=2021 vehicle_fuel=all

    Also: renovations, agriculture_emissions, statistics (ags, year, statistic). A district row summed from its
    municipalities is traced to their delivered rows.
    """
    from warehouse.trace import TraceError, trace as trace_value, traced_rows

    release = _release_or_exit(resolve_data_dir(data_dir), release_id)
    try:
        pairs = dict(item.split("=", 1) for item in key)
        result = trace_value(release, table, pairs)
    except (ValueError, TraceError) as exc:
        message = "give the key as name=value pairs" if "dictionary update sequence" in str(exc) else exc
        click.echo(f"error: {message}", err=True)
        sys.exit(EXIT_USAGE)
    click.echo(f"{table} {' '.join(key)} (release {release.name}): {result['cells']} cell(s)")
    for row in traced_rows(release, table, pairs)[:10]:
        click.echo(f"  value: {_traced_value(table, row)}")
    if "measures" in result:  # a gap analysis: the measures serving the target (their own estimates)
        click.echo(f"measures ({len(result['measures'])}):")
        for m in result["measures"]:
            click.echo(f"  {m['measure_id']} {m['measure_title']}: {m['measure_status']}, expected "
                       f"{_shown(m['savings_t_co2e_per_year'], 1)} t CO2e/year ({m['delivery_id']}, "
                       f"row {m['source_row']})")
    click.echo(f"deliveries ({len(result['deliveries'])}):")
    for d in result["deliveries"]:
        rows = d["source_rows"]
        shown = ", ".join(map(str, rows[:12])) + (f", ... ({len(rows)} rows)" if len(rows) > 12 else "")
        check = "bytes verified" if d["bytes_verified"] else "LANDED FILE MISSING OR CHANGED"
        click.echo(f"  {d['file_name']} ({d['partner']}) sha256 {d['sha256'][:16]}… {check}")
        click.echo(f"    landed: {d['landed_path']}")
        click.echo(f"    rows: {shown or '(no single row: a whole snapshot, or a sum of its rows)'}")
    click.echo(f"emission factors ({len(result['factors'])}):")
    for f in result["factors"]:
        click.echo(f"  {f['factor_row']}: {f['g_co2e_per_kwh']:g} g/kWh — {f['source']}"
                   + (f" [{f['derivation']}]" if isinstance(f["derivation"], str) and f["derivation"] else ""))


def _shown(value, decimals: int | None = None) -> str:
    """A value as a person reads it: '(empty)' for a missing one (never pandas' nan), numbers with the catalog's
    decimals when given."""
    import pandas as pd

    if value is None or (not isinstance(value, str | list | tuple) and pd.isna(value)):
        return "(empty)"
    if decimals is not None and isinstance(value, int | float):
        return f"{value:,.{decimals}f}"
    return str(value)


def _traced_value(table: str, row: dict) -> str:
    """The traced row's values: each number with its unit, then its status columns; key columns of the row that the
    command line did not fix (e.g. `view`) first."""
    from warehouse.catalog import get_table

    spec = get_table(table)
    parts = [f"{c}={row[c]}" for c in spec.primary_key if c in ("view", "balance_scope")]
    for col in spec.columns:
        if col.type == "number" and col.name not in spec.primary_key:
            unit = row.get("unit") if table in ("indicators", "statistics") else col.unit  # the row's own unit
            whole = col.unit == "count" and isinstance(row[col.name], float) and row[col.name].is_integer()
            shown = _shown(row[col.name], 0 if whole else col.decimals)  # 1,701 cars, not 1,701.00
            parts.append(f"{col.name} {shown}{' ' + unit if unit and shown != '(empty)' else ''}")
    parts += [f"{c} {_shown(row[c])}" for c in ("status", "gap_status", "value_status", "complete") if c in row]
    return "; ".join(parts)


@main.command()
@common_options
@click.argument("release_a")
@click.argument("release_b", required=False)
@click.option("--tolerance", default=1e-6, show_default=True, help="Relative and absolute tolerance for numbers.")
@click.option("--csv", "as_csv", is_flag=True, help="Print CSV instead of a table.")
def diff(config_path: Path | None, data_dir: Path | None, release_a: str, release_b: str | None, tolerance: float,
         as_csv: bool) -> None:
    """List what changed between two releases (RELEASE_B defaults to latest): rows added or removed and values
    changed beyond the tolerance, per published table. Exit 0 even when there are differences."""
    from warehouse.diff import diff_releases

    data_path = resolve_data_dir(data_dir)
    a, b = _release_or_exit(data_path, release_a), _release_or_exit(data_path, release_b)
    changes = diff_releases(a, b, tolerance)
    if as_csv:
        changes.to_csv(sys.stdout, index=False)
        return
    click.echo(f"{a.name} → {b.name}: {len(changes)} difference(s)")
    for table, part in changes.groupby("table", sort=True):
        click.echo(f"  {table}: " + ", ".join(f"{n} {k}" for k, n in part["change"].value_counts().items()))
        for r in part.head(10).itertuples(index=False):
            detail = f"{r.column}: {_shown(r.old)} → {_shown(r.new)}" if r.change == "changed" else r.change
            click.echo(f"    {r.key}  {detail}")


def _release_or_exit(data_path: Path, release_id: str | None) -> Path:
    """The release RELEASE_ID under DATA_DIR/published (default: latest); a missing one ends the command with exit
    2 and the releases there are."""
    from warehouse.release import latest_release, published_root

    release = (published_root(data_path) / release_id) if release_id else latest_release(data_path)
    if release is None or not release.is_dir() or release.name.startswith(".") or "/" in (release_id or ""):
        which = f"release {release_id!r} not found" if release_id else "no latest release"
        click.echo(f"error: {which} under {published_root(data_path)}; {_available(data_path)}", err=True)
        sys.exit(EXIT_USAGE)
    return release


def _available(data_path: Path) -> str:
    """Which releases there are, for an error message about one that is not."""
    from warehouse.release import list_releases

    names = [p.name for p in list_releases(data_path)]
    return f"releases: {', '.join(names)}" if names else "there is no release yet (run `klimamonitor run`)"


@main.command(name="publish-sql")
@common_options
@click.option("--release", "release_id", default=None, help="Release id (default: latest).")
@click.option("--url-env", default=None, help="Environment variable with the SQLAlchemy URL (default: the "
              "configuration's publishing.sql_url_env).")
def publish_sql(config_path: Path | None, data_dir: Path | None, release_id: str | None, url_env: str | None) -> None:
    """Publish a release's tables into a SQL database, each table replaced in one transaction."""
    from warehouse.release import verify_release
    from warehouse.sql_publish import publish_to_sql

    cfg, data_path = _load(config_path, data_dir)
    variable = url_env or cfg.publishing.sql_url_env
    url = os.environ.get(variable) if variable else None
    if not url:
        click.echo(f"error: set {variable or 'an environment variable (--url-env)'} to the database URL", err=True)
        sys.exit(EXIT_USAGE)
    release = _release_or_exit(data_path, release_id)
    manifest = verify_release(release)
    try:
        counts = publish_to_sql(url, release, sorted(manifest["tables"]), cfg.publishing.sql_schema)
    except RuntimeError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_FAILED)
    click.echo(f"published release {release.name}: " + ", ".join(f"{t} ({n} rows)" for t, n in counts.items()))


@main.command()
@common_options
@click.option("--port", default=3000, show_default=True, help="Port of the web UI.")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address the web UI listens on; 0.0.0.0 makes it reachable from other machines (it has no login).")
def ui(config_path: Path | None, data_dir: Path | None, port: int, host: str) -> None:
    """Open the Dagster UI (dagster dev) on this configuration and data directory, at http://HOST:PORT.

    Shows the asset graph by layer, the runs of `klimamonitor run` on the same data directory and lets you
    materialise assets by hand. Stop it with Ctrl-C.
    """
    import signal
    import subprocess

    from assets.config import PROJECT_ROOT
    from pipelines.instance import ensure_dagster_home

    cfg, data_path = _load(config_path, data_dir)
    data_path.mkdir(parents=True, exist_ok=True)
    home = ensure_dagster_home(data_path)
    env = {
        **os.environ,
        CONFIG_ENV: str(cfg.path),
        DATA_DIR_ENV: str(data_path),
        "DAGSTER_HOME": str(home),
        "PYTHONWARNINGS": "ignore::DeprecationWarning",
    }
    cmd = [sys.executable, "-c", _DAGSTER_QUIET, "dev", "-w", str(PROJECT_ROOT / "workspace.yaml"), "-h", host, "-p",
           str(port)]
    click.echo(f"Dagster UI on http://{host}:{port} (DAGSTER_HOME={home}); Ctrl-C to stop")
    # `dagster dev` and everything it starts (webserver, daemon, code server) in a process group of their own, so
    # SIGINT or SIGTERM to this process stops all of them, not only the first
    proc = subprocess.Popen(cmd, env=env, cwd=PROJECT_ROOT, start_new_session=True)

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)
    try:
        code = proc.wait()
    except KeyboardInterrupt:
        code = _stop_group(proc)
    sys.exit(code)


def _stop_group(proc) -> int:
    """Stop a process group as Ctrl-C in a terminal would (SIGINT to all), then SIGTERM, then SIGKILL, each after a
    grace period, until no process of the group is left."""
    import signal

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, signal.SIG_IGN)  # a second Ctrl-C must not leave the group half stopped
    for sig, grace in ((signal.SIGINT, 30.0), (signal.SIGTERM, 10.0), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            break
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline:
            proc.poll()
            try:
                os.killpg(proc.pid, 0)
            except ProcessLookupError:
                return 0
            time.sleep(0.2)
    proc.wait()
    return 0


@main.command()
@common_options
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="File to write (default: DATA_DIR/docs/data-dictionary.md; in a checkout of the project, "
              "`--out docs/data-dictionary.md` regenerates the committed copy).")
@click.option("--check", is_flag=True, help="Only check that the file is current (exit 1 if not).")
def docs(config_path: Path | None, data_dir: Path | None, out: Path | None, check: bool) -> None:
    """Write the data dictionary (every table and column: type, unit, decimals, description) from the central
    catalog. Never writes into the installed package."""
    from warehouse.catalog import data_dictionary_markdown

    _, data_path = _load(config_path, data_dir)
    target = out or data_path / "docs" / "data-dictionary.md"
    text = data_dictionary_markdown()
    if check:
        current = target.read_text(encoding="utf-8") if target.exists() else ""
        if current != text:
            click.echo(f"{target} is out of date; run `klimamonitor docs --out {target}`", err=True)
            sys.exit(EXIT_FAILED)
        click.echo(f"{target} is current")
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    click.echo(f"wrote {target}")


if __name__ == "__main__":
    main()
