"""The main job end to end on the bundled demo: what a release holds after ingestion, and that a second run with
the same deliveries changes nothing but the release id, and that the release matches the recorded tables."""

import json
import os
import shutil

import pandas as pd
import pytest

from warehouse.diff import diff_releases
from warehouse.release import verify_release

from ..conftest import PROJECT_ROOT


def test_release_holds_the_published_tables(demo_run):
    manifest = verify_release(demo_run["release_2"])
    assert {"deliveries", "population", "municipalities"} <= set(manifest["tables"])
    assert manifest["data_origin"] == "synthetic_demo"
    used = {d["file_name"]: d["status"] for d in manifest["inputs"]["deliveries"]}
    origins = {d["file_name"]: d["origin"] for d in manifest["inputs"]["deliveries"]}
    assert origins["12411-15i.csv"] == "real_public" and origins["Netzabsatz_Strom_2023.csv"] == "synthetic_demo"
    assert used["Netzabsatz_Strom_2023.csv"] == "superseded"
    assert used["Netzabsatz_Strom_2023_korrigiert.csv"] == "accepted"


def test_deliveries_table(demo_run):
    deliveries = pd.read_parquet(demo_run["release_2"] / "deliveries.parquet").set_index("file_name")
    assert (deliveries["status"] != "rejected").all()
    provisional = deliveries.loc["Netzabsatz_Strom_2023.csv"]
    assert provisional["status"] == "superseded" and provisional["provisional"]
    assert provisional["superseded_by"] == deliveries.loc["Netzabsatz_Strom_2023_korrigiert.csv", "delivery_id"]
    # line 78 of the sheet: "05974048;Welver;RLM Industrie;2;•"; no cell of it is marked as having no value
    assert deliveries.loc["Netzabsatz_Strom_2015.csv", ["cells_confidential", "cells_without_value"]].tolist() == [1, 0]
    # the real files as published (sources/demo/real/): IT.NRW's 12411-15i is read by two sources (population, area)
    real_files = {"12411-15i.csv", "12411-01-01-5_00.csv", "31231-01-02-5_00.csv", "31211-01-01-4.xlsx",
                  "46251-01-02-4_00.csv", "43531-01-02-4_00.csv", "31122023_Auszug_GV.xlsx", "fz3_2021.xlsx"}
    real = deliveries[deliveries.index.isin(real_files)]
    assert set(real.index) == real_files and (real["origin"] == "real_public").all()
    assert (real["status"] == "accepted").all()  # tables of the same years do not replace one another
    assert sorted(real.loc["12411-15i.csv", "source_id"]) == ["it_nrw_area", "it_nrw_population_2024"]
    assert list(real.loc["12411-01-01-5_00.csv", "scope_years"]) == list(range(2008, 2016))
    assert list(real.loc["fz3_2021.xlsx", "scope_years"]) == [2021]
    assert (deliveries.drop(index=list(real_files))["origin"] == "synthetic_demo").all()
    assert deliveries.loc["Netzabsatz_Strom_2007.csv", "rows_out_of_region"] == 1
    synthetic_years = list(deliveries.loc["12411-01-01-5_2007_2016-2023_flat.csv", "scope_years"])
    assert synthetic_years == [2007, *range(2016, 2024)]
    assert deliveries.loc["meter_readings.csv", "source_id"] == "facility_db"
    assert len(deliveries) == 91  # population 3 (synthetic, 12411-01-01-5, 12411-15i), electricity 19, gas 18,
    # heat 18, heat factors 1, factor set 1, facility 2, MaStR 1, EEG 1, chimney-sweep surveys 6, vehicle-km 1,
    # train-km 1, solar thermal 1, renovations 1, stock 1, ETS 1, agriculture 1, vehicles 2 (synthetic, FZ 3),
    # degree days 1, interval meters 2, lists of measures 2, eea assessment 1, statistics tables 5 (four of the
    # Regionaldatenbank, 12411-15i for the area), the municipality directory 1, plus nothing else
    assert list(deliveries.loc["Lastgang_KS-002-W_2024.csv.gz", "scope_years"]) == [2024]


