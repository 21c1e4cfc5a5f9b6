"""Population per municipality and year on the full grid of the configured region and years; the district row is
the min-count sum of its municipalities, flagged incomplete when any municipality is missing."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from assets.compute.totals import cell_complete, complete_grid, totals


def population_table(rows: pd.DataFrame, municipality_keys: Sequence[str], district_ags: str,
                     years: Sequence[int]) -> pd.DataFrame:
    """`rows`: raw population rows in use (ags, year, population, value_status, delivery_id)."""
    municipal = rows[rows["ags"].isin(municipality_keys)][["ags", "year", "population", "value_status", "delivery_id"]]
    grid = complete_grid(municipal, {"ags": list(municipality_keys), "year": list(years)}, "population")
    grid["complete"] = cell_complete(grid)
    district = totals(grid, ["year"], "population").assign(ags=district_ags, delivery_id=None)
    out = pd.concat([grid, district], ignore_index=True)
    return out[["ags", "year", "population", "value_status", "complete", "delivery_id"]]
