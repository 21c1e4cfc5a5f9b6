"""15-minute interval meter data (load profiles) of the district's larger buildings → consumption per meter and local
day, computed with DuckDB so memory stays bounded however many readings a file holds.

A delivery is a CSV file (plain or gzip-compressed) with one reading per line:

    meter_id, building_id, carrier, timestamp, value, kind[, meter_exchange][, unit]

- `timestamp`: ISO 8601 with a UTC offset (naive times are ambiguous on the day clocks go back and are rejected);
  for `consumption` readings the start of the quarter hour, for `counter` readings the time the counter was read
  (the end of the quarter hour it closes).
- `kind`: `consumption` (kWh in the quarter hour) or `counter` (cumulative counter state).
- `meter_exchange`: true at the first reading of a new counter; the new counter started at 0, so that reading is the
  consumption since the previous reading of the old one.
- `unit`: Wh, kWh or MWh (default: the source's `unit` option, else kWh).

Rules: a counter's consumption is the difference to its previous valid reading; a counter that goes down without an
exchange is not guessed at (the step is counted in `negative_steps` and its quarter hour stays missing); the local
day (Europe/Berlin) has 96 quarter hours, 92 when clocks go forward and 100 when they go back, and every day states
the quarter hours expected and received, so gaps are visible and never filled; two readings of a meter at the same
time make that day's consumption missing (`duplicate_readings`), because which one is right cannot be known. Rows that
cannot be read are not taken in and are listed with line, column and the problem.

The file is read once into a DuckDB database on disk (typed, with line numbers); the aggregation and the listing of
problem rows run on that copy with a memory limit, spilling to disk instead of growing.
"""

from __future__ import annotations

import gzip
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from warehouse.vocabularies import CARRIERS

TIMEZONE = "Europe/Berlin"
REQUIRED_COLUMNS = ("meter_id", "building_id", "carrier", "timestamp", "value", "kind")
OPTIONAL_COLUMNS = ("meter_exchange", "unit")
UNIT_TO_KWH = {"Wh": 0.001, "kWh": 1.0, "MWh": 1000.0}
TRUE_WORDS = ("true", "1", "ja", "yes", "wahr", "x")
FALSE_WORDS = ("false", "0", "nein", "no", "falsch", "")
DAY_COLUMNS = ["meter_id", "building_id", "carrier", "day", "consumption_kwh", "quarter_hours",
               "expected_quarter_hours", "negative_steps", "duplicate_readings", "source_row"]


class IntervalFileError(ValueError):
    """The file as a whole cannot be read (missing columns, not CSV, wrong encoding)."""

    def __init__(self, problem: str, expected: str | None = None, column: str | None = None):
        self.problem, self.expected, self.column = problem, expected, column
        super().__init__(problem + (f"; expected {expected}" if expected else ""))


@dataclass
class DailyAggregate:
    days: pd.DataFrame       # DAY_COLUMNS: one row per meter and local day
    problems: pd.DataFrame   # line, column, raw_value, problem: the first `problem_limit` rows not taken in
    rejected_rows: int       # all rows not taken in


def read_header(path: Path, separator: str = ",") -> list[str]:
    opener = gzip.open if Path(path).suffix == ".gz" else open
    try:
        with opener(path, "rb") as fh:
            first = fh.readline(1_000_000)
    except (OSError, EOFError) as exc:
        raise IntervalFileError(f"the file cannot be read: {exc}", "a CSV file, plain or gzip-compressed") from None
    try:
        text = first.decode("utf-8-sig").strip()
    except UnicodeDecodeError:
        raise IntervalFileError("the header line is not UTF-8", "a UTF-8 encoded CSV file") from None
    if not text:
        raise IntervalFileError("the file is empty", "a header line and one reading per line")
    return [c.strip().strip('"') for c in text.split(separator)]


def _sql_list(words) -> str:
    """A literal SQL list of our own constants (never partner input)."""
    return "(" + ", ".join("'" + w.replace("'", "''") + "'" for w in words) + ")"


