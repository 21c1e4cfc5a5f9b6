"""One run per data directory at a time: `klimamonitor run` holds an exclusive lock on DATA_DIR/.run.lock for the
whole run (an OS file lock: it is released when the process ends, also when it is killed, so it never goes stale).
A second run refuses with the holder's pid, start time and command, or waits for it with `--wait`.

Runs launched by the Dagster daemon queue instead (deploy/dagster.yaml: QueuedRunCoordinator, one at a time).
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import sys
import time
from pathlib import Path

LOCK_FILE = ".run.lock"


class RunLocked(RuntimeError):
    pass


class RunLock:
    def __init__(self, data_dir: Path, wait_s: float = 0.0):
        self.path = Path(data_dir) / LOCK_FILE
        self.wait_s = wait_s
        self._fh = None

    def holder(self) -> str:
        try:
            info = json.loads(self.path.read_text(encoding="utf-8") or "{}")
        except (OSError, ValueError):
            return "another process"
        return (f"pid {info.get('pid', '?')}, started {info.get('started_at', '?')}, "
                f"command {info.get('command', '?')!r}")

    def is_free(self) -> bool:
        """Whether no process holds the lock now (a probe: taken and given back at once)."""
        if not self.path.exists():
            return True
        with open(self.path, "a+", encoding="utf-8") as fh:
            try:
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return False
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
            return True

    def __enter__(self) -> RunLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fh = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 - held for the whole run
        deadline = time.monotonic() + self.wait_s
        while True:
            try:
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    fh.close()
                    raise RunLocked(f"another run is using {self.path.parent} ({self.holder()}); wait for it to "
                                    "finish or start this one with --wait SECONDS") from None
                time.sleep(0.5)
        fh.seek(0)
        fh.truncate()
        fh.write(json.dumps({"pid": os.getpid(), "started_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                             "command": " ".join(sys.argv[:4])}))
        fh.flush()
        self._fh = fh
        return self

    def __exit__(self, *exc) -> None:
        if self._fh is not None:
            self._fh.seek(0)
            self._fh.truncate()
            fcntl.flock(self._fh.fileno(), fcntl.LOCK_UN)
            self._fh.close()
            self._fh = None
