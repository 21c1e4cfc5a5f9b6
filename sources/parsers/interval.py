"""Parser for 15-minute interval meter data (load profiles): one delivered file of readings → one row per meter and
local day in `raw_meter__interval_days`, with the rows that could not be taken in as findings naming line and column.

The aggregation itself (DuckDB, bounded memory, daylight-saving days, counters and meter exchanges) is in
`sources/interval.py`; this module only turns its result into the raw table's shape and the partner's findings.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from sources.errors import EmptyDeliveryError, LayoutError
from sources.interval import IntervalFileError, aggregate_days
from sources.parsers.common import Delivery, ParseResult, UnpackBudget, finding_for
from sources.region import Region

PROBLEMS_LISTED = 50
MAX_UNPACKED_BYTES = 16 * 2**30  # a gzip delivery (options.max_uncompressed_bytes)


def parse_interval_readings(delivery: Delivery, options, mappings, region: Region) -> ParseResult:
    with tempfile.TemporaryDirectory(prefix="klimamonitor-delivery-") as folder:
        path = delivery.path
        if path is None:  # bytes in hand (e.g. `klimamonitor validate`): DuckDB reads files
            path = Path(folder) / Path(delivery.file_name).name
            path.write_bytes(delivery.content())
        if Path(path).suffix == ".gz":  # unpacked here within the caps (DuckDB would unpack a bomb unbounded in time)
            plain = Path(folder) / Path(delivery.file_name).with_suffix("").name
            UnpackBudget(delivery, options, MAX_UNPACKED_BYTES).gunzip(Path(path), plain)
            path = plain
        try:
            result = aggregate_days(Path(path), separator=options.get("separator", ","),
                                    unit=options.get("unit", "kWh"), problem_limit=PROBLEMS_LISTED)
        except IntervalFileError as exc:
            error = EmptyDeliveryError if "empty" in exc.problem else LayoutError
            raise error(delivery.source_id, delivery.file_name, exc.problem, column=exc.column,
                        expected=exc.expected) from None
    days = result.days
    if days.empty and not result.rejected_rows:
        raise EmptyDeliveryError(delivery.source_id, delivery.file_name, "the file has no readings",
                                 expected="one reading per line below the header")
    findings = []
    for p in result.problems.itertuples(index=False):
        what = "the row was not taken in" if p.kind == "rejected" else "the day's consumption is left missing"
        findings.append(finding_for(delivery, int(p.line), p.column, p.raw_value, f"{p.problem} ({what})"))
    listed = int((result.problems["kind"] == "rejected").sum())
    if result.rejected_rows > listed:
        findings.append(finding_for(delivery, None, None, None,
                                    f"{result.rejected_rows - listed} more rows could not be taken in "
                                    f"(the first {listed} are listed)", rows_affected=result.rejected_rows - listed))
    rows = days.assign(delivery_id=delivery.delivery_id, year=[d.year for d in days["day"]])
    return ParseResult(rows, findings)