def test_population_table(demo_run):
    population = pd.read_parquet(demo_run["release_2"] / "population.parquet")
    assert len(population) == 15 * 18
    p2021 = population[population["year"] == 2021].set_index("ags")["population"]
    assert p2021["05974000"] == 302298 and p2021["05974028"] == 68007
    # 2024: the real table 12411-15i, read by hand from the file: "31.12.2024;05974;    Soest, Kreis;300297;..." and
    # "31.12.2024;05974028;      Lippstadt, Stadt;68739;..."
    p2024 = population[population["year"] == 2024].set_index("ags")["population"]
    assert p2024["05974000"] == 300297 and p2024["05974028"] == 68739
    # 2008-2015: the Regionaldatenbank's real table 12411-01-01-5, line 2977: "05974;      Soest, Kreis;302995;..."
    # (31.12.2015 first), the 13th value 296540 (31.12.2011, the first year on the Zensus 2011 basis)
    district = population[population["ags"] == "05974000"].set_index("year")
    assert district.loc[2015, "population"] == 302995 and district.loc[2011, "population"] == 296540
    assert district.loc[2011, "census_basis"] == "zensus_2011" and district.loc[2010, "census_basis"] == \
        "vz_1987_register_1990"
    assert sorted(district.index[district["basis_break"]]) == [2011, 2022]  # the breaks flagged, never hidden
    assert population["complete"].all()


def test_statistics_table(demo_run):
    statistics = pd.read_parquet(demo_run["release_2"] / "statistics.parquet")
    district = statistics[statistics["ags"] == "05974000"]
    # 46251-01-02-4_00.csv line 141: "01.01.2017;05974;      Soest, Kreis;215870;181148;..." (passenger cars)
    cars = district[(district["statistic"] == "passenger_cars") & (district["year"] == 2017)]
    assert cars["value"].tolist() == [181148]
    # 12411-15i.csv line 424: "...;05974;    Soest, Kreis;300297;1328,64;..." (qkm) → 132,864 ha
    area = district[district["statistic"] == "area"]
    assert area["value"].tolist() == [pytest.approx(132_864)] and area["unit"].tolist() == ["ha"]
    assert {"residential_buildings", "flats", "living_area", "industry_energy_use_incl_non_energy",
            "buildings_with_dwellings", "motor_vehicles"} <= set(statistics["statistic"])


def test_vehicle_stock_2021_is_the_real_kba_count(demo_run):
    stock = pd.read_parquet(demo_run["release_2"] / "vehicle_stock.parquet")
    total = stock[(stock["vehicle_fuel"] == "all") & (stock["year"] == 2021)].set_index("ags")["vehicles"]
    # fz3_2021.xlsx, sheet FZ 3.1: "SOEST (05974) ... ZUSAMMEN | 16898 | 192866" and "59494  SOEST,ST. | 2160 | 29253"
    assert total["05974000"] == 192866 and total["05974040"] == 29253
    split = stock[(stock["year"] == 2021) & (stock["vehicle_fuel"] != "all")]
    assert split["vehicles"].isna().all() and (split["value_status"] == "missing").all()  # FZ 3 has no split


def test_second_run_lands_nothing_new_and_publishes_identical_tables(demo_run):
    register = json.loads((demo_run["data"] / "landing" / "register.json").read_text())
    assert len(register) == 91
    one, two = demo_run["release_1"], demo_run["release_2"]
    for table in ("deliveries", "population", "municipalities"):
        assert (one / f"{table}.parquet").read_bytes() == (two / f"{table}.parquet").read_bytes()


def test_every_check_passes_on_the_demo(demo_run):
    import re

    match = re.search(r"checks: (\d+) passed, 0 failed, 0 warnings", demo_run["first"])
    assert match and int(match.group(1)) >= 20, demo_run["first"]


def test_summary_compares_with_published_figures(demo_run):
    out = demo_run["first"]
    assert "co2_per_capita Kreis Soest 2007:" in out and "vs published 10.00 t CO2e/person" in out
    assert "electricity_per_capita Erwitte, Stadt 2007:" in out
    assert "synthetic demo data" in out


