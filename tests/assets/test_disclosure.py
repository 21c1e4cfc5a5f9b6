"""Statistical confidentiality by hand: a municipal cell with two consumers is suppressed, the smallest other
municipal cell of the same year, sector and carrier too, and the municipalities' sums of that year; district rows and
everything else keep their values."""

from pathlib import Path

import pandas as pd
from click.testing import CliRunner

from assets.compute.disclosure import cell_consumers, confidential_cells, suppress
from pipelines.cli import main
from warehouse.release import latest_release

from ..configs import write_config

D = "05974000"


def _inputs():
    rows = [  # ags, year, sector, carrier, detail, input_mwh, delivery, row
        ("05974004", 2021, "industry", "electricity", "RLM Industrie", 900.0, "g:1", 10),
        ("05974008", 2021, "industry", "electricity", "RLM Industrie", 400.0, "g:1", 11),
        ("05974012", 2021, "industry", "electricity", "RLM Industrie", 650.0, "g:1", 12),
        ("05974004", 2021, "households", "electricity", "SLP Haushalt", 5000.0, "g:1", 13),
        ("05974004", 2020, "industry", "electricity", "RLM Industrie", 880.0, "g:0", 10),
    ]
    frame = pd.DataFrame(rows, columns=["ags", "year", "sector", "carrier", "detail", "input_mwh", "delivery_id",
                                        "source_row"])
    return frame.assign(input_kind="grid")


def _grid_rows():
    return pd.DataFrame({"delivery_id": ["g:1"] * 4 + ["g:0"], "source_row": [10, 11, 12, 13, 10],
                         "consumers": [2, 40, 35, 4000, 3]})


def _final_energy():
    cells = _inputs()[["ags", "year", "sector", "carrier", "input_mwh"]].rename(columns={"input_mwh": "final_energy_mwh"})
    district = pd.DataFrame([(D, 2021, "industry", "electricity", 1950.0)], columns=cells.columns)
    return pd.concat([cells, district], ignore_index=True).assign(value_status="reported", complete=True,
                                                                  data_quality_score=1.0)


def test_primary_secondary_and_dependent_suppression():
    consumers = cell_consumers(_inputs(), _grid_rows())
    assert consumers.set_index(["ags", "year", "sector"]).loc[("05974004", 2021, "industry"), "consumers"] == 2
    cells = confidential_cells(_final_energy(), consumers, D, minimum=3)
    assert {(r.ags, r.year, r.suppression) for r in cells.itertuples()} == {
        ("05974004", 2021, "primary"),      # 2 consumers
        ("05974008", 2021, "secondary"),    # the smallest other industry cell of 2021 (400 < 650 MWh)
    }  # 2020: 3 consumers is not below 3
    summary = pd.DataFrame([(a, 2021, s, 1.0, 1.0) for a in ("05974004", "05974008", "05974012", D)
                            for s in ("industry", "households", "total")],
                           columns=["ags", "year", "balance_scope", "final_energy_mwh", "emissions_t_co2e"])
    indicators = pd.DataFrame([("co2", a, 2021, 5.0, "met", None) for a in ("05974004", "05974012", D)],
                              columns=["indicator_id", "ags", "year", "value", "status", "status_reason"])
    out = suppress({"final_energy": _final_energy(), "balance_summary": summary, "indicators": indicators},
                   cells, minimum=3)
    fe = out["final_energy"].set_index(["ags", "year", "sector"])
    assert pd.isna(fe.loc[("05974004", 2021, "industry"), "final_energy_mwh"])
    assert fe.loc[("05974004", 2021, "industry"), "value_status"] == "confidential"
    assert pd.isna(fe.loc[("05974008", 2021, "industry"), "final_energy_mwh"])
    assert fe.loc[("05974012", 2021, "industry"), "final_energy_mwh"] == 650.0
    assert fe.loc[(D, 2021, "industry"), "final_energy_mwh"] == 1950.0  # the district total stays
    assert fe.loc[("05974004", 2020, "industry"), "final_energy_mwh"] == 880.0
    bs = out["balance_summary"].set_index(["ags", "balance_scope"])
    assert pd.isna(bs.loc[("05974004", "industry"), "emissions_t_co2e"]) and pd.isna(bs.loc[("05974004", "total"),
                                                                                           "final_energy_mwh"])
    assert bs.loc[("05974004", "households"), "final_energy_mwh"] == 1.0
    assert bs.loc[("05974012", "total"), "final_energy_mwh"] == 1.0 and bs.loc[(D, "total"), "final_energy_mwh"] == 1.0
    ind = out["indicators"].set_index("ags")
    assert pd.isna(ind.loc["05974004", "value"]) and ind.loc["05974004", "status"] == "not_assessable"
    assert "fewer than 3 consumers" in ind.loc["05974004", "status_reason"]
    assert ind.loc[D, "value"] == 5.0


