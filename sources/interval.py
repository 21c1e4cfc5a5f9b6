"""15-minute interval meter data (load profiles) of the district's larger buildings, aggregated with DuckDB straight
from the delivered CSV files, so memory does not grow with the number of readings.

Input columns: meter_id, building_id, carrier, timestamp (ISO 8601 with offset, the start of the quarter hour for
`consumption` readings, the reading time for `counter` readings), value (kWh), kind (`consumption` | `counter`),
meter_exchange (true at the first reading of a new counter).

- counters: consumption is the difference to the previous reading of the meter; at a meter exchange the new counter
  starts at 0, so the reading itself is the consumption; a counter that goes down without an exchange is not
  guessed at (the quarter hour stays missing and is counted in `negative_steps`);
- local days in Europe/Berlin have 96 quarter hours, 92 on the day clocks go forward and 100 on the day they go
  back; every day reports its expected and received quarter hours, so gaps are visible, never filled.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

TIMEZONE = "Europe/Berlin"


def daily_consumption(paths: list[Path], memory_limit: str = "1GB") -> pd.DataFrame:
    """Per meter and local day: kWh, quarter hours received and expected, counter steps that went down."""
    con = duckdb.connect()
    try:
        con.execute(f"SET memory_limit = '{memory_limit}'")
        con.execute("SET enable_progress_bar = false")
        con.execute("SET preserve_insertion_order = false")
        con.execute(f"SET TimeZone = '{TIMEZONE}'")
        files = [str(p) for p in paths]
        return con.execute(
            """
            WITH readings AS (
                SELECT meter_id, building_id, carrier, CAST("timestamp" AS TIMESTAMPTZ) AS ts,
                       CAST(value AS DOUBLE) AS value, kind, coalesce(CAST(meter_exchange AS BOOLEAN), false) AS exchange
                FROM read_csv(?, header = true, all_varchar = true)
            ),
            steps AS (
                SELECT meter_id, building_id, carrier, kind, value AS kwh, ts AS slot
                FROM readings WHERE kind = 'consumption'
                UNION ALL
                SELECT meter_id, building_id, carrier, kind,
                       CASE WHEN exchange THEN value
                            ELSE value - lag(value) OVER (PARTITION BY meter_id ORDER BY ts) END AS kwh,
                       ts - INTERVAL 15 MINUTE AS slot
                FROM readings WHERE kind = 'counter'
            ),
            valid AS (
                SELECT *, kwh IS NOT NULL AND kwh >= 0 AS usable FROM steps
            ),
            days AS (
                SELECT meter_id, any_value(building_id) AS building_id, any_value(carrier) AS carrier,
                       CAST(timezone(?, slot) AS DATE) AS day,
                       sum(CASE WHEN usable THEN kwh END) AS kwh,
                       count(DISTINCT CASE WHEN usable THEN slot END) AS quarter_hours,
                       count(*) FILTER (WHERE kwh < 0) AS negative_steps
                FROM valid
                WHERE kwh IS NOT NULL OR kind = 'consumption'
                GROUP BY meter_id, day
            )
            SELECT meter_id, building_id, carrier, day, kwh, quarter_hours,
                   CAST((epoch(timezone(?, CAST(day + 1 AS TIMESTAMP))) - epoch(timezone(?, CAST(day AS TIMESTAMP))))
                        / 900 AS INTEGER) AS expected_quarter_hours,
                   negative_steps
            FROM days ORDER BY meter_id, day
            """,
            [files, TIMEZONE, TIMEZONE, TIMEZONE],
        ).df().assign(day=lambda f: pd.to_datetime(f["day"]).dt.date)
    finally:
        con.close()


def monthly_consumption(daily: pd.DataFrame) -> pd.DataFrame:
    """Per building, carrier and month: kWh and whether every day of the month had all its quarter hours."""
    frame = daily.assign(month=pd.to_datetime(daily["day"]).dt.to_period("M").astype(str),
                         gap_quarter_hours=daily["expected_quarter_hours"] - daily["quarter_hours"])
    grouped = frame.groupby(["building_id", "carrier", "month"], sort=True)
    out = grouped.agg(kwh=("kwh", lambda s: s.sum(min_count=1)), days=("day", "nunique"),
                      gap_quarter_hours=("gap_quarter_hours", "sum")).reset_index()
    days_in_month = pd.to_datetime(out["month"]).dt.days_in_month
    out["complete"] = (out["gap_quarter_hours"] == 0) & (out["days"] == days_in_month)
    return out
