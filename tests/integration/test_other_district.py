"""Nothing about Kreis Soest lives in code: a fictional district in another state (Landkreis Musterland, 09799000,
three municipalities), with its own grid operator and statistics office, runs through the whole pipeline and
publishes its own region, balance and population."""


import pandas as pd
import pytest
from click.testing import CliRunner

from pipelines.cli import main
from warehouse.release import latest_release, verify_release

from ..configs import write_config

MUNICIPALITIES = """ags,name,kind,area_ha
09799000,Landkreis Musterland,district,41000
09799111,Aberg,municipality,12000
09799122,Beheim,municipality,17500
09799133,Cedorf,municipality,11500
"""
GRID = """Netzbetreiber: Musternetz GmbH
Netzabsatz Strom nach Gemeinden und Kundengruppen
Berichtsjahr: {year}
Einheit: MWh

Gemeindeschlüssel;Gemeinde;Kundengruppe;Zählpunkte;Energiemenge
09799111;Aberg;Haushalte;4.100;{a}
09799111;Aberg;Gewerbe;390;9.100
09799122;Beheim;Haushalte;6.900;22.400
09799122;Beheim;Industrie;12;61.000
09799133;Cedorf;Haushalte;3.050;9.800
05974004;Anröchte;Haushalte;5.449;16.833
"""
GENESIS = ("statistics_code;time;1_variable_code;1_variable_attribute_code;value_variable_code;value\n"
           + "".join(f"12411;31.12.{y};GEMEIN;{k};BEVSTD;{v}\n" for y in (2020, 2021)
                     for k, v in (("09799111", 11800), ("09799122", 19250), ("09799133", 8400))))


def musterland_sources(grid, stats) -> list[dict]:
    """The fictional district's grid operator and statistics office."""
    return [
        {"id": "musternetz_strom", "partner": "Musternetz GmbH", "connector": "file_drop", "location": str(grid),
         "format": "grid_sheet", "options": {"pattern": "*.csv", "carrier": "electricity", "encoding": "cp1252"},
         "mappings": {"customer_groups": {"Haushalte": "households", "Gewerbe": "commerce", "Industrie": "industry"}}},
        {"id": "landesamt_bevoelkerung", "partner": "Landesamt für Statistik", "connector": "file_drop",
         "location": str(stats), "format": "genesis_population", "options": {"pattern": "*.csv"}},
    ]


def test_a_fictional_district_in_another_state(tmp_path):
    (tmp_path / "musterland.csv").write_text(MUNICIPALITIES, encoding="utf-8")
    grid, stats = tmp_path / "strom", tmp_path / "statistik"
    grid.mkdir()
    stats.mkdir()
    for year, a in ((2020, "13.200"), (2021, "12.950")):
        (grid / f"Netzabsatz_{year}.csv").write_bytes(GRID.format(year=year, a=a).encode("cp1252"))
    (stats / "12411_flat.csv").write_text(GENESIS, encoding="utf-8")
    cfg = write_config(tmp_path / "musterland.yaml", [
        *musterland_sources(grid, stats),
    ], district={"id": "musterland", "name": "Landkreis Musterland", "ags": "09799000",
                 "municipalities": str(tmp_path / "musterland.csv")},
        validation={"severity": {"inputs_complete": "warn"}},
        balance={"required_cells": {"electricity": ["households"]}})
    data = tmp_path / "data"
    result = CliRunner().invoke(main, ["run", "--no-history", "--config", str(cfg), "--data-dir", str(data)])
    assert result.exit_code == 0, result.output
    assert "Landkreis Musterland (09799000)" in result.output
    release = latest_release(data)
    assert verify_release(release)["district"] == {"id": "musterland", "name": "Landkreis Musterland",
                                                   "ags": "09799000"}
    places = pd.read_parquet(release / "municipalities.parquet").set_index("ags")["name"]
    assert places.to_dict() == {"09799000": "Landkreis Musterland", "09799111": "Aberg", "09799122": "Beheim",
                                "09799133": "Cedorf"}
    energy = pd.read_parquet(release / "final_energy.parquet")
    households = energy[(energy["sector"] == "households") & (energy["carrier"] == "electricity")]
    by_place = households.set_index(["ags", "year"])["final_energy_mwh"]
    assert by_place[("09799111", 2021)] == 12950 and by_place[("09799000", 2020)] == 13200 + 22400 + 9800
    population = pd.read_parquet(release / "population.parquet").set_index(["ags", "year"])["population"]
    assert population[("09799000", 2021)] == 11800 + 19250 + 8400
    deliveries = pd.read_parquet(release / "deliveries.parquet")
    assert deliveries["rows_out_of_region"].sum() == 2  # Anröchte (Kreis Soest) is filtered from both sheets


