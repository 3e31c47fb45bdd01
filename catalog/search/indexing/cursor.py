"""The indexer's place in the outbox, kept in the index folder beside the index it describes.

``{"last_id": 1234, "recent": {"1230": 1718000000.0, …}}``: the highest outbox id applied, and
the ids applied within the overlap window with the time their row was written. Rows whose ids
were taken before ``last_id`` but committed after it (PostgreSQL sequences do that) are found
again by re-scanning the window; ``recent`` keeps them from being applied twice.

A per-folder ``flock`` serialises the "read cursor → apply → write cursor" cycle of every
process, and a rebuild holds it while it swaps the new index in and resets the cursor.
"""

import contextlib
import fcntl
import json
import os
import time
from dataclasses import dataclass
from dataclasses import field

CURSOR_FILE = "outbox_cursor.json"
LOCK_FILE = ".sync.lock"


@dataclass
class Cursor:
    """The last applied outbox id and the recently applied ids (id → row time)."""

    last_id: int = 0
    recent: dict[int, float] = field(default_factory=dict)

    def advance(self, rows, window_start: float) -> None:
        """Note applied ``rows`` (id, timestamp) and forget ids older than the window."""
        for row_id, stamp in rows:
            self.last_id = max(self.last_id, row_id)
            self.recent[row_id] = stamp
        self.recent = {i: t for i, t in self.recent.items() if t >= window_start}


def read(folder: str) -> Cursor:
    """The folder's cursor (a fresh one if none was written yet or it is unreadable)."""
    try:
        with open(os.path.join(folder, CURSOR_FILE), encoding="utf-8") as handle:
            data = json.load(handle)
        return Cursor(
            int(data["last_id"]), {int(k): float(v) for k, v in data.get("recent", {}).items()}
        )
    except (OSError, ValueError, KeyError, TypeError):
        return Cursor()


def known(folder: str) -> bool:
    """Whether the folder has a cursor file (an index has been built or synced there)."""
    return os.path.exists(os.path.join(folder, CURSOR_FILE))


def write(folder: str, cursor: Cursor) -> None:
    """Replace the cursor file atomically."""
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, CURSOR_FILE)
    tmp = f"{path}.{os.getpid()}.tmp"
    with open(tmp, "w", encoding="utf-8") as handle:
        json.dump(
            {"last_id": cursor.last_id, "recent": {str(k): v for k, v in cursor.recent.items()}},
            handle,
        )
    os.replace(tmp, path)


@contextlib.contextmanager
def locked(folder: str, timeout: float | None):
    """Hold the folder's sync lock; yield False (holding nothing) if not free within ``timeout``."""
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, LOCK_FILE), "a+") as handle:
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | (0 if deadline is None else fcntl.LOCK_NB))
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    yield False
                    return
                time.sleep(0.02)
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
