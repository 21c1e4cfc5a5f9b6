"""Immutable, versioned releases under DATA_DIR/published, as docs/contract.md lays them out.

A release is assembled in a hidden staging folder, made complete (tables, datapackage.json, DuckDB views, manifest
with the sha256 of every file), renamed into place, and only then is `published/latest` switched to it by renaming
a new symlink over the old one. A crash at any point leaves `latest` on the previous complete release.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

from warehouse.catalog import CONTRACT_NOTES, CONTRACT_VERSION, comment_statements, conform, datapackage, get_table
from warehouse.exports import write_exports, write_indicators_latest
from warehouse.report import render_report
from warehouse.files import fsync_dir, sha256_file
from warehouse.store import write_parquet
from warehouse.workbook import write_workbook

STAGING_PREFIX = ".staging-"
LATEST = "latest"
DUCKDB_FILE = "klimamonitor.duckdb"


class ReleaseError(RuntimeError):
    """A release could not be assembled or verified."""


@dataclass(frozen=True)
class Release:
    release_id: str
    path: Path
    manifest: dict


def code_version() -> str:
    """The package version plus the git commit it runs from, when known."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        pkg = version("klimamonitor")
    except PackageNotFoundError:
        pkg = "unknown"
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short=12", "HEAD"],
            cwd=Path(__file__).resolve().parent,
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=Path(__file__).resolve().parent,
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout.strip()
        return f"{pkg}+g{commit}{'.dirty' if dirty else ''}"
    except (OSError, subprocess.SubprocessError):
        return pkg


def published_root(data_dir: Path) -> Path:
    return Path(data_dir) / "published"


def latest_release(data_dir: Path) -> Path | None:
    link = published_root(data_dir) / LATEST
    return link.resolve() if link.is_symlink() and link.resolve().is_dir() else None


def list_releases(data_dir: Path) -> list[Path]:
    root = published_root(data_dir)
    if not root.is_dir():
        return []
    return sorted(p for p in root.iterdir() if p.is_dir() and not p.is_symlink() and not p.name.startswith("."))


def _release_id(now: dt.datetime, file_hashes: Mapping[str, str]) -> str:
    digest = hashlib.sha256(json.dumps(sorted(file_hashes.items())).encode()).hexdigest()[:8]
    return f"{now:%Y-%m-%dT%H-%M-%SZ}-{digest}"


def _write_duckdb_views(release_dir: Path, tables: list[str]) -> None:
    """A DuckDB database with one view per table, commented (table and every column: description and unit from the
    catalog); paths are relative to the release folder, so the release can be
    moved: open it from inside that folder (or `SET file_search_path` to it; `klimamonitor sql` does this)."""
    con = duckdb.connect(str(release_dir / DUCKDB_FILE))
    try:
        con.execute("SET file_search_path = ?", [str(release_dir)])
        for name in tables:
            con.execute(f"CREATE VIEW \"{name}\" AS SELECT * FROM read_parquet('{name}.parquet')")
            for statement in comment_statements(get_table(name), f'"{name}"', "VIEW"):
                con.execute(statement)
        con.execute("CHECKPOINT")  # everything in the database file: no write-ahead log left in the release
    finally:
        con.close()


