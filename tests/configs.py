"""Minimal district configurations for tests: the Kreis Soest region and the bundled factor set, plus the sources a
test brings."""

from pathlib import Path

import yaml

from assets.config import DEFAULT_CONFIG

KREIS_SOEST = DEFAULT_CONFIG.parent / "kreis_soest"


def write_config(path: Path, sources: list[dict], *, years=(2020, 2021), validation: dict | None = None,
                 balance: dict | None = None, district: dict | None = None, publishing: dict | None = None) -> Path:
    """`district` replaces the region (id, name, ags, municipalities); the default is Kreis Soest."""
    config = {
        "district": {"id": "test", "name": "Kreis Soest (test)", "ags": "05974000",
                     "municipalities": str(KREIS_SOEST / "municipalities.csv"), **(district or {}),
                     "years": {"first": years[0], "last": years[1]}},
        "data_origin": "partner_deliveries",
        "sources": [*sources, {"id": "emission_factors", "partner": "klimamonitor", "connector": "file_drop",
                               "location": str(KREIS_SOEST / "factors"), "format": "emission_factors"}],
        "validation": validation or {},
        "balance": {"factor_set": "lca_compiled_2026", "interpolate": ["electricity"], **(balance or {})},
        "publishing": publishing or {},
    }  # fmt: skip
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path
