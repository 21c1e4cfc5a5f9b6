"""The Dagster definitions: assets, checks, resources, sensors, schedules and the main job, built for one
configuration and data directory by `build_defs(...)` (the CLI and the tests call it; they swap the configuration,
the data directory and the loggers). Importing this module builds nothing; the code location `dagster dev` loads is
pipelines/location.py.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from pathlib import Path

from dagster import (AssetSelection, AssetsDefinition, Definitions, LoggerDefinition, StaticPartitionsDefinition,
                     define_asset_job)
from dagster._utils.warnings import BetaWarning, PreviewWarning, SupersessionWarning

from assets import region
from assets.balance import BALANCE_ASSETS, build_year_assets
from assets.checks import build_catalog_checks, build_domain_checks
from assets.indicators import indicators, targets
from assets.landing import landed_deliveries
from assets.core import build_core_assets
from assets.raw import build_raw_assets
from assets.measures import build_measure_assets
from assets.publish import build_release_asset
from pipelines.automation import automations
from assets.config import DEFAULT_CONFIG, CONFIG_ENV, resolve_data_dir
from assets.resources import ParquetIOManager, Settings
from warehouse.catalog import all_tables

for _category in (BetaWarning, PreviewWarning, SupersessionWarning):
    warnings.filterwarnings("ignore", category=_category)

MAIN_JOB = "main"
CELERY_JOB = "main_celery"
BROKER_ENV = "KLIMAMONITOR_CELERY_BROKER"


def distributed_executor():
    """Dagster's Celery executor: each step is a Celery task picked up by `dagster-celery worker` processes (on this
    machine or others sharing the data directory and the instance). Broker from the environment; results over the
    broker (rpc://)."""
    from dagster_celery import celery_executor

    return celery_executor.configured({"broker": {"env": BROKER_ENV}, "backend": "rpc://"}, name="celery")


def one_process_unless_asked():
    """The main job's executor: in one process, as `klimamonitor run` executes it, also for runs the daemon or the
    UI launch; `{"multiprocess": {"max_concurrent": N}}` in the run config (the launchpad) runs a process per step.
    Dagster's default is the other way round, and a process per step starts Python about 110 times for one
    district: a sensor's run took 3.5 minutes instead of seconds."""
    from dagster import Field, InitExecutorContext, Selector, executor, in_process_executor, multiprocess_executor
    from dagster import multiple_process_executor_requirements

    @executor(name="in_process_unless_multiprocess",
              config_schema=Field(Selector({"in_process": in_process_executor.config_schema.as_field(),
                                            "multiprocess": multiprocess_executor.config_schema.as_field()}),
                                  default_value={"in_process": {}}),
              requirements=lambda config: multiple_process_executor_requirements() if "multiprocess" in config else [])
    def _executor(init_context):
        ((kind, config),) = init_context.executor_config.items()
        chosen = multiprocess_executor if kind == "multiprocess" else in_process_executor
        return chosen.executor_creation_fn(InitExecutorContext(job=init_context.job, executor_def=chosen,
                                                               executor_config=config, instance=init_context.instance))

    return _executor


def years_partitions(cfg) -> StaticPartitionsDefinition:
    """One partition per configured year (2007–2024: 18): small enough for the UI and for backfills."""
    return StaticPartitionsDefinition([str(y) for y in cfg.district.years.range])


def _table_assets(cfg) -> list[AssetsDefinition]:
    return [
        region.municipalities,
        landed_deliveries,
        *build_raw_assets(cfg),
        *build_core_assets(cfg),
        *BALANCE_ASSETS,
        *build_year_assets(years_partitions(cfg)),
        targets,
        indicators,
        *build_measure_assets(cfg),
    ]


def build_defs(
    config_path: str | Path | None = None,
    data_dir: str | Path | None = None,
    loggers: Mapping[str, LoggerDefinition] | None = None,
) -> Definitions:
    import os

    config_path = Path(config_path or os.environ.get(CONFIG_ENV) or DEFAULT_CONFIG).resolve()
    data_dir = resolve_data_dir(data_dir)
    from assets.config import load_config

    cfg = load_config(config_path)
    table_assets = _table_assets(cfg)
    catalog = all_tables()
    written = [key.path[-1] for a in table_assets for key in a.keys if key.path[-1] in catalog]
    published = [t for t in written if catalog[t].published]
    assets = [*table_assets, build_release_asset(published)]
    checks = [*build_catalog_checks(written), *build_domain_checks(set(written))]
    main_job = define_asset_job(MAIN_JOB, selection=AssetSelection.all(), executor_def=one_process_unless_asked(),
                                description="Everything, landing to release.")
    celery_job = define_asset_job(
        CELERY_JOB, selection=AssetSelection.all(), executor_def=distributed_executor(),
        description="The main job with every step sent to Celery workers (broker: $KLIMAMONITOR_CELERY_BROKER).")
    sensors, schedules = automations(cfg, data_dir, MAIN_JOB)
    return Definitions(
        assets=assets,
        asset_checks=checks,
        jobs=[main_job, celery_job],
        sensors=sensors,
        schedules=schedules,
        resources={
            "settings": Settings(config_path=str(config_path), data_dir=str(data_dir)),
            "io_manager": ParquetIOManager(data_dir=str(data_dir)),
        },
        loggers=dict(loggers) if loggers else None,
    )



def main_job():
    """The main job of the configuration in $KLIMAMONITOR_CONFIG / $KLIMAMONITOR_DATA_DIR, for executors that run
    steps in other processes (`reconstructable(main_job)`)."""
    return build_defs().resolve_job_def(MAIN_JOB)


def main_celery_job():
    """The same with every step on Celery workers (`reconstructable(main_celery_job)`)."""
    return build_defs().resolve_job_def(CELERY_JOB)
