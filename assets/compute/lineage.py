"""Lineage: for every published balance cell, the delivered rows and factor rows behind it.

`output_key` is the cell's key as `name=value` pairs joined by `;` in the table's key order, e.g.
`ags=05974000;year=2020;sector=households;carrier=electricity` (emissions add `;view=bisko`). District cells list
the rows of all their municipalities.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from assets.compute.factors import lookup

COLUMNS = ["output_table", "output_key", "delivery_id", "source_row", "factor_set", "factor_row"]


def key_string(pairs: Sequence[tuple[str, object]]) -> str:
    return ";".join(f"{k}={v}" for k, v in pairs)


def _keys(frame: pd.DataFrame, extra: str = "") -> pd.Series:
    return ("ags=" + frame["ags"] + ";year=" + frame["year"].astype(str) + ";sector=" + frame["sector"]
            + ";carrier=" + frame["carrier"] + extra)


def lineage_table(inputs: pd.DataFrame, factors: pd.DataFrame, factor_set: str, district_ags: str) -> pd.DataFrame:
    rows = inputs[inputs["delivery_id"].notna()][["ags", "year", "sector", "carrier", "delivery_id", "source_row"]]
    both = pd.concat([rows, rows.assign(ags=district_ags)], ignore_index=True).drop_duplicates()
    final = pd.DataFrame({"output_table": "final_energy", "output_key": _keys(both), "delivery_id": both["delivery_id"],
                          "source_row": both["source_row"], "factor_set": None, "factor_row": None})
    cells = both[["ags", "year", "sector", "carrier"]].drop_duplicates().assign(final_energy_mwh=1.0)
    with_factor = lookup(factors, cells[cells["carrier"].isin(factors["carrier"])])
    factor_ids = factor_set + ":" + with_factor["carrier"] + ":" + with_factor["sector_scope"].fillna("all") + ":" + \
        with_factor["year"].astype(str)
    factor_rows = pd.DataFrame({"output_table": "emissions", "output_key": _keys(with_factor, ";view=bisko"),
                                "delivery_id": None, "source_row": None, "factor_set": factor_set,
                                "factor_row": factor_ids})
    emission_inputs = final.assign(output_table="emissions", output_key=final["output_key"] + ";view=bisko")
    out = pd.concat([final, emission_inputs, factor_rows], ignore_index=True)
    return out[COLUMNS].sort_values(["output_table", "output_key", "delivery_id", "source_row"]).reset_index(drop=True)
