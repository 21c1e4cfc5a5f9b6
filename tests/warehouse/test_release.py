"""Releases: layout and manifest of docs/contract.md, verification, and the atomic switch of `latest` under failures."""

import datetime as dt
import json

import duckdb
import pandas as pd
import pytest

from warehouse import release as release_module
from warehouse.release import ReleaseError, latest_release, list_releases, publish_release, verify_release

DISTRICT = {"id": "test", "name": "Testkreis", "ags": "05974000"}


def _tables(area: float = 1.0) -> dict:
    return {
        "municipalities": pd.DataFrame(
            {"ags": ["05974000", "05974004"], "name": ["Kreis", "Gemeinde"], "kind": ["district", "municipality"],
             "area_ha": [area * 2, area]}
        )
    }  # fmt: skip


def _publish(data_dir, area=1.0, second=0):
    return publish_release(
        data_dir, _tables(area), data_origin="synthetic_demo", district=DISTRICT,
        now=dt.datetime(2026, 11, 25, 14, 3, second, tzinfo=dt.UTC),
    )  # fmt: skip


def test_release_layout_manifest_and_latest(data_dir):
    rel = _publish(data_dir)
    assert rel.release_id.startswith("2026-11-25T14-03-00Z-")
    assert latest_release(data_dir) == rel.path
    names = {p.name for p in rel.path.iterdir()}
    assert {"manifest.json", "datapackage.json", "municipalities.parquet", "klimamonitor.duckdb"} <= names
    manifest = json.loads((rel.path / "manifest.json").read_text())
    assert manifest["data_origin"] == "synthetic_demo"
    assert manifest["tables"]["municipalities"]["rows"] == 2
    assert manifest["contract_version"]
    assert verify_release(rel.path)["release_id"] == rel.release_id
    con = duckdb.connect(str(rel.path / "klimamonitor.duckdb"), read_only=True)
    con.execute("SET file_search_path = ?", [str(rel.path)])
    assert con.execute("SELECT count(*) FROM municipalities").fetchone()[0] == 2


def test_verify_detects_a_changed_file(data_dir):
    rel = _publish(data_dir)
    (rel.path / "municipalities.parquet").write_bytes(b"tampered")
    with pytest.raises(ReleaseError, match="municipalities.parquet does not match"):
        verify_release(rel.path)


def test_failure_while_assembling_leaves_latest_untouched(data_dir, monkeypatch):
    first = _publish(data_dir)
    before = {p: p.read_bytes() for p in first.path.rglob("*") if p.is_file()}

    def boom(*args, **kwargs):
        raise OSError("no space left on device (simulated)")

    monkeypatch.setattr(release_module, "_write_duckdb_views", boom)
    with pytest.raises(OSError, match="no space left"):
        _publish(data_dir, area=5.0, second=1)
    assert latest_release(data_dir) == first.path
    assert {p: p.read_bytes() for p in first.path.rglob("*") if p.is_file()} == before
    assert list_releases(data_dir) == [first.path]


def test_crash_before_the_switch_keeps_previous_latest(data_dir, monkeypatch):
    first = _publish(data_dir)

    def crash(*args, **kwargs):
        raise KeyboardInterrupt  # e.g. the job killed between rename and switch

    monkeypatch.setattr(release_module, "switch_latest", crash)
    with pytest.raises(KeyboardInterrupt):
        _publish(data_dir, area=5.0, second=1)
    assert latest_release(data_dir) == first.path
    monkeypatch.undo()
    third = _publish(data_dir, area=6.0, second=2)
    assert latest_release(data_dir) == third.path


def test_leftover_staging_from_a_killed_run_is_invisible_and_cleaned(data_dir):
    first = _publish(data_dir)
    staging = data_dir / "published" / ".staging-999-20261125T000000"
    staging.mkdir()
    (staging / "municipalities.parquet").write_bytes(b"half")
    assert list_releases(data_dir) == [first.path]
    _publish(data_dir, area=2.0, second=1)
    assert not staging.exists()


def test_internal_tables_are_not_published(data_dir):
    with pytest.raises(ReleaseError, match="internal"):
        publish_release(data_dir, {"landing__deliveries": pd.DataFrame()}, data_origin="synthetic_demo",
                        district=DISTRICT)


def test_exports_in_three_dialects_with_formula_injection_neutralised(data_dir):
    import pandas as pd

    tables = _tables()
    tables["municipalities"].loc[1, "name"] = "=HYPERLINK(\"http://evil\")"
    rel = publish_release(data_dir, tables, data_origin="synthetic_demo", district=DISTRICT)
    plain = (rel.path / "exports" / "municipalities.csv").read_text(encoding="utf-8")
    assert "'=HYPERLINK" in plain and "\n=HYPERLINK" not in plain and ",=HYPERLINK" not in plain
    german = (rel.path / "exports" / "de" / "municipalities.csv").read_bytes()
    assert german.startswith(b"\xef\xbb\xbf") and b"ags;name;kind;area_ha" in german and b"2,0" in german
    records = json.loads((rel.path / "exports" / "municipalities.json").read_text(encoding="utf-8"))
    assert records[1]["name"] == "=HYPERLINK(\"http://evil\")"  # JSON keeps the value; only spreadsheets need the quote
    manifest = verify_release(rel.path)
    assert "exports/de/municipalities.csv" in manifest["files"]
    back = pd.read_csv(rel.path / "exports" / "de" / "municipalities.csv", sep=";", decimal=",", dtype={"ags": str},
                       encoding="utf-8-sig")
    assert back.loc[0, "area_ha"] == 2.0 and back.loc[0, "ags"] == "05974000"
