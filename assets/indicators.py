"""Indicators layer: the configured targets and every target's indicator per place and year."""

import pandas as pd
from dagster import asset

from assets.compute.conformity import overall, resting_on
from assets.compute.families import family_states, missing_reasons, not_assessable_rows
from assets.compute.indicators import BALANCE_INDICATORS, PROCESSING, PROCESSING_DE, RENAMED, SERIES, assess
from assets.config import ConfigError
from assets.resources import Settings, group_of
from warehouse.catalog import get_table


@asset(group_name=group_of("targets"), description="The configured target sets (titles, base and target year, comparator, "
       "value, unit, source, definition, notes), supporting indicators included.")
def targets(settings: Settings) -> pd.DataFrame:
    rows = []
    for set_name, target_set in settings.config().target_sets().items():
        for t in target_set.targets:
            if t.indicator in RENAMED:
                raise ConfigError(f"target {set_name}/{t.indicator_id}: indicator {t.indicator!r} was renamed to "
                                  f"{RENAMED[t.indicator]!r} with contract 2.0: changes are negative for fewer "
                                  "emissions now, so state the target the same way (e.g. comparator '<=', "
                                  "target_value -30)")
            if t.indicator not in SERIES:
                raise ConfigError(f"target {set_name}/{t.indicator_id}: unknown indicator {t.indicator!r}; "
                                  f"known: {sorted(SERIES)}")
            rows.append({"target_set": set_name, "source": target_set.source, "processing": PROCESSING[t.indicator],
                         "target_set_title_de": target_set.title_de, "processing_de": PROCESSING_DE[t.indicator],
                         **t.model_dump(exclude={"sector"}), "source_de": t.source_de or target_set.source_de})
    return pd.DataFrame(rows, columns=get_table("targets").column_names)


@asset(group_name=group_of("indicators"), description="Every target's indicator per municipality and district (organisational "
       "targets: district only) and year: value, base, target, gap, straight path, trend projection, status.")
def indicators(settings: Settings, targets: pd.DataFrame, balance_summary: pd.DataFrame,
               final_energy: pd.DataFrame, electricity_generation: pd.DataFrame, renovations: pd.DataFrame,
               agriculture_emissions: pd.DataFrame, vehicle_stock: pd.DataFrame,
               core_facility__consumption: pd.DataFrame, emission_factors: pd.DataFrame,
               core_facility__buildings: pd.DataFrame, core_energy__inputs: pd.DataFrame,
               bisko_conformity: pd.DataFrame, deliveries: pd.DataFrame) -> pd.DataFrame:
    cfg = settings.config()
    states = family_states([(s.id, s.format) for s in cfg.sources], deliveries)
    columns = get_table("indicators").column_names
    places = list(dict.fromkeys([cfg.district.ags, *cfg.municipality_keys()]))
    tables = {
        "core_energy__inputs": core_energy__inputs, "names": cfg.municipality_names(),
        "balance_summary": balance_summary, "final_energy": final_energy,
        "electricity_generation": electricity_generation, "renovations": renovations,
        "agriculture_emissions": agriculture_emissions, "vehicle_stock": vehicle_stock,
        "core_facility__consumption": core_facility__consumption, "emission_factors": emission_factors,
        "buildings": core_facility__buildings,
    }  # fmt: skip
    conformity = overall(bisko_conformity)
    frames = []
    for set_name, target_set in cfg.target_sets().items():
        for target in target_set.targets:
            spec = target.model_dump()
            region = cfg.district.ags if target.scope == "organisational" else cfg.totals_ags
            series = SERIES[target.indicator](tables, spec, region)
            if target.scope == "organisational":
                series = series[series["ags"] == cfg.district.ags]
            rows = assess(series, spec, cfg.indicators.trend_years, cfg.indicators.min_trend_years)
            missing = missing_reasons(target.indicator, target.sector, states)
            if missing:  # a family it needs is absent or empty: every place and year, no verdict, the family named
                where = [cfg.district.ags] if target.scope == "organisational" else places
                rows = not_assessable_rows(rows, [c for c in columns if c not in ("target_set", "indicator_id",
                                                                                   "conformity")],
                                           missing, where, cfg.district.years.range, spec)
            if rows.empty:
                continue
            rows["conformity"] = "not_applicable"
            if target.indicator in BALANCE_INDICATORS:
                rows["conformity"] = resting_on(rows, conformity, target.base_year)
            frames.append(rows.assign(target_set=set_name, indicator_id=target.indicator_id))
    return pd.concat(frames, ignore_index=True)[columns] if frames else pd.DataFrame(columns=columns)

