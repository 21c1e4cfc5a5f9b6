"""Balance layer, wired to the computations in assets/compute/: the district's buildings' consumption and every
balance input in one shape (core), the factor set, final energy, emissions (partitioned by year), generation, ETS,
agriculture, renovations, vehicles, conformity, lineage and the per-inhabitant summary. Every input is a core or
balance table; the assets log and attach as metadata what a person should know (findings, data left out)."""

import pandas as pd
from dagster import (AssetExecutionContext, AssetsDefinition, BackfillPolicy, MetadataValue, Output,
                     PartitionsDefinition, asset)

from assets.compute.balance import (
    ambient_heat_inputs,
    balance_summary as summarise,
    emissions_table,
    facility_inputs,
    final_energy_table,
    grid_inputs,
    inputs_in_current_keys,
    tidy_inputs,
    INPUT_COLUMNS,
)
from assets.compute.conformity import conformity_table
from assets.compute.context import ets_table, renovation_table, vehicle_stock_table, with_district
from assets.compute.factors import FactorError, compile_factor_set
from assets.compute.views import ets_view, local_mix_view, weather_corrected_view
from assets.compute.generation import feed_in_without_unit, generation_table
from assets.compute.lineage import lineage_table
from assets.compute.modelled import heating_fuel_inputs, rail_inputs, solar_thermal_inputs, transport_inputs
from assets.compute.meters import facility_consumption, interval_months
from assets.resources import Settings, group_of
from warehouse.catalog import get_table


@asset(group_name=group_of("core_facility__interval_months"), description="The district's buildings' 15-minute "
       "interval data per carrier and month, with quarter hours missing and completeness.")
def core_facility__interval_months(core_facility__interval_days: pd.DataFrame) -> Output[pd.DataFrame]:
    days = core_facility__interval_days
    months = interval_months(days)
    return Output(months, metadata={"meters": int(days["meter_id"].nunique()),
                                    "incomplete months": int((~months["complete"]).sum())})


@asset(group_name=group_of("core_facility__consumption"), description="Consumption of the district's own buildings "
       "per carrier and year: a complete year of 15-minute interval data where there is one, else the facility "
       "database's cumulative meter readings (meter exchanges honoured, gaps reported, gas at Hi).")
def core_facility__consumption(context: AssetExecutionContext, settings: Settings,
                               core_facility__meter_readings: pd.DataFrame, core_facility__buildings: pd.DataFrame,
                               core_facility__interval_days: pd.DataFrame) -> Output[pd.DataFrame]:
    cfg = settings.config()
    result = facility_consumption(core_facility__meter_readings, core_facility__buildings,
                                  core_facility__interval_days, cfg.district.years.range, cfg.balance.gas_hi_per_hs)
    findings, gaps, deviations = result.reading_findings, result.gaps, result.deviations
    for finding in findings[:20]:
        context.log.warning(f"meter {finding.meter_id}, reading {finding.reading_date}: {finding.problem}")
    for gap in gaps.head(20).itertuples(index=False):
        context.log.warning(f"interval meter {gap.meter_id}, {gap.day}: {gap.quarter_hours} of "
                            f"{gap.expected_quarter_hours} quarter hours")
    for r in deviations[deviations["deviation_pct"].abs() > 5].itertuples(index=False):
        context.log.warning(f"building {r.building_id} {r.carrier} {r.year}: interval data {r.kwh:,.0f} kWh, "
                            f"meter readings {r.readings_kwh:,.0f} kWh ({r.deviation_pct:+.1f} %)")
    if result.unplaced:  # cannot be placed in a municipality: left out of the balance, said loudly
        context.log.warning(f"meter data of {len(result.unplaced)} building(s) not in the facility database's "
                            f"buildings table are left out of the balance: {result.unplaced[:10]}")
    lines = [f"- {f.meter_id} {f.reading_date}: {f.problem}" for f in findings[:50]]
    lines += [f"- interval {g.meter_id} {g.day}: {g.quarter_hours}/{g.expected_quarter_hours} quarter hours"
              for g in gaps.head(50).itertuples(index=False)]
    table = result.table
    return Output(table, metadata={
        "meter findings": len(findings), "interval days with gaps": len(gaps),
        "buildings not in the buildings table (left out)": MetadataValue.json(result.unplaced),
        "years from interval data": int((table["consumption_method"] == "interval_meter").sum()),
        "largest interval/readings deviation %": float(deviations["deviation_pct"].abs().max())
        if len(deviations) else 0.0,
        "findings": MetadataValue.md("\n".join(lines) or "none")})


