"""Asset checks: the catalog suite on every table the pipeline writes, and the domain checks, run with Great
Expectations. Each result is also written to DATA_DIR/validation/<run id>/ for the run's HTML report.

Severity is data: catalog suites are errors (blocking downstream); domain checks have a default severity that the
district configuration can change (`validation.severity`).
"""

import json
from collections.abc import Callable

import pandas as pd
from dagster import (
    AssetCheckExecutionContext,
    AssetCheckResult,
    AssetCheckSeverity,
    AssetChecksDefinition,
    AssetKey,
    MetadataValue,
    asset_check,
)

from assets.compute.deliveries import rows_in_use
from assets.compute.plausibility import (
    absent_required_cells,
    district_sum_difference,
    per_inhabitant,
    ratio_bounds,
    year_on_year,
)
from pipelines.resources import Settings
from warehouse.files import atomic_write_text
from warehouse.validation import ERROR, WARN, Check, Outcome, catalog_check, gx, run_check


def validation_dir(settings: Settings, run_id: str):
    return settings.data_path / "validation" / run_id


def to_result(context: AssetCheckExecutionContext, settings: Settings, outcome: Outcome) -> AssetCheckResult:
    """Record the outcome for the report and turn it into a Dagster check result."""
    atomic_write_text(validation_dir(settings, context.run.run_id) / f"{outcome.check}.json",
                      json.dumps(outcome.to_dict(), ensure_ascii=False, indent=1, default=str))
    metadata = {
        "rows": outcome.rows,
        "seconds": round(outcome.seconds, 4),
        "failed expectations": len(outcome.failures),
    }
    for i, failure in enumerate(outcome.failures[:10]):
        metadata[f"failure {i + 1}: {failure.expectation} {failure.column or ''}".strip()] = MetadataValue.json(
            {"rows": failure.unexpected_count, "detail": failure.detail, "sample": failure.sample})
    return AssetCheckResult(
        passed=outcome.passed,
        severity=AssetCheckSeverity.ERROR if outcome.severity == ERROR else AssetCheckSeverity.WARN,
        metadata=metadata,
        description=None if outcome.passed else outcome.summary()[:2000],
    )


def _catalog_check(table: str) -> AssetChecksDefinition:
    check = catalog_check(table)

    @asset_check(asset=AssetKey(table), name="matches_catalog", blocking=True, description=check.description)
    def _catalog(context: AssetCheckExecutionContext, settings: Settings):
        return to_result(context, settings, run_check(check, settings.store().read(table)))

    return _catalog


def build_catalog_checks(tables: list[str]) -> list[AssetChecksDefinition]:
    return [_catalog_check(t) for t in tables]


def _domain_check(asset: str, name: str, default_severity: str, description: str,
                  frame: Callable[[Settings], pd.DataFrame], expectations: Callable[[Settings], list],
                  sample_columns: tuple[str, ...] = ("ags", "year", "delivery_id", "source_row")) -> AssetChecksDefinition:
    @asset_check(asset=AssetKey(asset), name=name, blocking=True, description=description)
    def _check(context: AssetCheckExecutionContext, settings: Settings):
        severity = settings.config().validation.severity.get(name, default_severity)
        check = Check(name, description, lambda: expectations(settings), severity, sample_columns)
        return to_result(context, settings, run_check(check, frame(settings)))

    return _check


def _population_rows(settings: Settings) -> pd.DataFrame:
    store = settings.store()
    return rows_in_use(store.read("raw_genesis__population"), store.read("deliveries"), ["ags", "year"])


def _municipal_population(settings: Settings) -> pd.DataFrame:
    frame = settings.store().read("population")
    return frame[frame["ags"] != settings.config().district.ags]


def population_checks() -> list[AssetChecksDefinition]:
    return [
        _domain_check(
            "population", "population_complete", WARN,
            "Every municipality has a population value for every year (missing or confidential cells make the "
            "district total incomplete)",
            _municipal_population,
            lambda s: [gx().expectations.ExpectColumnValuesToBeInSet(
                column="value_status", value_set=["reported", "estimated", "not_applicable"])],
        ),
        _domain_check(
            "population", "population_year_on_year", WARN,
            "No municipality's population jumps beyond the configured factor from one year to the next",
            lambda s: year_on_year(_municipal_population(s), ["ags"], "population"),
            lambda s: [gx().expectations.ExpectColumnValuesToBeBetween(
                column="ratio", min_value=ratio_bounds(s.config().validation.yoy_max_factor)[0],
                max_value=ratio_bounds(s.config().validation.yoy_max_factor)[1])],
        ),
        _domain_check(
            "population", "population_district_sum", WARN,
            "Where the statistics office delivers the district value too, the municipalities sum to it",
            lambda s: district_sum_difference(_population_rows(s), s.config().municipality_keys(),
                                              s.config().district.ags, "population"),
            lambda s: [gx().expectations.ExpectColumnValuesToBeBetween(
                column="difference_pct", min_value=-s.config().validation.district_sum_tolerance_pct,
                max_value=s.config().validation.district_sum_tolerance_pct)],
            sample_columns=("year", "delivered_district", "sum_of_municipalities"),
        ),
    ]


def _grid_series(settings: Settings) -> pd.DataFrame:
    inputs = settings.store().read("core_energy__inputs")
    return inputs[inputs["input_kind"] == "grid"]


def balance_checks() -> list[AssetChecksDefinition]:
    def between(column: str, low: float, high: float) -> list:
        return [gx().expectations.ExpectColumnValuesToBeBetween(column=column, min_value=low, max_value=high)]

    return [
        _domain_check(
            "core_energy__inputs", "inputs_complete", WARN,
            "Every required municipality × year × sector × carrier cell (balance.required_cells) has an input; "
            "absent cells are published as missing and make totals incomplete",
            lambda s: absent_required_cells(s.store().read("core_energy__inputs"), s.config().municipality_keys(),
                                            s.config().district.years.range, s.config().balance.required_cells),
            lambda s: [gx().expectations.ExpectColumnValuesToBeInSet(column="delivered", value_set=[True])],
            sample_columns=("ags", "year", "sector", "carrier"),
        ),
        _domain_check(
            "core_energy__inputs", "grid_year_on_year", WARN,
            "No grid value (municipality, carrier, customer group) jumps beyond the configured factor from one year "
            "to the next",
            lambda s: year_on_year(_grid_series(s), ["ags", "carrier", "detail"], "input_mwh"),
            lambda s: between("ratio", *ratio_bounds(s.config().validation.yoy_max_factor)),
            sample_columns=("ags", "carrier", "detail", "year", "delivery_id", "source_row"),
        ),
        _domain_check(
            "final_energy", "electricity_per_inhabitant_plausible", ERROR,
            "Electricity per inhabitant of every municipality is within validation.electricity_kwh_per_inhabitant "
            "(a value outside points to a unit error: kWh for MWh)",
            lambda s: per_inhabitant(s.store().read("final_energy"), s.store().read("population"), "electricity",
                                     s.config().municipality_keys()),
            lambda s: between("kwh_per_inhabitant", s.config().validation.electricity_kwh_per_inhabitant.min,
                              s.config().validation.electricity_kwh_per_inhabitant.max),
            sample_columns=("ags", "year", "final_energy_mwh", "population"),
        ),
    ]
