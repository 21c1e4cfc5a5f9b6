"""Nothing about Kreis Soest lives in code: a fictional district in another state (Landkreis Musterland, 09799000,
three municipalities), with its own grid operator and statistics office, runs through the whole pipeline and
publishes its own region, balance and population."""

from pathlib import Path

import pandas as pd
from click.testing import CliRunner

from pipelines.cli import main
from warehouse.release import latest_release, verify_release

from .configs import write_config

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


def test_a_fictional_district_in_another_state(tmp_path):
    (tmp_path / "musterland.csv").write_text(MUNICIPALITIES, encoding="utf-8")
    grid, stats = tmp_path / "strom", tmp_path / "statistik"
    grid.mkdir()
    stats.mkdir()
    for year, a in ((2020, "13.200"), (2021, "12.950")):
        (grid / f"Netzabsatz_{year}.csv").write_bytes(GRID.format(year=year, a=a).encode("cp1252"))
    (stats / "12411_flat.csv").write_text(GENESIS, encoding="utf-8")
    cfg = write_config(tmp_path / "musterland.yaml", [
        {"id": "musternetz_strom", "partner": "Musternetz GmbH", "connector": "file_drop", "location": str(grid),
         "format": "grid_sheet", "options": {"pattern": "*.csv", "carrier": "electricity", "encoding": "cp1252"},
         "mappings": {"customer_groups": {"Haushalte": "households", "Gewerbe": "commerce", "Industrie": "industry"}}},
        {"id": "landesamt_bevoelkerung", "partner": "Landesamt für Statistik", "connector": "file_drop",
         "location": str(stats), "format": "genesis_population", "options": {"pattern": "*.csv"}},
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
