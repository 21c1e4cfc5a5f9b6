"""Every subset of sources runs (#20): the demo with each source family removed in turn publishes a release, the
indicators resting on the family are `not_assessable` naming it in words, and every other indicator is exactly as
in the full demo run. One more run has only a population and an electricity source.

Fast mode, so that fourteen runs fit into the suite: one Dagster definition per case, run in this process (the
in-process executor, an ephemeral instance), every case landing its deliveries anew but reading parsed files from
the parse cache of the full run, and releases without the Excel workbook (publishing.workbook: false).
"""

import shutil

import pandas as pd
import pytest
import yaml
from dagster import DagsterInstance

from assets.config import DEFAULT_CONFIG
from pipelines.automation import year_range_tags
from pipelines.definitions import MAIN_JOB, build_defs
from warehouse.release import latest_release

# The demo's sources by family (read by hand from config/kreis_soest.yaml).
FAMILY_SOURCES = {
    "population": ["it_nrw_population"],
    "grid": ["westnetz_electricity", "westnetz_gas", "stadtwerke_district_heat"],
    "factors": ["stadtwerke_heat_factors", "emission_factors"],
    "renewable_generation": ["mastr_units", "eeg_feed_in"],
    "heat": ["chimney_sweeps", "solar_thermal"],
    "transport": ["transport_vehicle_km", "rail_train_km"],
    "buildings": ["renovations", "building_stock"],
    "ets": ["eu_ets"],
    "agriculture": ["agriculture"],
    "vehicle_stock": ["kba_vehicle_stock"],
    "weather": ["dwd_degree_days"],
    "facilities": ["facility_db", "facility_interval"],
}
WORDS = {"population": "population", "grid": "grid / final-energy", "factors": "emission-factor",
         "renewable_generation": "renewable-generation", "heat": "heating (chimney-sweep, solar-thermal)",
         "transport": "transport (vehicle-km, train-km)", "buildings": "renovation / building-stock",
         "ets": "EU ETS", "agriculture": "agriculture", "vehicle_stock": "vehicle-stock", "weather": "degree-day",
         "facilities": "facility-database"}
PER_INHABITANT = {"emissions_per_inhabitant", "co2e_per_inhabitant_2045"}
TOTAL = {"co2_total_vs_2007", *PER_INHABITANT}
PRODUCTION = {"production_co2_annual_change", "production_co2_yoy_change"}
OWN = {"own_properties_co2_vs_2007", "own_organisation_climate_neutral_2030", "own_properties_co2_per_m2"}
RENOVATION = {"old_building_renovation_growth", "old_building_renovation_rate", "old_building_renovation_growth_yoy"}
# Which indicators (config/kreis_soest/targets.yaml) rest on which family.
DEPENDENT = {
    "population": PER_INHABITANT,
    "grid": TOTAL | PRODUCTION | {"renewable_electricity_share"},
    "factors": TOTAL | PRODUCTION | OWN | {"transport_co2_vs_2007"},
    "renewable_generation": {"renewable_electricity_share"},
    "heat": TOTAL,
    "transport": TOTAL | {"transport_co2_vs_2007"},
    "buildings": RENOVATION,
    "ets": set(),
    "agriculture": {"co2e_per_inhabitant_2045"},
    "vehicle_stock": {"battery_electric_car_share"},
    "weather": set(),
    "facilities": OWN,
}


def demo_config(tmp_path, keep) -> str:
    raw = yaml.safe_load(DEFAULT_CONFIG.read_text(encoding="utf-8"))
    raw["sources"] = [s for s in raw["sources"] if keep(s["id"])]
    raw["publishing"]["workbook"] = False
    path = tmp_path / "district.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


def run(config, data, parse_cache=None) -> dict[str, pd.DataFrame]:
    """The main job in this process; the published tables of the release it made."""
    if parse_cache is not None:
        shutil.copytree(parse_cache, data / "warehouse" / ".parsed")
    defs = build_defs(config, data)
    with DagsterInstance.ephemeral() as instance:
        result = defs.resolve_job_def(MAIN_JOB).execute_in_process(
            instance=instance, raise_on_error=False, tags=year_range_tags(2007, 2024),
            run_config={"loggers": {"console": {"config": {"log_level": "ERROR"}}}})
    failed = [e.step_key for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
    assert result.success, f"failed steps: {failed}"
    release = latest_release(data)
    assert release is not None
    return {t: pd.read_parquet(release / f"{t}.parquet") for t in ("indicators", "balance_summary", "final_energy")}


@pytest.fixture(scope="module")
def full(tmp_path_factory):
    root = tmp_path_factory.mktemp("full")
    tables = run(demo_config(root, lambda s: True), root / "data")
    return {"tables": tables, "parse_cache": root / "data" / "warehouse" / ".parsed"}


def test_the_families_cover_the_demo():
    configured = {s["id"] for s in yaml.safe_load(DEFAULT_CONFIG.read_text(encoding="utf-8"))["sources"]}
    assert configured == {s for ids in FAMILY_SOURCES.values() for s in ids}


def _rows(frame: pd.DataFrame, ids) -> pd.DataFrame:
    part = frame[frame["indicator_id"].isin(ids)]
    return part.sort_values(["target_set", "indicator_id", "ags", "year"]).reset_index(drop=True)


@pytest.mark.parametrize("family", sorted(FAMILY_SOURCES))
def test_each_family_removed_in_turn(family, full, tmp_path):
    removed = set(FAMILY_SOURCES[family])
    indicators = run(demo_config(tmp_path, lambda s: s not in removed), tmp_path / "data",
                     full["parse_cache"])["indicators"]
    before = full["tables"]["indicators"]
    dependent = _rows(indicators, DEPENDENT[family])
    assert set(dependent["indicator_id"]) == DEPENDENT[family]
    assert (dependent["status"] == "not_assessable").all()
    assert dependent["status_reason"].str.contains(f"no {WORDS[family]} source configured", regex=False).all()
    others = set(before["indicator_id"]) - DEPENDENT[family]
    pd.testing.assert_frame_equal(_rows(indicators, others), _rows(before, others))


def test_only_population_and_electricity(full, tmp_path):
    tables = run(demo_config(tmp_path, lambda s: s in {"it_nrw_population", "westnetz_electricity"}),
                 tmp_path / "data", full["parse_cache"])
    indicators = tables["indicators"]
    assert (indicators["status"] == "not_assessable").all()
    assert indicators["status_reason"].str.contains(" source configured", regex=False).all()
    total = tables["balance_summary"]
    total = total[(total["balance_scope"] == "total") & (total["ags"] == "05974000")]
    assert not total["complete"].any()  # heat, transport and gas cells have no source
    energy = tables["final_energy"]
    cells = ["ags", "year", "sector", "carrier"]
    industry = energy[(energy["carrier"] == "electricity") & (energy["sector"] == "industry")].set_index(cells)
    was = full["tables"]["final_energy"].set_index(cells).loc[industry.index]
    pd.testing.assert_series_equal(industry["final_energy_mwh"], was["final_energy_mwh"])