@asset(group_name=group_of("emission_factors"), description="The configured emission factor set, compiled for every "
       "year of the balance; derivations stated, interpolation only for the carriers the configuration names.")
def emission_factors(context: AssetExecutionContext, settings: Settings, core_factors__emission_factors: pd.DataFrame,
                     core_factors__district_heat_factors: pd.DataFrame) -> pd.DataFrame:
    cfg = settings.config()
    if not cfg.balance.factor_set:
        raise FactorError("balance.factor_set is not configured: name the factor set the balance uses")
    if core_factors__emission_factors.empty:  # no factor source, or nothing delivered: every emission is missing
        context.log.warning(f"no emission factors delivered (factor set {cfg.balance.factor_set!r}): every "
                            "emission is missing and the indicators resting on them are not_assessable")
        return pd.DataFrame(columns=get_table("emission_factors").column_names)
    plant = core_factors__district_heat_factors
    return compile_factor_set(core_factors__emission_factors, cfg.balance.factor_set, cfg.district.years.range,
                              interpolate=cfg.balance.interpolate, carry_forward=cfg.balance.carry_forward,
                              heat_pump_spf=cfg.balance.heat_pump_spf, plant_factors=plant)


def partition_years(context: AssetExecutionContext) -> list[int]:
    """The years this run materialises of a year-partitioned asset."""
    return sorted(int(k) for k in context.partition_keys)


def in_years(frame: pd.DataFrame, years: list[int]) -> pd.DataFrame:
    return frame[frame["year"].isin(years)].reset_index(drop=True)