def test_balance_tables_in_the_release(demo_run):
    release = demo_run["release_2"]
    summary = pd.read_parquet(release / "balance_summary.parquet")
    district = summary[(summary["ags"] == "05974000") & (summary["balance_scope"] == "total")].set_index("year")
    assert not district.loc[2009, "complete"]  # district heat Soest commerce 2009 is missing in the demo
    assert not district.loc[2015, "complete"]  # Welver industry electricity 2015 is confidential
    assert district.loc[2007, "complete"]
    emissions = pd.read_parquet(release / "emissions.parquet")
    cells = emissions[(emissions["ags"] == "05974000") & (emissions["sector"] != "transport")
                      & (emissions["view"] == "bisko")]
    conformant = cells.groupby("year")["bisko_conformant"].all()
    assert conformant[2007] and not conformant[2012]  # the 2012 electricity factor is interpolated
    diesel = emissions[(emissions["carrier"] == "diesel")]
    assert not diesel["bisko_conformant"].any()  # the demo's diesel factor lacks the upstream chain (stated)
    assert set(emissions["view"]) == {"bisko", "local_mix", "weather_corrected", "ets_production"}
    assert (emissions.loc[emissions["view"] == "bisko", "factor_set"] == "lca_compiled_2026").all()
    assert not emissions.loc[emissions["view"] != "bisko", "bisko_conformant"].any()
    ets = pd.read_parquet(release / "ets_installations.parquet")
    assert set(ets.loc[ets["year"] == 2012, "ets_phase"]) == {2} and set(ets.loc[ets["year"] == 2013, "ets_phase"]) == {3}
    for table in ("renovations", "agriculture_emissions", "vehicle_stock"):
        frame = pd.read_parquet(release / f"{table}.parquet")
        assert frame["complete"].any() and (frame["ags"] == "05974000").any(), table
    final = pd.read_parquet(release / "final_energy.parquet")
    municipal = final[(final["sector"] == "municipal") & (final["ags"] == "05974040") & (final["year"] == 2020)]
    assert (municipal["carrier"] == "district_heat").any()  # the Kreishaus moved from commerce to municipal


def test_every_emissions_row_traces_to_the_factor_rows_that_produced_it(demo_run):
    """Over the whole release: a municipal bisko row's factor is the factor row its lineage names; a district row
    names the factor rows of all its municipalities and its factor is their energy-weighted mean."""
    from warehouse.trace import factor_row_ids

    release = demo_run["release_2"]
    emissions = pd.read_parquet(release / "emissions.parquet")
    bisko = emissions[(emissions["view"] == "bisko") & emissions["final_energy_mwh"].notna()].copy()
    bisko["output_key"] = ("ags=" + bisko["ags"] + ";year=" + bisko["year"].astype(str) + ";sector=" + bisko["sector"]
                           + ";carrier=" + bisko["carrier"] + ";view=bisko")
    factors = pd.read_parquet(release / "emission_factors.parquet")
    values = dict(zip(factor_row_ids(factors), factors["g_co2e_per_kwh"], strict=True))
    lineage = pd.read_parquet(release / "lineage.parquet")
    named = lineage[(lineage["output_table"] == "emissions") & lineage["factor_row"].notna()]
    rows_of = named.groupby("output_key")["factor_row"].agg(set)
    municipal = bisko[bisko["ags"] != "05974000"]
    for r in municipal.itertuples(index=False):
        factor_rows = rows_of[r.output_key]
        assert len(factor_rows) == 1, r.output_key
        assert values[next(iter(factor_rows))] == pytest.approx(r.g_co2e_per_kwh), r.output_key
    lippstadt = municipal[(municipal["ags"] == "05974028") & (municipal["carrier"] == "district_heat")
                          & (municipal["year"] == 2020)]
    assert rows_of[lippstadt["output_key"].iloc[0]] == {"lca_compiled_2026:district_heat:all:05974028:2020"}
    district = bisko[(bisko["ags"] == "05974000") & (bisko["final_energy_mwh"] > 0)]
    municipal = municipal.assign(cell=municipal["output_key"].str.replace(r"^ags=\d{8};", "", regex=True))
    for r in district.itertuples(index=False):
        cell = r.output_key.removeprefix("ags=05974000;")
        parts = municipal[(municipal["cell"] == cell) & (municipal["final_energy_mwh"] > 0)]
        assert rows_of[r.output_key] >= set().union(*(rows_of[k] for k in parts["output_key"])), r.output_key
        weighted = (parts["final_energy_mwh"] * parts["g_co2e_per_kwh"]).sum() / parts["final_energy_mwh"].sum()
        assert r.g_co2e_per_kwh == pytest.approx(weighted), r.output_key


