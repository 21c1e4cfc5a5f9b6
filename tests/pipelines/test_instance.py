"""The project-local Dagster instance: its dagster.yaml, and SQLite's synchronous mode for its run history only."""

import sqlalchemy as sa
import yaml

from pipelines.instance import ensure_dagster_home


def _synchronous(path) -> int:
    engine = sa.create_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as connection:
            return connection.exec_driver_sql("PRAGMA synchronous").scalar()
    finally:
        engine.dispose()


def test_the_home_holds_a_dagster_yaml_without_telemetry_and_pop_up(tmp_path):
    home = ensure_dagster_home(tmp_path / "data")
    config = yaml.safe_load((home / "dagster.yaml").read_text())
    assert home == (tmp_path / "data" / ".dagster").resolve()
    assert config["telemetry"] == {"enabled": False} and config["nux"] == {"enabled": False}
    assert config["run_coordinator"]["config"]["max_concurrent_runs"] == 1


def test_only_the_run_history_below_the_home_skips_waiting_for_the_disk(tmp_path):
    home = ensure_dagster_home(tmp_path / "data")
    (home / "history").mkdir(exist_ok=True)
    assert _synchronous(home / "history" / "runs.db") == 0  # OFF
    assert _synchronous(tmp_path / "elsewhere.db") == 2  # SQLite's default, FULL
    assert _synchronous(tmp_path / "data" / "warehouse.db") == 2  # the data directory itself is not history
