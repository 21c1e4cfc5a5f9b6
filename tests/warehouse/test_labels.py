"""Every id of the catalog's vocabularies and every unit the report can show has a German label."""

import pytest

from assets.config import load_config
from warehouse.fields import FIELDS
from warehouse.labels import LABELS, UNITS_DE, label, unit_de


@pytest.mark.parametrize("field", [f for f in FIELDS.values() if f.allowed], ids=lambda f: f.name)
def test_every_allowed_id_has_a_german_label(field):
    labels = LABELS.get(field.name)
    assert labels is not None, f"warehouse/labels.py: no labels for the vocabulary of {field.name!r}"
    missing = [v for v in field.allowed if not str(labels.get(v, "")).strip()]
    assert not missing, f"{field.name}: no German label for {missing}"
    assert not set(labels) - set(field.allowed), f"{field.name}: labels for ids the catalog does not allow"


def test_every_unit_of_the_catalog_and_of_the_targets_has_a_german_label():
    units = {f.unit for f in FIELDS.values() if f.unit}
    units |= {t.unit for s in load_config().target_sets().values() for t in s.targets}
    assert not [u for u in units if not UNITS_DE.get(u, "").strip()]
    for unit in units:  # the German spellings carry no English word
        assert not any(w in unit_de(unit) for w in ("year", "person", "thousand", "million", "count"))


def test_labels_in_use():
    assert label("carrier", "natural_gas") == "Erdgas"
    assert label("carrier", "heating_oil") == "Heizöl"
    assert label("carrier", "ambient_heat") == "Umweltwärme"
    assert label("technology", "solar_pv") == "Photovoltaik"
    assert label("balance_scope", "total") == "alle Sektoren"
    assert label("sector_scope", "all") == "alle Sektoren"
    assert unit_de("%/year") == "%/Jahr" and unit_de("t CO2e/person") == "t CO₂e je Einwohner"
    assert label("carrier", None) == "–"
    with pytest.raises(KeyError, match="no German label for carrier='peat'"):
        label("carrier", "peat")  # an id without a label is an error, never shown raw
    with pytest.raises(KeyError, match="unit 'furlongs'"):
        unit_de("furlongs")


def test_every_source_family_has_german_words_and_the_report_names_the_missing_ones():
    from assets.compute.families import ABSENT, EMPTY, FAMILIES, reason
    from warehouse.labels import SOURCE_FAMILIES_DE
    from warehouse.report import missing_sources_de

    assert {f.words for f in FAMILIES} == set(SOURCE_FAMILIES_DE)
    why = "; ".join([reason("grid", ABSENT), reason("factors", EMPTY)])  # as indicators.status_reason states it
    assert missing_sources_de(why) == ("keine Quelle für Netzabsatz bzw. Endenergie eingerichtet; eine Quelle für "
                                       "Emissionsfaktoren ist eingerichtet, hat aber nichts geliefert")
    assert missing_sources_de("the base year 2007 is incomplete") == ""
