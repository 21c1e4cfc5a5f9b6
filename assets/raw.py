"""Raw layer: one asset per raw table, parsing every landed delivery of the sources whose format fills it.

Each asset has two outputs: the raw table (typed rows with delivery_id and source_row) and its quarantine
(`<table>_rejected`: rows not taken in or filtered out, and whole files that could not be read, with the reason).
A delivery parsed before with the same format, options and parser code comes from the parse cache
(sources/parse_cache.py): a run parses only what is new.
"""

from collections.abc import Iterator

import pandas as pd
from dagster import AssetExecutionContext, AssetIn, AssetOut, AssetsDefinition, Output, multi_asset

from assets.resources import Settings
from sources.errors import DeliveryError, Finding
from sources.formats import raw_tables, read_delivery, target_for
from sources.parse_cache import ParseCache, cache_key
from sources.parsers.common import Delivery
from warehouse.catalog import get_table
from warehouse.tables import REJECTED_COLUMNS, rejected_table_name


def findings_frame(findings: list[Finding]) -> pd.DataFrame:
    return pd.DataFrame(
        [{"source_id": f.source_id, "delivery_id": f.delivery_id, "source_row": f.source_row, "column": f.column,
          "raw_value": f.raw_value, "reason": f.reason, "finding_kind": f.kind, "rows_affected": f.rows_affected}
         for f in findings],
        columns=REJECTED_COLUMNS,
    )  # fmt: skip


def build_raw_asset(table: str) -> AssetsDefinition:
    rejected = rejected_table_name(table)

    @multi_asset(
        name=f"parse_{table}",
        group_name="raw",
        ins={"register": AssetIn("raw_landing__deliveries")},
        outs={
            table: AssetOut(description=get_table(table).description),
            rejected: AssetOut(description=get_table(rejected).description),
        },
    )
    def _parse(context: AssetExecutionContext, settings: Settings, register: pd.DataFrame) -> Iterator[Output]:
        cfg = settings.config()
        region = settings.region()
        frames, findings = [], []
        cache = ParseCache(settings.data_path / "warehouse" / ".parsed")
        parsed = reused = 0
        for source in cfg.sources:
            entries = register[register["source_id"] == source.id]
            key = cache_key(source.format, source.options, source.mappings, sorted(region.keys | region.former_keys))
            for entry in entries.itertuples(index=False):
                try:
                    if target_for(source.format, source.id, entry.file_name).table != table:
                        continue
                except DeliveryError:
                    continue  # a file no parser takes; reported by `deliveries`
                delivery = Delivery(entry.delivery_id, source.id, entry.file_name,
                                    path=settings.data_path / entry.landed_path)
                result = cache.get(entry.delivery_id, key)
                if result is None:
                    try:
                        _, result = read_delivery(source.format, source.options, source.mappings, region, delivery)
                    except DeliveryError as exc:
                        findings.append(Finding(source.id, entry.file_name, entry.delivery_id, exc.row, exc.column,
                                                None, exc.problem, exc.expected, kind="structural"))
                        continue
                    cache.put(entry.delivery_id, key, result)
                    parsed += 1
                else:
                    reused += 1
                frames.append(result.rows)
                findings += result.findings
        columns = get_table(table).column_names
        rows = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)
        quarantine = findings_frame(findings)
        rejected_count = int((quarantine["finding_kind"] == "rejected").sum())
        yield Output(rows[columns], output_name=table,
                     metadata={"deliveries parsed": parsed, "deliveries from the parse cache": reused})
        yield Output(quarantine, output_name=rejected, metadata={"rejected": rejected_count,
                                                                 "filtered": len(quarantine) - rejected_count})

    return _parse


RAW_ASSETS = [build_raw_asset(t) for t in raw_tables()]
