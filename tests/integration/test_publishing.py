"""Publishing: diff between releases after a re-delivery, retention, and SQL publishing into the real PostgreSQL
(idempotent, a concurrent reader never sees half a table)."""

import datetime as dt
import shutil
import threading
import time

import pandas as pd
import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from pipelines.cli import main
from warehouse.diff import diff_releases
from warehouse.release import latest_release, list_releases, prune_releases, publish_release
from warehouse.sql_publish import publish_to_sql

from ..configs import write_config

CORPUS_BASELINE = "tests/corpus/_baseline/grid_electricity/Netzabsatz_Strom_2020.csv"


@pytest.fixture(scope="module")
def two_releases(tmp_path_factory):
    """A release from one electricity sheet, then one after a corrected re-delivery of the same year."""
    from ..conftest import PROJECT_ROOT

    root = tmp_path_factory.mktemp("publishing")
    drop = root / "drop"
    drop.mkdir()
    shutil.copy(PROJECT_ROOT / CORPUS_BASELINE, drop)
    cfg = write_config(root / "district.yaml", [{
        "id": "grid", "partner": "Westnetz", "connector": "file_drop", "location": str(drop), "format": "grid_sheet",
        "options": {"pattern": "*.csv", "carrier": "electricity", "encoding": "cp1252"},
        "mappings": {"customer_groups": {"SLP Haushalt": "households", "SLP Gewerbe": "commerce",
                                         "RLM Industrie": "industry"}}}], years=(2020, 2020))  # fmt: skip
    data = root / "data"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DAGSTER_HOME", str(root))
        first = CliRunner().invoke(main, ["run", "--no-history", "--config", str(cfg), "--data-dir", str(data)])
        assert first.exit_code == 0, first.output
        release_a = latest_release(data)
        corrected = (PROJECT_ROOT / CORPUS_BASELINE).read_bytes().replace(b"16.833.076", b"17.000.000")
        (drop / "Netzabsatz_Strom_2020_korrigiert.csv").write_bytes(corrected)
        second = CliRunner().invoke(main, ["run", "--no-history", "--config", str(cfg), "--data-dir", str(data)])
        assert second.exit_code == 0, second.output
    return {"data": data, "a": release_a, "b": latest_release(data)}


def test_diff_shows_what_the_redelivery_changed(two_releases):
    changes = diff_releases(two_releases["a"], two_releases["b"])
    final = changes[(changes["table"] == "final_energy") & (changes["column"] == "final_energy_mwh")]
    cell = final[final["key"] == "05974004;2020;households;electricity"].iloc[0]
    assert cell["old"] == pytest.approx(16833.076) and cell["new"] == pytest.approx(17000.0)
    assert ((changes["table"] == "deliveries") & (changes["change"] == "added")).sum() == 1
    untouched = final[final["key"].str.startswith("05974016")]
    assert untouched.empty  # Erwitte's values did not change
    result = CliRunner().invoke(main, ["diff", "--data-dir", str(two_releases["data"]), two_releases["a"].name])
    assert result.exit_code == 0 and "final_energy_mwh: 16833.076 → 17000.0" in result.output
    superseded = changes[(changes["table"] == "deliveries") & (changes["column"] == "superseded_by")].iloc[0]
    assert f"superseded_by: (empty) → {superseded['new']}" in result.output  # was pandas' "nan → ..."
    assert "nan" not in result.output.replace("Netzabsatz", "")


def test_diff_of_an_unknown_release_lists_the_available_ones(two_releases):
    result = CliRunner().invoke(main, ["diff", "--data-dir", str(two_releases["data"]), "2020-01-01-nope"])
    assert result.exit_code == 2
    assert result.output == (f"error: release '2020-01-01-nope' not found under {two_releases['data'] / 'published'}; "
                             f"releases: {two_releases['a'].name}, {two_releases['b'].name}\n")


def test_retention_keeps_the_newest_and_latest(data_dir):
    frame = pd.DataFrame({"ags": ["05974000"], "name": ["K"], "kind": ["district"], "area_ha": [1.0]})
    for second in range(4):
        publish_release(data_dir, {"municipalities": frame.assign(area_ha=float(second))},
                        data_origin="synthetic_demo", district={"id": "t"},
                        now=dt.datetime(2026, 1, 1, 0, 0, second, tzinfo=dt.UTC))
    removed = prune_releases(data_dir, keep=2)
    assert len(removed) == 2 and len(list_releases(data_dir)) == 2
    assert latest_release(data_dir) == list_releases(data_dir)[-1]


@pytest.mark.services
def test_sql_publishing_is_idempotent_and_never_half_visible(two_releases, postgres_url):
    schema = "klimamonitor_test"
    engine = sa.create_engine(postgres_url)
    with engine.begin() as conn:
        conn.exec_driver_sql(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
    release = two_releases["b"]
    tables = ["final_energy", "emissions", "deliveries", "lineage"]
    counts = publish_to_sql(postgres_url, release, tables, schema)
    expected = counts["lineage"]
    seen, stop = [], threading.Event()

    def reader():
        with engine.connect() as conn:
            while not stop.is_set():
                seen.append(conn.exec_driver_sql(f"SELECT count(*) FROM {schema}.lineage").scalar())
                conn.rollback()
                time.sleep(0.005)

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        for _ in range(3):
            assert publish_to_sql(postgres_url, release, tables, schema) == counts  # idempotent
    finally:
        stop.set()
        thread.join()
    assert seen and set(seen) == {expected}  # never an empty or half-filled table
    with engine.connect() as conn:
        published = pd.read_sql(f"SELECT * FROM {schema}.final_energy", conn)
        assert len(published) == counts["final_energy"]
        assert conn.exec_driver_sql(f"SELECT release_id FROM {schema}.klimamonitor_release").scalar() == release.name
        conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        conn.commit()
    engine.dispose()
