"""Population per municipality and year on the full grid of the configured region and years; the district row is
the district's own figure where a delivery states one (the offices' district rows, with their delivery), else the
min-count sum of its municipalities, flagged incomplete when any municipality is missing.

Each row keeps the census its figure rests on as the office's table states it (`census_basis`, read by
sources/parsers/genesis.py) and `basis_break` is true on the first year of a new basis in the published series —
also where the years come from different deliveries: the step from the year before is partly the new count, never
growth. A district row has a basis where all its municipalities share one."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from assets.compute.totals import cell_complete, complete_grid, own_totals_first, totals

COLUMNS = ["ags", "year", "population", "value_status", "complete", "delivery_id", "source_row", "census_basis",
           "basis_break"]


def with_basis_breaks(frame: pd.DataFrame) -> pd.DataFrame:
    """basis_break where census_basis differs from that of the previous year with a basis of the same place."""
    known = frame[frame["census_basis"].notna()].sort_values(["ags", "year"])
    previous = known.groupby("ags")["census_basis"].shift()
    breaks = previous.notna() & (previous != known["census_basis"])
    return frame.assign(basis_break=breaks.reindex(frame.index, fill_value=False).astype(bool))


def population_table(rows: pd.DataFrame, municipality_keys: Sequence[str], district_ags: str,
                     years: Sequence[int]) -> pd.DataFrame:
    """`rows`: population rows in use (ags, year, population, value_status, delivery_id, source_row, census_basis)."""
    rows = rows.assign(**{c: None for c in ("census_basis", "source_row") if c not in rows})
    municipal = rows[rows["ags"].isin(municipality_keys)][["ags", "year", "population", "value_status",
                                                           "delivery_id", "source_row", "census_basis"]]
    grid = complete_grid(municipal, {"ags": list(municipality_keys), "year": list(years)}, "population")
    grid["complete"] = cell_complete(grid)
    bases = grid.groupby("year")["census_basis"].agg(lambda b: b.iloc[0] if b.notna().all() and b.nunique() == 1
                                                      else None)
    district = totals(grid, ["year"], "population").assign(ags=district_ags, delivery_id=None, source_row=None)
    district["census_basis"] = district["year"].map(bases)
    district = own_totals_first(district, rows, district_ags, ["year"], "population",
                                ("delivery_id", "source_row", "census_basis"))
    out = pd.concat([grid, district], ignore_index=True).astype({"source_row": "Int64"})
    return with_basis_breaks(out)[COLUMNS]
