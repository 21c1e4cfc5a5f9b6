"""The synthetic demo: the generator reproduces the committed files exactly, and the files are calibrated to the
published figures (stated here, from the calibration file) within the stated tolerances."""

import sqlite3
from pathlib import Path

import pandas as pd
import pytest
import yaml

from sources.demo.generate import CALIBRATION, DEFAULT_OUT, generate
from sources.formats import read_delivery
from sources.parsers.common import Delivery
from sources.region import Region

CAL = yaml.safe_load(CALIBRATION.read_text(encoding="utf-8"))
KEYS = sorted(CAL["population_2021"])
REGION = Region("05974000", frozenset(KEYS))


def _dump(path: Path) -> dict[str, list[tuple]]:
    con = sqlite3.connect(path)
    try:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        return {t: con.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall() for t in tables}
    finally:
        con.close()


def test_generator_reproduces_the_committed_demo(tmp_path):
    fresh = generate(tmp_path / "demo")
    committed = sorted(p for p in DEFAULT_OUT.rglob("*") if p.is_file())
    assert [p.relative_to(tmp_path / "demo") for p in fresh] == [p.relative_to(DEFAULT_OUT) for p in committed]
    for new, old in zip(fresh, committed, strict=True):
        if new.suffix == ".sqlite":  # SQLite file bytes depend on the library version; the content must not
            assert _dump(new) == _dump(old), new.name
        else:
            assert new.read_bytes() == old.read_bytes(), f"{old} differs: run `python -m sources.demo.generate`"


def _parse_folder(folder: str, fmt: str, options: dict, mappings: dict | None = None) -> pd.DataFrame:
    frames = []
    for path in sorted((DEFAULT_OUT / folder).glob("*.csv")):
        delivery = Delivery(f"demo:{path.stem}", "demo", path.name, path.read_bytes())
        _, result = read_delivery(fmt, options, mappings or {}, REGION, delivery)
        assert not [f for f in result.findings if f.kind == "rejected"], path.name
        frames.append(result.rows.assign(file=path.name))
    return pd.concat(frames, ignore_index=True)


@pytest.fixture(scope="module")
def population() -> pd.DataFrame:
    return _parse_folder("statistik", "genesis_population", {"encoding": "utf-8"})


@pytest.fixture(scope="module")
def electricity() -> pd.DataFrame:
    rows = _parse_folder("strom", "grid_sheet", {"carrier": "electricity"})
    return rows[rows["file"] != "Netzabsatz_Strom_2023.csv"]  # superseded by the corrected sheet


def test_population_2021_is_exact(population):
    p2021 = population[(population["year"] == 2021)].set_index("ags")["population"]
    for key, value in CAL["population_2021"].items():
        assert p2021[key] == value
    assert p2021["05974000"] == 302298 == sum(CAL["population_2021"].values())


def test_population_is_plausible_every_year(population):
    municipal = population[population["ags"].isin(KEYS)]
    # 2008-2015 and 2024 are the real tables of sources/demo/real/ (calibration real_population_years)
    assert set(municipal["year"]) == {2007, *range(2016, 2024)}
    by_year = municipal.groupby("year")["population"].sum()
    assert by_year.between(295_000, 312_000).all()
    change = by_year.pct_change().abs()[by_year.index.diff() == 1]  # consecutive years only (not 2007 → 2016)
    assert len(change) == 7 and (change < 0.02).all()  # no jump of 2 % or more in a year
    # nor into the real 2024 figure: 300,297 ("31.12.2024;05974;    Soest, Kreis;300297" in 12411-15i.csv)
    assert abs(300_297 / by_year[2023] - 1) < 0.02
    district = population[population["ags"] == "05974000"].set_index("year")["population"]
    assert (district == by_year).all()  # the delivered district rows are the sums


def test_electricity_2007_per_inhabitant_as_published(population, electricity):
    tol = CAL["electricity_per_capita_2007_kwh"]["tolerance_pct"] / 100
    pop = population[population["year"] == 2007].set_index("ags")["population"]
    e2007 = electricity[electricity["year"] == 2007].groupby("ags")["delivered_mwh"].sum()
    for key, published_kwh in CAL["electricity_per_capita_2007_kwh"]["published"].items():
        if key == "05974000":
            value = e2007.sum() * 1000 / pop[KEYS].sum()
        else:
            value = e2007[key] * 1000 / pop[key]
        assert value == pytest.approx(published_kwh, rel=tol), key
    households = electricity[(electricity["year"] == 2007) & electricity["customer_group"].isin(["SLP Haushalt"])]
    per_capita = households["delivered_mwh"].sum() * 1000 / pop[KEYS].sum()
    assert per_capita == pytest.approx(CAL["household_electricity_per_capita_2007_kwh"], rel=0.1)


def test_electricity_2020_consumption_as_published(electricity):
    total_gwh = electricity[electricity["year"] == 2020]["delivered_mwh"].sum() / 1000
    assert total_gwh == pytest.approx(CAL["electricity_consumption_2020_gwh"], rel=0.05)


def test_demo_contains_the_realistic_defects(electricity):
    strom = DEFAULT_OUT / "strom"
    assert (strom / "Netzabsatz_Strom_2023.csv").exists() and (strom / "Netzabsatz_Strom_2023_korrigiert.csv").exists()
    assert "vorläufig" in (strom / "Netzabsatz_Strom_2023.csv").read_bytes().decode("cp1252")
    assert (electricity["value_status"] == "confidential").sum() == 1
    heat = _parse_folder("fernwaerme", "grid_sheet", {"carrier": "district_heat"})
    assert (heat["value_status"] == "missing").sum() == 1
    assert "Quelle:" in (strom / "Netzabsatz_Strom_2007.csv").read_bytes().decode("cp1252")  # a footnote row


def test_demo_is_labelled_synthetic():
    from assets.config import load_config

    assert load_config().data_origin == "synthetic_demo"
    assert "synthetic_demo" in (DEFAULT_OUT / "README.md").read_text(encoding="utf-8")


def test_every_demo_delivery_parses_without_findings():
    """Realistic fixtures for every configured format: each demo file is read cleanly by its source's parser."""
    from assets.config import load_config
    from assets.raw import parser_options
    from sources.connectors import fetch_file_drop

    cfg = load_config()
    region = cfg.region()  # with the municipalities' names (the list of measures names the places it involves)
    formats = set()
    for source in cfg.sources:
        if source.connector != "file_drop":
            continue
        files = fetch_file_drop(source.id, str(cfg.resolve(source.location)), source.options.get("pattern", "*"))
        assert files, source.id
        for name, data in files:
            _, result = read_delivery(source.format, parser_options(cfg, source), source.mappings, region,
                                      Delivery(f"{source.id}:x", source.id, name, data))
            assert len(result.rows) > 0, (source.id, name)
            assert not [f for f in result.findings if f.kind == "rejected"], (source.id, name, result.findings[:2])
        formats.add(source.format)
    assert len(formats) >= 14  # plus facility_db (SQL), tested in test_connectors and the pipeline tests