def _problem_sql(has_exchange: bool, carriers: list[str]) -> str:
    """The first problem of a row as 'column|problem', NULL when the row can be taken in."""
    checks = [
        ("coalesce(trim(meter_id), '') = ''", "meter_id", "empty"),
        ("coalesce(trim(building_id), '') = ''", "building_id", "empty"),
        (f"carrier IS NULL OR carrier NOT IN {_sql_list(carriers)}", "carrier", "unknown carrier"),
        ("kind IS NULL OR kind NOT IN ('consumption', 'counter')", "kind", "neither consumption nor counter"),
        ("NOT regexp_matches(coalesce(ts_text, ''), '(Z|[+-][0-9]{2}:?[0-9]{2})$')", "timestamp",
         "no UTC offset (ambiguous when clocks go back)"),
        ("ts IS NULL", "timestamp", "not an ISO 8601 timestamp"),
        ("epoch(ts) % 900 <> 0", "timestamp", "not at a quarter hour"),
        ("unit_factor IS NULL", "unit", "unknown unit"),
        ("raw_value IS NULL", "value", "not a number"),
        ("raw_value < 0", "value", "negative"),
    ]
    if has_exchange:
        checks.append(("exchange IS NULL", "meter_exchange", "neither true nor false"))
    cases = " ".join(f"WHEN {cond} THEN '{col}|{problem}'" for cond, col, problem in checks)
    return f"CASE {cases} END"


def _load(con: duckdb.DuckDBPyConnection, path: Path, header: list[str], separator: str, unit: str,
          carriers: list[str]) -> None:
    """The file, typed and with line numbers (line 1 is the header), into the table `readings`: one pass over the
    file. (Numbering rows in file order serialises the read; a table's rowid does not keep the file's order.)"""
    has_exchange, has_unit = "meter_exchange" in header, "unit" in header
    flag = "lower(trim(coalesce(meter_exchange, '')))"
    exchange = (f"CASE WHEN {flag} IN {_sql_list(TRUE_WORDS)} THEN true WHEN {flag} IN {_sql_list(FALSE_WORDS)} "
                "THEN false END" if has_exchange else "false")
    exchange_text = "meter_exchange" if has_exchange else "NULL"
    unit_expr = f"coalesce(nullif(trim(unit), ''), '{unit}')" if has_unit else f"'{unit}'"
    units = " ".join(f"WHEN '{u}' THEN {f}" for u, f in UNIT_TO_KWH.items())
    con.execute(
        f"""
        CREATE TABLE readings AS
        WITH src AS (
            SELECT row_number() OVER () + 1 AS line, trim(meter_id) AS meter_id, trim(building_id) AS building_id,
                   trim(carrier) AS carrier, trim(kind) AS kind, trim("timestamp") AS ts_text,
                   trim(value) AS value_text, {exchange} AS exchange, {exchange_text} AS exchange_text,
                   {unit_expr} AS unit_text
            FROM read_csv($path, header = true, all_varchar = true, delim = $sep, quote = '"', escape = '"',
                          auto_detect = false, columns = $columns, null_padding = true, strict_mode = false)
        ),
        typed AS (
            SELECT *, TRY_CAST(ts_text AS TIMESTAMPTZ) AS ts, TRY_CAST(value_text AS DOUBLE) AS raw_value,
                   CASE unit_text {units} END AS unit_factor
            FROM src
        )
        SELECT line, meter_id, building_id, carrier, kind, ts, raw_value * unit_factor AS kwh_value, exchange,
               problem, CASE WHEN problem IS NOT NULL THEN ts_text END AS ts_text,
               CASE WHEN problem IS NOT NULL THEN value_text END AS value_text,
               CASE WHEN problem IS NOT NULL THEN exchange_text END AS exchange_text,
               CASE WHEN problem IS NOT NULL THEN unit_text END AS unit_text
        FROM (SELECT *, {_problem_sql(has_exchange, carriers)} AS problem FROM typed)
        """,
        {"path": str(path), "sep": separator, "columns": {c: "VARCHAR" for c in header}},
    )


DAILY_SQL = """
WITH steps AS (
    SELECT meter_id, building_id, carrier, line, ts AS slot, kwh_value AS kwh
    FROM readings WHERE problem IS NULL AND kind = 'consumption'
    UNION ALL
    SELECT meter_id, building_id, carrier, line, ts - INTERVAL 15 MINUTE AS slot,
           CASE WHEN exchange THEN kwh_value
                ELSE kwh_value - lag(kwh_value) OVER (PARTITION BY meter_id ORDER BY ts) END AS kwh
    FROM readings WHERE problem IS NULL AND kind = 'counter'
),
days AS (
    SELECT meter_id, any_value(building_id) AS building_id, any_value(carrier) AS carrier,
           CAST(timezone($tz, slot) AS DATE) AS day,
           sum(kwh) FILTER (WHERE kwh >= 0) AS kwh,
           count(DISTINCT slot) FILTER (WHERE kwh >= 0) AS quarter_hours,
           count(*) FILTER (WHERE kwh >= 0) AS usable_steps,
           count(*) FILTER (WHERE kwh < 0) AS negative_steps,
           min(line) AS source_row
    FROM steps WHERE kwh IS NOT NULL
    GROUP BY meter_id, day
)
SELECT meter_id, building_id, carrier, day,
       CASE WHEN usable_steps = quarter_hours THEN kwh END AS consumption_kwh,
       quarter_hours,
       CAST((epoch(timezone($tz, CAST(day + 1 AS TIMESTAMP))) - epoch(timezone($tz, CAST(day AS TIMESTAMP))))
            / 900 AS INTEGER) AS expected_quarter_hours,
       negative_steps, usable_steps - quarter_hours AS duplicate_readings, source_row
FROM days ORDER BY meter_id, day
"""

