"""15-minute meter data: daylight-saving days, a meter exchange and a gap, duplicates, units, rows that cannot be
read, aggregated to days, months and years by hand-checked numbers."""

import datetime as dt
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from assets.compute.meters import combine_consumption, interval_months, interval_years
from sources.errors import EmptyDeliveryError, LayoutError
from sources.interval import IntervalFileError, aggregate_days
from sources.parsers.common import Delivery
from sources.parsers.interval import parse_interval_readings

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
    daily = aggregate_days(_write(tmp_path / "lastgang.csv", rows)).days.set_index("day")
    spring, autumn, june = (pd.Timestamp(d).date() for d in ("2024-03-31", "2024-10-27", "2024-06-01"))
    assert daily.loc[spring, "expected_quarter_hours"] == 92 and daily.loc[spring, "quarter_hours"] == 92
    assert daily.loc[autumn, "expected_quarter_hours"] == 100 and daily.loc[autumn, "consumption_kwh"] == pytest.approx(150.0)
    assert daily.loc[june, "consumption_kwh"] == pytest.approx(96 * 1.5)


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
    daily = aggregate_days(_write(tmp_path / "zaehler.csv", rows)).days
    june = daily[daily["day"] == dt.date(2024, 6, 1)].iloc[0]
    assert june["consumption_kwh"] == pytest.approx(96 * 2)  # nothing lost at the gap or the exchange
    assert june["quarter_hours"] == 94 and june["expected_quarter_hours"] == 96  # the gap stays visible
    month = interval_months(daily.assign(delivery_id="d1"))
    assert month.iloc[0]["gap_quarter_hours"] == 2 and not month.iloc[0]["complete"]


def test_a_counter_going_down_without_exchange_is_not_guessed(tmp_path):
    slots = _quarter_hours(dt.date(2024, 6, 2))
    rows = [("C2", "KS-003", "electricity", slots[0].isoformat(), "500", "counter", "false"),
            ("C2", "KS-003", "electricity", slots[1].isoformat(), "505", "counter", "false"),
            ("C2", "KS-003", "electricity", slots[2].isoformat(), "100", "counter", "false")]
    day = aggregate_days(_write(tmp_path / "c2.csv", rows)).days.iloc[0]
    assert day["consumption_kwh"] == 5.0 and day["negative_steps"] == 1 and day["quarter_hours"] == 1


HEADER = "meter_id,building_id,carrier,timestamp,value,kind,meter_exchange"


def _lines(path, lines):
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    return path


def test_rows_that_cannot_be_read_are_listed_with_line_and_column(tmp_path):
    path = _lines(tmp_path / "bad.csv", [
        "L1,KS-001,electricity,2024-06-01T00:00:00+02:00,1.5,consumption,false",   # line 2: fine
        "L1,KS-001,electricity,2024-06-01T00:15:00,1.5,consumption,false",         # line 3: no offset
        "L1,KS-001,electricity,2024-06-01T00:30:00+02:00,1;5,consumption,false",   # line 4: not a number
        "L1,KS-001,electricity,2024-06-01T00:40:00+02:00,1.5,consumption,false",   # line 5: not a quarter hour
        "L1,KS-001,steam,2024-06-01T00:45:00+02:00,1.5,consumption,false",         # line 6: unknown carrier
        "L1,KS-001,electricity,2024-06-01T01:00:00+02:00,1.5,reading,false",       # line 7: unknown kind
        "L1,KS-001,electricity,2024-06-01T01:15:00+02:00,-1,consumption,false",    # line 8: negative
        "L1,KS-001,electricity,2024-06-01T01:30:00+02:00,2.0,consumption,vielleicht",  # line 9: exchange flag
    ])
    result = aggregate_days(path)
    assert result.rejected_rows == 7
    listed = {(r.line, r.column, r.raw_value) for r in result.problems.itertuples()}
    assert listed == {(3, "timestamp", "2024-06-01T00:15:00"), (4, "value", "1;5"),
                      (5, "timestamp", "2024-06-01T00:40:00+02:00"), (6, "carrier", "steam"), (7, "kind", "reading"),
                      (8, "value", "-1"), (9, "meter_exchange", "vielleicht")}
    day = result.days.iloc[0]
    assert day["consumption_kwh"] == 1.5 and day["quarter_hours"] == 1 and day["source_row"] == 2


