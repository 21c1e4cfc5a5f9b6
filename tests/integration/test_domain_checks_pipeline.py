"""Severity is data: a plausibility finding warns and is published with the data; configured as an error, the same
finding blocks the release."""

from click.testing import CliRunner

from pipelines.cli import main
from warehouse.release import latest_release

from ..configs import write_config

HEADER = ("statistics_code;statistics_label;time_code;time_label;time;1_variable_code;1_variable_label;"
          "1_variable_attribute_code;1_variable_attribute_label;value_variable_code;value_variable_label;value;"
          "value_unit;value_q\n")


def _row(var, key, value):
    return f"12411;B;STAG;Stichtag;31.12.2021;{var};V;{key};N;BEVSTD;B;{value};Anzahl;e\n"


def _setup(tmp_path, severity=None):
    drop = tmp_path / "drop"
    drop.mkdir()
    keys = [f"05974{n:03d}" for n in range(4, 57, 4)]
    rows = "".join(_row("GEMEIN", k, 1000) for k in keys) + _row("KREISE", "05974", 15000)  # sum is 14,000
    (drop / "pop_2021.csv").write_text(HEADER + rows, encoding="utf-8")
    return write_config(tmp_path / "district.yaml", [
        {"id": "pop", "partner": "IT.NRW", "connector": "file_drop", "location": str(drop),
         "format": "genesis_population"}], years=(2021, 2021), validation={"severity": severity or {}})


def test_plausibility_warning_is_published_with_the_data(tmp_path):
    cfg = _setup(tmp_path)
    result = CliRunner().invoke(main, ["run", "--no-history", "--config", str(cfg), "--data-dir", str(tmp_path / "data")])
    assert result.exit_code == 0, result.output
    assert "1 warnings" in result.output and "population:population_district_sum" in result.output
    assert "difference_pct" in result.output
    assert latest_release(tmp_path / "data") is not None


def test_the_same_finding_configured_as_error_blocks(tmp_path):
    cfg = _setup(tmp_path, {"population_district_sum": "error"})
    result = CliRunner().invoke(main, ["run", "--no-history", "--config", str(cfg), "--data-dir", str(tmp_path / "data")])
    assert result.exit_code == 1, result.output
    assert "population:population_district_sum" in result.output
    assert latest_release(tmp_path / "data") is None
