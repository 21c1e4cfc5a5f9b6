"""The landing zone: every delivery archived exactly as received, with its sha256, and a register of what arrived.

Layout: DATA_DIR/landing/<source_id>/<sha256[:16]>/<file name as delivered>, plus `register.json` (written
atomically). A byte-identical file is recognised by its hash and registered once; nothing in the landing zone is
ever modified or deleted. Facts only live here (who, what, when, hash); statuses are derived downstream.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path

from warehouse.files import atomic_path, atomic_write_text

REGISTER = "register.json"


class LandingError(ValueError):
    """A delivery cannot be landed (for example an unusable file name)."""


@dataclass(frozen=True)
class Landed:
    delivery_id: str
    source_id: str
    partner: str
    file_name: str
    landed_path: str  # relative to the data directory
    sha256: str
    size_bytes: int
    received_at: str  # ISO 8601 UTC, microseconds; order of arrival


def safe_file_name(name: str) -> str:
    """The partner's file name reduced to its last component; names that could escape the landing folder fail."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1].strip()
    if not base or base in (".", "..") or base.startswith(".") or "\x00" in base or len(base) > 200:
        raise LandingError(f"unusable delivery file name {name!r}")
    if not re.fullmatch(r"[\w\-. ()+,äöüÄÖÜß]+", base):
        raise LandingError(f"delivery file name {name!r} has characters outside letters, digits and -_.()+, ")
    return base


class LandingZone:
    def __init__(self, data_dir: Path):
        self.data_dir = Path(data_dir)
        self.root = self.data_dir / "landing"

    def register(self) -> list[Landed]:
        path = self.root / REGISTER
        if not path.exists():
            return []
        return [Landed(**entry) for entry in json.loads(path.read_text(encoding="utf-8"))]

    def _save(self, entries: list[Landed]) -> None:
        atomic_write_text(
            self.root / REGISTER, json.dumps([asdict(e) for e in entries], indent=1, ensure_ascii=False) + "\n"
        )

    def land(self, source_id: str, partner: str, file_name: str, data: bytes,
             now: dt.datetime | None = None) -> tuple[Landed, bool]:
        """Archive one delivery; returns its register entry and whether it was new (False: byte-identical repeat)."""
        name = safe_file_name(file_name)
        sha = hashlib.sha256(data).hexdigest()
        delivery_id = f"{source_id}:{sha[:16]}"
        entries = self.register()
        for entry in entries:
            if entry.delivery_id == delivery_id:
                return entry, False
        target = self.root / source_id / sha[:16] / name
        with atomic_path(target) as tmp:
            tmp.write_bytes(data)
        now = now or dt.datetime.now(dt.UTC)
        if entries:  # arrival order must be strict even within one clock tick
            last = max(dt.datetime.fromisoformat(e.received_at) for e in entries)
            now = max(now, last + dt.timedelta(microseconds=1))
        entry = Landed(
            delivery_id=delivery_id, source_id=source_id, partner=partner, file_name=name,
            landed_path=str(target.relative_to(self.data_dir)), sha256=sha, size_bytes=len(data),
            received_at=now.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        )  # fmt: skip
        self._save([*entries, entry])
        return entry, True

    def redeliver(self, source_id: str, partner: str, file_name: str, data: bytes,
                  now: dt.datetime | None = None) -> Landed:
        """Put back a file whose bytes were landed before (`klimamonitor redeliver`): a new register entry, received
        now, under the delivery id `<source_id>:<sha256[:16]>~<n>` (n: the how-many-th re-delivery), pointing at the
        archived copy, which stays as it is. Bytes never landed are landed as usual."""
        entry, is_new = self.land(source_id, partner, file_name, data, now)
        if is_new:
            return entry
        entries = self.register()
        repeats = sum(1 for e in entries if e.delivery_id.split("~")[0] == entry.delivery_id)
        now = now or dt.datetime.now(dt.UTC)
        last = max(dt.datetime.fromisoformat(e.received_at) for e in entries)
        now = max(now, last + dt.timedelta(microseconds=1))
        again = Landed(
            delivery_id=f"{entry.delivery_id}~{repeats}", source_id=source_id, partner=partner,
            file_name=safe_file_name(file_name), landed_path=entry.landed_path, sha256=entry.sha256,
            size_bytes=entry.size_bytes, received_at=now.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        )  # fmt: skip
        self._save([*entries, again])
        return again

    def read(self, entry: Landed) -> bytes:
        return (self.data_dir / entry.landed_path).read_bytes()
