"""Outputs for the tools people already use: the Frictionless descriptor (validated by `frictionless validate`),
column comments in the DuckDB file and in PostgreSQL, the xlsx workbook, rounded CSV numbers, German booleans and
`exports/indicators_latest.json`. Expected values come from the Parquet record and the catalog, not from the
export being checked."""

import csv
import datetime as dt
import json
import math

import duckdb
import pandas as pd
import pyarrow.parquet as pq
import pytest
import sqlalchemy as sa

from assets.config import load_config
from warehouse.catalog import all_tables, get_table
from warehouse.exports import write_indicators_latest
from warehouse.release import DUCKDB_FILE, publish_release
from warehouse.sql_publish import publish_to_sql
from warehouse.workbook import COLUMNS_SHEET, LEFT_OUT


@pytest.fixture(scope="module")
def release(demo_run):
    return demo_run["release_2"]


def test_frictionless_validates_the_release_descriptor(release):
    from frictionless import Package, system

    with system.use_context(trusted=True):
        report = Package(str(release / "datapackage.json")).validate()
    problems = [e.message for task in report.tasks for e in task.errors]
    assert report.valid, problems[:5]
    assert len(report.tasks) == len(json.loads((release / "manifest.json").read_text())["tables"])


def test_descriptor_names_licences_sources_and_contributors_from_the_configuration(release):
    descriptor = json.loads((release / "datapackage.json").read_text())
    cfg = load_config(None)
    names = {lic["name"] for lic in descriptor["licenses"]}
    assert names == {s.license.name for s in cfg.sources if s.license} | {cfg.publishing.license.name}
    assert {"dl-de/by-2-0", "CC-BY-4.0"} <= names
    assert all(lic["path"].startswith("https://") for lic in descriptor["licenses"])
    assert [s["title"].split(":")[0] for s in descriptor["sources"]] == [s.partner for s in cfg.sources]
    assert descriptor["contributors"] == [c.model_dump(exclude_none=True) for c in cfg.publishing.contributors]
    resource = next(r for r in descriptor["resources"] if r["name"] == "final_energy")
    assert resource["path"] == "exports/final_energy.csv"
    assert resource["klimamonitor:parquet"]["path"] == "final_energy.parquet"


def test_duckdb_file_carries_table_and_column_comments(release):
    con = duckdb.connect(str(release / DUCKDB_FILE), read_only=True)
    try:
        views = dict(con.execute("SELECT view_name, comment FROM duckdb_views() WHERE NOT internal").fetchall())
        columns = {(t, c): comment for t, c, comment in con.execute(
            "SELECT table_name, column_name, comment FROM duckdb_columns() WHERE NOT internal").fetchall()}
    finally:
        con.close()
    published = [t for t in all_tables().values() if t.published]
    for table in published:
        assert views[table.name] == table.description
        for col in table.columns:
            expected = col.description + (f" [{col.unit}]" if col.unit else "")
            assert columns[(table.name, col.name)] == expected
    assert columns[("final_energy", "final_energy_mwh")].endswith("[MWh]")