def test_the_districts_2020_change_and_honest_statuses(demo_run):
    release = demo_run["release_2"]
    summary = pd.read_parquet(release / "balance_summary.parquet")
    total = summary[(summary["ags"] == "05974000") & (summary["balance_scope"] == "total")].set_index("year")
    expected = (total.loc[2020, "emissions_t_co2e"] / total.loc[2007, "emissions_t_co2e"] - 1) * 100
    indicators = pd.read_parquet(release / "indicators.parquet")
    row = indicators[(indicators["indicator_id"] == "co2_total_vs_2007") & (indicators["ags"] == "05974000")
                     & (indicators["year"] == 2020)].iloc[0]
    assert row["value"] == pytest.approx(expected) and row["value"] < 0
    assert row["base_value"] == pytest.approx(total.loc[2007, "emissions_t_co2e"])
    assert row["gap"] == pytest.approx(row["target_value"] - row["value"]) and row["target_value"] == -30
    verdicts = {"met", "missed", "on_track", "off_track"}
    assert not (indicators.loc[~indicators["complete"], "status"].isin(verdicts)).any()
    assert indicators["conformity"].isin({"conformant", "non_conformant", "incomplete", "not_applicable"}).all()
    conformity = pd.read_parquet(release / "bisko_conformity.parquet")
    from assets.config import load_config
    from warehouse.vocabularies import CONFORMITY_CRITERIA

    cfg = load_config()
    expected_rows = (len(cfg.municipality_keys()) + 1) * len(cfg.district.years.range) * len(CONFORMITY_CRITERIA)
    assert len(conformity) == expected_rows
    assert conformity.groupby(["ags", "year"])["criterion"].nunique().eq(len(CONFORMITY_CRITERIA)).all()
    welver = conformity.set_index(["ags", "year", "criterion"]).loc[("05974048", 2015, "required_cells_present")]
    assert welver["conformity"] == "incomplete" and "industry electricity confidential" in welver["conformity_reason"]


def test_demo_calibration_of_the_modelled_inputs(demo_run):
    """Ingestion II calibration targets (sources/demo/kreis_soest_calibration.yaml) on the demo's release."""
    import yaml

    from sources.demo.generate import CALIBRATION, HERE

    cal = yaml.safe_load(CALIBRATION.read_text(encoding="utf-8"))
    release = demo_run["release_2"]
    generation = pd.read_parquet(release / "electricity_generation.parquet")
    reference = pd.read_csv(HERE / cal["renewable_capacity_kw"]["file"], dtype={"ags": str})
    columns = {"solar_pv": "pv_kw", "wind_onshore": "wind_onshore_kw", "biomass": "biomass_kw", "hydro": "hydro_kw"}
    for r in reference.itertuples(index=False):
        year = int(r.cutoff[:4])
        for technology, column in columns.items():
            row = generation[(generation["ags"] == r.ags) & (generation["year"] == year)
                             & (generation["technology"] == technology)]
            installed = float(row["installed_kw"].iloc[0]) if len(row) else 0.0
            assert installed == pytest.approx(getattr(r, column), abs=0.002), (r.ags, year, technology)

    final = pd.read_parquet(release / "final_energy.parquet")
    district = final[final["ags"] == "05974000"]
    electricity_2007 = district[(district["year"] == 2007) & (district["carrier"] == "electricity")][
        "final_energy_mwh"].sum()
    renewable_2007 = generation[(generation["ags"] == "05974000") & (generation["year"] == 2007)][
        "generation_mwh"].sum()
    target = cal["renewable_share_2007_pct"]
    assert renewable_2007 / electricity_2007 * 100 == pytest.approx(target["value"], abs=target["tolerance_points"])

    summary = pd.read_parquet(release / "balance_summary.parquet").set_index(["ags", "year", "balance_scope"])
    shares = cal["final_energy_shares_2019_pct"]
    total_2019 = summary.loc[("05974000", 2019, "total"), "final_energy_mwh"]
    for sector in ("transport", "households", "industry"):
        share = summary.loc[("05974000", 2019, sector), "final_energy_mwh"] / total_2019 * 100
        assert share == pytest.approx(shares[sector], abs=shares["tolerance_points"]), sector
    per_inhabitant = cal["emissions_per_inhabitant_2007_t"]
    assert summary.loc[("05974000", 2007, "total"), "t_co2e_per_inhabitant"] == pytest.approx(
        per_inhabitant["value"], rel=per_inhabitant["tolerance_pct"] / 100)


