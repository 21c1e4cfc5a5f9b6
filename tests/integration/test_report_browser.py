"""The demo release's report in a real browser (Debian's chromium, headless, driven by tests/browser/check_report.js
with puppeteer-core; accessibility by axe-core, offline): at 390 px and 1400 px every page loads without console
errors or requests leaving the folder, shows no `nan`, `None`, raw id or English unit, does not overflow sideways,
has no overlapping text in a chart, and every chart has a table and a CSV file; axe finds no serious violation.
Screenshots of four pages at both widths go to test-output/report/ (look at them)."""

import csv
import json
import os
import re
import shutil
import subprocess

import pandas as pd
import pytest

from warehouse.fields import FIELDS
from warehouse.labels import UNITS_DE

from ..conftest import PROJECT_ROOT

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # for --dump-dom
NODE = shutil.which("node")
BROWSER_DIR = PROJECT_ROOT / "tests" / "browser"
OUTPUT = PROJECT_ROOT / "test-output" / "report"
WIDTHS = (390, 1400)
DISTRICT = "05974000"


def _missing() -> str | None:
    if CHROMIUM is None:
        return "chromium is not installed (apt-get install chromium)"
    if NODE is None:
        return "node is not installed"
    if not (BROWSER_DIR / "node_modules" / "puppeteer-core").is_dir():
        return "the node modules are not installed (cd tests/browser && npm ci)"
    return None


def _screenshot_pages(report) -> list[str]:
    """The overview, a target page, a municipality page and the methodology page."""
    target = "ziel-kreistag_2012-co2_total_vs_2007.html"
    place = sorted(p.name for p in report.glob("gemeinde-*.html"))[0]
    return ["index.html", target, place, "methodik.html"]


@pytest.fixture(scope="module")
def checked(demo_run):
    """Every page of the demo release's report, measured once at both widths."""
    reason = _missing()
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}, and CI=true requires it (.ci/run installs chromium and runs npm ci)")
        pytest.skip(reason)
    report = demo_run["release_2"] / "report"
    OUTPUT.mkdir(parents=True, exist_ok=True)
    shots = _screenshot_pages(report)
    result = subprocess.run([NODE, str(BROWSER_DIR / "check_report.js"), str(report), str(OUTPUT), CHROMIUM,
                             ",".join(map(str, WIDTHS)), ",".join(shots)], capture_output=True, text=True,
                            timeout=600, cwd=BROWSER_DIR)
    assert result.returncode == 0, result.stderr[-2000:]
    return {"report": report, "release": demo_run["release_2"], "shots": shots, "pages": json.loads(result.stdout)}


def _each(checked):
    for name, widths in checked["pages"].items():
        for width, measured in widths.items():
            yield f"{name} at {width} px", measured


@pytest.mark.integration
def test_every_page_loads_offline_with_the_banner(checked):
    report = checked["report"]
    assert "index.html" in checked["pages"] and len(checked["pages"]) >= 20
    for where, m in _each(checked):
        assert not m["events"], (where, m["events"])  # console errors, failed or external requests
        assert "synthetischen Demonstrationsdaten" in m["text"], where
        # the banner names the one real file of the demo (deliveries.origin = real_public)
        # the banner names the real files of the demo (deliveries.origin = real_public)
        assert "Echt, aus amtlichen Veröffentlichungen, sind nur die Daten aus " in m["text"], where
        assert "12411-15i.csv (IT.NRW (Landesdatenbank NRW), 2024)" in m["text"], where
        assert "fz3_2021.xlsx (Kraftfahrt-Bundesamt" in m["text"], where
    for page in report.glob("*.html"):
        dom = page.read_text(encoding="utf-8")
        assert "data-origin='synthetic_demo'" in dom, page.name
        assert not re.search(r"(src|href)=['\"]https?://", dom), page.name
        for ref in re.findall(r"(?:src|href)=['\"]([^'\"#]+)['\"]", dom):
            assert (report / ref).exists(), (page.name, ref)