@pytest.mark.services
def test_postgresql_tables_carry_comments_from_the_catalog(release, postgres_url):
    schema = "klimamonitor_comments"
    engine = sa.create_engine(postgres_url)
    with engine.begin() as conn:
        conn.exec_driver_sql(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
    try:
        publish_to_sql(postgres_url, release, ["final_energy", "municipalities"], schema)
        publish_to_sql(postgres_url, release, ["final_energy", "municipalities"], schema)  # again: still commented
        with engine.connect() as conn:
            rows = conn.exec_driver_sql(
                "SELECT c.relname, a.attname, col_description(c.oid, a.attnum), obj_description(c.oid, 'pg_class') "
                "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped "
                f"WHERE n.nspname = '{schema}' AND c.relkind = 'r'").fetchall()
    finally:
        with engine.begin() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        engine.dispose()
    found = {(t, c): (col, tab) for t, c, col, tab in rows}
    for name in ("final_energy", "municipalities"):
        table = get_table(name)
        for col in table.columns:
            assert found[(name, col.name)] == (col.description + (f" [{col.unit}]" if col.unit else ""),
                                               table.description)
    assert found[("final_energy", "final_energy_mwh")][0] == "Final energy (gas at net calorific value) [MWh]"


def _rounded(value, decimals):
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else round(value, decimals)


def test_xlsx_sheet_matches_the_parquet_table(release):
    import openpyxl

    book = openpyxl.load_workbook(release / "exports" / "klimamonitor.xlsx", read_only=True)
    tables = sorted(json.loads((release / "manifest.json").read_text())["tables"])
    assert "lineage" in tables and "lineage" in LEFT_OUT
    assert book.sheetnames == [COLUMNS_SHEET, *[t for t in tables if t != "lineage"]]
    info = list(book[COLUMNS_SHEET].iter_rows(values_only=True))
    assert info[0][:4] == ("table", "column", "description", "unit")
    described = {(r[0], r[1]): r for r in info[1:]}
    assert "exports/lineage.csv" in described[("lineage", None)][2]  # the first sheet says where lineage is
    for name in tables:
        for col in get_table(name).columns:
            row = described[(name, col.name)]
            assert row[2] == col.description and (row[3] or None) == col.unit and row[6] == release.name
    table = get_table("balance_summary")
    sheet = list(book["balance_summary"].iter_rows(values_only=True))
    book.close()
    assert list(sheet[0]) == table.column_names
    expected = pq.read_table(release / "balance_summary.parquet").to_pylist()
    assert len(sheet) - 1 == len(expected)
    for got, want in zip(sheet[1:], expected, strict=True):
        for col, value in zip(table.columns, got, strict=True):
            if col.type == "number":
                assert value == _rounded(want[col.name], col.decimals), col.name
            else:
                assert value == want[col.name], col.name


def test_a_table_above_the_workbooks_row_cap_has_no_sheet_and_the_first_sheet_names_its_file(release, tmp_path):
    import shutil

    import openpyxl

    from warehouse.workbook import write_workbook

    copy = tmp_path / "release"
    copy.mkdir()
    tables = ["balance_summary", "municipalities"]  # 1,620 and 15 rows in the demo
    for name in tables:
        shutil.copy(release / f"{name}.parquet", copy / f"{name}.parquet")
    book = openpyxl.load_workbook(write_workbook(copy, tables, "r1", max_rows=1_000), read_only=True)
    assert book.sheetnames == [COLUMNS_SHEET, "municipalities"]
    notes = {r[0]: r[2] for r in book[COLUMNS_SHEET].iter_rows(values_only=True) if r[1] is None}
    book.close()
    assert notes == {"balance_summary": "not in this workbook: 1,620 rows, more than 1,000 "
                                        "(publishing.workbook_max_rows); use exports/balance_summary.csv or "
                                        "balance_summary.parquet"}


def test_csv_numbers_rounded_to_the_catalog_and_german_booleans_in_words(release):
    table = get_table("balance_summary")
    parquet = pq.read_table(release / "balance_summary.parquet").to_pylist()
    with open(release / "exports" / "balance_summary.csv", encoding="utf-8", newline="") as fh:
        plain = list(csv.DictReader(fh))
    with open(release / "exports" / "de" / "balance_summary.csv", encoding="utf-8-sig", newline="") as fh:
        german = list(csv.DictReader(fh, delimiter=";"))
    assert len(plain) == len(german) == len(parquet)
    for p, g, want in zip(plain, german, parquet, strict=True):
        for col in table.columns:
            value = want[col.name]
            if col.type == "number":
                text = "" if value is None else f"{round(value, col.decimals):.{col.decimals}f}"
                assert p[col.name] == text and g[col.name] == text.replace(".", ","), col.name
            elif col.type == "boolean":
                assert p[col.name] == {True: "true", False: "false", None: ""}[value]
                assert g[col.name] == {True: "ja", False: "nein", None: ""}[value]
    assert "nan" not in (release / "exports" / "de" / "final_energy.csv").read_text(encoding="utf-8-sig").lower()
    deliveries = (release / "exports" / "deliveries.csv").read_text(encoding="utf-8")
    assert "T" in deliveries.splitlines()[1].split(",")[7] and deliveries.splitlines()[1].split(",")[7].endswith("Z")


def test_indicators_latest_json_holds_the_latest_value_per_target_and_place(release):
    latest = json.loads((release / "exports" / "indicators_latest.json").read_text(encoding="utf-8"))
    assert latest["release_id"] == release.name
    indicators = pd.read_parquet(release / "indicators.parquet")
    targets = indicators[["target_set", "indicator_id", "ags"]].drop_duplicates()
    assert len(latest["indicators"]) == len(targets)
    one = indicators[(indicators["indicator_id"] == "co2_total_vs_2007") & (indicators["ags"] == "05974000")]
    with_value = one.dropna(subset=["value"])
    expected = with_value[with_value["year"] == with_value["year"].max()].iloc[0]
    row = next(r for r in latest["indicators"]
               if r["indicator_id"] == "co2_total_vs_2007" and r["ags"] == "05974000")
    assert row["year"] == int(expected["year"]) and row["value"] == round(float(expected["value"]), 4)
    assert row["status"] == expected["status"] and row["unit"] == expected["unit"]
    assert row["target_value"] == float(expected["target_value"]) and row["release_id"] == release.name
    assert row["name"] == "Kreis Soest" and "conformity" in row
    assert list(row) == ["target_set", "indicator_id", "title_de", "title_en", "ags", "name", "year", "value", "unit",
                         "target_value", "comparator", "base_year", "target_year", "status", "status_reason",
                         "conformity", "release_id"]


def _indicator_rows(conformity: bool) -> pd.DataFrame:
    frame = pd.DataFrame({
        "target_set": ["t"] * 3, "indicator_id": ["i"] * 3, "ags": ["05974000"] * 3, "year": [2020, 2021, 2022],
        "value": [1.23456, 2.5, None], "unit": ["%"] * 3, "target_value": [30.0] * 3, "status": ["missed"] * 3,
        "status_reason": [None, None, "no data"],
    })  # fmt: skip
    if conformity:
        frame["conformity"] = ["conformant", "non_conformant", "incomplete"]
    return frame


@pytest.mark.parametrize("conformity", [False, True])
def test_indicators_latest_takes_conformity_when_the_table_has_it(tmp_path, conformity):
    _indicator_rows(conformity).to_parquet(tmp_path / "indicators.parquet")
    (tmp_path / "exports").mkdir()
    path = write_indicators_latest(tmp_path, "r1")
    (row,) = json.loads(path.read_text())["indicators"]
    assert row["year"] == 2021 and row["value"] == 2.5  # the latest year with a value, not 2022 without one
    assert row["conformity"] == ("non_conformant" if conformity else None)
    assert row["name"] is None and row["release_id"] == "r1"


def test_csv_export_of_a_hand_made_release(data_dir):
    """Fixed notation and rounding from the catalog's decimals, on values chosen here."""
    frame = pd.DataFrame({"ags": ["05974000"], "name": ["K"], "kind": ["district"], "area_ha": [3270919.8887670003]})
    rel = publish_release(data_dir, {"municipalities": frame}, data_origin="synthetic_demo", district={"id": "t"},
                          now=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    text = (rel.path / "exports" / "de" / "municipalities.csv").read_text(encoding="utf-8-sig")
    assert text.splitlines()[1] == "05974000;K;district;3270919,89"
    assert get_table("municipalities").column("area_ha").decimals == 2
