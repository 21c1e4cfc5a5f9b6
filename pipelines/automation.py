"""Runs that start themselves (with the Dagster daemon, `dagster dev` or `dagster-daemon run`):

- a sensor per file-drop source: a file that is not in the landing zone yet requests a run of exactly the assets it
  affects — landing (for that source only), the raw tables of its format and everything downstream — for the years
  the file holds; the run key is the file's sha256, so the same bytes never trigger twice;
- a schedule per pulled source (SQL, HTTP) that has `schedule` (cron) in the configuration;
- notifications (pipelines/notify.py) when a run fails.

The requests name the source in the tag `klimamonitor/sources`; the landing asset then fetches only that source.
"""

from __future__ import annotations

import json
from pathlib import Path

from dagster import (AssetKey, AssetSelection, DefaultSensorStatus, RunFailureSensorContext, RunRequest,
                     ScheduleDefinition, ScheduleEvaluationContext, SensorDefinition, SensorEvaluationContext,
                     SkipReason, run_failure_sensor, schedule, sensor)

from assets.config import DistrictConfig, Source
from assets.landing import LANDING_TABLE, SOURCES_TAG
from assets.raw import landed_region
from sources.errors import DeliveryError
from sources.formats import FORMATS, max_delivery_bytes, read_delivery
from sources.landing import LandingZone
from sources.parsers.common import Delivery
from sources.region import Region
from warehouse.files import sha256_file
from warehouse.store import ParquetStore

RANGE_START, RANGE_END = "dagster/asset_partition_range_start", "dagster/asset_partition_range_end"
FILE_TAG = "klimamonitor/file"
LANDING = AssetKey(LANDING_TABLE)


def year_range_tags(first: int, last: int) -> dict[str, str]:
    """Run tags that make one run materialise the years first..last of the year-partitioned assets."""
    return {RANGE_START: str(first), RANGE_END: str(last)}


def affected_assets(source: Source, store: ParquetStore, graph) -> list[AssetKey]:
    """Landing, the raw tables of the source's format and their downstream assets; everything while the warehouse
    lacks a raw table the others would read (the first run)."""
    all_keys = graph.get_all_asset_keys()
    raw = {t.table for targets in FORMATS.values() for t in targets if AssetKey(t.table) in all_keys}
    if not all(store.exists(t) for t in raw):
        return sorted(all_keys, key=lambda k: k.to_user_string())
    tables = sorted({t.table for t in FORMATS[source.format]})
    selection = (AssetSelection.assets(*[AssetKey(t) for t in tables]).downstream()
                 | AssetSelection.assets(LANDING)).required_multi_asset_neighbors()
    return sorted(selection.resolve(graph), key=lambda k: k.to_user_string())


def delivery_years(cfg: DistrictConfig, source: Source, name: str, data: bytes, region: Region) -> tuple[int, int]:
    """The configured years a new file holds (first, last), read with the region a run would use; every year when
    it cannot be read or holds none (the run then fails at the source's check and says why)."""
    first, last = cfg.district.years.first, cfg.district.years.last
    try:
        _, result = read_delivery(source.format, source.options, source.mappings, region,
                                  Delivery(f"{source.id}:new", source.id, name, data))
    except DeliveryError:
        return first, last
    years = sorted({int(y) for y in result.rows.get("year", []) if y == y and first <= int(y) <= last})
    return (years[0], years[-1]) if years else (first, last)


def new_files(folder: Path, pattern: str, known: dict[str, list], landed: set[str]) -> tuple[list, dict[str, list]]:
    """Files of a drop folder not landed yet, as (name, path, sha256); only files whose size or modification time
    changed since the last look are hashed again (`known`: the sensor's cursor, name -> [size, mtime_ns, sha256])."""
    seen, fresh = {}, []
    for path in sorted(p for p in folder.glob(pattern) if p.is_file() and not p.is_symlink()):  # links: refused
        stat = path.stat()
        previous = known.get(path.name)
        if previous and previous[:2] == [stat.st_size, stat.st_mtime_ns]:
            sha256 = previous[2]
        else:
            sha256 = sha256_file(path)
        seen[path.name] = [stat.st_size, stat.st_mtime_ns, sha256]
        if sha256 not in landed:
            fresh.append((path.name, path, sha256))
    return fresh, seen


