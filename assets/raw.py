"""Raw layer: one asset per configured format, parsing every landed delivery of the sources of that format into the
format's raw tables `raw_<format>__<shape>` (sources/formats.py).

Each raw table has its quarantine beside it (`<table>_rejected`: rows not taken in or filtered out, and whole files
that could not be read, with the reason). The key-change formats are parsed first, with the configured region; every
other format is parsed with the region widened by the former keys in use (`core_region__key_changes`), so a row
delivered under a key that has since changed is taken in and moved to today's key by the core layer. A delivery
parsed before with the same format, options, region and parser code comes from the parse cache
(sources/parse_cache.py): a run parses only what is new.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from dagster import AssetIn, AssetOut, AssetsDefinition, Output, multi_asset

from assets.config import DistrictConfig
from assets.landing import LANDING_TABLE
from assets.resources import Settings
from sources.errors import DeliveryError, Finding
from sources.formats import FORMATS, KEY_CHANGE_FORMATS, read_delivery, target_for
from sources.parse_cache import ParseCache, cache_key
from sources.parsers.common import Delivery
from sources.region import Region
from warehouse.catalog import get_table
from warehouse.tables import REJECTED_COLUMNS, rejected_table_name

KEY_CHANGES_TABLE = "core_region__key_changes"


def findings_frame(findings: list[Finding]) -> pd.DataFrame:
    return pd.DataFrame(
        [{"source_id": f.source_id, "delivery_id": f.delivery_id, "source_row": f.source_row, "column": f.column,
          "raw_value": f.raw_value, "reason": f.reason, "finding_kind": f.kind, "rows_affected": f.rows_affected}
         for f in findings],
        columns=REJECTED_COLUMNS,
    )  # fmt: skip


@dataclass
class Parsed:
    """What one format's landed deliveries gave: rows and findings per raw table, and how many were parsed anew."""

    rows: dict[str, list[pd.DataFrame]] = field(default_factory=dict)
    findings: dict[str, list[Finding]] = field(default_factory=dict)
    parsed: int = 0
    reused: int = 0

    def table(self, table: str) -> pd.DataFrame:
        columns = get_table(table).column_names
        frames = self.rows.get(table, [])
        return pd.concat(frames, ignore_index=True)[columns] if frames else pd.DataFrame(columns=columns)

    def quarantine(self, table: str) -> pd.DataFrame:
        return findings_frame(self.findings.get(table, []))


# Formats whose rows name targets: their parser checks each against the district's configured indicator ids.
TARGET_AWARE_FORMATS = ("measures",)


def parser_options(cfg: DistrictConfig, source) -> dict:
    """A source's options as its parser reads them: for formats naming targets, with `known_indicators` (the
    indicator ids of the district's targets) unless the source states its own."""
    if source.format not in TARGET_AWARE_FORMATS or "known_indicators" in source.options:
        return dict(source.options)
    ids = sorted({t.indicator_id for target_set in cfg.target_sets().values() for t in target_set.targets})
    return {**source.options, "known_indicators": ids}


def parse_landed(cfg: DistrictConfig, data_path: Path, register: pd.DataFrame, fmt: str, region: Region) -> Parsed:
    """Parse every landed delivery of the sources of format `fmt` (the parse cache reused where it can)."""
    out = Parsed()
    cache = ParseCache(data_path / "warehouse" / ".parsed")
    tables = {t.table for t in FORMATS[fmt]}
    for table in tables:
        out.rows[table], out.findings[table] = [], []
    for source in (s for s in cfg.sources if s.format == fmt):
        options = parser_options(cfg, source)
        key = cache_key(source.format, options, source.mappings, sorted(region.keys | region.former_keys))
        for entry in register[register["source_id"] == source.id].itertuples(index=False):
            try:
                table = target_for(fmt, source.id, entry.file_name).table
            except DeliveryError:
                continue  # a file no parser takes; reported by `deliveries`
            delivery = Delivery(entry.delivery_id, source.id, entry.file_name, path=data_path / entry.landed_path)
            result = cache.get(entry.delivery_id, key)
            if result is None:
                try:
                    _, result = read_delivery(fmt, options, source.mappings, region, delivery)
                except DeliveryError as exc:
                    out.findings[table].append(Finding(source.id, entry.file_name, entry.delivery_id, exc.row,
                                                       exc.column, None, exc.problem, exc.expected,
                                                       kind="structural"))
                    continue
                cache.put(entry.delivery_id, key, result)
                out.parsed += 1
            else:
                out.reused += 1
            out.rows[table].append(result.rows)
            out.findings[table] += result.findings
    return out


