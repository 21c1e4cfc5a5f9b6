"""The command line: help texts, exit codes, the progress and summary of `run`, and `sql` on the release."""

import re
import shutil

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from pipelines.cli import main
from warehouse.catalog import arrow_schema, get_table
from warehouse.release import latest_release, verify_release

SUBCOMMANDS = ["run", "sql", "ui", "docs", "status"]


@pytest.fixture
def runner():
    return CliRunner()


def test_main_help_explains_the_tool(runner):
    result = runner.invoke(main, ["--help"])
    assert result.exit_code == 0
    for word in ["run", "sql", "ui", "published/latest", "Kreis Soest"]:
        assert word in result.output


@pytest.mark.parametrize("command", SUBCOMMANDS)
def test_every_subcommand_has_help(runner, command):
    result = runner.invoke(main, [command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage: main" in result.output or "Usage:" in result.output
    assert "--config" in result.output and "--data-dir" in result.output


def test_run_on_demo_publishes_a_release_and_summarises(demo_run):
    out, data_dir = demo_run["first"], demo_run["data"]  # `klimamonitor run` on the demo (session fixture)
    assert re.search(r"\[ *1/\d+\] \S+ +ok ", out)  # progress per asset
    assert "tables written:" in out and "municipalities" in out
    assert "checks:" in out
    # the marked cells per file in use: the Welver industry line of the 2015 sheet (line 78: "...;2;•")
    assert "westnetz_electricity: Netzabsatz_Strom_2015.csv: 1 confidential, 0 without a value" in out
    # rows filtered, every class with its count: line 641 of the MaStR export, a wind park in Arnsberg (05958004)
    assert ("mastr_units: Stromerzeugungseinheiten_Kreis_Soest.csv: 1 row(s) filtered — 1× column "
            "'Gemeindeschlüssel': … unit(s) outside the configured region were filtered out") in out
    # the years a file in use holds outside district.years (2007-2024): 43531 starts in 2003 (its first data lines)
    assert "years outside the configured 2007–2024 (district.years), per file in use: the balance, the population " \
        "and the indicators leave them out" in out
    assert "regionalstatistik_tables: 43531-01-02-4_00.csv: 2003, 2004, 2005, 2006" in out
    assert "release: " in out and "published/latest now points to it" in out
    rel = demo_run["release_1"]
    manifest = verify_release(rel)
    assert manifest["data_origin"] == "synthetic_demo"
    assert rel.name in out
    # every table written, internal or published, is in the catalog and matches it exactly
    parquet = [*(data_dir / "warehouse").glob("*.parquet"), *(data_dir / "warehouse").glob("*/year=*.parquet"),
               *rel.glob("*.parquet")]
    for path in parquet:
        name = path.parent.name if path.name.startswith("year=") else path.stem
        schema = pq.read_schema(path)
        expected = arrow_schema(get_table(name))
        assert schema.equals(expected, check_metadata=False), path
        assert schema.metadata[b"klimamonitor.table"].decode() == name


def test_select_runs_a_subset(runner, data_dir, demo_config):
    result = runner.invoke(main, ["run", "--config", str(demo_config), "--data-dir", str(data_dir),
                                  "--select", "municipalities"])
    assert result.exit_code == 0, result.output
    assert "assets: 1 of" in result.output
    assert latest_release(data_dir) is None
    assert "published/latest is unchanged" in result.output


def test_failed_run_exits_1_and_keeps_latest(runner, demo_run, tmp_path):
    data_dir = tmp_path / "data"
    shutil.copytree(demo_run["data"], data_dir, symlinks=True)
    before = latest_release(data_dir)
    (data_dir / "warehouse" / "municipalities.parquet").unlink()
    failed = runner.invoke(main, ["run", "--no-history", "--data-dir", str(data_dir), "--select", "release"])
    assert failed.exit_code == 1
    assert "FAILED" in failed.output
    assert "tables ['municipalities'] have not been written" in failed.output
    assert latest_release(data_dir) == before
    # what belongs to the last good release says so
    assert f"(the last good release {before.name}, not this failed run's)" in failed.output
    assert f"Kreis Soest — from the last good release {before.name}, not from this failed run:" in failed.output
    assert "targets from the last good release):" in failed.output
    assert "published/latest now points to it" not in failed.output


def test_summary_counts_filtered_rows_as_filtered(demo_run):
    quarantine = pq.read_table(demo_run["data"] / "warehouse" / "raw_grid_sheet__energy_rejected.parquet").to_pandas()
    rows = quarantine["rows_affected"].fillna(1)  # the rows each finding stands for (a filter finding: many)
    filtered = int(rows[quarantine["finding_kind"] == "filtered"].sum())
    rejected = int(rows[quarantine["finding_kind"] == "rejected"].sum())
    assert filtered > 0  # the demo's grid sheets carry rows of municipalities outside the district
    line = next(x for x in demo_run["first"].splitlines() if x.strip().startswith("raw_grid_sheet__energy_rejected "))
    assert line.split()[1:5] == [str(rejected), "rows", "rejected,", str(filtered)]
    assert "filtered (outside the region" in line


def test_summary_leaves_out_tables_whose_step_failed():
    from types import SimpleNamespace as NS

    from dagster import DagsterEventType

    from pipelines.progress import RunSummary

    def materialized(step, table, rows):
        mat = NS(asset_key=NS(to_user_string=lambda: table), metadata={"dagster/row_count": NS(value=rows)})
        return NS(event_type=DagsterEventType.ASSET_MATERIALIZATION, step_key=step,
                  event_specific_data=NS(materialization=mat))

    failure = NS(event_type=DagsterEventType.STEP_FAILURE, step_key="raw_grid",
                 event_specific_data=NS(error=NS(message="disk full", cls_name="OSError", cause=None)))
    result = NS(success=False, job_def=None, all_events=[materialized("population", "population", 5),
                                           materialized("raw_grid", "raw_grid_sheet__energy", 7), failure])
    summary = RunSummary.from_result(result, 1.0)
    assert summary.tables == {"population": 5}
    text = summary.render("/d")
    assert "raw_grid_sheet__energy" not in text.split("FAILED:")[0] and "raw_grid: disk full" in text


def test_bad_selection_and_bad_config_exit_2(runner, data_dir, tmp_path):
    bad_select = runner.invoke(main, ["run", "--data-dir", str(data_dir), "--select", "no_such_asset"])
    assert bad_select.exit_code == 2
    assert "matches no asset" in bad_select.output or "not a valid selection" in bad_select.output
    cfg = tmp_path / "bad.yaml"
    cfg.write_text("district:\n  id: Bad Id\n  name: x\n  ags: '123'\n  municipalities: m.csv\n"
                   "  years: {first: 2010, last: 2005}\ndata_origin: synthetic_demo\n")
    bad_cfg = runner.invoke(main, ["run", "--config", str(cfg), "--data-dir", str(data_dir)])
    assert bad_cfg.exit_code == 2
    for fragment in ["district.id", "district.ags", "district.years", str(cfg)]:
        assert fragment in bad_cfg.output


def test_sql_queries_latest_release(runner, demo_run):
    data_dir = demo_run["data"]
    result = runner.invoke(main, ["sql", "--data-dir", str(data_dir), "--csv",
                                  "SELECT ags, name FROM municipalities WHERE kind = 'district'"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == ["ags,name", "05974000,Kreis Soest"]
    bad = runner.invoke(main, ["sql", "--data-dir", str(data_dir), "SELECT * FROM nope"])
    assert bad.exit_code == 2 and "nope" in bad.output


def test_sql_without_release_explains(runner, data_dir):
    result = runner.invoke(main, ["sql", "--data-dir", str(data_dir), "SELECT 1"])
    assert result.exit_code == 2
    assert result.output == (f"error: no latest release under {data_dir / 'published'}; there is no release yet "
                             "(run `klimamonitor run`)\n")
    unknown = runner.invoke(main, ["sql", "--data-dir", str(data_dir), "--release", "2020-x", "SELECT 1"])
    assert unknown.exit_code == 2 and "error: release '2020-x' not found under" in unknown.output
    neither = runner.invoke(main, ["sql", "--data-dir", str(data_dir)])
    assert neither.exit_code == 2 and "give a QUERY or --describe TABLE" in neither.output


def test_sql_describe_lists_columns_with_unit_and_description(runner, demo_run):
    result = runner.invoke(main, ["sql", "--data-dir", str(demo_run["data"]), "--describe", "final_energy"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    table = get_table("final_energy")
    assert lines[0].startswith("final_energy (release ") and len(lines) == 1 + len(table.columns)
    row = next(line for line in lines if line.split()[0] == "final_energy_mwh")
    assert row.split()[1] == "DOUBLE" and row.endswith(table.column("final_energy_mwh").description + " [MWh]")
    unknown = runner.invoke(main, ["sql", "--data-dir", str(demo_run["data"]), "--describe", "nope"])
    assert unknown.exit_code == 2 and "no table 'nope'" in unknown.output and "final_energy" in unknown.output


def test_trace_prints_the_traced_value(runner, demo_run):
    rel = demo_run["release_2"]
    key = {"ags": "05974040", "year": 2020, "sector": "households", "carrier": "natural_gas"}
    frame = pq.read_table(rel / "final_energy.parquet").to_pandas()
    row = frame[(frame["ags"] == key["ags"]) & (frame["year"] == key["year"]) & (frame["sector"] == key["sector"])
                & (frame["carrier"] == key["carrier"])].iloc[0]
    result = runner.invoke(main, ["trace", "--data-dir", str(demo_run["data"]), "final_energy",
                                  *(f"{k}={v}" for k, v in key.items())])
    assert result.exit_code == 0, result.output
    assert f"  value: final_energy_mwh {row['final_energy_mwh']:,.3f} MWh;" in result.output
    assert f"value_status {row['value_status']}" in result.output
    # a count without decimals: Kreis Soest's cars on 1 January 2021, KBA FZ 3.1 row 6366 (ZUSAMMEN | 192866)
    cars = runner.invoke(main, ["trace", "--data-dir", str(demo_run["data"]), "vehicle_stock", "ags=05974000",
                                "year=2021", "vehicle_fuel=all"])
    assert "  value: vehicles 192,866 count;" in cars.output and "rows: 6366" in cars.output, cars.output


def test_trace_names_a_missing_key_part(runner, demo_run):
    result = runner.invoke(main, ["trace", "--data-dir", str(demo_run["data"]), "indicators",
                                  "indicator_id=co2_total_vs_2007", "ags=05974000", "year=2020"])
    assert result.exit_code == 2
    assert result.output.startswith("error: indicators: give target_set (e.g. target_set=kreistag_2012 ")
    assert "None" not in result.output
    bad = runner.invoke(main, ["trace", "--data-dir", str(demo_run["data"]), "final_energy", "ags05974040"])
    assert bad.exit_code == 2 and bad.output == "error: give the key as name=value pairs\n"


def test_docs_writes_into_the_data_directory_not_the_package(runner, data_dir, tmp_path):
    from assets.config import PROJECT_ROOT

    committed = PROJECT_ROOT / "docs" / "data-dictionary.md"
    before = committed.stat().st_mtime_ns
    result = runner.invoke(main, ["docs", "--data-dir", str(data_dir)])
    assert result.exit_code == 0, result.output
    assert result.output == f"wrote {data_dir / 'docs' / 'data-dictionary.md'}\n"
    written = (data_dir / "docs" / "data-dictionary.md").read_text(encoding="utf-8")
    assert written == committed.read_text(encoding="utf-8")
    assert committed.stat().st_mtime_ns == before
    out = tmp_path / "dd.md"
    stale = runner.invoke(main, ["docs", "--out", str(out), "--check"])
    assert stale.exit_code == 1 and f"{out} is out of date; run `klimamonitor docs --out {out}`" in stale.output
    bad_cfg = runner.invoke(main, ["docs", "--config", str(tmp_path / "missing.yaml")])
    assert bad_cfg.exit_code == 2 and "missing.yaml" in bad_cfg.output


def test_docs_check(runner):
    from assets.config import PROJECT_ROOT

    result = runner.invoke(main, ["docs", "--check", "--out", str(PROJECT_ROOT / "docs" / "data-dictionary.md")])
    assert result.exit_code == 0, result.output


def test_ui_help_documents_host_and_port(runner):
    result = runner.invoke(main, ["ui", "--help"])
    assert result.exit_code == 0
    text = " ".join(result.output.split())
    assert "--host TEXT Address the web UI listens on" in text and "[default: 127.0.0.1]" in text
    assert "--port INTEGER Port of the web UI. [default: 3000]" in text


def test_run_summary_reports_validation_share_and_report(demo_run):
    output = demo_run["first"]
    match = re.search(r"time: ([\d.]+) s, of which validation ([\d.]+) s \((\d+) %\)", output)
    assert match and float(match.group(2)) > 0
    report = re.search(r"validation report: (\S+)", output).group(1)
    text = open(report, encoding="utf-8").read()
    assert "Prüfbericht" in text and "population_district_sum" in text and "matches_catalog" in text


def _strict_config(tmp_path):
    """The demo configuration with a quarantine threshold of zero for westnetz_electricity."""
    import yaml

    from assets.config import DEFAULT_CONFIG

    raw = yaml.safe_load(DEFAULT_CONFIG.read_text(encoding="utf-8"))
    source = next(s for s in raw["sources"] if s["id"] == "westnetz_electricity")
    source.setdefault("options", {})["quarantine"] = {"max_share": 0.0, "max_rows": 0}
    path = tmp_path / "strict.yaml"  # its files are named package:..., so a copy elsewhere runs
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_validate_one_delivery(runner, demo_config, tmp_path):
    from sources.demo.generate import DEFAULT_OUT

    from ..conftest import PROJECT_ROOT

    ok = runner.invoke(main, ["validate", "--source", "westnetz_electricity",
                              str(DEFAULT_OUT / "strom" / "Netzabsatz_Strom_2015.csv")])
    assert ok.exit_code == 0, ok.output
    assert "OK: the file would be accepted" in ok.output and "rows outside the region: 1" in ok.output
    # line 78 of the file: "05974048;Welver;RLM Industrie;2;•" (the other • is the footnote explaining it)
    assert "cells marked confidential: 1; cells marked as having no value: 0" in ok.output
    bad = runner.invoke(main, ["validate", "--source", "westnetz_electricity",
                               str(PROJECT_ROOT / "tests" / "corpus" / "non_numeric" / "Netzabsatz_Strom_2021.csv")])
    # one bad row of 80 is within the default threshold: a run takes the rest and quarantines it, and so says validate
    assert bad.exit_code == 0, bad.output
    assert "row 11, column 'Energiemenge': '402.114.OOO' is not a number" in bad.output
    assert "ACCEPTED with 1 quarantined row(s)" in bad.output
    strict = runner.invoke(main, ["validate", "--config", str(_strict_config(tmp_path)), "--source",
                                  "westnetz_electricity", str(PROJECT_ROOT / "tests" / "corpus" / "non_numeric" /
                                                              "Netzabsatz_Strom_2021.csv")])
    assert strict.exit_code == 1, strict.output
    assert "REJECTED: 1 of" in strict.output and "above the source's threshold" in strict.output
    unknown = runner.invoke(main, ["validate", "--source", "nope", str(DEFAULT_OUT / "README.md")])
    assert unknown.exit_code == 2 and "no source 'nope'" in unknown.output


def test_status_after_a_good_run(runner, demo_run, monkeypatch):
    monkeypatch.setenv("KLIMAMONITOR_TODAY", "2026-11-26")  # freshness as of a fixed day: the test does not age
    result = runner.invoke(main, ["status", "--data-dir", str(demo_run["data"])])
    assert result.exit_code == 0, result.output
    assert "succeeded" in result.output and "last release: " in result.output
    assert "it_nrw_population" in result.output and "on_time" in result.output
    grid = next(line for line in result.output.splitlines() if line.strip().startswith("westnetz_electricity"))
    assert grid.endswith("; 18 files in use")  # the grid operator's yearly sheets 2007-2024, not only the newest
    assert "Nothing needs attention." in result.output
