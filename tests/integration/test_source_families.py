"""Every subset of sources runs (#20): the demo with each source family removed in turn publishes a release, the
indicators resting on the family are `not_assessable` naming it in words, and every other indicator is exactly as
in the full demo run. One more run has only a population and an electricity source.

Fast mode, so that thirteen runs fit into the suite: the full demo run (the session's `demo_run`) is shared; each
case copies its data directory and runs, in this process, the job of its own configuration from the removed
sources' raw tables (those of a format still configured, from the parse cache) and core tables on: those and
everything downstream of them, the delivery register, the indicators and a release without the Excel workbook.
What is upstream of them is the full run's, exactly as a fresh run would rebuild it.
"""

import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml
from dagster import AssetSelection, DagsterInstance

from assets.config import DEFAULT_CONFIG
from pipelines.automation import year_range_tags
from pipelines.definitions import MAIN_JOB, build_defs
from sources.formats import FORMATS
from warehouse.tables import CORE_FAMILIES
from warehouse.release import latest_release

# The demo's sources by family (read by hand from config/kreis_soest.yaml).
FAMILY_SOURCES = {
    "population": ["it_nrw_population", "it_nrw_population_2024", "regionalstatistik_population"],
    "grid": ["westnetz_electricity", "westnetz_gas", "stadtwerke_district_heat"],
    "factors": ["stadtwerke_heat_factors", "emission_factors"],
    "renewable_generation": ["mastr_units", "eeg_feed_in"],
    "heat": ["chimney_sweeps", "solar_thermal"],
    "transport": ["transport_vehicle_km", "rail_train_km"],
    "buildings": ["renovations", "building_stock"],
    "ets": ["eu_ets"],
    "agriculture": ["agriculture"],
    "vehicle_stock": ["kba_vehicle_stock", "kba_fz3"],
    "directory": ["destatis_directory"],
    "statistics_tables": ["regionalstatistik_tables", "it_nrw_area"],
    "weather": ["dwd_degree_days"],
    "facilities": ["facility_db", "facility_interval"],
    "work_programme": ["work_programme", "eea_assessment"],
}
WORDS = {"population": "population", "grid": "grid / final-energy", "factors": "emission-factor",
         "renewable_generation": "renewable-generation", "heat": "heating (chimney-sweep, solar-thermal)",
         "transport": "transport (vehicle-km, train-km)", "buildings": "renovation / building-stock",
         "ets": "EU ETS", "agriculture": "agriculture", "vehicle_stock": "vehicle-stock", "weather": "degree-day",
         "facilities": "facility-database", "work_programme": "work-programme (measures, eea assessment)",
         "directory": "municipality-directory", "statistics_tables": "statistics-table"}
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
    "transport": TOTAL | {"transport_co2_vs_2007", "renewable_electricity_share"},  # rail and BEV electricity
    "buildings": RENOVATION,
    "ets": set(),
    "agriculture": {"co2e_per_inhabitant_2045"},
    "vehicle_stock": {"battery_electric_car_share"},
    "weather": set(),
    "facilities": OWN,
    "work_programme": set(),  # no target of config/kreis_soest/targets.yaml rests on the measures
    "directory": set(),  # the directory checks the region's keys, names and areas; no indicator rests on it
    "statistics_tables": set(),  # the statistics stand beside the balance, never in it
}

# The facility database also enters the territorial balance (the district's buildings move from commerce to the
# municipal sector, with their own metered consumption), so without it the balance's values move a little, but the
# indicators resting on the balance stay assessable: nothing there needs the facility database.
ON_THE_BALANCE = TOTAL | PRODUCTION | {"transport_co2_vs_2007", "renewable_electricity_share"}
ADJUSTED = {"facilities": ON_THE_BALANCE}
# Families whose sources fill required cells of the balance (config/kreis_soest.yaml balance.required_cells): without
# one the balance is incomplete, so the conformity of every indicator resting on it is `incomplete`.
REQUIRED_CELLS = {"grid", "heat", "transport", "factors"}


def demo_config(tmp_path, keep) -> Path:
    raw = yaml.safe_load(DEFAULT_CONFIG.read_text(encoding="utf-8"))
    raw["sources"] = [s for s in raw["sources"] if keep(s["id"])]
    raw["publishing"]["workbook"] = False
    path = tmp_path / "district.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


