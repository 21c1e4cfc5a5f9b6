"""15-minute meter data: daylight-saving days, a meter exchange and a gap, aggregated by hand-checked numbers."""

import datetime as dt
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from sources.interval import daily_consumption, monthly_consumption

BERLIN = ZoneInfo("Europe/Berlin")


def _quarter_hours(day: dt.date) -> list[dt.datetime]:
    start = dt.datetime(day.year, day.month, day.day, tzinfo=BERLIN).astimezone(dt.UTC)
    end = (dt.datetime(day.year, day.month, day.day, tzinfo=BERLIN) + dt.timedelta(days=1)).replace(
        tzinfo=BERLIN).astimezone(dt.UTC)
    slots, t = [], start
    while t < end:
        slots.append(t)
        t += dt.timedelta(minutes=15)
    return slots


def _write(path, rows):
    pd.DataFrame(rows, columns=["meter_id", "building_id", "carrier", "timestamp", "value", "kind",
                                "meter_exchange"]).to_csv(path, index=False)
    return path


def test_daylight_saving_days_have_92_and_100_quarter_hours(tmp_path):
    rows = []
    for day in (dt.date(2024, 3, 31), dt.date(2024, 10, 27), dt.date(2024, 6, 1)):
        for t in _quarter_hours(day):
            rows.append(("L1", "KS-001", "electricity", t.isoformat(), "1.5", "consumption", "false"))
    daily = daily_consumption([_write(tmp_path / "lastgang.csv", rows)]).set_index("day")
    spring, autumn, june = (pd.Timestamp(d).date() for d in ("2024-03-31", "2024-10-27", "2024-06-01"))
    assert daily.loc[spring, "expected_quarter_hours"] == 92 and daily.loc[spring, "quarter_hours"] == 92
    assert daily.loc[autumn, "expected_quarter_hours"] == 100 and daily.loc[autumn, "kwh"] == pytest.approx(150.0)
    assert daily.loc[june, "kwh"] == pytest.approx(96 * 1.5)


def test_counter_with_meter_exchange_and_a_gap(tmp_path):
    slots = _quarter_hours(dt.date(2024, 6, 1))
    rows = [("C1", "KS-002", "natural_gas", slots[0].isoformat(), "1000", "counter", "false")]  # state at 00:00
    counter = 1000.0
    for i, start in enumerate(slots, start=1):  # 2 kWh in every quarter hour of the day
        counter += 2
        end = (start + dt.timedelta(minutes=15)).isoformat()
        if i in (10, 11):
            continue  # two readings missing: the next one carries their consumption
        if i == 50:
            counter = 2.0  # the new counter started at 0 at the beginning of this quarter hour
            rows.append(("C1", "KS-002", "natural_gas", end, "2", "counter", "true"))
            continue
        rows.append(("C1", "KS-002", "natural_gas", end, f"{counter}", "counter", "false"))
    daily = daily_consumption([_write(tmp_path / "zaehler.csv", rows)])
    june = daily[daily["day"] == dt.date(2024, 6, 1)].iloc[0]
    assert june["kwh"] == pytest.approx(96 * 2)  # nothing lost at the gap or the exchange
    assert june["quarter_hours"] == 94 and june["expected_quarter_hours"] == 96  # the gap stays visible
    month = monthly_consumption(daily)
    assert month.iloc[0]["gap_quarter_hours"] == 2 and not month.iloc[0]["complete"]


def test_a_counter_going_down_without_exchange_is_not_guessed(tmp_path):
    slots = _quarter_hours(dt.date(2024, 6, 2))
    rows = [("C2", "KS-003", "electricity", slots[0].isoformat(), "500", "counter", "false"),
            ("C2", "KS-003", "electricity", slots[1].isoformat(), "505", "counter", "false"),
            ("C2", "KS-003", "electricity", slots[2].isoformat(), "100", "counter", "false")]
    day = daily_consumption([_write(tmp_path / "c2.csv", rows)]).iloc[0]
    assert day["kwh"] == 5.0 and day["negative_steps"] == 1 and day["quarter_hours"] == 1