def test_units_and_gzip(tmp_path):
    import gzip

    path = tmp_path / "mwh.csv.gz"
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        fh.write(HEADER + ",unit\n")
        fh.write("L1,KS-001,electricity,2024-06-01T00:00:00+02:00,0.002,consumption,false,MWh\n")
        fh.write("L1,KS-001,electricity,2024-06-01T00:15:00+02:00,500,consumption,false,Wh\n")
        fh.write("L1,KS-001,electricity,2024-06-01T00:30:00+02:00,1.25,consumption,false,\n")  # the default unit
    day = aggregate_days(path).days.iloc[0]
    assert day["consumption_kwh"] == pytest.approx(2 + 0.5 + 1.25) and day["quarter_hours"] == 3


def test_two_readings_at_the_same_time_make_the_day_missing(tmp_path):
    path = _lines(tmp_path / "dup.csv", [
        "L1,KS-001,electricity,2024-06-01T00:00:00+02:00,1.5,consumption,false",
        "L1,KS-001,electricity,2024-06-01T00:15:00+02:00,1.5,consumption,false",
        "L1,KS-001,electricity,2024-05-31T22:15:00Z,1.7,consumption,false",  # the same quarter hour in UTC
        "L1,KS-001,electricity,2024-06-02T00:00:00+02:00,3.0,consumption,false",
    ])
    result = aggregate_days(path)
    days = result.days.set_index("day")
    first, second = dt.date(2024, 6, 1), dt.date(2024, 6, 2)
    assert pd.isna(days.loc[first, "consumption_kwh"]) and days.loc[first, "duplicate_readings"] == 1
    assert days.loc[second, "consumption_kwh"] == 3.0
    assert set(result.problems["line"]) == {3, 4} and set(result.problems["kind"]) == {"suspect"}


