"""The configuration carries the report's German texts and tile positions, checked when loaded."""

import pydantic
import pytest

from assets.config import ConfigError, Target, TargetSet, load_config


def test_every_shipped_target_and_set_has_its_german_texts():
    sets = load_config().target_sets()
    assert sets
    for target_set in sets.values():
        assert target_set.title_de.strip() and target_set.source_de.strip()
        for t in target_set.targets:
            assert t.title_de.strip() and t.definition_de.strip()
            assert all(v is None or v.strip() for v in (t.notes_de, t.interpretation_de, t.source_de))


def test_a_blank_german_text_is_refused():
    target = {"indicator_id": "x", "indicator": "battery_electric_share", "title_de": "Anteil", "title_en": "Share",
              "scope": "territorial_bisko", "unit": "%", "definition": "d", "definition_de": "Anteil der Pkw"}
    assert Target(**target).notes_de is None
    for field in ("definition_de", "notes_de", "title_de"):
        with pytest.raises(pydantic.ValidationError, match=field):
            Target(**target | {field: "  "})
    with pytest.raises(pydantic.ValidationError, match="source_de"):
        TargetSet(source="s", title_de="Ziele", targets=[])


def test_tile_positions_from_the_municipalities_file(tmp_path):
    cfg = load_config()
    tiles = cfg.tile_positions()
    assert len(tiles) == 14 and len(set(tiles.values())) == 14 and tiles["05974040"] == (1, 2)  # Soest
    places = cfg.resolve(cfg.district.municipalities).read_text(encoding="utf-8")
    broken = tmp_path / "municipalities.csv"
    broken.write_text(places.replace("05974048,Welver,municipality,8562,1,1", "05974048,Welver,municipality,8562,1,0"),
                      encoding="utf-8")  # Welver on Werl's tile
    cfg2 = cfg.model_copy(update={"district": cfg.district.model_copy(update={"municipalities": broken})})
    with pytest.raises(ConfigError, match="one tile per municipality"):
        cfg2.tile_positions()
