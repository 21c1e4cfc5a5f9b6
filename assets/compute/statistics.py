"""The `statistics` table: values of the statistical offices' tables (GENESIS, as read into
core_statistics__table_values) picked by rules — a table code (or its first part) and a column's header path → a
statistic (config/genesis_statistics.yaml, or a source's own `mappings.statistics`) — for the region's
municipalities and the district, converted to the statistic's unit.

Marks stay a status with a null value, never 0. A value whose published unit cannot be converted to the statistic's
unit is left out and returned apart, so the asset can say so. The same statistic of the same table and place and
year delivered twice: the later delivery wins.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd
import yaml

from assets.compute.crosswalk import summed_at_current_keys
from warehouse.catalog import get_table
from warehouse.vocabularies import STATISTIC_UNITS

DEFAULT_RULES_FILE = Path(__file__).resolve().parents[2] / "config" / "genesis_statistics.yaml"

# published unit (casefolded; "" for none) → factor into the statistic's unit
UNIT_FACTORS: dict[str, dict[str, float]] = {
    "ha": {"qkm": 100.0, "km²": 100.0, "ha": 1.0},
    "m²": {"1000 qm": 1000.0, "qm": 1.0, "m²": 1.0},
    "MWh": {"tsd. mj": 1000 / 3600, "mj": 1 / 3600, "gj": 1 / 3.6, "mwh": 1.0},
    "count": {"anzahl": 1.0, "": 1.0, "personen": 1.0},
}


@dataclass(frozen=True)
class StatisticRule:
    table: str  # the table code, or its first part ("31231" for 31231-01-02-4 and -5)
    variable: str  # the header path of the value's column, exactly
    statistic: str
    detail: str = "all"

    def matches(self, table_code: str) -> bool:
        return table_code == self.table or table_code.startswith(self.table + "-")


def rules_from(raw: object, where: str) -> tuple[StatisticRule, ...]:
    """Rules from their YAML form (a list of {table, variable, statistic, detail}); a ValueError names the rule and
    what is wrong with it."""
    if not isinstance(raw, list):
        raise ValueError(f"{where}: expected a list of rules {{table, variable, statistic, detail}}")
    rules = []
    for i, item in enumerate(raw):
        if not isinstance(item, dict) or not {"table", "variable", "statistic"} <= set(item) or \
                set(item) - {"table", "variable", "statistic", "detail"}:
            raise ValueError(f"{where}[{i}]: a rule has table, variable, statistic and optionally detail; got {item!r}")
        if item["statistic"] not in STATISTIC_UNITS:
            raise ValueError(f"{where}[{i}]: unknown statistic {item['statistic']!r}; known: {list(STATISTIC_UNITS)}")
        rules.append(StatisticRule(str(item["table"]), str(item["variable"]), str(item["statistic"]),
                                   str(item.get("detail", "all"))))
    return tuple(rules)


@cache
def default_rules() -> tuple[StatisticRule, ...]:
    """The bundled rules for the tables of the real publications (config/genesis_statistics.yaml)."""
    return rules_from(yaml.safe_load(DEFAULT_RULES_FILE.read_text(encoding="utf-8")), DEFAULT_RULES_FILE.name)


def source_rules(mappings: Mapping[str, object], where: str) -> tuple[StatisticRule, ...]:
    """A genesis_table source's rules: its `mappings.statistics`, else the bundled ones."""
    if "statistics" in mappings:
        return rules_from(mappings["statistics"], f"{where}.mappings.statistics")
    return default_rules()


def ags_of(region_key: str) -> str | None:
    """The 8-digit municipality key of an office's region key: a district (5 digits) gets 000, a 12-digit
    Regionalschlüssel loses its Verband digits; a state, Regierungsbezirk or Germany has none."""
    key = str(region_key)
    if len(key) == 5 and key.isdigit():
        return key + "000"
    if len(key) == 8 and key.isdigit():
        return key
    if len(key) == 12 and key.isdigit():
        return key[:5] + key[9:]
    return None


def statistics_table(values: pd.DataFrame, source_of: Mapping[str, str], received: Mapping[str, str],
                     rules: Mapping[str, Sequence[StatisticRule]], places: set[str],
                     changes: pd.DataFrame | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(statistics, unconverted): the mapped values of `values` (core_statistics__table_values) for `places` (the
    municipality keys and the district key), values under a former key (`changes`: the key changes in use) moved to
    today's and summed there (every statistic is a count, an area or an energy: additive). `source_of` /
    `received`: delivery id → source id / received_at; `rules`: source id → its rules. `unconverted`: mapped values
    whose unit the statistic cannot take."""
    columns = get_table("statistics").column_names
    if values.empty:
        return pd.DataFrame(columns=columns), values.iloc[0:0]
    frame = values.assign(source_id=values["delivery_id"].map(source_of), ags=values["region_key"].map(ags_of))
    former = set() if changes is None or changes.empty else set(changes["former_ags"])
    frame = frame[frame["ags"].isin(places | former)]
    picked = []
    for source_id, rows in frame.groupby("source_id", sort=False):
        for rule in rules.get(source_id, ()):
            hit = rows[(rows["variable"] == rule.variable) & rows["table_code"].map(rule.matches)]
            if not hit.empty:
                picked.append(hit.assign(statistic=rule.statistic, detail=rule.detail))
    if not picked:
        return pd.DataFrame(columns=columns), values.iloc[0:0]
    mapped = pd.concat(picked, ignore_index=True)
    unit = mapped["statistic"].map(STATISTIC_UNITS)
    published = mapped["unit"].fillna("").astype(str).str.strip().str.casefold()
    factor = pd.Series([UNIT_FACTORS[u].get(p) for u, p in zip(unit, published, strict=True)], index=mapped.index,
                       dtype="float64")
    unconverted = mapped[factor.isna()]
    kept = factor.notna()
    mapped = mapped[kept].assign(value=mapped["value"][kept] * factor[kept], unit=unit[kept])
    mapped = mapped.assign(received_at=mapped["delivery_id"].map(received))
    key = ["ags", "year", "statistic", "detail", "table_code"]
    mapped = mapped.sort_values(["received_at", "delivery_id", "source_row"]).drop_duplicates(key, keep="last")
    if former:  # the later delivery won per delivered key above; now today's keys, summed
        mapped = summed_at_current_keys(mapped, changes, places, key, "value")
        mapped = mapped[mapped["ags"].isin(places)]
    out = mapped.sort_values(["statistic", "detail", "ags", "year", "table_code"])[columns]
    return out.reset_index(drop=True), unconverted.drop(columns=["source_id"])
