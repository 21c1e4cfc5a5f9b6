"""One bad row never rejects a register: when a delivery is rejected, and when its bad rows are only quarantined.

A row with a finding (kind `rejected`: not a number, a unit without capacity, a conflicting duplicate, ...) goes to
the quarantine with its reason (file, member, line, unit id, column); the delivery's other rows are taken in. The
delivery as a whole is rejected only

- for a structural problem (the file cannot be read as a whole: wrong encoding, missing column, cut off, ...;
  finding kind `structural`, or a `rejected` finding without a row), or
- when its quarantined rows exceed the source's threshold: more than `max_share` of its rows (default 1 %) *and*
  more than `max_rows` rows (default 5). Configured per source as `options.quarantine: {max_share: 0.01,
  max_rows: 5}`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd
from typing import Any

from sources.errors import Finding


@dataclass(frozen=True)
class Threshold:
    max_share: float = 0.01
    max_rows: int = 5

    def describe(self) -> str:
        return f"more than {self.max_share:.0%} of the rows and more than {self.max_rows} rows"


def threshold_for(options: Mapping[str, Any]) -> Threshold:
    given = options.get("quarantine") or {}
    return Threshold(float(given.get("max_share", Threshold.max_share)), int(given.get("max_rows", Threshold.max_rows)))


def structural(kind: str, source_row: Any, rows_affected: Any = 1) -> bool:
    """A finding about the file as a whole: stated so, or a rejection naming no row — unless it sums up many rows
    (e.g. "46 more rows could not be taken in"), which are row findings like the listed ones."""
    many = not pd.isna(rows_affected) and int(rows_affected) > 1
    return kind == "structural" or (kind == "rejected" and bool(pd.isna(source_row)) and not many)


def verdict(rows_taken: int, quarantined: int, structural_reasons: list[str], threshold: Threshold) -> str | None:
    """Why the delivery is rejected, or None when it is accepted (with its quarantined rows set aside)."""
    if structural_reasons:
        return structural_reasons[0]
    total = rows_taken + quarantined
    if quarantined > threshold.max_rows and quarantined > threshold.max_share * total:
        return (f"{quarantined} of {total} rows were quarantined, above the source's threshold "
                f"({threshold.describe()}; options.quarantine)")
    return None


_WHERE = re.compile(r"^source '[^']*', file '[^']*'(, row \d+)?")
_VALUES = re.compile(r"\d[\d.,/]*|'[^']*'")


def finding_classes(reasons: list[str], rows: list[int] | None = None) -> str:
    """Every class of finding with its count ('2× column 'X': … is not a number; 1× ...'), most frequent first:
    the reasons with their row, numbers and quoted values blanked; never 'and N more'. `rows`: the rows each
    finding stands for (a filter finding may stand for many), else one each."""
    counts: dict[str, int] = {}
    for reason, weight in zip(reasons, rows or [1] * len(reasons), strict=True):
        text = _WHERE.sub("", reason).lstrip(",: ").split("; expected")[0]
        column, _, problem = text.partition(": ") if text.startswith("column ") else ("", "", text)
        key = (column + ": " if column else "") + _VALUES.sub("…", problem)
        counts[key] = counts.get(key, 0) + int(weight)
    return "; ".join(f"{n:,}× {k}" for k, n in sorted(counts.items(), key=lambda item: -item[1]))


def result_verdict(rows_taken: int, findings: list[Finding], threshold: Threshold) -> str | None:
    """`verdict` for a parse result's findings."""
    whole = [f for f in findings if structural(f.kind, f.source_row, f.rows_affected)]
    rows = [f for f in findings if f.kind == "rejected" and f not in whole]
    whole = [f.reason for f in whole]
    return verdict(rows_taken, sum(f.rows_affected for f in rows), whole, threshold)
