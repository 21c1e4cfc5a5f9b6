"""Parsed deliveries kept between runs, so a run parses only what is new: a landed delivery never changes (its id is
its sha256), so its parse result only changes when the way it is parsed changes — the source's format, options,
mappings and region, or the parser code. The cache key covers all of these; anything else is a miss and the delivery
is parsed again. Entries are written atomically; an unreadable entry is a miss, never an error.

    DATA_DIR/warehouse/.parsed/<delivery_id with ':' as '_'>/<key>.parquet   the rows
                                                          /<key>.json      the findings
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import io
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from sources.errors import Finding
from sources.parsers.common import ParseResult

SOURCES_DIR = Path(__file__).resolve().parent


@functools.cache
def code_version() -> str:
    """A digest of the parsing code (every module under sources/) and of the libraries the result depends on."""
    digest = hashlib.sha256(f"pandas {pd.__version__} pyarrow {pa.__version__}".encode())
    for path in sorted(SOURCES_DIR.rglob("*.py")):
        if "demo" not in path.parts:
            digest.update(path.relative_to(SOURCES_DIR).as_posix().encode() + path.read_bytes())
    return digest.hexdigest()[:16]


def cache_key(fmt: str, options: Mapping[str, Any], mappings: Mapping[str, Any], region_keys: list[str]) -> str:
    spec = json.dumps({"format": fmt, "options": options, "mappings": mappings, "region": sorted(region_keys),
                       "code": code_version()}, sort_keys=True, default=str)
    return hashlib.sha256(spec.encode()).hexdigest()[:24]


class ParseCache:
    def __init__(self, root: Path):
        self.root = Path(root)

    def _paths(self, delivery_id: str, key: str) -> tuple[Path, Path]:
        folder = self.root / delivery_id.replace(":", "_").replace("/", "_")
        return folder / f"{key}.parquet", folder / f"{key}.json"

    def get(self, delivery_id: str, key: str) -> ParseResult | None:
        rows_path, findings_path = self._paths(delivery_id, key)
        try:
            rows = pq.read_table(rows_path).to_pandas()
            findings = [Finding(**f) for f in json.loads(findings_path.read_text(encoding="utf-8"))]
        except (OSError, ValueError, TypeError, pa.ArrowException):
            return None
        return ParseResult(rows, findings)

    def put(self, delivery_id: str, key: str, result: ParseResult) -> None:
        from warehouse.files import atomic_write_bytes

        rows_path, findings_path = self._paths(delivery_id, key)
        buffer = io.BytesIO()
        try:
            pq.write_table(pa.Table.from_pandas(result.rows, preserve_index=False), buffer)
        except (pa.ArrowException, TypeError, ValueError):
            return  # a frame Arrow cannot hold as it is: not cached, parsed again next time
        atomic_write_bytes(findings_path, json.dumps([dataclasses.asdict(f) for f in result.findings],
                                                     ensure_ascii=False).encode("utf-8"))
        atomic_write_bytes(rows_path, buffer.getvalue())
