"""Context tables beside the BISKO balance: renovations with the old-building stock, EU ETS installations,
agriculture and the passenger-car stock. Each keeps missing values missing and sums districts with min-count."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from assets.compute.totals import cell_complete, complete_grid, own_totals_first, totals


def ets_phase(year: int) -> int:
    return 1 if year <= 2007 else 2 if year <= 2012 else 3 if year <= 2020 else 4


def ets_table(rows: pd.DataFrame) -> pd.DataFrame:
    out = rows.assign(ets_phase=rows["year"].map(ets_phase))
    return out[["ags", "year", "installation_id", "installation_name", "activity_code", "ets_phase",
                "verified_emissions_t_co2e", "delivery_id", "source_row"]]


LINEAGE = ["delivery_id", "source_row"]


def with_district(frame: pd.DataFrame, keys: Sequence[str], value: str, municipality_keys: Sequence[str],
                  years: Sequence[int], district_ags: str, extra_keys: dict[str, Sequence] | None = None) -> pd.DataFrame:
    """Municipality rows on the full grid (absent cells missing) plus district rows: the district's own delivered
    figure where `frame` has one, else the min-count sum of its municipalities. Each row keeps the delivered row it
    is (delivery_id, source_row); a sum, or a cell nobody delivered, has none."""
    grid_keys = {"ags": list(municipality_keys), "year": list(years), **(extra_keys or {})}
    frame = frame.assign(**{c: None for c in LINEAGE if c not in frame})
    municipal = frame[frame["ags"].isin(municipality_keys)][[*grid_keys, value, "value_status", *LINEAGE]]
    grid = complete_grid(municipal, grid_keys, value)
    grid["complete"] = cell_complete(grid)
    by = [k for k in grid_keys if k != "ags"]
    summed = totals(grid, by, value).assign(ags=district_ags, delivery_id=None, source_row=None)
    district = own_totals_first(summed, frame, district_ags, by, value, LINEAGE)
    out = pd.concat([grid, district], ignore_index=True)[[*grid_keys, value, "value_status", "complete", *LINEAGE]]
    return out.astype({"delivery_id": "object", "source_row": "Int64"})


def vehicle_stock_table(rows: pd.DataFrame, municipality_keys: Sequence[str], years: Sequence[int],
                        district_ags: str) -> pd.DataFrame:
    """Passenger cars per place, year and fuel on the full grid, with a row of fuel `all` for every place and year:
    the total as delivered (KBA FZ 3 states no split by fuel), else the sum of the delivered fuels — so a year's
    cars are its `all` row, never the sum of every row. A split missing in a year stays missing, never 0."""
    fuels = sorted(set(rows["vehicle_fuel"].dropna()) - {"all"})
    split = rows[rows["vehicle_fuel"] != "all"]
    summed = split.groupby(["ags", "year"], as_index=False).agg(vehicles=("vehicles", lambda v: v.sum(min_count=1)))
    stated = rows[rows["vehicle_fuel"] == "all"][[c for c in ("ags", "year", "vehicles", "value_status", *LINEAGE)
                                                  if c in rows]]
    summed = summed.merge(stated[["ags", "year"]], how="left", indicator=True)
    summed = summed[summed.pop("_merge") == "left_only"]
    summed = summed.assign(value_status=summed["vehicles"].notna().map({True: "reported", False: "missing"}))
    totals_rows = pd.concat([stated, summed], ignore_index=True).assign(vehicle_fuel="all")
    return with_district(pd.concat([split, totals_rows], ignore_index=True), ["ags", "year", "vehicle_fuel"],
                         "vehicles", municipality_keys, years, district_ags, {"vehicle_fuel": [*fuels, "all"]})


def building_stock_by_year(stock: pd.DataFrame, years: Sequence[int]) -> pd.DataFrame:
    """Old-building stock for every year from census years: interpolated between, carried before and after."""
    rows = []
    for ags, group in stock.dropna(subset=["buildings_pre_1979"]).groupby("ags"):
        census = group.set_index("year")["buildings_pre_1979"].sort_index()
        known = list(census.index)
        for year in years:
            if year in census.index:
                value, how = census[year], "census"
            elif known[0] < year < known[-1]:
                y0, y1 = max(k for k in known if k < year), min(k for k in known if k > year)
                value = census[y0] + (census[y1] - census[y0]) * (year - y0) / (y1 - y0)
                how = "interpolated"
            elif year > known[-1]:
                value, how = census[known[-1]], "carried_forward"
            else:
                value, how = census[known[0]], "carried_back"
            rows.append({"ags": ags, "year": year, "buildings_pre_1979": value, "stock_method": how})
    return pd.DataFrame(rows, columns=["ags", "year", "buildings_pre_1979", "stock_method"])


def renovation_table(renovations: pd.DataFrame, stock: pd.DataFrame, municipality_keys: Sequence[str],
                     years: Sequence[int], district_ags: str) -> pd.DataFrame:
    counts = with_district(renovations, ["ags", "year"], "energy_renovations", municipality_keys, years, district_ags)
    by_year = building_stock_by_year(stock[stock["ags"].isin(municipality_keys)], years)
    district_stock = by_year.groupby("year").agg(buildings_pre_1979=("buildings_pre_1979", "sum"),
                                                 stock_method=("stock_method", "first"),
                                                 _n=("ags", "nunique")).reset_index()
    district_stock = district_stock[district_stock["_n"] == len(municipality_keys)].drop(columns="_n")
    all_stock = pd.concat([by_year, district_stock.assign(ags=district_ags)], ignore_index=True)
    out = counts.merge(all_stock, on=["ags", "year"], how="left")
    out["renovation_rate_pct"] = out["energy_renovations"] / out["buildings_pre_1979"] * 100
    out["complete"] = out["complete"] & out["buildings_pre_1979"].notna()
    return out[["ags", "year", "energy_renovations", "buildings_pre_1979", "stock_method", "renovation_rate_pct",
                "value_status", "complete", *LINEAGE]]
