"""Landing: fetch every configured source and archive what it offers, unchanged, in the landing zone."""

from pathlib import Path

import pandas as pd
from dagster import AssetExecutionContext, MetadataValue, Output, asset

from assets.config import DistrictConfig, Source, resolve_sqlite
from assets.resources import Settings, group_of
from sources.connectors import ConnectorError, fetch_file_drop, fetch_sql, resolve_sql_url
from sources.formats import max_delivery_bytes
from sources.http import HttpClient, credentials, fetch_genesis_table, fetch_json_pages
from sources.landing import LandingError, LandingZone

LANDING_TABLE = "landing__deliveries"
# The run tag that names the one source a sensor's or schedule's run is about (pipelines/automation.py sets it).
SOURCES_TAG = "klimamonitor/sources"


def fetch(cfg: DistrictConfig, source: Source, state_dir: Path | None = None,
          refused: list[str] | None = None) -> list[tuple[str, bytes]]:
    """What a source offers now, as (file name, bytes); files of a drop folder that cannot be deliveries (links,
    oversized files) go to `refused` with the reason."""
    if source.connector == "file_drop":
        location = source.location
        if "://" not in location:
            location = str(cfg.resolve(location))
        return fetch_file_drop(source.id, location, source.options.get("pattern", "*"),
                               max_delivery_bytes(source.format, source.options), refused)
    if source.connector == "http":
        return fetch_http_source(source, state_dir)
    url = resolve_sql_url(source.id, source.url_env, resolve_sqlite(cfg.path.parent, source.url_default))
    params = {"first_year": cfg.district.years.first, "last_year": cfg.district.years.last}
    return fetch_sql(source.id, url, source.options.get("tables", {}), params)


def fetch_http_source(source: Source, state_dir: Path | None = None) -> list[tuple[str, bytes]]:
    """options.api: genesis (options.table, options.login_env {username, password}) or json_pages
    (options.path, options.items_key); options.timeout_s, retries, min_interval_s."""
    opts = source.options
    client = HttpClient(source.id, timeout=float(opts.get("timeout_s", 30)), retries=int(opts.get("retries", 3)),
                        min_interval=float(opts.get("min_interval_s", 0)),
                        state_file=state_dir / f"{source.id}.json" if state_dir else None)
    if opts.get("api") == "genesis":
        login = credentials(source.id, opts.get("login_env", {}))
        return fetch_genesis_table(client, source.location, opts["table"], login, opts.get("params"))
    if opts.get("api") == "json_pages":
        url = source.location.rstrip("/") + "/" + str(opts.get("path", "")).lstrip("/")
        return fetch_json_pages(client, url, items_key=opts.get("items_key", "items"))
    raise ConnectorError(f"source {source.id!r}: options.api must be 'genesis' or 'json_pages'")


@asset(
    name=LANDING_TABLE,
    group_name=group_of(LANDING_TABLE),
    description="Fetches every configured source (file drops, SQL pulls) and archives each delivery unchanged in "
    "DATA_DIR/landing with its sha256; byte-identical repeats are recognised and registered once. A file that "
    "cannot be a delivery (a link, an unusable name, oversized) is refused with a warning; the others still land.",
)
def landed_deliveries(context: AssetExecutionContext, settings: Settings) -> Output[pd.DataFrame]:
    cfg = settings.config()
    zone = LandingZone(settings.data_path)
    failures, refused, new, repeated = [], [], [], 0
    only = context.run.tags.get(SOURCES_TAG)  # a sensor's or schedule's run: only the source it is about
    wanted = set(only.split(",")) if only else {s.id for s in cfg.sources}
    for source in [s for s in cfg.sources if s.id in wanted]:
        try:
            files = fetch(cfg, source, settings.data_path / ".http_state", refused)  # ETags for conditional requests
        except ConnectorError as exc:
            failures.append(str(exc))
            continue
        for name, data in files:
            try:
                entry, is_new = zone.land(source.id, source.partner, name, data)
            except LandingError as exc:  # this file only: the source's other files still land
                refused.append(f"source {source.id!r}: {exc}; the file was not landed")
                continue
            if is_new:
                new.append(f"{entry.source_id}/{entry.file_name}")
            else:
                repeated += 1
        context.log.info(f"{source.id}: {len(files)} file(s) offered")
    for message in refused:
        context.log.warning(message)
    if failures:
        raise ConnectorError("landing failed for: " + "; ".join(failures))
    configured = {s.id for s in cfg.sources}
    register = pd.DataFrame([e.__dict__ for e in zone.register()])
    if register.empty:
        register = pd.DataFrame(columns=["delivery_id", "source_id", "partner", "file_name", "landed_path", "sha256",
                                         "size_bytes", "received_at"])
    register = register[register["source_id"].isin(configured)].reset_index(drop=True)
    return Output(
        register,
        metadata={"new deliveries": len(new), "byte-identical repeats": repeated,
                  "new files": MetadataValue.md("\n".join(f"- {n}" for n in new) or "none"),
                  "refused files": MetadataValue.md("\n".join(f"- {r}" for r in refused) or "none")},
    )
