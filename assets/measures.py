"""The work programme, wired to assets/compute/measures.py: the history of the list of measures across its
deliveries (core: it reads the raw lists of every delivery not rejected), the measures with their overdue flags,
the eea assessment and the gap analysis per target (indicators layer)."""

import pandas as pd
from dagster import AssetIn, AssetsDefinition, MetadataValue, Output, asset

from assets.compute.measures import (DEFAULT_MAX_UPDATE_AGE_DAYS, eea_table, measure_versions, measures_table,
                                     status_history, target_measures_table)
from assets.config import DistrictConfig
from assets.core import union_rows, configured_raw_tables
from assets.resources import Settings, group_of
from warehouse.tables import raw_table_name

MEASURES_FORMAT = "measures"


def max_update_age_days(cfg: DistrictConfig) -> int:
    """options.max_update_age_days of the measures source(s) (the smallest), else 365."""
    ages = [int(s.options["max_update_age_days"]) for s in cfg.sources
            if s.format == MEASURES_FORMAT and "max_update_age_days" in s.options]
    return min(ages, default=DEFAULT_MAX_UPDATE_AGE_DAYS)


def build_history_asset(cfg: DistrictConfig) -> AssetsDefinition:
    tables = configured_raw_tables(cfg, "measures")

    @asset(name="measure_status_history", group_name=group_of("measure_status_history"),
           ins={t: AssetIn(t) for t in tables},
           description="Status and budget of every measure in every delivery of the list not rejected, with what "
           "changed against its previous listing.")
    def history(deliveries: pd.DataFrame, **raw: pd.DataFrame) -> Output[pd.DataFrame]:
        versions = measure_versions(union_rows(raw, raw_table_name(MEASURES_FORMAT, "measures")), deliveries)
        frame = status_history(versions)
        return Output(frame, metadata={"deliveries": int(frame["delivery_id"].nunique()),
                                       "changes": MetadataValue.json(frame["history_change"].value_counts().to_dict())})

    return history


@asset(group_name=group_of("measures"), description="The measures of the latest list with German names and the "
       "overdue flag (last update older than options.max_update_age_days, or end date passed without completion).")
def measures(settings: Settings, core_programme__measures: pd.DataFrame,
             measure_status_history: pd.DataFrame) -> Output[pd.DataFrame]:
    frame = measures_table(core_programme__measures, measure_status_history, max_update_age_days(settings.config()))
    return Output(frame, metadata={"measures": len(frame), "overdue": int(frame["overdue"].sum())})


@asset(group_name=group_of("eea_assessment"), description="The eea assessment per field of action and year and "
       "their total, with the share achieved and the award level (eea from 50 %, eea Gold from 75 %).")
def eea_assessment(core_programme__eea_points: pd.DataFrame) -> pd.DataFrame:
    return eea_table(core_programme__eea_points)


@asset(group_name=group_of("target_measures"), description="Per target: the gap at the latest complete year beside "
       "the expected savings of the measures serving it (their own estimates), by status.")
def target_measures(settings: Settings, targets: pd.DataFrame, indicators: pd.DataFrame, measures: pd.DataFrame,
                    balance_summary: pd.DataFrame) -> pd.DataFrame:
    ags = settings.config().district.ags
    total = balance_summary[(balance_summary["ags"] == ags) & (balance_summary["balance_scope"] == "total")]
    population = {int(y): p for y, p in zip(total["year"], total["population"], strict=True) if pd.notna(p)}
    return target_measures_table(targets, indicators, measures, population, ags)


def build_measure_assets(cfg: DistrictConfig) -> list[AssetsDefinition]:
    return [build_history_asset(cfg), measures, eea_assessment, target_measures]
