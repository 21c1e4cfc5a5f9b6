"""Which parser reads which format, and into which raw table. A source's `format` names one entry here; a format
may fill several raw tables (a facility-database pull lands one snapshot file per table)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from sources.errors import DeliveryError
from sources.parsers.common import Delivery, ParseResult
from sources.parsers.genesis import parse_genesis_population
from sources.parsers.genesis_table import parse_genesis_table
from sources.parsers.grid import parse_grid_sheet
from sources.parsers.interval import parse_interval_readings
from sources.parsers.mastr import parse_mastr_csv, parse_mastr_xml
from sources.parsers.public import (parse_ags_history, parse_auszug_gv, parse_dwd_degree_days, parse_gv100ad,
                                    parse_kba_fz3, parse_territorial_changes)
from sources.parsers.tidy import (
    parse_agriculture,
    parse_building_stock,
    parse_buildings,
    parse_degree_days,
    parse_ets,
    parse_renovations,
    parse_vehicle_stock,
    parse_district_heat_factors,
    parse_eeg_feed_in,
    parse_emission_factors,
    parse_final_energy,
    parse_heating_systems,
    parse_key_changes,
    parse_meter_readings,
    parse_vehicle_km,
    parse_rail_train_km,
    parse_solar_thermal,
)
from sources.region import Region

Parser = Callable[[Delivery, Mapping[str, Any], Mapping[str, Any], Region], ParseResult]


WHOLE_TEXT_BYTES = 64 * 2**20  # a table read whole into memory (RowReader: about 20-40 × its size at worst)
STREAMED_BYTES = 4 * 2**30     # read in bounded chunks (pyarrow batches, DuckDB, XML element by element)


@dataclass(frozen=True)
class RawTarget:
    table: str
    parser: Parser
    file_stem: str | None = None  # only files with this stem (snapshot tables); None: every file of the source
    max_bytes: int = WHOLE_TEXT_BYTES  # a larger delivery is refused unread (a source's options.max_bytes overrides)


FORMATS: dict[str, tuple[RawTarget, ...]] = {
    "grid_sheet": (RawTarget("raw_grid__energy", parse_grid_sheet),),
    "genesis_population": (RawTarget("raw_genesis__population", parse_genesis_population),),
    "genesis_table": (RawTarget("raw_genesis__table_values", parse_genesis_table),),
    "final_energy": (RawTarget("raw_tidy__final_energy", parse_final_energy),),
    "emission_factors": (RawTarget("raw_factors__emission_factors", parse_emission_factors),),
    "district_heat_factors": (RawTarget("raw_tidy__district_heat_factors", parse_district_heat_factors),),
    "mastr_csv": (RawTarget("raw_mastr__units", parse_mastr_csv, max_bytes=STREAMED_BYTES),),
    "mastr_xml": (RawTarget("raw_mastr__units", parse_mastr_xml, max_bytes=STREAMED_BYTES),),
    "eeg_feed_in": (RawTarget("raw_eeg__feed_in", parse_eeg_feed_in),),
    "chimney_sweep": (RawTarget("raw_chimney__heating_systems", parse_heating_systems),),
    "vehicle_km": (RawTarget("raw_transport__vehicle_km", parse_vehicle_km),),
    "rail_train_km": (RawTarget("raw_transport__rail_train_km", parse_rail_train_km),),
    "solar_thermal": (RawTarget("raw_tidy__solar_thermal", parse_solar_thermal),),
    "renovations": (RawTarget("raw_tidy__renovations", parse_renovations),),
    "building_stock": (RawTarget("raw_tidy__building_stock", parse_building_stock),),
    "ets": (RawTarget("raw_ets__verified_emissions", parse_ets),),
    "agriculture": (RawTarget("raw_tidy__agriculture", parse_agriculture),),
    "vehicle_stock": (RawTarget("raw_kba__vehicle_stock", parse_vehicle_stock),),
    "degree_days": (RawTarget("raw_dwd__degree_days", parse_degree_days),),
    "key_changes": (RawTarget("raw_destatis__key_changes", parse_key_changes),),
    # the public bodies' own publications, read as downloaded (sources/parsers/public.py)
    "dwd_degree_days": (RawTarget("raw_dwd__degree_days", parse_dwd_degree_days),),
    "kba_fz3": (RawTarget("raw_kba__vehicle_stock", parse_kba_fz3),),
    "gv100ad": (RawTarget("raw_destatis__municipalities", parse_gv100ad),),
    "auszug_gv": (RawTarget("raw_destatis__municipalities", parse_auszug_gv),),
    "territorial_changes": (RawTarget("raw_destatis__key_changes", parse_territorial_changes),),
    "ags_history": (RawTarget("raw_destatis__key_changes", parse_ags_history),),
    "interval_csv": (RawTarget("raw_meter__interval_days", parse_interval_readings, max_bytes=STREAMED_BYTES),),
    "facility_db": (
        RawTarget("raw_facility__buildings", parse_buildings, "buildings"),
        RawTarget("raw_facility__meter_readings", parse_meter_readings, "meter_readings", 4 * WHOLE_TEXT_BYTES),
        RawTarget("raw_meter__interval_days", parse_interval_readings, "interval_readings", STREAMED_BYTES),
    ),
}


def raw_tables() -> list[str]:
    return sorted({t.table for targets in FORMATS.values() for t in targets})


def target_for(fmt: str, source_id: str, file_name: str) -> RawTarget:
    if fmt not in FORMATS:
        raise DeliveryError(source_id, file_name, f"unknown format {fmt!r}", expected=f"one of {sorted(FORMATS)}")
    stem = PurePath(file_name.removesuffix(".gz")).stem  # a compressed snapshot: <name>.csv.gz
    for target in FORMATS[fmt]:
        if target.file_stem in (None, stem):
            return target
    stems = [t.file_stem for t in FORMATS[fmt]]
    raise DeliveryError(source_id, file_name, f"format {fmt!r} has no table for this file",
                        expected=f"files named {[f'{s}.csv' for s in stems]}")


def max_delivery_bytes(fmt: str, options: Mapping[str, Any]) -> int:
    """The largest file a source of this format may deliver: options.max_bytes, else the format's default."""
    if "max_bytes" in options:
        return int(options["max_bytes"])
    return max((t.max_bytes for t in FORMATS.get(fmt, ())), default=WHOLE_TEXT_BYTES)


def read_delivery(fmt: str, options: Mapping[str, Any], mappings: Mapping[str, Any], region: Region,
                  delivery: Delivery) -> tuple[RawTarget, ParseResult]:
    """Parse one delivery; raises DeliveryError when the file as a whole cannot be read. A file larger than its
    table's cap is refused before it is read, so no parser ever holds more than the cap allows."""
    target = target_for(fmt, delivery.source_id, delivery.file_name)
    limit = int(options.get("max_bytes", target.max_bytes))
    size = delivery.size()
    if size > limit:
        raise DeliveryError(delivery.source_id, delivery.file_name, f"the file has {size:,} bytes, more than the "
                            f"{limit:,} allowed for {target.table} (options.max_bytes); it was not read",
                            expected="a delivery of normal size, or a larger options.max_bytes for this source")
    return target, target.parser(delivery, options, mappings, region)
