"""The asset graph of the demo configuration against a committed snapshot (tests/snapshots/asset_graph.json): every
asset key with its group, its upstream keys and its checks. A change to the graph shows here as a diff; after an
intended change, rewrite the snapshot with `KLIMAMONITOR_UPDATE_SNAPSHOT=1 pytest tests/pipelines/test_asset_graph.py`
and commit it with the change."""

import json
import os

from pipelines.definitions import build_defs

from ..conftest import PROJECT_ROOT

SNAPSHOT = PROJECT_ROOT / "tests" / "snapshots" / "asset_graph.json"


def graph_snapshot(defs) -> dict:
    graph = defs.resolve_asset_graph()
    checks: dict[str, list[str]] = {}
    for key in graph.asset_check_keys:
        checks.setdefault(key.asset_key.to_user_string(), []).append(key.name)
    return {
        key.to_user_string(): {
            "group": graph.get(key).group_name,
            "upstream": sorted(k.to_user_string() for k in graph.get(key).parent_keys),
            "checks": sorted(checks.get(key.to_user_string(), [])),
        }
        for key in sorted(graph.get_all_asset_keys(), key=lambda k: k.to_user_string())
    }


def test_asset_graph_matches_the_snapshot(data_dir, demo_config):
    snapshot = graph_snapshot(build_defs(demo_config, data_dir))
    if os.environ.get("KLIMAMONITOR_UPDATE_SNAPSHOT") == "1":
        lines = [f" {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}" for k, v in snapshot.items()]
        SNAPSHOT.write_text("{\n" + ",\n".join(lines) + "\n}\n", encoding="utf-8")  # an asset per line
    expected = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    added, removed = sorted(set(snapshot) - set(expected)), sorted(set(expected) - set(snapshot))
    changed = sorted(k for k in set(snapshot) & set(expected) if snapshot[k] != expected[k])
    assert not (added or removed or changed), (
        f"the asset graph changed: added {added}, removed {removed}, changed {changed} "
        "(rewrite the snapshot with KLIMAMONITOR_UPDATE_SNAPSHOT=1 if intended)")
