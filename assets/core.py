"""Core layer: every raw shape harmonised once, then the published delivery register and population.

- `core_region__key_changes`: the municipality key changes in use; it comes right after the key-change parsers,
  because every other parser takes in rows under the former keys it names (assets/raw.py).
- `deliveries`: every landed delivery with scope, findings and status; per source a blocking check (a rejected
  delivery stops the run) and, with expected_delivery, a freshness check.
- `core_<domain>__<shape>` (warehouse/tables.py CORE_FAMILIES): the rows in use of all formats of one shape at
  today's municipality keys. Balance and indicator assets read only these, never a raw table.
"""

from collections.abc import Iterator

import pandas as pd
from dagster import (AssetCheckResult, AssetCheckSeverity, AssetCheckSpec, AssetExecutionContext, AssetIn, AssetKey,
                     AssetsDefinition, MetadataValue, Output, asset)

from assets.compute.crosswalk import core_rows
from assets.compute.deliveries import delivery_table
from assets.compute.freshness import freshness, today
from assets.compute.population import population_table
from assets.compute.statistics import source_rules, statistics_table
from assets.config import DistrictConfig
from assets.raw import KEY_CHANGES_TABLE, LANDING_TABLE, configured_formats, key_changes_of
from assets.resources import Settings, group_of
from sources.formats import raw_tables
from sources.quarantine import threshold_for
from warehouse.catalog import get_table
from warehouse.tables import CORE_FAMILIES, RAW_SHAPES, raw_table_name, rejected_table_name

# How each family's rows reach today's municipality keys (assets/compute/crosswalk.py core_rows): an additive
# column summed after a split or merge, records located whole, or (absent here) kept as delivered.
MOVES: dict[str, dict] = {
    "core_statistics__population": {"move": "sum", "value": "population"},
    "core_factors__district_heat_factors": {"move": "locate", "unique": ["ags", "year"],
                                            "what": "district-heat factors"},
    "core_electricity__units": {"move": "locate"},
    "core_heat__heating_systems": {"move": "sum", "value": "systems"},
    "core_heat__solar_thermal": {"move": "sum", "value": "collector_area_m2"},
    "core_transport__vehicle_km": {"move": "sum", "value": "vehicle_km_million"},
    "core_transport__rail_train_km": {"move": "sum", "value": "train_km_thousand"},
    "core_transport__vehicle_stock": {"move": "sum", "value": "vehicles"},
    "core_buildings__renovations": {"move": "sum", "value": "energy_renovations"},
    "core_buildings__building_stock": {"move": "sum", "value": "buildings_pre_1979"},
    "core_ets__verified_emissions": {"move": "locate"},
    "core_agriculture__emissions": {"move": "sum", "value": "emissions_t_co2e"},
    "core_facility__buildings": {"move": "locate"},
}


def source_check_name(source_id: str) -> str:
    return f"{source_id}_deliveries_readable"


def freshness_check_name(source_id: str) -> str:
    return f"{source_id}_delivery_on_time"


def configured_raw_tables(cfg: DistrictConfig, shape: str | None = None) -> list[str]:
    """The raw tables the configuration's formats fill (of one shape, or all)."""
    return [t for t in raw_tables(configured_formats(cfg))
            if shape is None or t in {raw_table_name(f, shape) for f in RAW_SHAPES[shape][1]}]


def union_rows(frames: dict[str, pd.DataFrame], shape_table: str) -> pd.DataFrame:
    present = [f for f in frames.values() if not f.empty]
    columns = get_table(shape_table).column_names
    return pd.concat(present, ignore_index=True)[columns] if present else pd.DataFrame(columns=columns)


def build_key_changes_asset(cfg: DistrictConfig) -> AssetsDefinition:
    tables = configured_raw_tables(cfg, "key_changes")
    ins = {"register": AssetIn(LANDING_TABLE)}
    ins |= {t: AssetIn(t) for t in tables} | {rejected_table_name(t): AssetIn(rejected_table_name(t)) for t in tables}

    @asset(name=KEY_CHANGES_TABLE, group_name=group_of(KEY_CHANGES_TABLE), ins=ins,
           description=get_table(KEY_CHANGES_TABLE).description + ": the later delivery wins on the same change")
    def key_changes(settings: Settings, register: pd.DataFrame, **raw: pd.DataFrame) -> pd.DataFrame:
        changes = key_changes_of(settings.config(), register, {t: raw[t] for t in tables},
                                 {t: raw[rejected_table_name(t)] for t in tables})
        return changes[get_table(KEY_CHANGES_TABLE).column_names]

    return key_changes


