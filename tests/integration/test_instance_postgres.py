"""The production instance (deploy/dagster.yaml): Dagster's run and event storage on the real PostgreSQL on
127.0.0.1, with the URL only in the environment."""

import shutil
from pathlib import Path

import sqlalchemy as sa
from dagster import DagsterInstance, DagsterRunStatus

from pipelines.automation import year_range_tags
from pipelines.definitions import MAIN_JOB, build_defs

from ..configs import write_config

DEPLOY = Path(__file__).resolve().parents[2] / "deploy" / "dagster.yaml"
BASELINE = Path(__file__).resolve().parent.parent / "corpus" / "_baseline" / "grid_electricity"
DATABASE = "klimamonitor_dagster_test"


def _fresh_database(server_url: str) -> str:
    engine = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        conn.exec_driver_sql(f"CREATE DATABASE {DATABASE}")
    engine.dispose()
    return sa.engine.make_url(server_url).set(drivername="postgresql+psycopg2", database=DATABASE).render_as_string(False)


def test_runs_and_events_are_stored_in_postgres(tmp_path, postgres_url, monkeypatch):
    url = _fresh_database(postgres_url)
    home = tmp_path / "prod_home"
    home.mkdir()
    shutil.copy(DEPLOY, home / "dagster.yaml")
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    monkeypatch.setenv("KLIMAMONITOR_DAGSTER_PG_URL", url)
    drop = tmp_path / "drop"
    shutil.copytree(BASELINE, drop)
    cfg = write_config(tmp_path / "district.yaml", [{
        "id": "westnetz_electricity", "partner": "Westnetz GmbH", "connector": "file_drop", "location": str(drop),
        "format": "grid_sheet", "options": {"pattern": "*.csv", "carrier": "electricity", "encoding": "cp1252"},
        "mappings": {"customer_groups": {"SLP Haushalt": "households", "SLP Gewerbe": "commerce",
                                         "RLM Industrie": "industry"}}}])
    defs = build_defs(cfg, tmp_path / "data")
    with DagsterInstance.get() as instance:
        assert type(instance.run_storage).__name__ == "PostgresRunStorage"
        result = defs.resolve_job_def(MAIN_JOB).execute_in_process(instance=instance, tags=year_range_tags(2020, 2021))
        assert result.success
        [run] = instance.get_runs()
        assert run.run_id == result.run_id and run.status == DagsterRunStatus.SUCCESS
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        stored = conn.execute(sa.text("SELECT count(*) FROM event_logs WHERE run_id = :r"),
                              {"r": result.run_id}).scalar()
        materialized = conn.execute(sa.text("SELECT count(*) FROM event_logs WHERE run_id = :r AND "
                                            "dagster_event_type = 'ASSET_MATERIALIZATION'"),
                                    {"r": result.run_id}).scalar()
    engine.dispose()
    assert stored > 100 and materialized > 40  # every step's events, every asset (and year) materialised
