"""Runs that start themselves: a real file dropped into a watched folder triggers its source's sensor once (run key =
sha256) and the run it requests recomputes only the years the file holds; a schedule tick of a pulled source."""

import datetime as dt
import hashlib
from pathlib import Path
from zoneinfo import ZoneInfo

from click.testing import CliRunner
from dagster import DagsterInstance, build_schedule_context, build_sensor_context

from pipelines.cli import main
from pipelines.definitions import MAIN_JOB, build_defs
from sources.demo.generate import DEFAULT_OUT

from ..configs import write_config

BASELINE = Path(__file__).resolve().parent.parent / "corpus" / "_baseline" / "grid_electricity" / \
    "Netzabsatz_Strom_2020.csv"


def _grid_source(drop: Path) -> dict:
    return {"id": "westnetz_electricity", "partner": "Westnetz GmbH", "connector": "file_drop", "location": str(drop),
            "format": "grid_sheet", "options": {"pattern": "*.csv", "carrier": "electricity", "encoding": "cp1252"},
            "mappings": {"customer_groups": {"SLP Haushalt": "households", "SLP Gewerbe": "commerce",
                                             "RLM Industrie": "industry"}}}


def _sheet_2021() -> bytes:
    text = BASELINE.read_bytes().decode("cp1252").replace("Berichtsjahr: 2020", "Berichtsjahr: 2021")
    return text.replace("16.833.076", "16.501.230").encode("cp1252")


def _first_run(tmp_path: Path, sources: list[dict]) -> tuple[Path, Path]:
    cfg = write_config(tmp_path / "district.yaml", sources)
    data = tmp_path / "data"
    result = CliRunner().invoke(main, ["run", "--no-history", "--config", str(cfg), "--data-dir", str(data)])
    assert result.exit_code == 0, result.output
    return cfg, data


def _partition(data: Path, table: str, year: int) -> Path:
    return data / "warehouse" / table / f"year={year}.parquet"


def test_a_dropped_file_triggers_one_run_of_what_it_affects(tmp_path):
    drop = tmp_path / "drop"
    drop.mkdir()
    (drop / BASELINE.name).write_bytes(BASELINE.read_bytes())
    cfg, data = _first_run(tmp_path, [_grid_source(drop)])
    before = {t: (_partition(data, t, 2020).read_bytes(), _partition(data, t, 2020).stat().st_mtime_ns)
              for t in ("core_energy__inputs", "final_energy", "emissions")}
    stamp_2021 = _partition(data, "final_energy", 2021).stat().st_mtime_ns

    new_file = drop / "Netzabsatz_Strom_2021.csv"  # the partner drops the 2021 sheet
    new_file.write_bytes(_sheet_2021())
    defs = build_defs(cfg, data)
    sensor = defs.get_sensor_def("westnetz_electricity_new_files")
    with DagsterInstance.ephemeral() as instance:
        tick = sensor.evaluate_tick(build_sensor_context(instance=instance, definitions=defs))
        [request] = tick.run_requests
        assert request.run_key == hashlib.sha256(new_file.read_bytes()).hexdigest()
        assert request.tags["dagster/asset_partition_range_start"] == "2021"
        assert request.tags["dagster/asset_partition_range_end"] == "2021"
        selected = {k.to_user_string() for k in request.asset_selection}
        assert {"landing__deliveries", "raw_grid_sheet__energy", "raw_grid_sheet__energy_rejected", "final_energy",
                "release"} <= selected
        assert "raw_mastr_csv__units" not in selected  # other sources' raw tables are read, not rebuilt

        result = defs.resolve_job_def(MAIN_JOB).execute_in_process(
            instance=instance, asset_selection=request.asset_selection, tags=request.tags, raise_on_error=False)
        assert result.success
        # untouched years are not rewritten; the year of the delivery is
        for table, (content, mtime) in before.items():
            assert _partition(data, table, 2020).read_bytes() == content
            assert _partition(data, table, 2020).stat().st_mtime_ns == mtime, table
        assert _partition(data, "final_energy", 2021).stat().st_mtime_ns > stamp_2021

        again = sensor.evaluate_tick(build_sensor_context(instance=instance, definitions=defs))
        assert not again.run_requests and isinstance(again.skip_message, str)  # landed: never triggers twice
        (drop / "Kopie_Netzabsatz_Strom_2021.csv").write_bytes(new_file.read_bytes())
        copy = sensor.evaluate_tick(build_sensor_context(instance=instance, definitions=defs))
        assert not copy.run_requests  # the same bytes under another name: same sha256, no run