def file_drop_sensor(cfg: DistrictConfig, source: Source, data_path: Path, job_name: str,
                     interval_s: int = 60) -> SensorDefinition:
    @sensor(name=f"{source.id}_new_files", job_name=job_name, minimum_interval_seconds=interval_s,
            default_status=DefaultSensorStatus.STOPPED,
            description=f"A new file in {source.location} ({source.options.get('pattern', '*')}) starts a run of the "
            f"assets it affects, for the years it holds; run key = the file's sha256.")
    def _new_files(context: SensorEvaluationContext):
        folder = cfg.resolve(source.location)
        landed = {e.sha256 for e in LandingZone(data_path).register() if e.source_id == source.id}
        fresh, seen = new_files(folder, source.options.get("pattern", "*"), json.loads(context.cursor or "{}"),
                                landed)
        context.update_cursor(json.dumps(seen))
        if not fresh:
            return SkipReason(f"no new file in {folder}")
        keys = affected_assets(source, ParquetStore(data_path / "warehouse"), context.repository_def.asset_graph)
        max_bytes = max_delivery_bytes(source.format, source.options)
        requests, region = [], landed_region(cfg, data_path)
        for name, path, sha256 in fresh:
            first, last = cfg.district.years.first, cfg.district.years.last
            if path.stat().st_size <= max_bytes:  # an oversized file is refused by landing, with the reason
                first, last = delivery_years(cfg, source, name, path.read_bytes(), region)
            context.log.info(f"{source.id}: new file {name} ({sha256[:12]}), years {first}–{last}")
            requests.append(RunRequest(run_key=sha256, asset_selection=keys,
                                       tags={SOURCES_TAG: source.id, FILE_TAG: name, **year_range_tags(first, last)}))
        return requests

    return _new_files


def pull_schedule(cfg: DistrictConfig, source: Source, data_path: Path, job_name: str) -> ScheduleDefinition:
    @schedule(name=f"{source.id}_pull", job_name=job_name, cron_schedule=source.schedule,
              execution_timezone="Europe/Berlin",
              description=f"Pulls {source.id!r} ({source.connector}) on '{source.schedule}' and updates what it "
              "affects (all years: a pull may bring any year).")
    def _pull(context: ScheduleEvaluationContext):
        keys = affected_assets(source, ParquetStore(data_path / "warehouse"), context.repository_def.asset_graph)
        return RunRequest(asset_selection=keys, tags={
            SOURCES_TAG: source.id, **year_range_tags(cfg.district.years.first, cfg.district.years.last),
            "klimamonitor/scheduled_for": context.scheduled_execution_time.isoformat()})

    return _pull


def failure_notifier(district: str, data_path: Path):
    @run_failure_sensor(name="notify_on_run_failure", default_status=DefaultSensorStatus.STOPPED,
                        description="E-mail and webhook (pipelines/notify.py) when a run fails.")
    def _notify(context: RunFailureSensorContext):
        from pipelines import notify

        error = context.failure_event.message or "the run failed"
        note = notify.for_run(district, context.dagster_run.run_id, [error], [], [], str(data_path))
        for outcome in notify.send(note):
            context.log.info(outcome)

    return _notify


def interrupted_runs_closer(data_path: Path):
    @sensor(name="close_interrupted_runs", minimum_interval_seconds=60, default_status=DefaultSensorStatus.RUNNING,
            description="Marks runs of `klimamonitor run` that a kill interrupted as failed (they would stay STARTED "
            "and block the queue); pipelines/interrupted.py.")
    def _close(context: SensorEvaluationContext):
        from pipelines.interrupted import close_interrupted_runs

        closed = close_interrupted_runs(data_path, context.instance)
        return SkipReason("closed as failed: " + "; ".join(closed) if closed else "no interrupted run")

    return _close


def automations(cfg: DistrictConfig, data_path: Path, job_name: str) -> tuple[list, list]:
    """(sensors, schedules) for a configuration."""
    sensors = [file_drop_sensor(cfg, s, data_path, job_name) for s in cfg.sources
               if s.connector == "file_drop" and s.location and "://" not in s.location]
    sensors.append(failure_notifier(cfg.district.name, data_path))
    sensors.append(interrupted_runs_closer(data_path))
    schedules = [pull_schedule(cfg, s, data_path, job_name) for s in cfg.sources
                 if s.connector in ("sql", "http") and s.schedule]
    return sensors, schedules