OLD_KEYS_2020 = """Netzbetreiber: Musternetz GmbH
Netzabsatz Strom nach Gemeinden und Kundengruppen
Berichtsjahr: 2020
Einheit: MWh

Gemeindeschlüssel;Gemeinde;Kundengruppe;Zählpunkte;Energiemenge
09799111;Aberg;Haushalte;4.100;13.200
09799115;Ehrenfeld;Haushalte;1.500;5.000
09799122;Beheim;Haushalte;6.900;22.400
09799131;Alt-Cedorf;Haushalte;1.900;6.000
09799132;Dinghausen;Haushalte;1.150;3.800
"""
NEW_KEYS_2021 = GRID.format(year=2021, a="12.950")
KEY_CHANGES = """Gemeindeschlüssel alt;Gemeindeschlüssel neu;Wirksamkeit;Anteil Bevölkerung
09799131;09799133;01.01.2021;
09799132;09799133;01.01.2021;
09799115;09799111;01.01.2021;0,6
09799115;09799122;01.01.2021;0,4
05974999;05974004;01.01.2019;
"""
OLD_POPULATION = ("statistics_code;time;1_variable_code;1_variable_attribute_code;value_variable_code;value\n"
                  + "".join(f"12411;31.12.2020;GEMEIN;{k};BEVSTD;{v}\n" for k, v in (
                      ("09799111", 10000), ("09799115", 3000), ("09799122", 18050), ("09799131", 5000),
                      ("09799132", 3400))))


