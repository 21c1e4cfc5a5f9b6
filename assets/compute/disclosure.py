"""Statistical confidentiality of published cells: a municipality's value that rests on fewer consumers than
`publishing.min_consumers` (the grid operators deliver the number of metering points behind each value) is published
as confidential — null, never 0 — and so is what would let a reader recompute it:

- primary: municipal cells of final energy (and the same cells of emissions, in every view) whose grid inputs have
  fewer consumers than the minimum;
- secondary: where a (year, sector, carrier) has exactly one such cell among the municipalities, the smallest other
  municipal cell is suppressed too, so the district total minus the others does not give it away; where there is no
  other municipal cell, the district's cell is the same number and is suppressed instead;
- dependent: the municipality's balance-summary rows of that year (the sector and the total) and its indicators of
  that year, which are sums over the cell.

District rows keep their values unless a lone cell makes them the same number: then the district's cell, its sector
and total of that year and its indicators of that year are confidential too (safe, but it costs the headline figure
of that year: agree with the grid operator on a coarser grouping where this happens). Internal tables keep every
value; only the release is suppressed.
"""

from __future__ import annotations

import pandas as pd

CELL = ["ags", "year", "sector", "carrier"]
REASON = "confidential: rests on fewer than {n} consumers (statistical confidentiality)"


def cell_consumers(inputs: pd.DataFrame, grid_rows: pd.DataFrame) -> pd.DataFrame:
    """Consumers behind each cell's grid inputs (null where a grid row does not say how many)."""
    grid = inputs[inputs["input_kind"] == "grid"][[*CELL, "delivery_id", "source_row"]]
    counted = grid.merge(grid_rows[["delivery_id", "source_row", "consumers"]], on=["delivery_id", "source_row"],
                         how="left")
    grouped = counted.groupby(CELL)["consumers"]
    total = grouped.sum()  # null where any grid row of the cell does not say how many
    return total.where(grouped.count() == grouped.size()).rename("consumers").reset_index()


def confidential_cells(final_energy: pd.DataFrame, consumers: pd.DataFrame, district_ags: str,
                       minimum: int) -> pd.DataFrame:
    """The municipal cells to suppress, with `suppression` primary or secondary."""
    municipal = final_energy[(final_energy["ags"] != district_ags) & final_energy["final_energy_mwh"].notna()]
    cells = municipal[[*CELL, "final_energy_mwh"]].merge(consumers, on=CELL, how="left")
    primary = cells[cells["consumers"].notna() & (cells["consumers"] < minimum)]
    chosen = [primary[CELL].assign(suppression="primary")]
    for (year, sector, carrier), group in primary.groupby(["year", "sector", "carrier"]):
        if len(group) != 1:
            continue
        others = cells[(cells["year"] == year) & (cells["sector"] == sector) & (cells["carrier"] == carrier)
                       & ~cells["ags"].isin(group["ags"])]
        if len(others):
            smallest = others.sort_values(["final_energy_mwh", "ags"]).iloc[[0]]
            chosen.append(smallest[CELL].assign(suppression="secondary"))
        else:  # the only municipality with this cell: the district's value is the same number
            chosen.append(pd.DataFrame([[district_ags, year, sector, carrier, "district"]],
                                       columns=[*CELL, "suppression"]))
    return pd.concat(chosen, ignore_index=True).drop_duplicates(CELL)


def _null(frame: pd.DataFrame, rows: pd.Series, columns: list[str]) -> pd.DataFrame:
    frame = frame.copy()
    for column in columns:
        if column in frame:
            frame[column] = frame[column].astype(object).where(~rows, None)
    for flag in ("complete", "per_inhabitant_complete"):
        if flag in frame:
            frame.loc[rows, flag] = False
    return frame


def suppress(tables: dict[str, pd.DataFrame], cells: pd.DataFrame, minimum: int) -> dict[str, pd.DataFrame]:
    """The published tables with the confidential cells (and what depends on them) suppressed."""
    if cells.empty:
        return tables
    out = dict(tables)
    keys = cells[CELL].drop_duplicates()
    places = keys[["ags", "year"]].drop_duplicates()
    sectors = keys[["ags", "year", "sector"]].rename(columns={"sector": "balance_scope"}).drop_duplicates()

    def hit(frame: pd.DataFrame, columns: list[str], wanted: pd.DataFrame) -> pd.Series:
        """Which rows of `frame` have one of the `wanted` key combinations (a left merge keeps the row order)."""
        marked = frame[columns].merge(wanted[columns].assign(_hit=True), on=columns, how="left")["_hit"]
        return pd.Series(marked.fillna(False).astype(bool).to_numpy(), index=frame.index)

    if "final_energy" in out:
        fe = out["final_energy"]
        rows = hit(fe, CELL, keys)
        fe = _null(fe, rows, ["final_energy_mwh", "data_quality_score"])
        fe.loc[rows, "value_status"] = "confidential"
        out["final_energy"] = fe
    if "emissions" in out:
        em = out["emissions"]
        out["emissions"] = _null(em, hit(em, CELL, keys), ["final_energy_mwh", "emissions_t_co2e"])
    if "balance_summary" in out:
        bs = out["balance_summary"]
        rows = hit(bs, ["ags", "year", "balance_scope"], sectors) | (
            (bs["balance_scope"] == "total") & hit(bs, ["ags", "year"], places))
        out["balance_summary"] = _null(bs, rows, ["final_energy_mwh", "emissions_t_co2e", "t_co2e_per_inhabitant",
                                                  "mwh_per_inhabitant", "data_quality_score", "data_quality"])
    if "indicators" in out:
        ind = out["indicators"]
        rows = hit(ind, ["ags", "year"], places)
        ind = _null(ind, rows, ["value", "gap", "path_value", "projected_value_at_target_year",
                                "projected_year_reached"])
        ind.loc[rows, "status"] = "not_assessable"
        ind.loc[rows, "status_reason"] = REASON.format(n=minimum)
        out["indicators"] = ind
    return out