def test_a_file_without_the_required_columns_is_rejected_as_a_whole(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("Zeitstempel;Wert\n2024-06-01T00:00:00+02:00;1,5\n", encoding="utf-8")
    with pytest.raises(IntervalFileError, match="missing"):
        aggregate_days(path)
    delivery = Delivery("lastgang:0", "lastgang", "x.csv", path=path)
    with pytest.raises(LayoutError) as err:
        parse_interval_readings(delivery, {}, {}, None)
    assert "file 'x.csv'" in str(err.value) and "meter_id" in str(err.value)
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(EmptyDeliveryError):
        parse_interval_readings(Delivery("lastgang:1", "lastgang", "empty.csv", path=empty), {}, {}, None)


def test_parser_findings_name_file_row_and_column(tmp_path):
    path = _lines(tmp_path / "Lastgang.csv", [
        "L1,KS-001,electricity,2024-06-01T00:00:00+02:00,1.5,consumption,false",
        "L1,KS-001,electricity,2024-06-01T00:15:00,1.5,consumption,false",
    ])
    result = parse_interval_readings(Delivery("lastgang:ab", "lastgang", "Lastgang.csv", data=path.read_bytes()),
                                     {}, {}, None)
    assert len(result.rows) == 1 and result.rows.iloc[0]["year"] == 2024
    [finding] = result.findings
    assert finding.reason == ("source 'lastgang', file 'Lastgang.csv', row 3, column 'timestamp': no UTC offset "
                              "(ambiguous when clocks go back) (the row was not taken in)")


def _full_month(meter, building, carrier, year, month, kwh_per_quarter_hour):
    first = dt.date(year, month, 1)
    last = dt.date(year + (month == 12), month % 12 + 1, 1)
    rows, day = [], first
    while day < last:
        for t in _quarter_hours(day):
            rows.append((meter, building, carrier, t.isoformat(), str(kwh_per_quarter_hour), "consumption", "false"))
        day += dt.timedelta(days=1)
    return rows


def test_months_and_years_by_hand(tmp_path):
    # March 2024 has the spring DST day: 31 days x 96 - 4 = 2972 quarter hours; October has the autumn one: 2980
    march = _full_month("L1", "KS-001", "electricity", 2024, 3, 0.5)
    october = _full_month("L1", "KS-001", "electricity", 2024, 10, 0.5)
    second_meter = _full_month("L2", "KS-001", "electricity", 2024, 3, 0.25)[:-4]  # its last hour is missing
    days = aggregate_days(_write(tmp_path / "m.csv", march + october + second_meter)).days.assign(delivery_id="d1")
    months = interval_months(days).set_index("month")
    assert months.loc[3, "consumption_kwh"] == pytest.approx(2972 * 0.5 + 2968 * 0.25)
    assert months.loc[3, "meters"] == 2 and months.loc[3, "gap_quarter_hours"] == 4 and not months.loc[3, "complete"]
    assert months.loc[10, "consumption_kwh"] == pytest.approx(2980 * 0.5) and months.loc[10, "complete"]
    years = interval_years(days, [2024]).iloc[0]
    assert years["kwh"] == pytest.approx(2972 * 0.5 + 2968 * 0.25 + 2980 * 0.5)
    assert years["days_covered"] == 30 and not years["complete"]  # L2: 30 full days in the year


def test_a_complete_year_of_interval_data_wins_over_readings():
    keys = ["building_id", "carrier", "year"]
    readings = pd.DataFrame([["B1", "electricity", 2024, 1000.0, 366, True, "db"],
                             ["B2", "electricity", 2024, 500.0, 366, True, "db"]],
                            columns=[*keys, "kwh", "days_covered", "complete", "delivery_id"])
    intervals = pd.DataFrame([["B1", "electricity", 2024, 1010.0, 366, True, "lg"],
                              ["B2", "electricity", 2024, 300.0, 200, False, "lg"],
                              ["B3", "electricity", 2024, 80.0, 100, False, "lg"]],
                             columns=[*keys, "kwh", "days_covered", "complete", "delivery_id"])
    out = combine_consumption(readings, intervals).set_index("building_id")
    assert out.loc["B1", "kwh"] == 1010.0 and out.loc["B1", "consumption_method"] == "interval_meter"
    assert out.loc["B1", "readings_kwh"] == 1000.0
    assert out.loc["B2", "kwh"] == 500.0 and out.loc["B2", "consumption_method"] == "meter_readings"
    assert out.loc["B3", "kwh"] == 80.0 and not out.loc["B3", "complete"]  # only incomplete interval data: kept


def test_interval_readings_from_the_facility_database(tmp_path):
    """The facility database's load-profile table, pulled as a gzip snapshot like any table (streamed in chunks), lands
    as the same raw days."""
    import sqlite3

    from sources.connectors import fetch_sql
    from sources.formats import read_delivery

    db = tmp_path / "facility.sqlite"
    con = sqlite3.connect(db)
    con.execute("CREATE TABLE lastgang (zaehler TEXT, gebaeude TEXT, traeger TEXT, zeit TEXT, wert REAL, art TEXT, "
                "wechsel INTEGER)")
    counter = [(f"2024-06-01T{h:02d}:{m:02d}:00+02:00", 100.0 + 2 * (4 * h + m // 15)) for h in range(24)
               for m in (0, 15, 30, 45)] + [("2024-06-02T00:00:00+02:00", 100.0 + 2 * 96)]
    con.executemany("INSERT INTO lastgang VALUES ('W1', 'KS-002', 'natural_gas', ?, ?, 'counter', 0)", counter)
    con.commit()
    con.close()
    spec = {"interval_readings": {"table": "lastgang", "order_by": ["zaehler", "zeit"], "gzip": True, "columns": {
        "meter_id": "zaehler", "building_id": "gebaeude", "carrier": "traeger", "timestamp": "zeit", "value": "wert",
        "kind": "art", "meter_exchange": "wechsel"}}}
    [(name, data)] = fetch_sql("facility_db", f"sqlite:///{db}", spec)
    _, result = read_delivery("facility_db", {}, {}, None, Delivery("facility_db:1", "facility_db", name, data))
    day = result.rows.iloc[0]
    assert name == "interval_readings.csv.gz" and not result.findings  # streamed from the database, compressed
    assert day["day"] == dt.date(2024, 6, 1) and day["consumption_kwh"] == 192.0 and day["quarter_hours"] == 96