def test_a_schedule_tick_pulls_its_source(tmp_path):
    drop = tmp_path / "drop"
    drop.mkdir()
    (drop / BASELINE.name).write_bytes(BASELINE.read_bytes())
    facility = {"id": "facility_db", "partner": "Kreis Soest", "connector": "sql", "format": "facility_db",
                "url_default": f"sqlite:///{DEFAULT_OUT / 'facility.sqlite'}", "schedule": "0 6 2 * *",
                "options": {"tables": {
                    "buildings": {"table": "gebaeude", "order_by": ["id"], "columns": {
                        "building_id": "id", "building_name": "bezeichnung", "building_use": "nutzung",
                        "gross_floor_area_m2": "bgf_m2", "ags": "gemeindeschluessel"}},
                    "meter_readings": {"table": "zaehlerstaende", "order_by": ["zaehler_id", "ablesedatum"],
                                       "columns": {"meter_id": "zaehler_id", "building_id": "gebaeude_id",
                                                   "carrier": "energietraeger", "reading_date": "ablesedatum",
                                                   "reading_value": "stand", "reading_unit": "einheit",
                                                   "reading_kind": "art", "meter_exchange": "zaehlerwechsel"}}}}}
    cfg, data = _first_run(tmp_path, [_grid_source(drop), facility])
    defs = build_defs(cfg, data)
    schedule = defs.get_schedule_def("facility_db_pull")
    assert schedule.cron_schedule == "0 6 2 * *" and schedule.execution_timezone == "Europe/Berlin"
    with DagsterInstance.ephemeral() as instance:
        when = dt.datetime(2026, 12, 2, 6, 0, tzinfo=ZoneInfo("Europe/Berlin"))
        context = build_schedule_context(instance=instance, scheduled_execution_time=when,
                                         repository_def=defs.get_repository_def())
        [request] = schedule.evaluate_tick(context).run_requests
        assert request.tags["klimamonitor/sources"] == "facility_db"
        selected = {k.to_user_string() for k in request.asset_selection}
        assert {"raw_facility_db__meter_readings", "core_facility__consumption", "release"} <= selected
        assert "raw_grid_sheet__energy" not in selected
        result = defs.resolve_job_def(MAIN_JOB).execute_in_process(
            instance=instance, asset_selection=request.asset_selection, tags=request.tags, raise_on_error=False)
        assert result.success
        landing = [e for e in result.get_asset_materialization_events()
                   if e.asset_key.to_user_string() == "landing__deliveries"]
        assert landing[0].materialization.metadata["byte-identical repeats"].value == 2  # nothing new in the pull


def test_the_sensor_hashes_only_changed_files(tmp_path):
    """The cursor remembers size, modification time and sha256 of every file: an unchanged file is not read again
    (here a planted hash in the cursor is trusted), a changed one is."""
    from pipelines.automation import new_files

    drop = tmp_path / "drop"
    drop.mkdir()
    sheet = drop / "Netzabsatz_Strom_2020.csv"
    sheet.write_bytes(BASELINE.read_bytes())
    fresh, cursor = new_files(drop, "*.csv", {}, landed=set())
    assert [(name, sha) for name, _, sha in fresh] == [(sheet.name, hashlib.sha256(sheet.read_bytes()).hexdigest())]
    stat = sheet.stat()
    planted = {sheet.name: [stat.st_size, stat.st_mtime_ns, "already-landed"]}
    assert new_files(drop, "*.csv", planted, landed={"already-landed"})[0] == []  # trusted, not re-hashed
    sheet.write_bytes(BASELINE.read_bytes() + b"\n")  # changed: hashed again
    [(_, _, sha)] = new_files(drop, "*.csv", planted, landed={"already-landed"})[0]
    assert sha == hashlib.sha256(sheet.read_bytes()).hexdigest()