def test_nothing_to_suppress_leaves_the_tables_alone():
    consumers = cell_consumers(_inputs(), _grid_rows().assign(consumers=500))
    cells = confidential_cells(_final_energy(), consumers, D, minimum=3)
    tables = {"final_energy": _final_energy()}
    assert cells.empty and suppress(tables, cells, 3) is tables


def test_the_release_publishes_few_consumers_as_confidential(tmp_path):
    """Erwitte's industry has 2 metering points in this sheet: the release shows the cell as confidential, and, as
    Erwitte is the only municipality with industry, the district's cell and totals of that year; the internal
    warehouse keeps the values."""
    baseline = Path(__file__).resolve().parents[1] / "corpus" / "_baseline" / "grid_electricity"
    sheet = (baseline / "Netzabsatz_Strom_2020.csv").read_bytes().decode("cp1252")
    assert "05974016;Erwitte, Stadt;RLM Industrie;21;" in sheet
    drop = tmp_path / "drop"
    drop.mkdir()
    (drop / "Netzabsatz_Strom_2020.csv").write_bytes(
        sheet.replace("RLM Industrie;21;", "RLM Industrie;2;").encode("cp1252"))
    cfg = write_config(tmp_path / "district.yaml", [{
        "id": "westnetz_electricity", "partner": "Westnetz GmbH", "connector": "file_drop", "location": str(drop),
        "format": "grid_sheet", "options": {"pattern": "*.csv", "carrier": "electricity", "encoding": "cp1252"},
        "mappings": {"customer_groups": {"SLP Haushalt": "households", "SLP Gewerbe": "commerce",
                                         "RLM Industrie": "industry"}}}], publishing={"min_consumers": 3})
    data = tmp_path / "data"
    result = CliRunner().invoke(main, ["run", "--no-history", "--config", str(cfg), "--data-dir", str(data)])
    assert result.exit_code == 0, result.output
    published = pd.read_parquet(latest_release(data) / "final_energy.parquet")
    internal = pd.read_parquet(data / "warehouse" / "final_energy")
    key = (published["ags"] == "05974016") & (published["year"] == 2020) & (published["sector"] == "industry")
    assert published.loc[key, "final_energy_mwh"].isna().all() and (published.loc[key, "value_status"]
                                                                     == "confidential").all()
    ikey = (internal["ags"] == "05974016") & (internal["year"] == 2020) & (internal["sector"] == "industry")
    assert internal.loc[ikey, "final_energy_mwh"].notna().all()
    # Erwitte is the only municipality with industry electricity: the district's cell is the same number
    district = (published["ags"] == "05974000") & (published["year"] == 2020) & (published["sector"] == "industry")
    assert published.loc[district, "final_energy_mwh"].isna().all()
    summary = pd.read_parquet(latest_release(data) / "balance_summary.parquet")
    total = summary[(summary["ags"] == "05974000") & (summary["year"] == 2020) & (summary["balance_scope"] == "total")]
    assert total["emissions_t_co2e"].isna().all()  # else the total minus the other sectors would give it away
    households = summary[(summary["ags"] == "05974000") & (summary["year"] == 2020)
                         & (summary["balance_scope"] == "households")]
    assert len(households) == 1 and households["final_energy_mwh"].notna().all()  # other sectors keep their values