def build_raw_asset(fmt: str) -> AssetsDefinition:
    """The asset of one format: its raw tables and their quarantines, from every source of that format."""
    tables = sorted({t.table for t in FORMATS[fmt]})
    outs = {}
    for table in tables:
        outs[table] = AssetOut(description=get_table(table).description, group_name="raw")
        outs[rejected_table_name(table)] = AssetOut(description=get_table(rejected_table_name(table)).description,
                                                    group_name="raw")
    ins = {"register": AssetIn(LANDING_TABLE)}
    if fmt not in KEY_CHANGE_FORMATS:
        ins["key_changes"] = AssetIn(KEY_CHANGES_TABLE)

    def outputs(settings: Settings, register: pd.DataFrame, key_changes: pd.DataFrame | None) -> Iterator[Output]:
        cfg = settings.config()
        region = cfg.region() if key_changes is None else cfg.region().with_former_keys(key_changes["former_ags"])
        parsed = parse_landed(cfg, settings.data_path, register, fmt, region)
        for table in tables:
            quarantine = parsed.quarantine(table)
            is_rejected = quarantine["finding_kind"] == "rejected"
            weights = quarantine["rows_affected"].fillna(1).astype("int64")  # a filter finding stands for many rows
            rejected, filtered = int(weights[is_rejected].sum()), int(weights[~is_rejected].sum())
            yield Output(parsed.table(table), output_name=table,
                         metadata={"deliveries parsed": parsed.parsed, "deliveries from the parse cache": parsed.reused,
                                   "former keys accepted": len(region.former_keys)})
            yield Output(quarantine, output_name=rejected_table_name(table),
                         metadata={"rejected": rejected, "filtered": filtered})

    decorate = multi_asset(name=f"parse_{fmt}", ins=ins, outs=outs,
                           description=f"Parse the landed deliveries of every source of format {fmt!r}.")
    if fmt in KEY_CHANGE_FORMATS:
        @decorate
        def _parse(settings: Settings, register: pd.DataFrame) -> Iterator[Output]:
            yield from outputs(settings, register, None)
    else:
        @decorate
        def _parse(settings: Settings, register: pd.DataFrame, key_changes: pd.DataFrame) -> Iterator[Output]:
            yield from outputs(settings, register, key_changes)

    return _parse


def configured_formats(cfg: DistrictConfig) -> list[str]:
    """The formats the configuration's sources use (the raw assets that exist for it)."""
    return sorted({s.format for s in cfg.sources if s.format in FORMATS})


def build_raw_assets(cfg: DistrictConfig) -> list[AssetsDefinition]:
    return [build_raw_asset(fmt) for fmt in configured_formats(cfg)]


def key_changes_of(cfg: DistrictConfig, register: pd.DataFrame, raw: dict[str, pd.DataFrame],
                   rejected: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The key changes in use from the key-change deliveries of the register (`raw`, `rejected`: their raw tables and
    quarantines): what `core_region__key_changes` holds, and what `landed_region` widens the region by."""
    from assets.compute.crosswalk import key_changes_in_use
    from sources.quarantine import threshold_for

    sources = [s for s in cfg.sources if s.format in KEY_CHANGE_FORMATS]
    mine = register[register["source_id"].isin({s.id for s in sources})]
    return key_changes_in_use(mine, raw, rejected, {s.id: threshold_for(s.options) for s in sources})


def key_changes_pending(cfg: DistrictConfig, data_path: Path) -> bool:
    """Key-change sources are configured but nothing has landed in `data_path` yet (before the first run)."""
    from warehouse.store import ParquetStore

    configured = any(f in KEY_CHANGE_FORMATS for f in configured_formats(cfg))
    return configured and not ParquetStore(data_path / "warehouse").exists(LANDING_TABLE)


def landed_region(cfg: DistrictConfig, data_path: Path) -> Region:
    """The region a run's parsers would use now: widened by the former keys of the landed key-change deliveries in
    use, found exactly as the raw and core assets find them (for `klimamonitor validate` and the sensors, which
    judge a file outside a run)."""
    from warehouse.store import ParquetStore

    formats = [f for f in configured_formats(cfg) if f in KEY_CHANGE_FORMATS]
    store = ParquetStore(data_path / "warehouse")
    if not formats or not store.exists(LANDING_TABLE):
        return cfg.region()
    register = store.read(LANDING_TABLE)
    raw, rejected = {}, {}
    for fmt in formats:
        parsed = parse_landed(cfg, data_path, register, fmt, cfg.region())
        for table in parsed.rows:
            raw[table], rejected[table] = parsed.table(table), parsed.quarantine(table)
    return cfg.region().with_former_keys(key_changes_of(cfg, register, raw, rejected)["former_ags"])
