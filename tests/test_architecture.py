"""The shape of the code base, asserted over the whole tree: imports run one way (pipelines → assets → sources →
warehouse), the computation and the parsers know nothing of Dagster, and the release contract lives in the project
(docs/contract.md), not somewhere a clone does not have."""

import ast
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
