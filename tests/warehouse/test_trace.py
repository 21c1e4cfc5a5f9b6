"""Tracing a summed row to the delivered rows it sums (warehouse/trace.py sources_of), from a small table stated
here: the district's cars of all fuels = A's delivered total (FZ 3 row 12) + B's fuels (rows 3 and 4)."""

import pandas as pd

from warehouse.trace import sources_of

D, A, B = "05974000", "05974004", "05974008"
STOCK = pd.DataFrame([
    (D, 2021, "all", 300.0, None, None),          # summed from A and B
    (D, 2021, "petrol", 90.0, None, None),        # summed: only B counts petrol
    (A, 2021, "all", 200.0, "kba:1", 12),          # delivered as a total
    (B, 2021, "all", 100.0, None, None),           # summed from B's fuels
    (B, 2021, "petrol", 90.0, "kba:2", 3), (B, 2021, "battery_electric", 10.0, "kba:2", 4),
    (A, 2020, "all", 190.0, "kba:0", 7),           # another year: not part of 2021
], columns=["ags", "year", "vehicle_fuel", "vehicles", "delivery_id", "source_row"])  # fmt: skip


def _rows(ags: str, fuel: str) -> list[tuple[str, int]]:
    row = STOCK[(STOCK["ags"] == ags) & (STOCK["year"] == 2021) & (STOCK["vehicle_fuel"] == fuel)].iloc[0]
    found = sources_of(STOCK, row, {D})
    return sorted(zip(found["delivery_id"], found["source_row"].astype(int), strict=True))


def test_a_summed_district_row_goes_to_its_municipalities_delivered_rows_and_their_fuels():
    assert _rows(D, "all") == [("kba:1", 12), ("kba:2", 3), ("kba:2", 4)]
    assert _rows(B, "all") == [("kba:2", 3), ("kba:2", 4)]
    assert _rows(A, "all") == [("kba:1", 12)]  # a delivered row is itself
    assert _rows(D, "petrol") == [("kba:2", 3)]
