"""Statistical confidentiality by hand: a municipal cell with two consumers is suppressed, the smallest other
municipal cell of the same year, sector and carrier too, and the municipalities' sums of that year; district rows and
everything else keep their values."""

import pandas as pd

from assets.compute.disclosure import cell_consumers, confidential_cells, suppress

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