def build_year_assets(years: PartitionsDefinition) -> list[AssetsDefinition]:
    """The balance chain partitioned by year (one partition per configured year): a delivery for one year recomputes
    only that year's inputs, final energy and emissions; the tables downstream read every year."""

    @asset(group_name=group_of("core_energy__inputs"), partitions_def=years, backfill_policy=BackfillPolicy.single_run(),
           description="Every input of the final-energy balance in one shape, per year: grid sheets (sector by "
           "customer-group mapping, gas Hs→Hi), tidy final-energy deliveries, the district's own buildings (moved "
           "from commerce to municipal), ambient heat of heat pumps, non-grid heating fuels (chimney sweeps), "
           "road transport by drive, rail, solar thermal.")
    def core_energy__inputs(context: AssetExecutionContext, settings: Settings, core_grid__energy: pd.DataFrame,
                            core_energy__final_energy: pd.DataFrame, core_facility__consumption: pd.DataFrame,
                            core_heat__heating_systems: pd.DataFrame, core_transport__vehicle_km: pd.DataFrame,
                            core_transport__rail_train_km: pd.DataFrame, core_heat__solar_thermal: pd.DataFrame,
                            core_region__key_changes: pd.DataFrame) -> pd.DataFrame:
        cfg = settings.config()
        years = cfg.district.years.range  # modelled inputs interpolate across years: computed whole, then cut
        modelled = cfg.modelled
        group_maps = {s.id: s.mappings.get("customer_groups", {}) for s in cfg.sources}
        grid = grid_inputs(core_grid__energy, group_maps, cfg.balance.gas_hi_per_hs)
        parts = [
            grid,
            ambient_heat_inputs(grid, cfg.balance.heat_pump_spf),
            tidy_inputs(core_energy__final_energy),
            facility_inputs(core_facility__consumption, cfg.balance.facility_reclassified_from),
            heating_fuel_inputs(core_heat__heating_systems, years, modelled.heating) if modelled.heating else None,
            transport_inputs(core_transport__vehicle_km, modelled.transport) if modelled.transport else None,
            rail_inputs(core_transport__rail_train_km, modelled.rail) if modelled.rail else None,
            solar_thermal_inputs(core_heat__solar_thermal, modelled.solar_thermal) if modelled.solar_thermal else None,
        ]
        parts = [p for p in parts if p is not None and not p.empty]
        frame = pd.concat(parts, ignore_index=True)[INPUT_COLUMNS] if parts else pd.DataFrame(columns=INPUT_COLUMNS)
        frame = inputs_in_current_keys(frame, core_region__key_changes, cfg.municipality_keys())
        return in_years(frame, partition_years(context))

    @asset(group_name=group_of("final_energy"), partitions_def=years, backfill_policy=BackfillPolicy.single_run(),
           description="Final energy per municipality, year, sector and carrier; required cells without a delivery "
           "are missing (never 0); district rows are min-count sums, flagged incomplete.")
    def final_energy(context: AssetExecutionContext, settings: Settings,
                     core_energy__inputs: pd.DataFrame) -> pd.DataFrame:
        cfg = settings.config()
        return final_energy_table(core_energy__inputs, cfg.municipality_keys(), cfg.totals_ags,
                                  partition_years(context), cfg.balance.required_specs())

    @asset(group_name=group_of("emissions"), partitions_def=years, backfill_policy=BackfillPolicy.single_run(),
           description="Emissions (t CO2e) per cell and year: the bisko view with the configured factor set (district "
           "heat with the plant's own factor where delivered; a missing factor is an error naming carrier, sector, "
           "year) and the non-conformant views local_mix, weather_corrected and ets_production.")
    def emissions(context: AssetExecutionContext, settings: Settings, final_energy: pd.DataFrame,
                  emission_factors: pd.DataFrame, electricity_generation: pd.DataFrame,
                  core_weather__degree_days: pd.DataFrame, ets_installations: pd.DataFrame) -> pd.DataFrame:
        cfg = settings.config()
        bisko = emissions_table(final_energy, emission_factors, cfg.balance.factor_set, cfg.totals_ags)
        degree_days = core_weather__degree_days
        views = [
            bisko,
            local_mix_view(bisko, electricity_generation, cfg.balance.local_mix_factors, cfg.totals_ags)
            if cfg.balance.local_mix_factors else None,
            weather_corrected_view(bisko, degree_days, cfg.balance.weather_station, cfg.balance.space_heating_share,
                                   cfg.totals_ags),
            ets_view(ets_installations, cfg.municipality_keys(), cfg.totals_ags),
        ]
        present = [v for v in views if v is not None and not v.empty]
        return in_years(pd.concat(present, ignore_index=True) if present else bisko, partition_years(context))

    return [core_energy__inputs, final_energy, emissions]


@asset(group_name=group_of("balance_summary"), description="The balance per place and year, in total and per sector, per inhabitant "
       "(population of the same year), with final-energy-weighted data quality.")
def balance_summary(final_energy: pd.DataFrame, emissions: pd.DataFrame, population: pd.DataFrame) -> pd.DataFrame:
    return summarise(final_energy, emissions, population)


@asset(group_name=group_of("bisko_conformity"), description="BISKO conformity per place, year and criterion (territorial principle, "
       "five sectors, life-cycle factors, federal electricity mix, no weather correction, district-heat method, data "
       "quality, required cells): conformant, non_conformant or incomplete, with the reason in words.")
def bisko_conformity(settings: Settings, final_energy: pd.DataFrame, core_energy__inputs: pd.DataFrame,
                     emission_factors: pd.DataFrame) -> pd.DataFrame:
    cfg = settings.config()
    return conformity_table(final_energy, core_energy__inputs, emission_factors, cfg.municipality_keys(),
                            cfg.totals_ags, cfg.district.years.range, cfg.balance.required_specs(),
                            cfg.municipality_names())


@asset(group_name=group_of("electricity_generation"), description="Installed gross capacity at year end (Marktstammdatenregister) and "
       "generation (EEG feed-in where delivered, else capacity × full-load hours) per municipality, year, technology.")
