"""The catalog's classes: a `Field` (one column: logical type, unit, description, allowed values or range, export
decimals) and a `Table` (a field list with layer, primary key and order), and `build_table`, which makes a table from
field names. Data only in warehouse/fields.py and warehouse/tables.py; what is made of them in warehouse/catalog.py.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import pyarrow as pa

# Logical types: arrow type, Frictionless type.
_TYPES: dict[str, tuple[pa.DataType, str]] = {
    "string": (pa.string(), "string"),
    "ags": (pa.string(), "string"),
    "integer": (pa.int64(), "integer"),
    "year": (pa.int64(), "year"),
    "number": (pa.float64(), "number"),
    "boolean": (pa.bool_(), "boolean"),
    "datetime": (pa.timestamp("us", tz="UTC"), "datetime"),
    "date": (pa.date32(), "date"),
    "list_integer": (pa.list_(pa.int64()), "array"),
    "list_string": (pa.list_(pa.string()), "array"),
}


class CatalogError(ValueError):
    """A frame does not match its catalog definition (missing/extra column, wrong type, null in a required column)."""


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    description: str
    unit: str | None = None
    allowed: tuple[str, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None
    pattern: str | None = None
    required: bool = False  # not null
    decimals: int | None = None  # number fields: decimal places the exports (CSV, xlsx) round to

    def __post_init__(self) -> None:
        if self.type not in _TYPES:
            raise ValueError(f"field {self.name!r}: unknown type {self.type!r}; known: {sorted(_TYPES)}")
        if (self.type == "number") != (self.decimals is not None):
            raise ValueError(f"field {self.name!r}: a number field declares `decimals` (the precision of the "
                             "exports), other types do not")

    @property
    def arrow_type(self) -> pa.DataType:
        return _TYPES[self.type][0]

    @property
    def frictionless_type(self) -> str:
        return _TYPES[self.type][1]

    @property
    def comment(self) -> str:
        """The column comment databases carry (DuckDB file, PostgreSQL): description and unit."""
        return f"{self.description} [{self.unit}]" if self.unit else self.description

    def with_(self, **changes) -> Field:
        """The same field with some attributes changed (e.g. required=True inside a key)."""
        return Field(**{**self.__dict__, **changes})


@dataclass(frozen=True)
class Table:
    name: str
    layer: str  # raw, core, balance, indicators, published
    description: str
    columns: tuple[Field, ...]
    primary_key: tuple[str, ...] = ()
    published: bool = False
    sort_by: tuple[str, ...] = field(default=())
    scope_detail: tuple[str, ...] = field(default=())  # columns that, with ags and year, make a delivery's scope

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Field:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"table {self.name!r} has no column {name!r}")

    @property
    def order(self) -> list[str]:
        """Row order that makes the written file deterministic."""
        return list(self.sort_by or self.primary_key)


def build_table(
    fields: Mapping[str, Field],
    name: str,
    layer: str,
    description: str,
    columns: Iterable[str | tuple[str, str]],
    primary_key: Iterable[str] = (),
    *,
    published: bool = False,
    sort_by: Iterable[str] = (),
    required: Iterable[str] = (),
    scope_detail: Iterable[str] = (),
) -> Table:
    """A table from field names; key columns and those named in `required` must not be null.

    A column is a field name, or (column name, field name) where the contract gives two fields the same column name
    (e.g. `status` of deliveries and of indicators)."""
    primary_key = tuple(primary_key)
    required = set(required) | set(primary_key)
    cols = []
    for spec in columns:
        col, key = spec if isinstance(spec, tuple) else (spec, spec)
        if key not in fields:
            raise KeyError(f"table {name!r}: column {col!r} is not defined in warehouse/fields.py")
        f = fields[key] if key == col else fields[key].with_(name=col)
        cols.append(f.with_(required=True) if col in required else f)
    missing_key = set(primary_key) - {c.name for c in cols}
    if missing_key:
        raise KeyError(f"table {name!r}: primary key columns {sorted(missing_key)} are not among its columns")
    return Table(name, layer, description, tuple(cols), primary_key, published, tuple(sort_by), tuple(scope_detail))
