"""Statistical confidentiality in a release: a grid sheet with two consumers in a cell, run through the pipeline."""

from pathlib import Path

import pandas as pd
from click.testing import CliRunner

from pipelines.cli import main
from warehouse.release import latest_release

from ..configs import write_config


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