PROBLEMS_SQL = """
SELECT line, split_part(problem, '|', 1) AS column, split_part(problem, '|', 2) AS problem,
       CASE split_part(problem, '|', 1) WHEN 'timestamp' THEN ts_text WHEN 'value' THEN value_text
            WHEN 'meter_id' THEN meter_id WHEN 'building_id' THEN building_id WHEN 'carrier' THEN carrier
            WHEN 'kind' THEN kind WHEN 'meter_exchange' THEN exchange_text WHEN 'unit' THEN unit_text END AS raw_value
FROM readings WHERE problem IS NOT NULL ORDER BY line LIMIT $limit
"""

# Readings that make a day's figure missing although each row is fine on its own: a counter going down without an
# exchange, and several readings of one meter at the same time.
SUSPECT_SQL = """
WITH counters AS (
    SELECT line, meter_id, ts, kwh_value, kwh_value - lag(kwh_value) OVER (PARTITION BY meter_id ORDER BY ts) AS step,
           exchange
    FROM readings WHERE problem IS NULL AND kind = 'counter'
),
duplicates AS (
    SELECT meter_id, ts FROM readings WHERE problem IS NULL GROUP BY meter_id, ts HAVING count(*) > 1
)
SELECT line, 'value' AS column, 'the counter went down without a meter exchange' AS problem,
       CAST(kwh_value AS VARCHAR) || ' kWh' AS raw_value
FROM counters WHERE step < 0 AND NOT exchange
UNION ALL
SELECT r.line, 'timestamp', 'a second reading of meter ' || r.meter_id || ' at the same time',
       strftime(r.ts, '%Y-%m-%dT%H:%M:%S%z')
FROM readings r JOIN duplicates d USING (meter_id, ts) WHERE r.problem IS NULL
ORDER BY line LIMIT $limit
"""


def aggregate_days(path: Path, *, separator: str = ",", unit: str = "kWh", memory_limit: str = "512MB",
                   problem_limit: int = 50) -> DailyAggregate:
    """Consumption per meter and local day of one interval file, with the rows that could not be taken in."""
    header = read_header(path, separator)
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise IntervalFileError(f"column(s) {missing} missing; the header has {header}",
                                f"the columns {list(REQUIRED_COLUMNS)} (optional: {list(OPTIONAL_COLUMNS)})")
    if unit not in UNIT_TO_KWH:
        raise IntervalFileError(f"unknown default unit {unit!r}", f"one of {list(UNIT_TO_KWH)}", "unit")
    folder = Path(tempfile.mkdtemp(prefix="klimamonitor-interval-"))
    con = duckdb.connect(str(folder / "readings.duckdb"))
    try:
        con.execute(f"SET memory_limit = '{memory_limit}'")
        con.execute(f"SET temp_directory = '{folder / 'spill'}'")
        con.execute("SET enable_progress_bar = false")
        con.execute(f"SET TimeZone = '{TIMEZONE}'")
        try:
            _load(con, Path(path), header, separator, unit, list(CARRIERS))
        except duckdb.Error as exc:
            raise IntervalFileError(f"the file cannot be read as CSV: {str(exc).splitlines()[0][:300]}",
                                    f"a UTF-8 CSV file separated by {separator!r}") from None
        days = con.execute(DAILY_SQL, {"tz": TIMEZONE}).df()
        rejected = con.execute("SELECT count(*) FROM readings WHERE problem IS NOT NULL").fetchone()[0]
        problems = con.execute(PROBLEMS_SQL, {"limit": problem_limit}).df() if rejected else _no_problems()
        if (days["negative_steps"] > 0).any() or (days["duplicate_readings"] > 0).any():
            suspects = con.execute(SUSPECT_SQL, {"limit": problem_limit}).df()
        else:
            suspects = _no_problems()
    finally:
        con.close()
        shutil.rmtree(folder, ignore_errors=True)
    days["day"] = pd.to_datetime(days["day"]).dt.date
    listed = pd.concat([problems.assign(kind="rejected"), suspects.assign(kind="suspect")], ignore_index=True)
    return DailyAggregate(days[DAY_COLUMNS], listed, int(rejected))


def _no_problems() -> pd.DataFrame:
    return pd.DataFrame(columns=["line", "column", "problem", "raw_value"])