def test_every_target_has_a_status_on_the_demo(demo_run):
    from assets.config import load_config

    cfg = load_config()
    indicators = pd.read_parquet(demo_run["release_2"] / "indicators.parquet")
    targets = pd.read_parquet(demo_run["release_2"] / "targets.parquet")
    assessable = {"met", "missed", "on_track", "off_track"}
    for set_name in ("kreistag_2012", "klimaschutzkonzept_2024"):
        for t in cfg.target_sets()[set_name].targets:
            rows = indicators[(indicators["target_set"] == set_name) & (indicators["indicator_id"] == t.indicator_id)]
            places = [cfg.district.ags] if t.scope == "organisational" else [cfg.district.ags, *cfg.municipality_keys()]
            assert set(rows["ags"]) == set(places), t.indicator_id
            latest = rows[rows["year"] == min(t.target_year, 2024)]
            assert set(latest["status"]) <= assessable, (t.indicator_id, set(latest["status"]))
    assert len(targets) == len(targets.drop_duplicates(["target_set", "indicator_id"]))
    assert targets.set_index("indicator_id").loc["old_building_renovation_growth", "notes"].startswith("The wording")
    out = demo_run["first"]
    assert "kreistag_2012 (" in out and "15 Prozent weniger CO2-Emissionen bei kreiseigenen" in out


def test_a_district_adds_a_target_by_editing_the_file(demo_run, tmp_path):
    """A target added to targets.yaml is computed and published by the next run of the targets and what reads them
    (`--select targets+` on a copy of the demo's data directory: the inputs are those of the demo run)."""
    import shutil

    import yaml
    from click.testing import CliRunner

    from pipelines.cli import main
    from assets.config import DEFAULT_CONFIG
    from warehouse.release import latest_release

    shutil.copytree(DEFAULT_CONFIG.parent / "kreis_soest", tmp_path / "kreis_soest")
    # the copy's own folder instead of the bundled files (the deliveries stay the bundled ones, package:sources/...)
    text = DEFAULT_CONFIG.read_text(encoding="utf-8").replace("package:config/kreis_soest/", "kreis_soest/")
    (tmp_path / "district.yaml").write_text(text, encoding="utf-8")
    targets = yaml.safe_load((tmp_path / "kreis_soest" / "targets.yaml").read_text(encoding="utf-8"))
    targets["supporting"]["targets"].append({
        "indicator_id": "electric_cars_2030", "indicator": "battery_electric_share", "title_de": "E-Autos 2030",
        "title_en": "Electric cars 2030", "scope": "territorial_bisko", "unit": "%", "definition": "BEV share",
        "definition_de": "Anteil batterieelektrischer Pkw", "base_year": 2020, "target_year": 2030, "comparator": ">=",
        "target_value": 30})
    (tmp_path / "kreis_soest" / "targets.yaml").write_text(yaml.safe_dump(targets, allow_unicode=True))
    data = tmp_path / "data"
    shutil.copytree(demo_run["data"], data, symlinks=True)
    result = CliRunner().invoke(main, ["run", "--no-history", "--config", str(tmp_path / "district.yaml"),
                                       "--data-dir", str(data), "--select", "targets+"])
    assert result.exit_code == 0, result.output
    assert latest_release(data).name != demo_run["release_2"].name
    rows = pd.read_parquet(latest_release(data) / "indicators.parquet")
    added = rows[(rows["indicator_id"] == "electric_cars_2030") & (rows["ags"] == "05974000")].set_index("year")
    assert added.loc[2024, "status"] in {"on_track", "off_track"} and added.loc[2024, "target_value"] == 30


