"""Expected-delivery monitoring: is each source's data for the latest due year here?

A source's `expected_delivery: {month, day[, max_age_days]}` says that a year's data are due on that day of the
following year. The year a source owes on a given date is the latest year whose due date has passed, but never after
the district's last configured year (the reporting horizon, raised once a year). A source is

- `on_time`  when an accepted delivery covers that year (or, for sources whose rows carry no year, such as a
             facility-database snapshot, when one arrived on or after the due date);
- `overdue`  when the due date passed without such a delivery;
- `stale`    when `max_age_days` is set and the newest delivery is older than that (pulled sources that stopped);
- `not_due`  when no year is due yet; `unmonitored` without `expected_delivery`.
"""

from __future__ import annotations

import datetime as dt
import os

import pandas as pd

TODAY_ENV = "KLIMAMONITOR_TODAY"  # ISO date: judge freshness as of this day (replays, tests); default today
COLUMNS = ["source_id", "due_year", "due_date", "latest_delivery_at", "covered", "status", "message"]


def today() -> dt.date:
    value = os.environ.get(TODAY_ENV)
    return dt.date.fromisoformat(value) if value else dt.date.today()


def _due_date(year: int, month: int, day: int) -> dt.date:
    next_year = year + 1
    last = (dt.date(next_year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(next_year, month, min(day, last))


def freshness(sources, deliveries: pd.DataFrame, as_of: dt.date, last_year: int) -> pd.DataFrame:
    """One row per configured source (assets.config.Source objects) with its status and a message for people."""
    rows = []
    for source in sources:
        mine = deliveries[(deliveries["source_id"] == source.id) & (deliveries["status"] == "accepted")]
        received = pd.to_datetime(mine["received_at"], utc=True)
        latest = received.max() if len(mine) else None
        expected = source.expected_delivery
        if expected is None:
            rows.append([source.id, None, None, latest, None, "unmonitored", "no expected_delivery configured"])
            continue
        due_year = last_year
        while due_year > 1990 and _due_date(due_year, expected.month, expected.day) > as_of:
            due_year -= 1
        due = _due_date(due_year, expected.month, expected.day)
        if due > as_of:
            rows.append([source.id, None, None, latest, None, "not_due", "no year due yet"])
            continue
        years = {int(y) for ys in mine["scope_years"] for y in (list(ys) if ys is not None else [])}
        if years:
            covered = due_year in years
        else:  # snapshots without a year: something must have arrived since the due date
            covered = latest is not None and latest.date() >= due
        max_age = expected.max_age_days
        if not covered:
            status = "overdue"
            message = (f"data for {due_year} were due on {due.isoformat()} and have not arrived "
                       f"(latest delivery: {latest.date().isoformat() if latest is not None else 'none'})")
        elif max_age and latest is not None and (as_of - latest.date()).days > max_age:
            status = "stale"
            message = f"the newest delivery is {(as_of - latest.date()).days} days old (allowed: {max_age})"
        else:
            status, message = "on_time", f"data for {due_year} (due {due.isoformat()}) are here"
        rows.append([source.id, due_year, due, latest, covered, status, message])
    return pd.DataFrame(rows, columns=COLUMNS)
