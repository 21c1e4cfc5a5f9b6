"""All Dagster definitions load, with groups per layer and one main job; the workspace file points at them."""

import yaml
from dagster import AssetKey

from pipelines.definitions import MAIN_JOB, build_defs

from ..conftest import PROJECT_ROOT


def test_definitions_load_with_groups(data_dir, demo_config):
    defs = build_defs(demo_config, data_dir)
    graph = defs.resolve_asset_graph()
    keys = {k.to_user_string() for k in graph.get_all_asset_keys()}
    assert {"municipalities", "release"} <= keys
    groups = {graph.get(k).group_name for k in graph.get_all_asset_keys()}
    assert {"core", "publish"} <= groups
    assert defs.resolve_job_def(MAIN_JOB) is not None
    # the release depends on every published table
    release_deps = {k.to_user_string() for k in graph.get(AssetKey("release")).parent_keys}
    assert "municipalities" in release_deps


def test_workspace_points_at_the_code_location_module():
    workspace = yaml.safe_load((PROJECT_ROOT / "workspace.yaml").read_text())
    target = workspace["load_from"][0]["python_module"]
    assert target["module_name"] == "pipelines.location" and target["attribute"] == "defs"
    import importlib

    module = importlib.import_module(target["module_name"])
    assert getattr(module, target["attribute"]) is not None


def test_importing_the_definitions_module_builds_nothing():
    """Only the code location module builds definitions on import; the CLI and the tests build them when asked."""
    import subprocess
    import sys

    code = ("import sys, pipelines.cli, pipelines.automation, pipelines.definitions as d\n"
            "print(hasattr(d, 'defs'), 'pipelines.location' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=PROJECT_ROOT, check=True)
    assert out.stdout.split() == ["False", "False"]