def test_trace_reaches_the_raw_bytes(demo_run):
    from warehouse.trace import trace

    release = demo_run["release_2"]
    cell = trace(release, "emissions", {"ags": "05974040", "year": "2020", "sector": "households",
                                        "carrier": "natural_gas"})
    (gas,) = cell["deliveries"]
    assert gas["file_name"] == "Netzabsatz_Gas_2020.csv" and gas["bytes_verified"] and len(gas["source_rows"]) == 1
    landed = (demo_run["data"] / gas["landed_path"]).read_bytes().decode("cp1252").splitlines()
    assert landed[gas["source_rows"][0] - 1].startswith("05974040;Soest, Stadt;SLP Haushalt;")
    assert [f["factor_row"] for f in cell["factors"]] == ["lca_compiled_2026:natural_gas:households:all:2020"]
    indicator = trace(release, "indicators", {"target_set": "kreistag_2012", "indicator_id": "co2_total_vs_2007",
                                              "ags": "05974000", "year": "2020"})
    names = {d["file_name"] for d in indicator["deliveries"]}
    assert {"Netzabsatz_Strom_2007.csv", "Netzabsatz_Strom_2020.csv", "Netzabsatz_Gas_2007.csv"} <= names
    assert all(d["bytes_verified"] for d in indicator["deliveries"])


def test_population_cars_and_statistics_trace_to_their_file_and_row(demo_run):
    """The tables that name their delivered row, traced to the real files' lines read by hand: 12411-15i.csv line
    434 '31.12.2024;05974040;      Soest, Stadt;47776' and line 424 (the district, 300297); KBA FZ 3.1 row 6366
    'ZUSAMMEN | 16898 | 192866' (Kreis Soest's cars on 1 January 2021); 31231-01-02-5_00.csv line 31974
    '31.12.2008;05974040;        Soest;10701;...;22334' (flats). A summed row goes to the rows it sums."""
    from warehouse.trace import TraceError, trace

    release = demo_run["release_2"]

    def only(table, **key):
        (delivery,) = trace(release, table, {k: str(v) for k, v in key.items()})["deliveries"]
        assert delivery["bytes_verified"]
        return delivery["file_name"], delivery["source_rows"]

    assert only("population", ags="05974040", year=2024) == ("12411-15i.csv", [434])
    assert only("population", ags="05974000", year=2024) == ("12411-15i.csv", [424])
    assert only("vehicle_stock", ags="05974000", year=2021, vehicle_fuel="all") == ("fz3_2021.xlsx", [6366])
    assert only("statistics", ags="05974040", year=2008, statistic="flats") == ("31231-01-02-5_00.csv", [31974])
    # 2020: the synthetic KBA table splits the cars by fuel, so a municipality's `all` row is their sum: six rows
    file_name, rows = only("vehicle_stock", ags="05974040", year=2020, vehicle_fuel="all")
    assert file_name.startswith("Pkw_Bestand_nach_Kraftstoff") and len(rows) == 6
    stock = pd.read_parquet(release / "vehicle_stock.parquet")
    fuels = stock[(stock["ags"] == "05974040") & (stock["year"] == 2020) & (stock["vehicle_fuel"] != "all")]
    assert sorted(fuels["source_row"].dropna().astype(int)) == rows
    with pytest.raises(TraceError, match="give vehicle_fuel"):
        trace(release, "vehicle_stock", {"ags": "05974000", "year": "2021"})
    with pytest.raises(TraceError, match="traced through klimamonitor trace renovations ags=05974000 year=2020"):
        trace(release, "indicators", {"target_set": "kreistag_2012", "indicator_id": "old_building_renovation_growth",
                                      "ags": "05974000", "year": "2020"})
    # an emissions indicator per inhabitant names its population's delivery beside the balance's
    per_head = trace(release, "indicators", {"target_set": "klimaschutzkonzept_2024", "ags": "05974000",
                                             "indicator_id": "co2e_per_inhabitant_2045", "year": "2024"})
    population = [d for d in per_head["deliveries"] if d["file_name"] == "12411-15i.csv"]
    assert [d["source_rows"] for d in population] == [[424]]
    assert any(d["file_name"].startswith("THG_Landwirtschaft") for d in per_head["deliveries"])