def publish_release(
    data_dir: Path,
    tables: Mapping[str, object],
    *,
    data_origin: str,
    district: Mapping[str, object],
    inputs: Mapping[str, object] | None = None,
    now: dt.datetime | None = None,
    package: Mapping[str, list] | None = None,
    workbook: bool = True,
    workbook_max_rows: int = 100_000,
) -> Release:
    """Assemble, verify and switch to a new release.

    `tables` maps a published table name to a pandas frame or a Parquet file of the store; each is conformed to its
    catalog schema. `inputs` (deliveries, factor set, ...) go into the manifest as they are; `package` holds the
    descriptor's licenses, sources and contributors (DistrictConfig.package_metadata); `workbook`: whether the Excel
    workbook is written (most of a release's time), `workbook_max_rows`: the largest table it has a sheet for.
    """
    root = published_root(data_dir)
    root.mkdir(parents=True, exist_ok=True)
    for leftover in root.glob(f"{STAGING_PREFIX}*"):
        shutil.rmtree(leftover, ignore_errors=True)
    now = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).replace(microsecond=0)
    staging = root / f"{STAGING_PREFIX}{os.getpid()}-{now:%Y%m%dT%H%M%S}"
    staging.mkdir()
    try:
        files: dict[str, dict] = {}
        for name in sorted(tables):
            table = get_table(name)
            if not table.published:
                raise ReleaseError(f"table {name!r} is internal; only published tables go into a release")
            source = tables[name]
            target = staging / f"{name}.parquet"
            if isinstance(source, str | Path):
                shutil.copyfile(source, target)
            else:
                write_parquet(conform(source, table), target)
            rows = pq.ParquetFile(target).metadata.num_rows
            files[name] = {"path": target.name, "rows": rows, "sha256": sha256_file(target), "bytes": target.stat().st_size}
        release_id = _release_id(now, {k: v["sha256"] for k, v in files.items()})
        write_exports(staging, sorted(files))
        if workbook:
            write_workbook(staging, sorted(files), release_id, workbook_max_rows)
        write_indicators_latest(staging, release_id)
        exported = {name: {"path": f"exports/{name}.csv", "sha256": sha256_file(staging / "exports" / f"{name}.csv"),
                           "bytes": (staging / "exports" / f"{name}.csv").stat().st_size, "parquet": info}
                    for name, info in files.items()}
        descriptor = datapackage(
            exported,
            name=f"klimamonitor-{district.get('id', 'district')}",
            title=f"klimamonitor: {district.get('name', '')}",
            version=release_id,
            data_origin=data_origin,
            **dict(package or {}),
        )
        (staging / "datapackage.json").write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n")
        _write_duckdb_views(staging, sorted(files))
        render_report(staging, str(district.get("name", "")), str(district.get("ags", "")),
                      synthetic=data_origin == "synthetic_demo", tiles=district.get("tiles"), published=now.date())
        extra_files = {
            str(p.relative_to(staging)): {"sha256": sha256_file(p), "bytes": p.stat().st_size}
            for p in sorted(staging.rglob("*"))
            if p.is_file() and p.suffix != ".parquet"
        }
        manifest = {
            "release_id": release_id,
            "created_at": now.isoformat().replace("+00:00", "Z"),
            "data_origin": data_origin,
            "district": dict(district),
            "contract_version": CONTRACT_VERSION,
            "contract_notes": CONTRACT_NOTES,
            "code_version": code_version(),
            "tables": files,
            "files": extra_files,
            "inputs": dict(inputs or {}),
        }
        (staging / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False, default=str) + "\n")
        for p in staging.rglob("*"):
            if p.is_file():
                with open(p, "rb") as fh:
                    os.fsync(fh.fileno())
                p.chmod(0o444)  # a release is immutable: read-only on disk, too
        fsync_dir(staging)
        final = root / release_id
        suffix = 1
        while final.exists():
            suffix += 1
            final = root / f"{release_id}.{suffix}"
        os.rename(staging, final)
        fsync_dir(root)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    verify_release(final)
    switch_latest(data_dir, final)
    return Release(final.name, final, manifest)


def prune_releases(data_dir: Path, keep: int) -> list[Path]:
    """Delete the oldest releases beyond `keep`; the release `latest` points to is always kept."""
    current = latest_release(data_dir)
    releases = list_releases(data_dir)
    removable = [r for r in releases[: max(0, len(releases) - keep)] if r != current]
    for old in removable:
        shutil.rmtree(old)
    return removable


def switch_latest(data_dir: Path, release_dir: Path) -> None:
    """Point `published/latest` at `release_dir` atomically (a new symlink renamed over the old one)."""
    root = published_root(data_dir)
    tmp_link = root / f".{LATEST}.{os.getpid()}"
    if tmp_link.is_symlink() or tmp_link.exists():
        tmp_link.unlink()
    os.symlink(release_dir.name, tmp_link)
    os.replace(tmp_link, root / LATEST)
    fsync_dir(root)


def verify_release(release_dir: Path) -> dict:
    """Check every file against the manifest; returns the manifest, raises ReleaseError naming the first mismatch."""
    manifest_path = Path(release_dir) / "manifest.json"
    if not manifest_path.exists():
        raise ReleaseError(f"{release_dir}: no manifest.json (an incomplete release)")
    manifest = json.loads(manifest_path.read_text())
    expected = {info["path"]: info["sha256"] for info in manifest["tables"].values()}
    expected.update({name: info["sha256"] for name, info in manifest["files"].items()})
    for name, sha in expected.items():
        path = Path(release_dir) / name
        if not path.exists():
            raise ReleaseError(f"{release_dir}: {name} is listed in the manifest but missing")
        if sha256_file(path) != sha:
            raise ReleaseError(f"{release_dir}: {name} does not match the sha256 in the manifest")
    return manifest