def rebuilt_tables(source_ids) -> list[str]:
    """What a run rebuilds once these sources are gone: the raw tables of their formats and the core tables of
    their shapes."""
    sources = yaml.safe_load(DEFAULT_CONFIG.read_text(encoding="utf-8"))["sources"]
    targets = [t for s in sources if s["id"] in source_ids for t in FORMATS[s["format"]]]
    shapes = {t.shape for t in targets}
    return [t.table for t in targets] + [core for core, shape, _, _ in CORE_FAMILIES if shape in shapes]


def run(base: Path, config: Path, data: Path, removed) -> dict[str, pd.DataFrame]:
    """The job of `config` on a copy of the full run's data directory, from the removed sources' core tables on;
    the published tables of the release it made."""
    shutil.copytree(base, data, ignore=shutil.ignore_patterns("published", ".dagster", ".runs", "validation"),
                    symlinks=True)
    defs = build_defs(config, data)
    graph = defs.resolve_asset_graph()
    present = {k.to_user_string() for k in graph.get_all_asset_keys()}
    rebuilt = [t for t in rebuilt_tables(removed) if t in present]  # a raw table of a format still configured
    selection = (AssetSelection.assets(*rebuilt).downstream()
                 | AssetSelection.assets("deliveries", "indicators", "release")).required_multi_asset_neighbors()
    with DagsterInstance.ephemeral() as instance:
        result = defs.resolve_job_def(MAIN_JOB).execute_in_process(
            instance=instance, raise_on_error=False, tags=year_range_tags(2007, 2024),
            asset_selection=sorted(selection.resolve(graph), key=lambda k: k.to_user_string()),
            run_config={"loggers": {"console": {"config": {"log_level": "ERROR"}}}})
    failed = [e.step_key for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
    assert result.success, f"failed steps: {failed}"
    release = latest_release(data)
    assert release is not None
    return {t: pd.read_parquet(release / f"{t}.parquet") for t in ("indicators", "balance_summary", "final_energy")}


@pytest.fixture(scope="module")
def full(demo_run):
    release = demo_run["release_2"]
    tables = {t: pd.read_parquet(release / f"{t}.parquet") for t in ("indicators", "balance_summary", "final_energy")}
    return {"tables": tables, "data": demo_run["data"]}


def test_the_families_cover_the_demo():
    configured = {s["id"] for s in yaml.safe_load(DEFAULT_CONFIG.read_text(encoding="utf-8"))["sources"]}
    assert configured == {s for ids in FAMILY_SOURCES.values() for s in ids}


def _rows(frame: pd.DataFrame, ids) -> pd.DataFrame:
    part = frame[frame["indicator_id"].isin(ids)]
    return part.sort_values(["target_set", "indicator_id", "ags", "year"]).reset_index(drop=True)


@pytest.mark.parametrize("family", sorted(FAMILY_SOURCES))
def test_each_family_removed_in_turn(family, full, tmp_path):
    removed = set(FAMILY_SOURCES[family])
    indicators = run(full["data"], demo_config(tmp_path, lambda s: s not in removed), tmp_path / "data",
                     removed)["indicators"]
    before = full["tables"]["indicators"]
    dependent = _rows(indicators, DEPENDENT[family])
    assert set(dependent["indicator_id"]) == DEPENDENT[family]
    assert (dependent["status"] == "not_assessable").all()
    assert dependent["status_reason"].str.contains(f"no {WORDS[family]} source configured", regex=False).all()
    adjusted = _rows(indicators, ADJUSTED.get(family, set()))
    assert not adjusted["status_reason"].str.contains(WORDS[family], regex=False).any()
    assert (adjusted["status"] != "not_assessable").any() or adjusted.empty
    others = set(before["indicator_id"]) - DEPENDENT[family] - ADJUSTED.get(family, set())
    now, was = _rows(indicators, others), _rows(before, others)
    if family in REQUIRED_CELLS:  # the balance lacks required cells: what rests on it says so, nothing else moves
        changed = now["conformity"] != was["conformity"]
        assert (now.loc[changed, "conformity"] == "incomplete").all()
        assert now.loc[changed, "indicator_id"].isin(ON_THE_BALANCE).all()
        now, was = now.drop(columns="conformity"), was.drop(columns="conformity")
    pd.testing.assert_frame_equal(now, was)


def test_only_population_and_electricity(full, tmp_path):
    kept = {"it_nrw_population", "it_nrw_population_2024", "regionalstatistik_population", "westnetz_electricity"}
    removed = {s for ids in FAMILY_SOURCES.values() for s in ids} - kept
    tables = run(full["data"], demo_config(tmp_path, lambda s: s in kept), tmp_path / "data", removed)
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
