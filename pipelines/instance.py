"""The project-local Dagster instance: DATA_DIR/.dagster with telemetry and the community pop-up off, shared by
`klimamonitor run` and the UI.

Its run history is SQLite, and Dagster opens, writes and commits one connection per event (about 1,500 events for a
demo run). With SQLite's default `synchronous = FULL` every commit waits for the disk (18 ms each measured on this
project's 2-core machine: a third of a demo run). `klimamonitor run` therefore writes the local history with
`synchronous = OFF`: a process that is killed loses nothing (SQLite's journal still protects each write); only a
power cut or an operating-system crash in the middle of a run could damage the history database, never the data,
whose own files are written atomically and synced. Production instances keep their history in PostgreSQL (deploy/).
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

DAGSTER_YAML = """\
# Written by klimamonitor. Local run and event storage (SQLite) for this data directory.
# For production storage on PostgreSQL see deploy/ (docs/operations.md).
telemetry:
  enabled: false
# No "join the community" pop-up over the UI's first view.
nux:
  enabled: false
# Runs launched from the UI, sensors and schedules wait in a queue and run one at a time (one data directory).
run_coordinator:
  module: dagster.core.run_coordinator
  class: QueuedRunCoordinator
  config:
    max_concurrent_runs: 1
# Runs whose worker died (killed, out of memory) are marked failed by the daemon, so the queue never waits for them;
# runs of `klimamonitor run` that were killed are closed by the next run, by `status` and by the
# close_interrupted_runs sensor (pipelines/interrupted.py).
run_monitoring:
  enabled: true
  start_timeout_seconds: 180
  max_resume_run_attempts: 0
  poll_interval_seconds: 60
"""


def ensure_dagster_home(data_dir: Path) -> Path:
    """Create DATA_DIR/.dagster with a dagster.yaml (telemetry and the community pop-up off) and point DAGSTER_HOME
    at it; a dagster.yaml that klimamonitor wrote before a setting existed gets it added."""
    home = Path(data_dir).resolve() / ".dagster"
    home.mkdir(parents=True, exist_ok=True)
    cfg = home / "dagster.yaml"
    if not cfg.exists():
        cfg.write_text(DAGSTER_YAML)
    else:
        _add_missing_blocks(cfg)
    os.environ["DAGSTER_HOME"] = str(home)
    _quick_history_under(home)
    return home


def _blocks(text: str) -> dict[str, str]:
    """The top-level blocks of a dagster.yaml by key, each with the comment lines above it."""
    current, blocks, pending = None, {}, []
    for line in text.splitlines(keepends=True):
        if line.startswith("#"):
            pending.append(line)
        elif line[:1].isalpha():
            current = line.split(":")[0]
            blocks[current] = "".join(pending) + line
            pending = []
        elif current:
            blocks[current] += line
    return blocks


def _add_missing_blocks(cfg: Path) -> None:
    """Settings klimamonitor writes (the community pop-up off, the run queue, run monitoring) added to a dagster.yaml
    it wrote before they existed; a file written by someone else is left as it is."""
    text = cfg.read_text()
    if not text.startswith("# Written by klimamonitor"):
        return
    present = {line.split(":")[0] for line in text.splitlines() if line[:1].isalpha()}
    missing = [block for key, block in _blocks(DAGSTER_YAML).items() if key not in present]
    if missing:
        from warehouse.files import atomic_write_text

        atomic_write_text(cfg, text.rstrip("\n") + "\n" + "".join(missing))


_QUICK_HISTORY: set[str] = set()


def _quick_history_under(home: Path) -> None:
    """Open SQLite databases below `home` (the local run history) with `synchronous = OFF` (see the module's
    docstring); every other database keeps SQLite's defaults."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    if not _QUICK_HISTORY:
        event.listen(Engine, "connect", _on_connect)
    _QUICK_HISTORY.add(str(home) + os.sep)


def _on_connect(dbapi_connection, _record) -> None:
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    files = [row[2] for row in dbapi_connection.execute("PRAGMA database_list") if row[2]]
    if any(f.startswith(prefix) for f in files for prefix in _QUICK_HISTORY):
        dbapi_connection.execute("PRAGMA synchronous = OFF")
