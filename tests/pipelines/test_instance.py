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


def test_an_older_dagster_yaml_of_klimamonitor_gets_the_settings_it_lacks_and_a_foreign_one_is_kept(tmp_path):
    older = tmp_path / "older" / ".dagster"
    older.mkdir(parents=True)
    (older / "dagster.yaml").write_text("# Written by klimamonitor. Local run and event storage (SQLite).\n"
                                        "telemetry:\n  enabled: false\n")
    ensure_dagster_home(tmp_path / "older")
    config = yaml.safe_load((older / "dagster.yaml").read_text())
    assert config["telemetry"] == {"enabled": False} and config["nux"] == {"enabled": False}
    assert config["run_coordinator"]["class"] == "QueuedRunCoordinator"
    assert config["run_monitoring"]["enabled"] is True
    ensure_dagster_home(tmp_path / "older")  # nothing added twice
    assert (older / "dagster.yaml").read_text().count("run_monitoring:") == 1
    foreign = tmp_path / "foreign" / ".dagster"
    foreign.mkdir(parents=True)
    (foreign / "dagster.yaml").write_text("telemetry:\n  enabled: true\n")
    ensure_dagster_home(tmp_path / "foreign")
    assert (foreign / "dagster.yaml").read_text() == "telemetry:\n  enabled: true\n"


def test_only_the_run_history_below_the_home_skips_waiting_for_the_disk(tmp_path):
    home = ensure_dagster_home(tmp_path / "data")
    (home / "history").mkdir(exist_ok=True)
    assert _synchronous(home / "history" / "runs.db") == 0  # OFF
    assert _synchronous(tmp_path / "elsewhere.db") == 2  # SQLite's default, FULL
    assert _synchronous(tmp_path / "data" / "warehouse.db") == 2  # the data directory itself is not history