def test_data_under_former_keys_are_moved_to_todays_municipalities(tmp_path):
    """Synthetic boundary reform on 1 January 2021: Alt-Cedorf and Dinghausen merge into Cedorf, Ehrenfeld is split
    60/40 between Aberg and Beheim. The 2020 deliveries use the old keys, 2021's the new ones; the change table is a
    delivery like any other."""
    (tmp_path / "musterland.csv").write_text(MUNICIPALITIES, encoding="utf-8")
    grid, stats, changes = tmp_path / "strom", tmp_path / "statistik", tmp_path / "gebiet"
    for folder in (grid, stats, changes):
        folder.mkdir()
    (grid / "Netzabsatz_2020.csv").write_bytes(OLD_KEYS_2020.encode("cp1252"))
    (grid / "Netzabsatz_2021.csv").write_bytes(NEW_KEYS_2021.encode("cp1252"))
    (stats / "12411_flat.csv").write_text(OLD_POPULATION, encoding="utf-8")
    (changes / "Gebietsaenderungen.csv").write_text(KEY_CHANGES, encoding="utf-8")
    cfg = write_config(tmp_path / "musterland.yaml", [
        *musterland_sources(grid, stats),
        {"id": "destatis_gebietsaenderungen", "partner": "Statistisches Bundesamt", "connector": "file_drop",
         "location": str(changes), "format": "key_changes", "options": {"pattern": "*.csv"}},
    ], district={"id": "musterland", "name": "Landkreis Musterland", "ags": "09799000",
                 "municipalities": str(tmp_path / "musterland.csv"), "years": {"first": 2020, "last": 2021}},
        validation={"severity": {"inputs_complete": "warn"}},
        balance={"required_cells": {"electricity": ["households"]}})
    data = tmp_path / "data"
    result = CliRunner().invoke(main, ["run", "--no-history", "--config", str(cfg), "--data-dir", str(data)])
    assert result.exit_code == 0, result.output
    release = latest_release(data)
    energy = pd.read_parquet(release / "final_energy.parquet")
    households = energy[(energy["sector"] == "households") & (energy["carrier"] == "electricity")]
    by_place = households.set_index(["ags", "year"])["final_energy_mwh"]
    assert by_place[("09799111", 2020)] == pytest.approx(13200 + 0.6 * 5000)
    assert by_place[("09799122", 2020)] == pytest.approx(22400 + 0.4 * 5000)
    assert by_place[("09799133", 2020)] == pytest.approx(6000 + 3800)
    assert by_place[("09799000", 2020)] == pytest.approx(13200 + 5000 + 22400 + 6000 + 3800)  # nothing lost
    assert by_place[("09799133", 2021)] == 9800
    assert set(households["ags"]) == {"09799000", "09799111", "09799122", "09799133"}
    population = pd.read_parquet(release / "population.parquet").set_index(["ags", "year"])["population"]
    assert population[("09799111", 2020)] == pytest.approx(10000 + 0.6 * 3000)
    assert population[("09799122", 2020)] == pytest.approx(18050 + 0.4 * 3000)
    assert population[("09799133", 2020)] == 5000 + 3400
    assert population[("09799000", 2020)] == 10000 + 3000 + 18050 + 5000 + 3400
    inputs = pd.read_parquet(data / "warehouse" / "core_energy__inputs" / "year=2020.parquet")
    cedorf = inputs[(inputs["ags"] == "09799133") & (inputs["sector"] == "households")]
    assert sorted(cedorf["detail"]) == ["Haushalte (delivered as 09799131)", "Haushalte (delivered as 09799132)"]
    assert sorted(cedorf["source_row"]) == [10, 11]  # the lines of Alt-Cedorf and Dinghausen in the 2020 sheet
    ehrenfeld = inputs[inputs["detail"].str.contains("09799115")].set_index("ags")["detail"]
    assert ehrenfeld.to_dict() == {"09799111": "Haushalte (delivered as 09799115 × 0.6)",
                                   "09799122": "Haushalte (delivered as 09799115 × 0.4)"}
    deliveries = pd.read_parquet(release / "deliveries.parquet")
    changes_row = deliveries[deliveries["source_id"] == "destatis_gebietsaenderungen"].iloc[0]
    assert changes_row["status"] == "accepted" and changes_row["rows_parsed"] == 4
    assert changes_row["rows_out_of_region"] == 1  # 05974999 → Soest's Anröchte is not this district's concern
    # `klimamonitor validate` builds the region as the run did: the 2020 sheet under former keys is accepted
    check = CliRunner().invoke(main, ["validate", "--config", str(cfg), "--data-dir", str(data),
                                      "--source", "musternetz_strom", str(grid / "Netzabsatz_2020.csv")])
    assert check.exit_code == 0 and "rows rejected: 0" in check.output, check.output
    assert "have not landed yet" not in check.output
    # before any run (nothing landed) it cannot know the key changes, and says so
    early = CliRunner().invoke(main, ["validate", "--config", str(cfg), "--data-dir", str(tmp_path / "no_run_yet"),
                                      "--source", "musternetz_strom", str(grid / "Netzabsatz_2020.csv")])
    assert "note: the key-change sources have not landed yet (no run in this data directory)" in early.output


def test_validate_rejects_former_keys_without_a_key_change_delivery(tmp_path):
    """The other side: with no change table landed, a run rejects the rows under former keys, and so does
    `validate` (09799115 and 09799131/2 are keys of this district's range but no municipality of today)."""
    (tmp_path / "musterland.csv").write_text(MUNICIPALITIES, encoding="utf-8")
    grid, stats = tmp_path / "strom", tmp_path / "statistik"
    grid.mkdir()
    stats.mkdir()
    (grid / "Netzabsatz_2020.csv").write_bytes(OLD_KEYS_2020.encode("cp1252"))
    cfg = write_config(tmp_path / "musterland.yaml", musterland_sources(grid, stats),
                       district={"id": "musterland", "name": "Landkreis Musterland", "ags": "09799000",
                                 "municipalities": str(tmp_path / "musterland.csv"),
                                 "years": {"first": 2020, "last": 2021}})
    check = CliRunner().invoke(main, ["validate", "--config", str(cfg), "--data-dir", str(tmp_path / "data"),
                                      "--source", "musternetz_strom", str(grid / "Netzabsatz_2020.csv")])
    # within the default quarantine threshold: a run sets the three rows aside and takes the rest, and so says validate
    assert check.exit_code == 0 and "rows rejected: 3" in check.output, check.output
    assert "ACCEPTED with 3 quarantined row(s)" in check.output
