"""The domain checks the catalog cannot express, as data: which asset, which rule, default severity, how to build
the frame the rule judges (from the store and the configuration) and which GX expectations judge it.

`assets/checks.py` turns each into a Dagster asset check; tests run each on planted defects.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from assets.compute.families import DELIVERED, family_states
from assets.compute.plausibility import (
    absent_required_cells,
    directory_differences,
    district_sum_difference,
    per_inhabitant,
    ratio_bounds,
    year_on_year,
)
from assets.config import DistrictConfig
from warehouse.store import ParquetStore
from warehouse.validation import ERROR, WARN, Check, Outcome, frame_fingerprint, gx, run_check, run_check_reusing

_CODE = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()


@dataclass(frozen=True)
class DomainCheck:
    asset: str
    name: str
    severity: str
    description: str
    frame: Callable[[ParquetStore, DistrictConfig], pd.DataFrame]
    expectations: Callable[[DistrictConfig], list]
    sample_columns: tuple[str, ...] = ("ags", "year", "delivery_id", "source_row")


def run_domain_check(check: DomainCheck, store: ParquetStore, cfg: DistrictConfig, record: Path | None = None,
                     run_id: str = "") -> Outcome:
    """The check on the frame it judges. With a `record`, its verdict is reused (`run_check_reusing`) when that
    frame and the configuration (which sets its bounds) are as when it last ran."""
    severity = cfg.validation.severity.get(check.name, check.severity)
    gx_check = Check(check.name, check.description, lambda: check.expectations(cfg), severity, check.sample_columns,
                     identity=f"{_CODE} {cfg.model_dump_json()}")
    frame = check.frame(store, cfg)
    if record is None:
        return run_check(gx_check, frame)
    return run_check_reusing(gx_check, lambda: frame, frame_fingerprint(frame), record, run_id)


def _between(column: str, low: float, high: float) -> list:
    return [gx().expectations.ExpectColumnValuesToBeBetween(column=column, min_value=low, max_value=high)]


def _in_set(column: str, values: list) -> list:
    return [gx().expectations.ExpectColumnValuesToBeInSet(column=column, value_set=values)]


def _municipal_population(store: ParquetStore, cfg: DistrictConfig) -> pd.DataFrame:
    frame = store.read("population")
    return frame[frame["ags"] != cfg.totals_ags]


def _without_basis_breaks(ratios: pd.DataFrame, population: pd.DataFrame) -> pd.DataFrame:
    """The year-on-year ratios except those into the first year of a new census basis (population.basis_break)."""
    if "basis_break" not in population:
        return ratios
    breaks = population.loc[population["basis_break"].fillna(False).astype(bool), ["ags", "year"]]
    flagged = ratios.merge(breaks.assign(_break=True), on=["ags", "year"], how="left")["_break"].fillna(False)
    return ratios[~flagged.astype(bool).to_numpy()].reset_index(drop=True)


def _population_rows(store: ParquetStore, cfg: DistrictConfig) -> pd.DataFrame:
    return store.read("core_statistics__population")


def _grid_series(store: ParquetStore, cfg: DistrictConfig) -> pd.DataFrame:
    inputs = store.read("core_energy__inputs")
    return inputs[inputs["input_kind"] == "grid"]


def _grid_delivered(store: ParquetStore, cfg: DistrictConfig) -> bool:
    """Whether a grid source delivered: without one the electricity cells hold only modelled transport electricity,
    which says nothing about a unit error."""
    deliveries = store.read("deliveries") if store.exists("deliveries") else pd.DataFrame(columns=["source_id",
                                                                                                  "status"])
    return family_states([(s.id, s.format) for s in cfg.sources], deliveries)["grid"] == DELIVERED


def _yoy_bounds(cfg: DistrictConfig) -> tuple[float, float]:
    return ratio_bounds(cfg.validation.yoy_max_factor)


DOMAIN_CHECKS: list[DomainCheck] = [
    DomainCheck(
        "population", "population_complete", WARN,
        "Every municipality has a population value for every year (missing or confidential cells make the district "
        "total incomplete)",
        _municipal_population,
        lambda cfg: _in_set("value_status", ["reported", "estimated", "not_applicable"]),
    ),
    DomainCheck(
        "population", "population_year_on_year", WARN,
        "No municipality's population jumps beyond the configured factor from one year to the next (the first "
        "year of a new census basis, flagged basis_break, is a new count, not growth: not judged)",
        lambda store, cfg: _without_basis_breaks(year_on_year(_municipal_population(store, cfg), ["ags"],
                                                               "population"), _municipal_population(store, cfg)),
        lambda cfg: _between("ratio", *_yoy_bounds(cfg)),
    ),
    DomainCheck(
        "population", "population_district_sum", WARN,
        "Where the statistics office delivers the district value too, the municipalities sum to it",
        lambda store, cfg: district_sum_difference(_population_rows(store, cfg), cfg.municipality_keys(),
                                                   cfg.totals_ags, "population"),
        lambda cfg: _between("difference_pct", -cfg.validation.district_sum_tolerance_pct,
                             cfg.validation.district_sum_tolerance_pct),
        ("year", "delivered_district", "sum_of_municipalities"),
    ),
    DomainCheck(
        "core_region__directory", "municipalities_match_the_directory", WARN,
        "Every configured municipality is in the municipality directory delivered, under the same name and with an "
        "area within validation.directory_area_tolerance_pct of the directory's (municipalities.csv older or newer "
        "than the directory, or a key typed wrong)",
        lambda store, cfg: directory_differences(cfg.municipalities(), store.read("core_region__directory")),
        lambda cfg: [*_in_set("in_directory", [True]), *_in_set("same_name", [True]),
                     *_between("area_difference_pct", -cfg.validation.directory_area_tolerance_pct,
                               cfg.validation.directory_area_tolerance_pct)],
        ("ags", "name", "directory_name", "area_ha", "directory_area_ha", "delivery_id", "source_row"),
    ),
    DomainCheck(
        "core_energy__inputs", "inputs_complete", WARN,
        "Every required municipality × year × sector × carrier cell (balance.required_cells) has an input; absent "
        "cells are published as missing and make totals incomplete",
        lambda store, cfg: absent_required_cells(store.read("core_energy__inputs"), cfg.municipality_keys(),
                                                 cfg.district.years.range, cfg.balance.required_specs()),
        lambda cfg: _in_set("delivered", [True]),
        ("ags", "year", "sector", "carrier"),
    ),
    DomainCheck(
        "core_energy__inputs", "grid_year_on_year", WARN,
        "No grid value (municipality, carrier, customer group) jumps beyond the configured factor from one year to "
        "the next",
        lambda store, cfg: year_on_year(_grid_series(store, cfg), ["ags", "carrier", "detail"], "input_mwh"),
        lambda cfg: _between("ratio", *_yoy_bounds(cfg)),
        ("ags", "carrier", "detail", "year", "delivery_id", "source_row"),
    ),
    DomainCheck(
        "final_energy", "electricity_per_inhabitant_plausible", ERROR,
        "Electricity per inhabitant of every municipality is within validation.electricity_kwh_per_inhabitant (a "
        "value outside points to a unit error: kWh for MWh)",
        lambda store, cfg: per_inhabitant(store.read("final_energy"), store.read("population"), "electricity",
                                          cfg.municipality_keys()) if _grid_delivered(store, cfg) else pd.DataFrame(
            columns=["ags", "year", "final_energy_mwh", "population", "kwh_per_inhabitant"]),
        lambda cfg: _between("kwh_per_inhabitant", cfg.validation.electricity_kwh_per_inhabitant.min,
                             cfg.validation.electricity_kwh_per_inhabitant.max),
        ("ags", "year", "final_energy_mwh", "population"),
    ),
]  # fmt: skip
