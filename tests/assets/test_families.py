"""Source families (assets/compute/families.py): the state of each family from the configuration and the delivery
register, and the reasons an indicator gets when a family it needs is absent or empty."""

import pandas as pd

from assets.compute.families import (ABSENT, DELIVERED, EMPTY, FAMILY_OF_FORMAT, families_needed, family_states,
                                     missing_reasons, not_assessable_rows)
from sources.formats import FORMATS

SOURCES = [("strom", "grid_sheet"), ("mastr", "mastr_csv"), ("eeg", "eeg_feed_in"), ("zensus", "genesis_population")]
DELIVERIES = pd.DataFrame({"source_id": ["strom", "mastr", "zensus"], "status": ["accepted", "rejected", "superseded"]})


def test_every_format_belongs_to_one_family():
    assert set(FAMILY_OF_FORMAT) == set(FORMATS)


def test_states_absent_empty_delivered():
    states = family_states(SOURCES, DELIVERIES)
    assert states["grid"] == DELIVERED
    assert states["renewable_generation"] == EMPTY  # configured; its one delivery was rejected
    assert states["population"] == EMPTY  # a superseded delivery alone is not in use
    assert states["transport"] == ABSENT


def test_the_reasons_name_the_family_in_words():
    states = family_states(SOURCES, DELIVERIES)
    assert missing_reasons("renewable_electricity_share", None, states) == [
        "a renewable-generation source is configured but nothing was delivered",
        "no transport (vehicle-km, train-km) source configured"]
    assert missing_reasons("emissions_change_vs_base", "transport", states) == [
        "no emission-factor source configured", "no transport (vehicle-km, train-km) source configured"]
    assert missing_reasons("battery_electric_share", None, {**states, "vehicle_stock": DELIVERED}) == []


def test_the_balance_of_a_sector_needs_its_own_families():
    assert families_needed("emissions_change_vs_base") == ("grid", "factors", "heat", "transport")
    assert families_needed("sector_emissions_annual_change", "industry") == ("grid", "factors")
    assert families_needed("emissions_per_inhabitant_with_agriculture") == (
        "population", "grid", "factors", "heat", "transport", "agriculture")


def test_not_assessable_rows_cover_every_place_and_year_and_keep_values():
    computed = pd.DataFrame({"ags": ["05974004"], "year": [2020], "value": [12.5], "status": ["met"],
                             "status_reason": ["12.5 % in 2020"], "complete": [True]})
    columns = ["ags", "year", "value", "unit", "base_year", "target_year", "target_value", "complete", "status",
               "status_reason"]
    target = {"unit": "%", "base_year": 2007, "target_year": 2020, "target_value": 50.0}
    rows = not_assessable_rows(computed, columns, ["no renewable-generation source configured"],
                               ["05974000", "05974004"], [2020, 2021], target)
    assert len(rows) == 4 and (rows["status"] == "not_assessable").all() and not rows["complete"].any()
    assert set(rows["status_reason"]) == {"no renewable-generation source configured: no verdict"}
    kept = rows[(rows["ags"] == "05974004") & (rows["year"] == 2020)]
    assert kept["value"].tolist() == [12.5] and rows["value"].isna().sum() == 3
