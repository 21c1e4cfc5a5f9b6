"""Regions of every shape (#20): a district-free city (its region made by `klimamonitor init` from the real Auszug
GV) is its one municipality and takes a normal population table of the whole state (the other municipalities
filtered and counted, none rejected); a source covering only part of a district leaves the rest missing, never 0."""

from pathlib import Path

import pandas as pd
from click.testing import CliRunner

from assets.district_init import init_district
from pipelines.cli import main
from warehouse.release import latest_release

from ..configs import write_config

REAL = Path(__file__).resolve().parent.parent / "fixtures" / "real"
GRID = """Netzbetreiber: Netzgesellschaft Düsseldorf
Netzabsatz Strom nach Gemeinden und Kundengruppen
Berichtsjahr: 2024
Einheit: MWh

Gemeindeschlüssel;Gemeinde;Kundengruppe;Zählpunkte;Energiemenge
05111000;Düsseldorf;Haushalte;350.000;1.100.000
05111000;Düsseldorf;Gewerbe;40.000;1.400.000
05112000;Duisburg;Haushalte;250.000;800.000
"""


def grid_source(folder: Path, groups: dict) -> dict:
    return {"id": "netz_strom", "partner": "Netz", "connector": "file_drop", "location": str(folder),
            "format": "grid_sheet", "options": {"pattern": "*.csv", "carrier": "electricity", "encoding": "cp1252"},
            "mappings": {"customer_groups": groups}}


def run(config: Path, data: Path):
    result = CliRunner().invoke(main, ["run", "--no-history", "--config", str(config), "--data-dir", str(data)])
    assert result.exit_code == 0, result.output
    return latest_release(data)


def test_a_district_free_city_takes_the_states_population_table(tmp_path):
    init_district(REAL / "destatis" / "31122023_Auszug_GV.xlsx", "05111000", tmp_path / "init")  # its region
    (tmp_path / "strom").mkdir()
    (tmp_path / "strom" / "Netzabsatz_2024.csv").write_bytes(GRID.encode("cp1252"))
    population = {"id": "it_nrw", "partner": "IT.NRW", "connector": "file_drop",
                  "location": str(REAL / "itnrw"), "format": "genesis_population",
                  "options": {"pattern": "12411-15i.csv"}}
    config = write_config(tmp_path / "duesseldorf.yaml", [
        grid_source(tmp_path / "strom", {"Haushalte": "households", "Gewerbe": "commerce"}), population],
        years=(2024, 2024), district={"id": "duesseldorf", "name": "Düsseldorf", "ags": "05111000",
                                      "municipalities": str(tmp_path / "init" / "municipalities.csv")},
        balance={"required_cells": {"electricity": ["households", "commerce"]}})
    release = run(config, tmp_path / "data")
    people = pd.read_parquet(release / "population.parquet")
    # line 8 of 12411-15i.csv: 31.12.2024;05111;    Düsseldorf, krfr. Stadt;618685;217,41;2845,7
    assert people[["ags", "year", "population"]].values.tolist() == [["05111000", 2024, 618685]]
    deliveries = pd.read_parquet(release / "deliveries.parquet").set_index("source_id")
    assert deliveries.loc["it_nrw", "status"] == "accepted"
    assert deliveries.loc["it_nrw", "rows_rejected"] == 0
    assert deliveries.loc["it_nrw", "rows_out_of_region"] > 400  # the other NRW places, filtered and counted
    assert deliveries.loc["netz_strom", "rows_out_of_region"] == 1  # Duisburg
    summary = pd.read_parquet(release / "balance_summary.parquet")
    total = summary[summary["balance_scope"] == "total"].set_index("ags")
    assert list(total.index) == ["05111000"]  # one row: the city is the region
    assert total.loc["05111000", "final_energy_mwh"] == 1_100_000 + 1_400_000
    places = pd.read_parquet(release / "municipalities.parquet")
    assert places[["ags", "kind"]].values.tolist() == [["05111000", "district_free_city"]]


def test_a_source_covering_part_of_the_district_leaves_the_rest_missing(tmp_path):
    (tmp_path / "strom").mkdir()
    (tmp_path / "strom" / "Netzabsatz_2024.csv").write_bytes(
        "Berichtsjahr: 2024\nEinheit: MWh\n\nGemeindeschlüssel;Gemeinde;Kundengruppe;Zählpunkte;Energiemenge\n"
        "05974028;Lippstadt;Haushalte;35.000;105.000\n05974040;Soest;Haushalte;25.000;80.000\n".encode("cp1252"))
    config = write_config(tmp_path / "soest.yaml", [grid_source(tmp_path / "strom", {"Haushalte": "households"})],
                          years=(2024, 2024), balance={"required_cells": {"electricity": ["households"]}},
                          validation={"severity": {"inputs_complete": "warn"}})
    release = run(config, tmp_path / "data")
    energy = pd.read_parquet(release / "final_energy.parquet")
    cells = energy[(energy["sector"] == "households") & (energy["carrier"] == "electricity")].set_index("ags")
    assert cells.loc["05974028", "final_energy_mwh"] == 105_000
    assert pd.isna(cells.loc["05974004", "final_energy_mwh"])  # Anröchte: no source covers it, missing (not 0)
    assert cells.loc["05974004", "value_status"] == "missing"
    assert cells.loc["05974000", "final_energy_mwh"] == 185_000 and not cells.loc["05974000", "complete"]
