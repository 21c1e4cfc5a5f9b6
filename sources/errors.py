"""Findings about a delivery, worded for the partner who has to fix it: source, file, row, column, what was found and
what was expected.

`DeliveryError` is raised when a whole file cannot be read (wrong encoding, wrong separator, missing column, empty,
truncated); the delivery is then rejected as a whole. `Finding` records one row that was not taken in (kind
`rejected`) or was filtered out on purpose (kind `filtered`, e.g. a valid key outside the region).
"""

from __future__ import annotations

from dataclasses import dataclass


def describe(source_id: str, file_name: str, problem: str, *, row: int | None = None, column: str | None = None,
             expected: str | None = None) -> str:
    where = [f"source {source_id!r}", f"file {file_name!r}"]
    if row is not None:
        where.append(f"row {row}")
    if column is not None:
        where.append(f"column {column!r}")
    text = ", ".join(where) + f": {problem}"
    if expected:
        text += f"; expected {expected}"
    return text


class DeliveryError(ValueError):
    """A delivery that cannot be read as a whole. The message names source, file, row and column where known."""

    def __init__(self, source_id: str, file_name: str, problem: str, *, row: int | None = None,
                 column: str | None = None, expected: str | None = None):
        self.source_id = source_id
        self.file_name = file_name
        self.row = row
        self.column = column
        self.problem = problem
        self.expected = expected
        super().__init__(describe(source_id, file_name, problem, row=row, column=column, expected=expected))


class EncodingError(DeliveryError):
    """The bytes are not in the declared encoding."""


class LayoutError(DeliveryError):
    """Separator, header or columns are not what the format requires."""


class EmptyDeliveryError(DeliveryError):
    """The file has no data rows (empty or truncated before the first row)."""


class UnitError(DeliveryError):
    """Values do not fit the declared unit (e.g. kWh delivered where MWh is declared)."""


@dataclass(frozen=True)
class Finding:
    source_id: str
    file_name: str
    delivery_id: str
    source_row: int | None
    column: str | None
    raw_value: str | None
    problem: str
    expected: str | None = None
    kind: str = "rejected"  # rejected | filtered
    rows_affected: int = 1  # a summary finding may stand for many rows (e.g. units outside the region)

    @property
    def reason(self) -> str:
        return describe(self.source_id, self.file_name, self.problem, row=self.source_row, column=self.column,
                        expected=self.expected)
