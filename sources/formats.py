"""Which parser reads which format, and into which raw table. A source's `format` names one entry here; each format
fills its own raw tables `raw_<format>__<shape>` (a facility-database pull lands one snapshot file per shape), and
the core layer (assets/core.py) unites the formats of one shape."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import PurePath
from typing import Any

from sources.errors import DeliveryError
from sources.parsers.common import Delivery, ParseResult
from sources.parsers.genesis import parse_genesis_population
from sources.parsers.genesis_table import parse_genesis_table
from sources.parsers.grid import parse_grid_sheet
from sources.parsers.interval import parse_interval_readings
from sources.parsers.mastr import parse_mastr_csv, parse_mastr_xml
from sources.parsers.measures import parse_eea_assessment, parse_measures
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
    TIDY_OPTIONS,
    TIDY_SPECS,
)
from sources.region import Region
from warehouse.tables import raw_table_name

Parser = Callable[[Delivery, Mapping[str, Any], Mapping[str, Any], Region], ParseResult]


WHOLE_TEXT_BYTES = 64 * 2**20  # a table read whole into memory (RowReader: about 20-40 × its size at worst)
STREAMED_BYTES = 4 * 2**30     # read in bounded chunks (pyarrow batches, DuckDB, XML element by element)


@dataclass(frozen=True)
class RawTarget:
    shape: str  # what the rows are (warehouse/tables.py RAW_SHAPES); the table is raw_<format>__<shape>
    parser: Parser
    file_stem: str | None = None  # only files with this stem (snapshot tables); None: every file of the source
    max_bytes: int = WHOLE_TEXT_BYTES  # a larger delivery is refused unread (a source's options.max_bytes overrides)
    table: str = ""  # set from the format key and the shape (FORMATS below)


_PARSERS: dict[str, tuple[RawTarget, ...]] = {
    "grid_sheet": (RawTarget("energy", parse_grid_sheet),),
    "genesis_population": (RawTarget("population", parse_genesis_population),),
    "genesis_table": (RawTarget("table_values", parse_genesis_table),),
    "final_energy": (RawTarget("final_energy", parse_final_energy),),
    "emission_factors": (RawTarget("emission_factors", parse_emission_factors),),
    "district_heat_factors": (RawTarget("district_heat_factors", parse_district_heat_factors),),
    "mastr_csv": (RawTarget("units", parse_mastr_csv, max_bytes=STREAMED_BYTES),),
    "mastr_xml": (RawTarget("units", parse_mastr_xml, max_bytes=STREAMED_BYTES),),
    "eeg_feed_in": (RawTarget("feed_in", parse_eeg_feed_in),),
    "chimney_sweep": (RawTarget("heating_systems", parse_heating_systems),),
    "vehicle_km": (RawTarget("vehicle_km", parse_vehicle_km),),
    "rail_train_km": (RawTarget("rail_train_km", parse_rail_train_km),),
    "solar_thermal": (RawTarget("solar_thermal", parse_solar_thermal),),
    "renovations": (RawTarget("renovations", parse_renovations),),
    "building_stock": (RawTarget("building_stock", parse_building_stock),),
    "ets": (RawTarget("verified_emissions", parse_ets),),
    "agriculture": (RawTarget("agriculture", parse_agriculture),),
    "vehicle_stock": (RawTarget("vehicle_stock", parse_vehicle_stock),),
    "degree_days": (RawTarget("degree_days", parse_degree_days),),
    "key_changes": (RawTarget("key_changes", parse_key_changes),),
    # the public bodies' own publications, read as downloaded (sources/parsers/public.py)
    "dwd_degree_days": (RawTarget("degree_days", parse_dwd_degree_days),),
    "kba_fz3": (RawTarget("vehicle_stock", parse_kba_fz3),),
    "gv100ad": (RawTarget("municipalities", parse_gv100ad),),
    "auszug_gv": (RawTarget("municipalities", parse_auszug_gv),),
    "territorial_changes": (RawTarget("key_changes", parse_territorial_changes),),
    "ags_history": (RawTarget("key_changes", parse_ags_history),),
    # the work programme (sources/parsers/measures.py): xlsx or CSV
    "measures": (RawTarget("measures", parse_measures),),
    "eea_assessment": (RawTarget("eea_points", parse_eea_assessment),),
    "interval_csv": (RawTarget("interval_days", parse_interval_readings, max_bytes=STREAMED_BYTES),),
    "facility_db": (
        RawTarget("buildings", parse_buildings, "buildings"),
        RawTarget("meter_readings", parse_meter_readings, "meter_readings", 4 * WHOLE_TEXT_BYTES),
        RawTarget("interval_days", parse_interval_readings, "interval_readings", STREAMED_BYTES),
    ),
}
FORMATS: dict[str, tuple[RawTarget, ...]] = {
    fmt: tuple(replace(t, table=raw_table_name(fmt, t.shape)) for t in targets) for fmt, targets in _PARSERS.items()
}
# Options every source takes (landing caps, quarantine limits, text reading) and those of each connector; the
# configuration check (assets/config_check.py) names any other option of a source as unknown.
COMMON_OPTIONS = frozenset({"pattern", "max_bytes", "max_line_bytes", "quarantine", "encoding", "separator", "decimal",
                            "confidential_marks", "missing_marks", "provisional", "max_uncompressed_bytes",
                            "max_decompress_seconds", "stream_from_bytes"})
CONNECTOR_OPTIONS = {
    "file_drop": frozenset(),
    "sql": frozenset({"tables"}),
    "http": frozenset({"api", "table", "login_env", "params", "path", "items_key", "timeout_s", "retries",
                       "min_interval_s"}),
}
FORMAT_OPTIONS: dict[str, frozenset[str]] = {
    "grid_sheet": frozenset({"carrier", "unit", "calorific_basis", "hi_per_hs", "columns"}),
    "genesis_population": frozenset({"value_variable", "region_variables", "population_column", "require_footer",
                                     "sheet"}),
    "genesis_table": frozenset({"sheet", "require_footer", "region_variables"}),
    "dwd_degree_days": frozenset({"stations"}),
    "kba_fz3": frozenset({"sheet", "year"}),
    "auszug_gv": frozenset({"sheet"}),
    "territorial_changes": frozenset({"sheet"}),
    "facility_db": frozenset({"tables"}),
    "interval_csv": frozenset({"unit"}),
    "mastr_csv": frozenset({"columns", "technologies", "statuses", "date_order"}),
    "mastr_xml": frozenset({"technology_codes", "status_codes", "max_xml_text_chars"}),
    "measures": frozenset({"columns", "max_update_age_days"}),
    "eea_assessment": frozenset({"columns"}),
}
FORMAT_OPTIONS |= {fmt: TIDY_OPTIONS for fmt in TIDY_SPECS}  # sources/parsers/tidy.py: headers, words, defaults


def known_options(fmt: str, connector: str) -> frozenset[str]:
    """The options a source of this format and connector may set."""
    return COMMON_OPTIONS | CONNECTOR_OPTIONS.get(connector, frozenset()) | FORMAT_OPTIONS.get(fmt, frozenset())


# Formats whose rows are municipality key changes: parsed before every other format, which then accepts former keys.
KEY_CHANGE_FORMATS = tuple(fmt for fmt, targets in FORMATS.items() if any(t.shape == "key_changes" for t in targets))


def raw_tables(formats: Iterable[str] | None = None) -> list[str]:
    """The raw tables of these formats (default: of every format)."""
    chosen = FORMATS if formats is None else {f: FORMATS[f] for f in formats if f in FORMATS}
    return sorted({t.table for targets in chosen.values() for t in targets})


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
