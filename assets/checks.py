"""Asset checks: the catalog suite on every table the pipeline writes, and the domain checks, run with Great
Expectations. Each result is also written to DATA_DIR/validation/<run id>/ for the run's HTML report.

A check that judges the same content under the same expectations as when it last ran is not run again (a catalog
check: the table's stored bytes; a domain check: the frame it judges and the configuration): its verdict is taken
from DATA_DIR/validation/.reuse/<check>.json and says so (metadata `reused from run`).

Severity is data: catalog suites are errors (blocking downstream); domain checks have a default severity that the
district configuration can change (`validation.severity`).
"""

import json
from dagster import (
    AssetCheckExecutionContext,
    AssetCheckResult,
    AssetCheckSeverity,
    AssetChecksDefinition,
    AssetKey,
    MetadataValue,
    asset_check,
)

from assets.domain_checks import DOMAIN_CHECKS, DomainCheck, run_domain_check
from assets.resources import Settings
from warehouse.files import atomic_write_text
from warehouse.validation import ERROR, Outcome, catalog_check, run_check_reusing


def validation_dir(settings: Settings, run_id: str):
    return settings.data_path / "validation" / run_id


def reuse_record(settings: Settings, check: str):
    return settings.data_path / "validation" / ".reuse" / f"{check}.json"


def to_result(context: AssetCheckExecutionContext, settings: Settings, outcome: Outcome) -> AssetCheckResult:
    """Record the outcome for the report and turn it into a Dagster check result."""
    atomic_write_text(validation_dir(settings, context.run.run_id) / f"{outcome.check}.json",
                      json.dumps(outcome.to_dict(), ensure_ascii=False, indent=1, default=str))
    metadata = {
        "rows": outcome.rows,
        "seconds": round(outcome.seconds, 4),
        "failed expectations": len(outcome.failures),
    }
    if outcome.reused_from:
        metadata["reused from run"] = outcome.reused_from  # the same bytes were validated there
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
        store = settings.store()
        outcome = run_check_reusing(check, lambda: store.read(table), store.fingerprint(table),
                                    reuse_record(settings, check.name), context.run.run_id)
        return to_result(context, settings, outcome)

    return _catalog


def build_catalog_checks(tables: list[str]) -> list[AssetChecksDefinition]:
    return [_catalog_check(t) for t in tables]


def _dagster_check(check: DomainCheck) -> AssetChecksDefinition:
    @asset_check(asset=AssetKey(check.asset), name=check.name, blocking=True, description=check.description)
    def _check(context: AssetCheckExecutionContext, settings: Settings):
        return to_result(context, settings, run_domain_check(check, settings.store(), settings.config(),
                                                             reuse_record(settings, check.name), context.run.run_id))

    return _check


def build_domain_checks(assets: set[str]) -> list[AssetChecksDefinition]:
    """Dagster checks for the domain checks whose asset is defined."""
    return [_dagster_check(c) for c in DOMAIN_CHECKS if c.asset in assets]
