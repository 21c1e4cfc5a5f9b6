"""Every hand-written domain check passes on the demo and catches a planted defect."""

import shutil

import numpy as np
import pytest

from assets.domain_checks import DOMAIN_CHECKS, run_domain_check
from assets.config import load_config
from warehouse.store import ParquetStore


def _plant_population_gap(store):
    pop = store.read("population")
    row = (pop["ags"] == "05974004") & (pop["year"] == 2012)
    pop.loc[row, "population"] = np.nan
    pop.loc[row, "value_status"] = "missing"
    store.write("population", pop)


def _plant_population_jump(store):
    pop = store.read("population")
    row = (pop["ags"] == "05974008") & (pop["year"] == 2016)
    pop.loc[row, "population"] = pop.loc[row, "population"] * 2
    store.write("population", pop)


def _plant_district_mismatch(store):
    raw = store.read("core_statistics__population")
    row = (raw["ags"] == "05974000") & (raw["year"] == 2010)
    raw.loc[row, "population"] = raw.loc[row, "population"] + 5000
    store.write("core_statistics__population", raw)


def _plant_absent_cell(store):
    inputs = store.read("core_energy__inputs")
    drop = (inputs["ags"] == "05974032") & (inputs["year"] == 2018) & (inputs["sector"] == "industry") & (
        inputs["carrier"] == "natural_gas")
    store.write("core_energy__inputs", inputs[~drop])


def _plant_grid_jump(store):
    inputs = store.read("core_energy__inputs")
    row = (inputs["input_kind"] == "grid") & (inputs["ags"] == "05974012") & (inputs["year"] == 2014) & (
        inputs["detail"] == "SLP Gewerbe") & (inputs["carrier"] == "electricity")
    inputs.loc[row, "input_mwh"] = inputs.loc[row, "input_mwh"] * 3
    store.write("core_energy__inputs", inputs)


def _plant_kwh_as_mwh(store):
    fe = store.read("final_energy")
    row = (fe["ags"] == "05974048") & (fe["year"] == 2011) & (fe["carrier"] == "electricity")
    fe.loc[row, "final_energy_mwh"] = fe.loc[row, "final_energy_mwh"] * 1000
    store.write("final_energy", fe)


def _plant_directory_mismatch(store):
    directory = store.read("core_region__directory")
    directory.loc[directory["ags"] == "05974036", "area_ha"] *= 1.05  # Rüthen 5 % larger in the directory
    store.write("core_region__directory", directory)


PLANTS = {
    "municipalities_match_the_directory": _plant_directory_mismatch,
    "population_complete": _plant_population_gap,
    "population_year_on_year": _plant_population_jump,
    "population_district_sum": _plant_district_mismatch,
    "inputs_complete": _plant_absent_cell,
    "grid_year_on_year": _plant_grid_jump,
    "electricity_per_inhabitant_plausible": _plant_kwh_as_mwh,
}


def test_every_domain_check_has_a_planted_defect():
    assert {c.name for c in DOMAIN_CHECKS} == set(PLANTS)


@pytest.mark.parametrize("check", DOMAIN_CHECKS, ids=lambda c: c.name)
def test_domain_check_passes_on_demo_and_catches_its_defect(check, demo_run, tmp_path):
    cfg = load_config()
    shutil.copytree(demo_run["data"] / "warehouse", tmp_path / "warehouse")
    store = ParquetStore(tmp_path / "warehouse")
    clean = run_domain_check(check, store, cfg)
    assert clean.passed, clean.summary()
    PLANTS[check.name](store)
    planted = run_domain_check(check, store, cfg)
    assert not planted.passed
    assert planted.failures[0].unexpected_count >= 1 and planted.failures[0].sample
