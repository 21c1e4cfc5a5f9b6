"""The work programme on the demo (the session's `demo_run`, no run of its own): the four tables in the release,
every export and the DuckDB file; the demo list as generated (sources/demo/measures.py); `klimamonitor trace` from a
gap figure to the measures and the deliveries of the list; and the measures pages and the target pages' gap
sections in headless Chromium at 390 px without horizontal overflow (all pages in one browser start; of a target
page only the gap section, which this module writes: the rest of the page is the host report's)."""

import json
import os
import re
import shutil
import subprocess

import duckdb
import pandas as pd
import pytest
from click.testing import CliRunner

from sources.demo.measures import LATE, MEASURES, NEW_IN_2025, STALE

TABLES = ["measures", "measure_status_history", "eea_assessment", "target_measures"]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def test_the_tables_are_in_the_release_every_export_and_the_duckdb_file(demo_run):
    release = demo_run["release_2"]
    manifest = json.loads((release / "manifest.json").read_text(encoding="utf-8"))
    package = json.loads((release / "datapackage.json").read_text(encoding="utf-8"))
    resources = {r["name"] for r in package["resources"]}
    from python_calamine import CalamineWorkbook

    sheets = set(CalamineWorkbook.from_path(release / "exports" / "klimamonitor.xlsx").sheet_names)
    con = duckdb.connect(str(release / "klimamonitor.duckdb"), read_only=True)
    cwd = os.getcwd()
    os.chdir(release)  # the views name the Parquet files relative to the release
    try:
        for table in TABLES:
            rows = len(pd.read_parquet(release / f"{table}.parquet"))
            assert rows > 0 and manifest["tables"][table]["rows"] == rows, table
            assert con.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == rows, table
            assert (release / "exports" / f"{table}.csv").exists() and (release / "exports" / f"{table}.json").exists()
            assert table in resources and table in sheets, table
    finally:
        os.chdir(cwd)
        con.close()


def test_the_demo_list_as_generated(demo_run):
    release = demo_run["release_2"]
    measures = pd.read_parquet(release / "measures.parquet")
    assert len(measures) == len(MEASURES) == 40
    assert measures["field_of_action"].nunique() == 6
    assert list(measures.loc[measures["measure_status"] == "stopped", "measure_id"]) == ["EP06"]
    assert sorted(measures.loc[measures["overdue"], "measure_id"]) == sorted([LATE, STALE])
    history = pd.read_parquet(release / "measure_status_history.parquet")
    assert history["list_date"].astype(str).drop_duplicates().tolist() == ["2024-03-01", "2025-03-03"]
    first = history[history["history_change"] == "first_listed"]
    assert set(first.loc[first["list_date"].astype(str) == "2025-03-03", "measure_id"]) == NEW_IN_2025
    changed = {m[0] for m in MEASURES if m[0] not in NEW_IN_2025 and m[7] != m[8]}
    status_changes = history[history["history_change"].isin(["status_changed", "status_and_budget_changed"])]
    assert set(status_changes["measure_id"]) == changed
    manifest = json.loads((release / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["data_origin"] == "synthetic_demo"


def test_trace_leads_from_a_gap_figure_to_the_measures_and_deliveries(demo_run):
    from pipelines.cli import main

    result = CliRunner().invoke(main, ["trace", "--data-dir", str(demo_run["data"]), "target_measures",
                                       "target_set=kreistag_2012", "indicator_id=transport_co2_vs_2007"])
    assert result.exit_code == 0, result.output
    serving = [m for m in MEASURES if "transport_co2_vs_2007" in m[4]]
    assert f"measures ({len(serving)}):" in result.output
    for m in serving:
        assert f"  {m[0]} {m[1]}:" in result.output
    assert "Arbeitsprogramm_2024-03.csv" in result.output and "Arbeitsprogramm_2025-03.csv" in result.output
    assert "gap_t_co2e" in result.output and "bytes verified" in result.output
    assert "Fahrleistungen_2007-2024.csv" in result.output  # the emissions behind the gap's value


def _measure_and_gap_pages(report):
    pages = [report / "arbeitsprogramm.html", *sorted(report.glob("massnahme-*.html"))]
    return pages + [p for p in sorted(report.glob("ziel-*.html")) if "Maßnahmen und Ziellücke" in p.read_text()]


def test_the_measures_pages_link_only_local_pages(demo_run):
    report = demo_run["release_2"] / "report"
    pages = _measure_and_gap_pages(report)
    assert len([p for p in pages if p.name.startswith("massnahme-")]) == 40
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert "synthetic_demo" in text and not re.search(r"(src|href)=['\"]https?://", text), page.name
        for ref in re.findall(r"(?:src|href)=['\"]([^'\"#]+)['\"]", text):
            assert (report / ref).exists(), (page.name, ref)


@pytest.mark.integration
def test_no_horizontal_overflow_at_390_px_in_chromium(demo_run, tmp_path):
    if CHROMIUM is None:
        if os.environ.get("CI") == "true":
            pytest.fail("chromium is not installed, and CI=true requires it")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    report = demo_run["release_2"] / "report"
    pages = _measure_and_gap_pages(report)
    assert len(pages) > 45
    frames = "".join(f"<iframe src='{p.name}' style='width:390px;height:600px;border:0'></iframe>" for p in pages)
    probe = tmp_path / "report"
    shutil.copytree(report, probe)
    (probe / "probe.html").write_text(
        "<!doctype html><html><body>" + frames + "<script>window.onload=function(){document.querySelectorAll("
        "'iframe').forEach(function(x){var d=x.contentDocument;var e=d.querySelector('section')||d.documentElement;"
        "x.setAttribute('data-width',e.scrollWidth+'/'+e.clientWidth)})}</script></body></html>", encoding="utf-8")
    result = subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                             "--disable-background-networking", "--allow-file-access-from-files",
                             f"--user-data-dir={tmp_path / 'profile'}", "--virtual-time-budget=20000", "--dump-dom",
                             (probe / "probe.html").as_uri()], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-500:]
    widths = dict(re.findall(r"<iframe src=\"([^\"]+)\"[^>]*data-width=\"(\d+/\d+)\"", result.stdout))
    assert set(widths) == {p.name for p in pages}, ("not every page loaded", len(widths), result.stdout[-300:])
    wide = {name: w for name, w in widths.items() if int(w.split("/")[0]) > int(w.split("/")[1])}
    assert not wide, wide
