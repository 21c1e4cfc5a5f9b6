"""Core layer: the published delivery register (with per-source blocking checks and freshness checks) and
harmonised tables."""

from collections.abc import Iterator

import pandas as pd
from dagster import (AssetCheckResult, AssetCheckSeverity, AssetCheckSpec, AssetExecutionContext, AssetKey,
                     AssetsDefinition, MetadataValue, Output, asset)

from assets.compute.crosswalk import changes_in_use, summed_at_current_keys
from assets.compute.deliveries import delivery_table, rows_in_use
from assets.compute.freshness import freshness, today
from assets.compute.population import population_table
from assets.resources import Settings
from sources.formats import raw_tables
from sources.quarantine import threshold_for
from warehouse.tables import rejected_table_name


def source_check_name(source_id: str) -> str:
    return f"{source_id}_deliveries_readable"


def freshness_check_name(source_id: str) -> str:
    return f"{source_id}_delivery_on_time"


def build_deliveries_asset(source_ids: list[str], monitored: list[str] | None = None) -> AssetsDefinition:
    """`monitored`: the sources with an expected_delivery, each with a non-blocking freshness check."""
    raw = raw_tables()
    monitored = monitored or []

    @asset(
        name="deliveries",
        group_name="core",
        deps=[AssetKey("raw_landing__deliveries"), *[AssetKey(t) for t in raw],
              *[AssetKey(rejected_table_name(t)) for t in raw]],
        check_specs=[
            AssetCheckSpec(source_check_name(s), asset="deliveries", blocking=True,
                           description=f"Every delivery of source {s!r} in use was read without errors")
            for s in source_ids
        ] + [
            AssetCheckSpec(freshness_check_name(s), asset="deliveries", blocking=False,
                           description=f"The data of source {s!r} for the latest due year have arrived "
                           "(expected_delivery) and are not stale")
            for s in monitored
        ],
        description="Every landed delivery with its scope, findings and status (accepted, superseded, rejected).",
    )
    def deliveries(context: AssetExecutionContext, settings: Settings) -> Iterator:
        store = settings.store()
        frame = delivery_table(
            store.read("raw_landing__deliveries"),
            {t: store.read(t) for t in raw},
            {t: store.read(rejected_table_name(t)) for t in raw},
            {s.id: threshold_for(s.options) for s in settings.config().sources},
        )
        yield Output(frame, metadata={"by status": MetadataValue.json(frame["status"].value_counts().to_dict())})
        for source_id in source_ids:
            mine = frame[frame["source_id"] == source_id]
            bad = mine[mine["status"] == "rejected"]
            yield AssetCheckResult(
                check_name=source_check_name(source_id),
                passed=bad.empty,
                metadata={
                    "deliveries": len(mine),
                    "rejected": len(bad),
                    "findings": MetadataValue.md(
                        "\n".join(f"- {r.file_name} ({r.delivery_id}): {r.status_reason}" for r in bad.itertuples())
                        or "none"
                    ),
                },
                description=(f"{len(bad)} delivery(ies) of {source_id!r} rejected: "
                             + "; ".join(bad["status_reason"].head(3))) if len(bad) else None,
            )

        if monitored:
            cfg = settings.config()
            fresh = freshness([src for src in cfg.sources if src.id in monitored], frame, today(),
                              cfg.district.years.last).set_index("source_id")
            for source_id in monitored:
                row = fresh.loc[source_id]
                yield AssetCheckResult(
                    check_name=freshness_check_name(source_id),
                    passed=row["status"] in ("on_time", "not_due"),
                    severity=AssetCheckSeverity.WARN,
                    metadata={"status": str(row["status"]), "due year": str(row["due_year"]),
                              "latest delivery": str(row["latest_delivery_at"])},
                    description=None if row["status"] in ("on_time", "not_due") else
                    f"{source_id}: {row['message']}",
                )

    return deliveries


@asset(group_name="core", description="Inhabitants per municipality and year (31 December); district rows are "
       "the min-count sum of the municipalities, flagged incomplete where a municipality is missing.")
def population(settings: Settings, deliveries: pd.DataFrame, raw_genesis__population: pd.DataFrame,
               raw_destatis__key_changes: pd.DataFrame) -> pd.DataFrame:
    cfg = settings.config()
    changes = changes_in_use(raw_destatis__key_changes, deliveries)
    rows = summed_at_current_keys(rows_in_use(raw_genesis__population, deliveries, ["ags", "year"]), changes,
                                  cfg.municipality_keys(), ["ags", "year"], "population")
    return population_table(rows, cfg.municipality_keys(), cfg.district.ags, cfg.district.years.range)
