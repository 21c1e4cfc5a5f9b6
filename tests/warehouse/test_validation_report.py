"""A failed run's validation report names the failing check and the failed step, with why, file, row and column."""

import json
import re

import pandas as pd

from sources.errors import LayoutError
from warehouse.store import as_stored
from warehouse.validation import catalog_check, run_check
from warehouse.validation_report import delivery_files, render


def _rows(html: str, heading: str) -> list[list[str]]:
    section = html.split(f"<h2>{heading}</h2>", 1)[1].split("</table>", 1)[0]
    return [[re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row)]
            for row in re.findall(r"<tr>(.*?)</tr>", section) if "<td" in row]


def test_the_report_of_a_failed_run_lists_the_failing_check_and_step_with_file_row_and_column(tmp_path):
    population = as_stored(pd.DataFrame({
        "delivery_id": ["pop:1", "pop:1", "pop:1"], "source_row": [2, 3, 4],
        "ags": ["05974004", "05974016", "05974000"], "year": [2021, 2021, 2021],
        "population": [10203.0, -5.0, 26246.0], "quality_mark": ["e", "e", "e"],
        "value_status": ["reported"] * 3, "provisional": [False] * 3, "census_basis": ["zensus_2011"] * 3,
        "basis_break": [False] * 3,
    }), "raw_genesis_population__population")  # fmt: skip
    passing = run_check(catalog_check("municipalities"), as_stored(pd.DataFrame(
        {"ags": ["05974000"], "name": ["Kreis"], "kind": ["district"], "area_ha": [1.0]}), "municipalities"))
    failing = run_check(catalog_check("raw_genesis_population__population"), population)
    assert passing.passed and not failing.passed
    run_dir = tmp_path / "validation" / "run-1"
    run_dir.mkdir(parents=True)
    for outcome in (passing, failing):  # as assets/checks.py writes them
        (run_dir / f"{outcome.check}.json").write_text(json.dumps(outcome.to_dict(), default=str), encoding="utf-8")
    warehouse = tmp_path / "warehouse"
    warehouse.mkdir()
    pd.DataFrame({"delivery_id": ["pop:1"], "file_name": ["12411_2021_flat.csv"]}).to_parquet(
        warehouse / "landing__deliveries.parquet")
    step = LayoutError("grid_electricity", "Netzabsatz_Strom_2021.csv", "the column is missing", row=1,
                       column="Verbrauch_kWh")
    report = render(run_dir, "Kreis Soest, run run-1", [f"raw_grid_csv__energy: {step}"], delivery_files(warehouse))

    text = report.read_text(encoding="utf-8")
    assert "2 Prüfungen, 2 nicht bestanden (2 Fehler, 0 Warnungen); davon 1 fehlgeschlagene Schritte." in text
    failed = _rows(text, "Was fehlgeschlagen ist")
    assert failed[0][0] == "raw_grid_csv__energy" and failed[0][3:] == ["Netzabsatz_Strom_2021.csv", "1",
                                                                           "Verbrauch_kWh"]
    assert "the column is missing" in failed[0][2]
    (check,) = [r for r in failed if r[0] == "raw_genesis_population__population_matches_catalog"]
    assert check[1] == "Fehler" and check[3:] == ["12411_2021_flat.csv", "3", "population"]
    assert "expect_column_values_to_be_between" in check[2] and "-5.0" in check[2]
    assert (tmp_path / "validation" / "latest.html").read_text(encoding="utf-8").count("run-1/report.html") == 2


def test_a_run_without_failures_says_so(tmp_path):
    run_dir = tmp_path / "run-2"
    run_dir.mkdir()
    assert "Nichts ist fehlgeschlagen." in render(run_dir, "ok").read_text(encoding="utf-8")