def electricity_generation(context: AssetExecutionContext, settings: Settings, core_electricity__units: pd.DataFrame,
                           core_electricity__feed_in: pd.DataFrame) -> Output[pd.DataFrame]:
    cfg = settings.config()
    units, feed_in = core_electricity__units, core_electricity__feed_in
    orphans = feed_in_without_unit(units, feed_in, cfg.municipality_keys())
    lost = orphans[~orphans["placed"]]
    if len(lost):  # energy that cannot be placed: left out, said loudly with the amount
        context.log.warning(
            f"EEG feed-in of {lost['eeg_id'].nunique()} plant(s) without a Marktstammdatenregister unit and without a "
            f"municipality key is left out of the generation: {lost['feed_in_mwh'].sum():,.1f} MWh in "
            f"{lost['year'].nunique()} year(s), plants {sorted(lost['eeg_id'].unique())[:10]} — add the column "
            "Gemeindeschluessel to the EEG delivery to count them")
    placed = orphans[orphans["placed"]]
    table = generation_table(units, feed_in, cfg.municipality_keys(), cfg.totals_ags, cfg.district.years.range,
                             cfg.modelled.full_load_hours, cfg.modelled.mastr_complete_from)
    return Output(table, metadata={
        "EEG feed-in without unit, counted in its municipality (MWh)": float(placed["feed_in_mwh"].sum()),
        "EEG feed-in without unit, left out (MWh)": float(lost["feed_in_mwh"].sum()),
        "EEG plants without unit, left out": MetadataValue.json(sorted(lost["eeg_id"].unique())[:50])})


@asset(group_name=group_of("ets_installations"), description="Verified EU ETS emissions per installation in the "
       "territory, with the trading phase of each year (the scope widened in 2013).")
def ets_installations(core_ets__verified_emissions: pd.DataFrame) -> pd.DataFrame:
    return ets_table(core_ets__verified_emissions)


@asset(group_name=group_of("agriculture_emissions"), description="Agricultural emissions per municipality and year "
       "(outside BISKO).")
def agriculture_emissions(settings: Settings, core_agriculture__emissions: pd.DataFrame) -> pd.DataFrame:
    cfg = settings.config()
    return with_district(core_agriculture__emissions, ["ags", "year"], "emissions_t_co2e", cfg.municipality_keys(),
                         cfg.district.years.range, cfg.totals_ags)


@asset(group_name=group_of("renovations"), description="Energy renovations of pre-1979 buildings with the "
       "old-building stock (census years interpolated) and the renovation rate, per municipality and year.")
def renovations(settings: Settings, core_buildings__renovations: pd.DataFrame,
                core_buildings__building_stock: pd.DataFrame) -> pd.DataFrame:
    cfg = settings.config()
    return renovation_table(core_buildings__renovations, core_buildings__building_stock, cfg.municipality_keys(),
                            cfg.district.years.range, cfg.totals_ags)


@asset(group_name=group_of("vehicle_stock"), description="Registered passenger cars on 1 January by fuel (KBA) per "
       "municipality, with the total of all fuels as fuel `all` (delivered, else the sum of the fuels).")
def vehicle_stock(settings: Settings, core_transport__vehicle_stock: pd.DataFrame) -> pd.DataFrame:
    cfg = settings.config()
    return vehicle_stock_table(core_transport__vehicle_stock, cfg.municipality_keys(), cfg.district.years.range,
                               cfg.totals_ags)


@asset(group_name=group_of("lineage"), description="For every final_energy and emissions cell, the delivered rows and the "
       "factor row behind it.")
def lineage(settings: Settings, core_energy__inputs: pd.DataFrame, emission_factors: pd.DataFrame) -> pd.DataFrame:
    cfg = settings.config()
    return lineage_table(core_energy__inputs, emission_factors, cfg.balance.factor_set, cfg.totals_ags)


BALANCE_ASSETS = [lineage, bisko_conformity, core_facility__interval_months, ets_installations, agriculture_emissions, renovations,
                  vehicle_stock, electricity_generation, core_facility__consumption, emission_factors, balance_summary]
