"""The configuration check (`klimamonitor check-config`): each mistake of issue #20 caught with its message, every
problem at once, exit 2; relative paths resolved against the file's folder; the demo configuration copied to
another folder still finds its bundled deliveries."""

import shutil

import yaml
from click.testing import CliRunner

from assets.config import DEFAULT_CONFIG, PROJECT_ROOT
from assets.config_check import check_config
from pipelines.cli import main

FACTORS = str(DEFAULT_CONFIG.parent / "kreis_soest" / "factors")
MUNICIPALITIES = str(DEFAULT_CONFIG.parent / "kreis_soest" / "municipalities.csv")


def grid(location: str, **extra) -> dict:
    return {"id": "strom", "partner": "Netz GmbH", "connector": "file_drop", "location": location,
            "format": "grid_sheet", "options": {"pattern": "*.csv", "carrier": "electricity"}, **extra}


def factors_source() -> dict:
    return {"id": "emission_factors", "partner": "klimamonitor", "connector": "file_drop", "location": FACTORS,
            "format": "emission_factors"}


def write(tmp_path, sources, balance=None, district=None) -> str:
    config = {"district": {"id": "test", "name": "Kreis Soest", "ags": "05974000", "municipalities": MUNICIPALITIES,
                           "years": {"first": 2020, "last": 2021}, **(district or {})},
              "data_origin": "partner_deliveries", "sources": sources,
              "balance": {"factor_set": "lca_compiled_2026"} if balance is None else balance}
    path = tmp_path / "district.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return str(path)


def messages(path) -> list[str]:
    return [str(p) for p in check_config(path).problems]


def test_the_demo_configuration_passes(tmp_path):
    report = check_config(DEFAULT_CONFIG)
    assert report.errors == [] and report.warnings == []


def test_an_unknown_format_names_the_closest_known_ones(tmp_path):
    (tmp_path / "strom").mkdir()
    path = write(tmp_path, [{**grid("strom"), "format": "grid_sheets"}, factors_source()])
    assert ("error: sources[0] (strom).format: unknown format 'grid_sheets'; did you mean 'grid_sheet'?"
            in messages(path))


def test_an_unknown_option_of_a_format(tmp_path):
    (tmp_path / "strom").mkdir()
    source = grid("strom")
    source["options"]["carier"] = "electricity"
    path = write(tmp_path, [source, factors_source()])
    assert ("error: sources[0] (strom).options.carier: format 'grid_sheet' has no option 'carier'; did you mean "
            "'carrier'?" in messages(path))


def test_a_tidy_layout_mapping_to_no_code_is_an_error_before_any_file_is_read(tmp_path):
    (tmp_path / "waerme").mkdir()
    source = {"id": "waerme", "partner": "Stadtwerke", "connector": "file_drop", "location": "waerme",
              "format": "final_energy", "options": {"columns": {"carrier": "Energieträger", "energy": "MWh"}},
              "mappings": {"carriers": {"Fernwärme": "fernwaerme"}}}
    found = messages(write(tmp_path, [source, factors_source()]))
    assert any(m.startswith("error: sources[0] (waerme).options: options.columns names ['energy'], which the format "
                            "does not have") for m in found), found
    assert any(m.startswith("error: sources[0] (waerme).mappings: mappings.carriers maps {'fernwärme': 'fernwaerme'} "
                            "to no allowed code") for m in found), found


def test_a_folder_that_does_not_exist_is_named_resolved_against_the_file(tmp_path):
    path = write(tmp_path, [grid("lieferungen/strom"), factors_source()])
    expected = f"error: sources[0] (strom).location: folder does not exist: {tmp_path / 'lieferungen' / 'strom'}"
    assert expected in messages(path)


def test_a_file_that_does_not_exist(tmp_path):
    path = write(tmp_path, [factors_source()], district={"municipalities": "gemeinden.csv"})
    assert f"error: district.municipalities: file does not exist: {tmp_path / 'gemeinden.csv'}" in messages(path)


