"""The release: every published table of the store, bundled as an immutable release (warehouse/release.py)."""

from collections.abc import Sequence

from dagster import AssetExecutionContext, AssetKey, AssetsDefinition, MaterializeResult, MetadataValue, asset

from assets.resources import Settings
import os

from assets.compute.disclosure import cell_consumers, confidential_cells, suppress
from warehouse.release import prune_releases, publish_release
from warehouse.sql_publish import publish_to_sql


def _inputs_for_manifest(settings: Settings) -> dict:
    """Deliveries behind the release, for the manifest (file, sha256, status, origin)."""
    store = settings.store()
    inputs: dict = {}
    if not store.exists("deliveries"):
        return inputs
    frame = store.read("deliveries", ["delivery_id", "source_id", "file_name", "sha256", "status", "origin"])
    inputs["deliveries"] = frame.to_dict("records")
    if store.exists("emission_factors"):
        factors = store.read("emission_factors", ["factor_set", "delivery_id"])
        files = frame[frame["delivery_id"].isin(set(factors["delivery_id"].dropna()))]
        inputs["factor_set"] = {
            "id": settings.config().balance.factor_set,
            "files": files[["delivery_id", "file_name", "sha256"]].to_dict("records"),
        }
    return inputs


# the balance inputs and the grid rows they came from: how many consumers stand behind each cell
CONFIDENTIALITY_INPUTS = ("core_energy__inputs", "core_grid__energy")


def build_release_asset(published_tables: Sequence[str]) -> AssetsDefinition:
    tables = sorted(published_tables)

    @asset(
        name="release",
        group_name="publish",
        deps=[AssetKey(t) for t in [*tables, *CONFIDENTIALITY_INPUTS]],
        description="Publishes every published table as a new immutable release under DATA_DIR/published and "
        "switches `published/latest` to it once the release is complete.",
    )
    def release(context: AssetExecutionContext, settings: Settings) -> MaterializeResult:
        cfg = settings.config()
        store = settings.store()
        missing = [t for t in tables if not store.exists(t)]
        if missing:
            raise RuntimeError(f"cannot publish: tables {missing} have not been written (run them first)")
        suppressed: dict = {}  # tables with confidential cells suppressed, published from these frames
        minimum = cfg.publishing.min_consumers
        if minimum and "final_energy" in tables:
            final = store.read("final_energy")
            cells = confidential_cells(final, cell_consumers(*[store.read(t) for t in CONFIDENTIALITY_INPUTS]),
                                       cfg.totals_ags, minimum)
            if len(cells):
                names = [t for t in ("emissions", "balance_summary", "indicators") if t in tables]
                suppressed = suppress({"final_energy": final, **{t: store.read(t) for t in names}}, cells, minimum)
                context.log.info(f"{len(cells)} municipal cell(s) published as confidential "
                                 f"(fewer than {minimum} consumers, or secondary)")
        sources = {t: suppressed[t] if t in suppressed else store.single_file(t) for t in tables}
        rel = publish_release(
            settings.data_path,
            sources,
            data_origin=cfg.data_origin,
            district={"id": cfg.district.id, "name": cfg.district.name, "ags": cfg.district.ags,
                      **({"tiles": tiles} if (tiles := cfg.tile_positions()) else {})},
            inputs=_inputs_for_manifest(settings),
            package=cfg.package_metadata(),
            workbook=cfg.publishing.workbook,
            workbook_max_rows=cfg.publishing.workbook_max_rows,
        )
        context.log.info(f"published release {rel.release_id} at {rel.path}")
        pruned = prune_releases(settings.data_path, cfg.publishing.keep_releases)
        sql_tables = {}
        url = os.environ.get(cfg.publishing.sql_url_env) if cfg.publishing.sql_url_env else None
        if url:
            sql_tables = publish_to_sql(url, rel.path, tables, cfg.publishing.sql_schema)
        return MaterializeResult(
            metadata={
                "release_id": rel.release_id,
                "path": MetadataValue.path(str(rel.path)),
                "tables": MetadataValue.json({t: i["rows"] for t, i in rel.manifest["tables"].items()}),
                "data_origin": cfg.data_origin,
                "releases pruned": len(pruned),
                "tables with confidential cells suppressed": MetadataValue.json(sorted(suppressed)),
                "published to SQL": MetadataValue.json(sql_tables),
            }
        )

    return release