def test_sql_trace_and_diff_commands_on_the_demo(demo_run):
    from click.testing import CliRunner

    from pipelines.cli import main

    data = str(demo_run["data"])
    runner = CliRunner()
    sql = runner.invoke(main, ["sql", "--data-dir", data, "--csv", "SELECT status FROM indicators WHERE target_set = "
                               "'kreistag_2012' AND indicator_id = 'own_properties_co2_vs_2007' AND year = 2020"])
    assert sql.exit_code == 0 and sql.output.splitlines()[1] in {"met", "missed"}
    trace = runner.invoke(main, ["trace", "--data-dir", data, "final_energy", "ags=05974040", "year=2020",
                                 "sector=households", "carrier=natural_gas"])
    assert trace.exit_code == 0 and "Netzabsatz_Gas_2020.csv" in trace.output and "bytes verified" in trace.output
    same = runner.invoke(main, ["diff", "--data-dir", data, demo_run["release_1"].name, demo_run["release_2"].name])
    assert same.exit_code == 0 and "0 difference(s)" in same.output
    bad = runner.invoke(main, ["trace", "--data-dir", data, "final_energy", "ags=05974040"])
    assert bad.exit_code == 2 and "error: final_energy: give year, sector, carrier (e.g. ags=05974000" in bad.output


def test_interval_data_feed_the_buildings_consumption(demo_run):
    """Two meters have a complete year 2024 of 15-minute data: it replaces their monthly readings, and agrees with
    them (the demo's load profiles sum, month by month, to the readings' differences)."""
    import sqlite3

    from sources.demo.generate import DEFAULT_OUT

    con = sqlite3.connect(DEFAULT_OUT / "facility.sqlite")
    counters = dict(con.execute("SELECT ablesedatum, stand FROM zaehlerstaende WHERE zaehler_id = 'KS-001-E' AND "
                                "ablesedatum IN ('2024-01-01', '2025-01-01')").fetchall())
    con.close()
    expected_mwh = (counters["2025-01-01"] - counters["2024-01-01"]) / 1000
    consumption = pd.read_parquet(demo_run["data"] / "warehouse" / "core_facility__consumption.parquet")
    row = consumption[(consumption["building_id"] == "KS-001") & (consumption["carrier"] == "electricity")
                      & (consumption["year"] == 2024)].iloc[0]
    assert row["consumption_method"] == "interval_meter" and row["complete"]
    assert row["final_energy_mwh"] == pytest.approx(expected_mwh, abs=0.001)
    assert row["delivery_id"].startswith("facility_interval:")
    earlier = consumption[(consumption["building_id"] == "KS-001") & (consumption["year"] == 2023)]
    assert set(earlier["consumption_method"]) == {"meter_readings"}
    months = pd.read_parquet(demo_run["data"] / "warehouse" / "core_facility__interval_months.parquet")
    assert len(months) == 24 and months["complete"].all() and (months["gap_quarter_hours"] == 0).all()


RELEASE_SNAPSHOT = PROJECT_ROOT / "tests" / "fixtures" / "demo_release"


def test_the_demo_release_matches_the_recorded_tables(demo_run):
    """Every published table of the demo release against the tables recorded in tests/fixtures/demo_release/ (the
    same rows by primary key, every value within 1e-9 relative; the arrival times of deliveries, also quoted in the
    register's status reasons, differ by nature).
    A change that is meant to move published numbers rewrites the record with
    `KLIMAMONITOR_UPDATE_SNAPSHOT=1 pytest tests/integration/test_pipeline_demo.py -k recorded` and commits it with
    the change, so that the diff of the record shows what moved; a speed-up must leave it untouched."""
    release = demo_run["release_1"]
    if os.environ.get("KLIMAMONITOR_UPDATE_SNAPSHOT") == "1":
        shutil.rmtree(RELEASE_SNAPSHOT, ignore_errors=True)
        RELEASE_SNAPSHOT.mkdir(parents=True)
        for table in release.glob("*.parquet"):
            shutil.copy(table, RELEASE_SNAPSHOT / table.name)
    recorded = {p.name for p in RELEASE_SNAPSHOT.glob("*.parquet")}
    assert recorded == {p.name for p in release.glob("*.parquet")}, "tables added to or removed from the release"
    differences = diff_releases(RELEASE_SNAPSHOT, release, tolerance=1e-9)
    arrival = r"received \d{4}-\d\d-\d\d [\d:.]+\+00:00"  # "replaced by X received <time>" in the register
    same_but_the_time = differences["old"].astype(str).str.replace(arrival, "received …", regex=True) == \
        differences["new"].astype(str).str.replace(arrival, "received …", regex=True)
    differences = differences[~((differences["column"] == "status_reason") & same_but_the_time)]
    assert differences.empty, "the demo release differs from the record:\n" + differences.head(20).to_string()
