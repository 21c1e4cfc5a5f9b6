"""Lineage: for every published balance cell, the delivered rows and factor rows behind it.

`output_key` is the cell's key as `name=value` pairs joined by `;` in the table's key order, e.g.
`ags=05974000;year=2020;sector=households;carrier=electricity` (emissions add `;view=bisko`). District cells list
the rows of all their municipalities.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from assets.compute.factors import lookup

COLUMNS = ["output_table", "output_key", "delivery_id", "source_row", "factor_set", "factor_row"]


def _keys(frame: pd.DataFrame, extra: str = "") -> pd.Series:
    return ("ags=" + frame["ags"] + ";year=" + frame["year"].astype(str) + ";sector=" + frame["sector"]
            + ";carrier=" + frame["carrier"] + extra)


def _order(frame: pd.DataFrame, columns: Sequence[str]) -> np.ndarray:
    """Row order sorting by `columns` (nulls last), from integer codes: a national lineage table has millions of
    rows, and sorting by the key text itself took most of the time."""
    keys = []
    for column in columns:
        codes, _ = pd.factorize(frame[column], sort=True, use_na_sentinel=True)
        keys.append(np.where(codes < 0, len(codes), codes))  # a null after every value
    return np.lexsort(keys[::-1])


def lineage_table(inputs: pd.DataFrame, factors: pd.DataFrame, factor_set: str, district_ags: str) -> pd.DataFrame:
    """Sorted by table, cell (ags, year, sector, carrier), delivery and row. A municipal emissions cell names the one
    factor row that produced its number (the most specific of the set, as the balance chose it); a district cell
    names the factor rows of all its municipalities' cells."""
    cell = ["ags", "year", "sector", "carrier"]
    rows = inputs[inputs["delivery_id"].notna()][[*cell, "delivery_id", "source_row"]]
    both = pd.concat([rows, rows.assign(ags=district_ags)], ignore_index=True).drop_duplicates()
    municipal = rows[cell].drop_duplicates()
    municipal = municipal[municipal["carrier"].isin(factors["carrier"])].assign(final_energy_mwh=np.nan)
    with_factor = lookup(factors, municipal).dropna(subset=["factor_row"])[[*cell, "factor_row"]]
    factor_rows = pd.concat([with_factor, with_factor.assign(ags=district_ags)], ignore_index=True).drop_duplicates()
    work = pd.concat([
        both.assign(output_table="final_energy", factor_set=None, factor_row=None),
        both.assign(output_table="emissions", factor_set=None, factor_row=None),
        factor_rows.assign(output_table="emissions", delivery_id=None, source_row=None, factor_set=factor_set),
    ], ignore_index=True)  # fmt: skip
    work = work.iloc[_order(work, ["output_table", *cell, "delivery_id", "source_row", "factor_row"])]
    work = work.reset_index(drop=True)
    view = np.where(work["output_table"] == "emissions", ";view=bisko", "")
    return work.assign(output_key=_keys(work) + view)[COLUMNS]
