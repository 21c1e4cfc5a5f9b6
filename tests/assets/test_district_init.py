"""`klimamonitor init` on the real Destatis directory files (tests/fixtures/real/destatis): Kreis Soest, North
Rhine-Westphalia and the district-free city of Düsseldorf; each configuration passes the configuration check. The
expected keys, areas and inhabitants were read by hand from the files."""

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
import yaml
from click.testing import CliRunner

from assets.config_check import check_config
from assets.district_init import EXAMPLES, InitError, init_district
from pipelines.cli import main
from sources.formats import FORMATS

REAL = Path(__file__).resolve().parent.parent / "fixtures" / "real" / "destatis"
GV100AD = REAL / "GV100AD_311217.ASC"
AUSZUG = REAL / "31122023_Auszug_GV.xlsx"
SOEST_KEYS = [f"05974{n:03d}" for n in range(4, 57, 4)]  # Anröchte 004 ... Wickede (Ruhr) 056


def init(tmp_path, key, directory) -> tuple[Path, pd.DataFrame]:
    result = CliRunner().invoke(main, ["init", "--key", key, "--directory", str(directory), "--out",
                                       str(tmp_path / "neu")])
    assert result.exit_code == 0, result.output
    config = tmp_path / "neu" / "district.yaml"
    report = check_config(config)
    assert report.errors == [], report.errors
    return config, pd.read_csv(tmp_path / "neu" / "municipalities.csv", dtype={"ags": str}).set_index("ags")


def test_kreis_soest_from_gv100ad(tmp_path):
    config, table = init(tmp_path, "05974000", GV100AD)
    municipalities = table[table["kind"] == "municipality"]
    assert list(municipalities.index) == SOEST_KEYS
    assert municipalities.loc["05974004", ["name", "area_ha", "population"]].tolist() == ["Anröchte", 7379, 10317]
    assert municipalities.loc["05974028", ["name", "area_ha", "population"]].tolist() == ["Lippstadt, Stadt", 11368,
                                                                                          67936]
    assert municipalities.loc["05974056", "area_ha"] == 2524
    district = table.loc["05974000"]
    assert (district["name"], district["kind"]) == ("Kreis Soest", "district")
    assert district["population"] == municipalities["population"].sum()
    assert set(table["population_date"]) == {"2017-12-31"}
    assert set(table["population_source"]) == {"Statistisches Bundesamt, Gemeindeverzeichnis (GV-ISys), "
                                               "GV100AD_311217.ASC"}
    text = config.read_text(encoding="utf-8")
    assert 'ags: 05974000' in text or "ags: '05974000'" in text
    written = yaml.safe_load(text)
    # the years up to last year (the directory's date, 2017, would leave every later delivery outside), and BISKO's
    # required cells, so that a total stays incomplete while a required carrier has no source
    # the bundled factor set states the federal electricity mix up to 2024 (lca_compiled_2026.csv, its last row)
    assert written["district"]["years"] == {"first": 2007, "last": min(dt.date.today().year - 1, 2024)}
    assert written["balance"]["required_cells"]["natural_gas"] == ["households", "commerce", "industry", "municipal"]
    assert {"electricity", "heating_oil", "solar_thermal", "ambient_heat", "diesel", "petrol"} <= set(
        written["balance"]["required_cells"])
    for fmt in FORMATS:  # every supported format as a commented example
        assert f"# {fmt}\n#  - id: {fmt}" in text or fmt == "facility_db"
    assert "#  - id: facility_db" in text


def test_kreis_soest_from_auszug_gv(tmp_path):
    _, table = init(tmp_path, "05974000", AUSZUG)
    assert list(table.index[1:]) == SOEST_KEYS
    assert table.loc["05974028", ["area_ha", "population"]].tolist() == [11368, 69047]
    assert set(table["population_date"]) == {"2023-12-31"}


def test_north_rhine_westphalia(tmp_path):
    _, table = init(tmp_path, "05000000", AUSZUG)
    assert table.loc["05000000", "name"] == "Nordrhein-Westfalen"
    assert (table["kind"] == "municipality").sum() == 396
    assert table.loc["05111000", "area_ha"] == 21741


def test_the_district_free_city_of_duesseldorf(tmp_path):
    _, table = init(tmp_path, "05111000", AUSZUG)
    assert list(table.index) == ["05111000"]
    assert table.loc["05111000", ["name", "kind", "area_ha", "population"]].tolist() == [
        "Düsseldorf, Stadt", "district_free_city", 21741, 631217]


def test_init_never_overwrites_and_says_so(tmp_path):
    (tmp_path / "neu").mkdir()
    result = CliRunner().invoke(main, ["init", "--key", "05974000", "--directory", str(GV100AD), "--out",
                                       str(tmp_path / "neu")])
    assert result.exit_code == 2
    assert "already exists; init writes only into a new folder" in result.output
    assert list((tmp_path / "neu").iterdir()) == []


def test_an_unknown_key(tmp_path):
    with pytest.raises(InitError, match="key 05999000 is not a state, Regierungsbezirk or district"):
        init_district(GV100AD, "05999000", tmp_path / "neu")
    assert not (tmp_path / "neu").exists()


@pytest.mark.parametrize("other", ["kba/fz3_2021.xlsx", "regionalstatistik/31211-01-01-4.xlsx"])
def test_a_workbook_that_is_no_directory_is_a_clear_error(tmp_path, other):
    path = REAL.parent / other
    result = CliRunner().invoke(main, ["init", "--key", "05774000", "--directory", str(path), "--out",
                                       str(tmp_path / "neu")])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert f"error: {path} is no municipality directory of the Statistisches Bundesamt" in result.output
    assert not (tmp_path / "neu").exists()


def test_every_format_has_an_example():
    assert set(EXAMPLES) == set(FORMATS)
