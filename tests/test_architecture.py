"""The shape of the code base, asserted over the whole tree: imports run one way (pipelines → assets → sources →
warehouse), the computation and the parsers know nothing of Dagster, and the release contract lives in the project
(docs/contract.md), not somewhere a clone does not have."""

import ast
import re
import subprocess
from pathlib import Path

import pytest

from .conftest import PROJECT_ROOT

PACKAGES = ("pipelines", "assets", "sources", "warehouse")
# what each package may import of the others (its own modules always)
MAY_IMPORT = {"pipelines": {"assets", "sources", "warehouse"}, "assets": {"sources", "warehouse"},
              "sources": {"warehouse"}, "warehouse": set()}
WITHOUT_DAGSTER = ("sources", "warehouse", "assets/compute")


def imported_modules(path: Path, package: tuple[str, ...] | None = None) -> set[str]:
    """Every module a file imports, at the top or inside a function (relative imports resolved against `package`,
    by default the file's own)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = package or path.relative_to(PROJECT_ROOT).parent.parts
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = list(package[: len(package) - node.level + 1]) if node.level else []
            names.add(".".join([*base, node.module] if node.module else base))
    return names


def modules_of(package: str) -> list[Path]:
    return sorted(p for p in (PROJECT_ROOT / package).rglob("*.py") if "__pycache__" not in p.parts)


@pytest.mark.parametrize("package", PACKAGES)
def test_imports_run_one_way(package):
    wrong = [f"{path.relative_to(PROJECT_ROOT)} imports {name}"
             for path in modules_of(package) for name in sorted(imported_modules(path))
             if name.split(".")[0] in PACKAGES and name.split(".")[0] != package
             and name.split(".")[0] not in MAY_IMPORT[package]]
    assert not wrong, f"{package}/ may import only {sorted(MAY_IMPORT[package])}: " + "; ".join(wrong)


@pytest.mark.parametrize("folder", WITHOUT_DAGSTER)
def test_computation_and_parsers_do_not_import_dagster(folder):
    wrong = [str(path.relative_to(PROJECT_ROOT)) for path in modules_of(folder)
             if any(name.split(".")[0] == "dagster" for name in imported_modules(path))]
    assert not wrong, f"{folder}/ must stay free of dagster: {wrong}"


def test_the_checker_sees_a_wrong_import(tmp_path):
    """The test above can fail: a module of warehouse/ importing sources is seen (relative imports too)."""
    probe = tmp_path / "probe.py"
    probe.write_text("def f():\n    from sources.region import Region\n    from ..assets import config\n")
    assert imported_modules(probe, ("warehouse",)) == {"sources.region", "assets"}


def test_no_file_refers_to_a_contract_outside_the_project():
    files = subprocess.run(["git", "ls-files"], cwd=PROJECT_ROOT, capture_output=True, text=True,
                           check=True).stdout.split()
    citing = [f for f in files if (PROJECT_ROOT / f).is_file() and f != "tests/test_architecture.py"
              and "CONTRACT.md" in (PROJECT_ROOT / f).read_text(encoding="utf-8", errors="replace")]
    assert not citing, f"the contract is docs/contract.md; these cite another: {citing}"
    assert (PROJECT_ROOT / "docs" / "contract.md").is_file()


NAMING = {  # layer -> the form of its table names (docs/ingestion.md "Names")
    "landing": re.compile(r"^landing__[a-z_]+$"),
    "raw": re.compile(r"^raw_(?P<format>[a-z0-9_]+?)__(?P<shape>[a-z_]+?)(?:_rejected)?$"),
    "core": re.compile(r"^core_[a-z]+__[a-z_]+$"),
}


def naming_problem(name: str, layer: str, published: bool) -> str | None:
    """Why a table name breaks the rule, or None."""
    from sources.formats import FORMATS

    if published:
        return None if not any(name.startswith(p) for p in ("raw_", "core_", "landing_")) else \
            "a published table keeps the contract's plain name"
    pattern = NAMING.get(layer)
    if pattern is None or not (match := pattern.match(name)):
        return f"an internal {layer} table must be named like {pattern.pattern if pattern else 'landing/raw/core'}"
    if layer == "raw":
        fmt, shape = match["format"], match["shape"]
        if fmt not in FORMATS or shape not in {t.shape for t in FORMATS[fmt]}:
            return f"{fmt!r} is not a format of sources/formats.py filling shape {shape!r}"
    return None


def test_every_catalog_table_follows_the_naming_rule():
    from warehouse.catalog import all_tables

    wrong = {n: p for n, t in all_tables().items() if (p := naming_problem(n, t.layer, t.published))}
    assert not wrong, wrong


def test_the_naming_rule_can_fail():
    assert naming_problem("raw_tidy__final_energy", "raw", False)  # `tidy` is no format
    assert naming_problem("raw_grid_sheet__units", "raw", False)  # grid sheets hold no units
    assert naming_problem("facility_consumption", "core", False)
    assert naming_problem("core_energy__inputs", "balance", True)
    assert naming_problem("raw_mastr_xml__units_rejected", "raw", False) is None


def test_every_asset_key_follows_the_naming_rule_and_its_group_is_its_layer(data_dir, demo_config):
    from pipelines.definitions import build_defs
    from warehouse.catalog import all_tables

    catalog = all_tables()
    graph = build_defs(demo_config, data_dir).resolve_asset_graph()
    wrong = []
    for key in graph.get_all_asset_keys():
        name, group = key.to_user_string(), graph.get(key).group_name
        if name == "release":
            wrong += [] if group == "publish" else [f"release in group {group}"]
        elif name not in catalog:
            wrong.append(f"{name}: not a table of the catalog")
        elif problem := naming_problem(name, catalog[name].layer, catalog[name].published):
            wrong.append(f"{name}: {problem}")
        elif group != catalog[name].layer:
            wrong.append(f"{name}: group {group}, layer {catalog[name].layer}")
    assert not wrong, wrong


def test_balance_and_indicator_assets_read_no_raw_table(data_dir, demo_config):
    from pipelines.definitions import build_defs

    graph = build_defs(demo_config, data_dir).resolve_asset_graph()
    wrong = {key.to_user_string(): sorted(k.to_user_string() for k in graph.get(key).parent_keys
                                          if k.to_user_string().startswith("raw_"))
             for key in graph.get_all_asset_keys() if graph.get(key).group_name in ("balance", "indicators")}
    assert not {k: v for k, v in wrong.items() if v}, wrong
    assert wrong  # there are balance and indicator assets to look at


def test_the_catalog_has_no_import_circle():
    """Classes in warehouse/schema.py, vocabularies in warehouse/vocabularies.py, field and table data in modules
    that import no class back from the catalog; every import at the top of the module, none hidden in a function."""
    allowed = {"vocabularies": set(), "schema": set(), "fields": {"warehouse.schema", "warehouse.vocabularies"},
               "tables": {"warehouse.schema", "warehouse.fields", "warehouse.vocabularies"},
               "catalog": {"warehouse.schema", "warehouse.tables"}}
    for module, may in allowed.items():
        path = PROJECT_ROOT / "warehouse" / f"{module}.py"
        inner = {n for n in imported_modules(path) if n.startswith("warehouse")}
        assert inner <= may, f"warehouse/{module}.py imports {sorted(inner - may)}"
        tree = ast.parse(path.read_text(encoding="utf-8"))
        top = {id(n) for n in tree.body}
        hidden = [n.lineno for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom)) and id(n) not in top
                  and (getattr(n, "module", "") or "").startswith("warehouse")]
        assert not hidden, f"warehouse/{module}.py imports inside functions at lines {hidden}"