@pytest.mark.integration
def test_each_target_chart_has_one_point_per_year_with_data_and_its_target_year(checked):
    indicators = pd.read_parquet(checked["release"] / "indicators.parquet")
    targets = pd.read_parquet(checked["release"] / "targets.parquet")
    for t in targets.itertuples(index=False):
        dom = (checked["report"] / f"ziel-{t.target_set}-{t.indicator_id}.html").read_text(encoding="utf-8")
        wide = dom.split("class='chart chart-wide'", 1)[1].split("</svg>", 1)[0]
        rows = indicators[(indicators["target_set"] == t.target_set) & (indicators["indicator_id"] == t.indicator_id)
                          & (indicators["ags"] == DISTRICT)].dropna(subset=["value"])
        points = [int(y) for y in re.findall(r"class='data-point' data-year='(\d+)'", wide)]
        assert sorted(points) == sorted(rows["year"].astype(int)), t.indicator_id
        if pd.notna(t.target_value):  # the target is drawn in its year, the path reaches it
            assert f"<title>Ziel {int(t.target_year)}:" in wide, t.indicator_id


def _vocabulary(release) -> set[str]:
    ids = {str(v) for f in FIELDS.values() if f.allowed for v in f.allowed}
    targets = pd.read_parquet(release / "targets.parquet")
    ids |= set(targets["target_set"]) | set(targets["indicator_id"]) | set(targets["indicator"])
    return {i for i in ids if len(i) >= 3 and re.fullmatch(r"[a-z0-9_]+", i)}


@pytest.mark.integration
def test_no_page_shows_nan_none_a_raw_id_or_an_english_unit(checked):
    ids = _vocabulary(checked["release"])
    raw = re.compile(r"(?<![\w-])(" + "|".join(sorted(map(re.escape, ids), key=len, reverse=True)) + r")(?![\w-])")
    english = [u for u, de in UNITS_DE.items() if u != de and re.search(r"[a-z]{3}", u) and u not in ("t CO2e",)]
    for where, m in _each(checked):
        text = m["text"]
        assert not re.search(r"\b(nan|NaN|None|undefined)\b", text), where
        assert not raw.findall(text), (where, sorted(set(raw.findall(text))))
        assert not [u for u in english if u in text], where
        assert "CO2e" not in text, where  # CO₂e, as in the German labels


@pytest.mark.integration
def test_no_page_overflows_and_no_chart_text_overlaps_at_both_widths(checked):
    for where, m in _each(checked):
        assert m["overflow"] <= 0, (where, f"{m['overflow']} px wider than the window")
        assert not m["overlaps"], (where, m["overlaps"])
        if m["minChartText"] is not None:
            assert m["minChartText"] >= 9, (where, "chart text smaller than 9 px")


@pytest.mark.integration
def test_every_chart_has_a_table_and_a_csv_file_that_resolves(checked):
    report = checked["report"]
    charts = 0
    for where, m in _each(checked):
        assert not m["withoutAlternative"], (where, m["withoutAlternative"])
        assert len(m["csvLinks"]) == m["charts"], where  # one CSV per chart shown
        charts += m["charts"]
        for link in m["csvLinks"]:
            with open(report / link, encoding="utf-8-sig", newline="") as fh:
                rows = list(csv.reader(fh, delimiter=";"))
            assert len(rows) >= 2 and len(rows[0]) >= 2, (where, link)
    assert charts > 40


@pytest.mark.integration
def test_axe_finds_no_serious_accessibility_violation(checked):
    for name in checked["pages"]:
        assert checked["pages"][name][str(max(WIDTHS))]["axe"] is not None, name  # every page checked at 1400 px
    for where, m in _each(checked):
        assert not m["axe"], (where, m["axe"])  # None: not run at this width (every page runs at 1400 px)


@pytest.mark.integration
def test_screenshots_of_four_pages_at_both_widths(checked):
    for name in checked["shots"]:
        for width in WIDTHS:
            shot = OUTPUT / f"{name[:-5]}-{width}.png"
            assert shot.exists() and shot.stat().st_size > 10_000, shot
