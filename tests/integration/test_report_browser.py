"""The report in a real browser (Debian's chromium, headless): every page loads without console errors or missing
assets, nothing is fetched from elsewhere, every target page's chart has one point per year of data, and
screenshots are saved under test-output/report/."""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from ..conftest import PROJECT_ROOT

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--enable-logging=stderr", "--v=0"]
OUTPUT = PROJECT_ROOT / "test-output" / "report"


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        if os.environ.get("CI") == "true":
            pytest.fail("chromium is not installed, and CI=true requires it (.ci/run installs it)")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    return CHROMIUM


def _chromium(browser: str, page: Path, tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([browser, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", *args, page.as_uri()],
                          capture_output=True, text=True, timeout=60)


@pytest.mark.integration
def test_every_report_page_in_headless_chromium(browser, demo_run, tmp_path):
    release = demo_run["release_2"]
    report = release / "report"
    # the 40 measure pages: in one browser start by tests/integration/test_measures_demo.py
    pages = sorted(p for p in report.glob("*.html") if not p.name.startswith("massnahme-"))
    assert (report / "index.html") in pages and len(pages) >= 20
    indicators = pd.read_parquet(release / "indicators.parquet")
    OUTPUT.mkdir(parents=True, exist_ok=True)
    for page in pages:
        result = _chromium(browser, page, tmp_path, "--dump-dom")
        assert result.returncode == 0, result.stderr[-500:]
        console = [line for line in result.stderr.splitlines() if "CONSOLE" in line or "Failed to load" in line]
        assert not console, (page.name, console)
        dom = result.stdout
        assert "synthetic_demo" in dom, page.name  # the banner on every page
        assert not re.search(r"(src|href)=['\"]https?://", dom), page.name  # fully offline
        for ref in re.findall(r"(?:src|href)=['\"]([^'\"#]+)['\"]", dom):
            assert (report / ref).exists(), (page.name, ref)  # no missing local assets
        match = re.fullmatch(r"ziel-(.+?)-(.+)\.html", page.name)
        if match:
            target_set, indicator_id = match.groups()
            district = indicators[(indicators["target_set"] == target_set) & (indicators["indicator_id"] ==
                                  indicator_id) & (indicators["ags"] == "05974000")]
            years_with_data = set(district.dropna(subset=["value"])["year"].astype(int))
            points = {int(y) for y in re.findall(r"class=\"data-point\" data-year=\"(\d+)\"", dom)}
            assert points == years_with_data, page.name
            assert len(re.findall(r"class=\"data-point\"", dom)) == len(years_with_data)
            assert "<title>" in dom and "aria-label" in dom  # a text alternative for the chart
        if match or page.name == "index.html":
            shot = OUTPUT / f"{page.stem}.png"
            result = _chromium(browser, page, tmp_path, "--window-size=390,1400", f"--screenshot={shot}")
            assert result.returncode == 0 and shot.stat().st_size > 10_000, page.name