def build_family_asset(cfg: DistrictConfig, core: str, shape: str, key: list[str]) -> AssetsDefinition:
    """The core table of one raw shape: rows in use of every configured format of it, at today's keys (empty when
    no configured source delivers this shape)."""
    tables = configured_raw_tables(cfg, shape)
    move = MOVES.get(core, {})
    shape_table = raw_table_name(RAW_SHAPES[shape][1][0], shape)

    @asset(name=core, group_name=group_of(core), ins={t: AssetIn(t) for t in tables},
           description=f"{get_table(core).description}. From: {', '.join(tables) or 'no configured source'}.")
    def family(settings: Settings, deliveries: pd.DataFrame, core_region__key_changes: pd.DataFrame,
               **raw: pd.DataFrame) -> Output[pd.DataFrame]:
        rows = core_rows(union_rows(raw, shape_table), deliveries, core_region__key_changes,
                         settings.config().municipality_keys(), key, **move)
        return Output(rows, metadata={"rows in use": len(rows), "formats": MetadataValue.json(sorted(raw))})

    return family


def build_family_assets(cfg: DistrictConfig) -> list[AssetsDefinition]:
    return [build_family_asset(cfg, core, shape, key) for core, shape, key, _ in CORE_FAMILIES
            if core != KEY_CHANGES_TABLE]


def build_deliveries_asset(cfg: DistrictConfig) -> AssetsDefinition:
    """The published register; per source a blocking check, per monitored source (expected_delivery) a
    non-blocking freshness check."""
    raw = configured_raw_tables(cfg)
    source_ids = [s.id for s in cfg.sources]
    monitored = [s.id for s in cfg.sources if s.expected_delivery is not None]

    @asset(
        name="deliveries",
        group_name=group_of("deliveries"),
        deps=[AssetKey(LANDING_TABLE), *[AssetKey(t) for t in raw], *[AssetKey(rejected_table_name(t)) for t in raw]],
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
            store.read(LANDING_TABLE),
            {t: store.read(t) for t in raw},
            {t: store.read(rejected_table_name(t)) for t in raw},
            {s.id: threshold_for(s.options) for s in settings.config().sources},
            settings.config().delivery_origins(),
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


@asset(group_name=group_of("population"), description="Inhabitants per municipality and year (31 December), with "
       "the census basis the office's table states and the first year of a new basis flagged; district rows are the "
       "district's own delivered figure where the delivery of its municipalities states one, else their min-count "
       "sum, flagged incomplete where a municipality is missing.")
def population(settings: Settings, core_statistics__population: pd.DataFrame) -> pd.DataFrame:
    cfg = settings.config()
    return population_table(core_statistics__population, cfg.municipality_keys(), cfg.totals_ags,
                            cfg.district.years.range)


@asset(group_name=group_of("statistics"), description="Values of the statistical offices' tables for the region "
       "(area, buildings and flats, passenger cars, the industry's energy use incl. non-energy use), picked by the "
       "rules of config/genesis_statistics.yaml or a source's mappings.statistics, in the statistic's unit.")
def statistics(context: AssetExecutionContext, settings: Settings, core_statistics__table_values: pd.DataFrame,
               deliveries: pd.DataFrame, core_region__key_changes: pd.DataFrame) -> Output[pd.DataFrame]:
    cfg = settings.config()
    rules = {s.id: source_rules(s.mappings, f"sources {s.id}") for s in cfg.sources if s.format == "genesis_table"}
    places = set(cfg.municipality_keys()) | ({cfg.totals_ags} - {""})
    table, unconverted = statistics_table(
        core_statistics__table_values, dict(zip(deliveries["delivery_id"], deliveries["source_id"], strict=True)),
        dict(zip(deliveries["delivery_id"], deliveries["received_at"].astype(str), strict=True)), rules, places,
        core_region__key_changes)
    if len(unconverted):
        units = sorted(unconverted["unit"].fillna("(none)").astype(str).unique())
        context.log.warning(f"{len(unconverted)} value(s) of mapped columns are published in a unit the statistic "
                            f"cannot take ({units}) and were left out: check the rule's variable "
                            f"(first: {unconverted.iloc[0]['variable']!r} of table {unconverted.iloc[0]['table_code']})")
    return Output(table, metadata={"statistics": MetadataValue.json(sorted(table["statistic"].unique())),
                                   "values left out (unit)": len(unconverted)})


def build_core_assets(cfg: DistrictConfig) -> list[AssetsDefinition]:
    return [build_key_changes_asset(cfg), build_deliveries_asset(cfg), *build_family_assets(cfg), population,
            statistics]