def test_a_missing_factor_set(tmp_path):
    path = write(tmp_path, [factors_source()], balance={})
    assert any(m.startswith("error: balance.factor_set: no factor set: name the factor_set of a source of format "
                            "emission_factors") for m in messages(path))


def test_duplicate_source_ids(tmp_path):
    (tmp_path / "strom").mkdir()
    path = write(tmp_path, [grid("strom"), grid("strom"), factors_source()])
    found = messages(path)
    assert "error: sources[1] (strom).id: source id 'strom' is used twice (also sources[0])" in found
    assert not any("must be unique" in m for m in found)  # said once


def test_targets_needing_unconfigured_sources_are_a_warning(tmp_path):
    (tmp_path / "strom").mkdir()
    path = write(tmp_path, [grid("strom"), factors_source()],
                 district={"targets": str(DEFAULT_CONFIG.parent / "kreis_soest" / "targets.yaml")})
    report = check_config(path)
    assert report.errors == []
    assert ("warning: targets kreistag_2012/renewable_electricity_share: needs a renewable-generation, transport "
            "(vehicle-km, train-km) source; none is configured, so it will be not_assessable") in [
        str(w) for w in report.warnings]  # rail and battery-electric cars' electricity count in the denominator


def test_every_problem_at_once_exit_2_without_a_traceback(tmp_path):
    source = {**grid("nirgends"), "format": "grid_sheets"}
    path = write(tmp_path, [source, source], balance={})
    result = CliRunner().invoke(main, ["check-config", "--config", path])
    assert result.exit_code == 2
    for part in ("unknown format 'grid_sheets'", "folder does not exist", "is used twice", "no factor set",
                 "6 error(s)"):
        assert part in result.output, result.output
    assert "Traceback" not in result.output
    run = CliRunner().invoke(main, ["run", "--config", path, "--data-dir", str(tmp_path / "data")])
    assert run.exit_code == 2 and "unknown format 'grid_sheets'" in run.output
    assert not (tmp_path / "data").exists()  # nothing ran


def test_a_copied_demo_configuration_finds_the_bundled_deliveries(tmp_path):
    copy = tmp_path / "elsewhere" / "kreis_soest.yaml"
    copy.parent.mkdir()
    shutil.copyfile(DEFAULT_CONFIG, copy)
    result = CliRunner().invoke(main, ["check-config", "--config", str(copy)])
    assert result.exit_code == 0, result.output
    assert f"sources[6] (westnetz_electricity).location: {PROJECT_ROOT / 'sources/demo/fixtures/kreis_soest/strom'}" \
        in result.output
    assert "configuration OK (0 warning(s))" in result.output


def test_no_required_cells_is_a_warning(tmp_path):
    (tmp_path / "strom").mkdir()
    path = write(tmp_path, [grid("strom"), factors_source()])
    assert any(m.startswith("warning: balance.required_cells: no required cells: no total can show that it is "
                            "whole") for m in messages(path))
    stated = write(tmp_path, [grid("strom"), factors_source()],
                   balance={"factor_set": "lca_compiled_2026", "required_cells": {"electricity": ["households"]}})
    assert not [m for m in messages(stated) if "required_cells" in m]


def test_a_placeholder_left_from_inspect_is_an_error(tmp_path):
    (tmp_path / "kba").mkdir()
    kba = {"id": "kba", "partner": "KBA", "connector": "file_drop", "location": "kba", "format": "kba_fz3",
           "options": {"pattern": "*.xlsx"}, "mappings": {"municipality_names": {"WUENNENBERG,ST.": "<its 8-digit key>"}}}
    assert ("error: sources[0] (kba).mappings.municipality_names: 'WUENNENBERG,ST.': the placeholder <its 8-digit "
            "key> is still there (inspect writes it where only the partner or you can say the value)") in messages(
        write(tmp_path, [kba, factors_source()]))
