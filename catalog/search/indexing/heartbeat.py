"""Whether an indexer is following this index folder: a file it touches every second.

``search run-indexer`` holds a :class:`Heartbeat` while it runs. A thread touches
``indexer.heartbeat`` in the index folder every second for as long as the indexer's loop keeps
passing (it calls :meth:`Heartbeat.beat` once a pass); a loop stuck for ``stall`` seconds stops
the heartbeat, and a clean stop removes the file. A killed indexer (SIGKILL, a crash) leaves
the file behind, but it goes stale within seconds.

A web request that committed a change asks :func:`indexer_running`: if the file is fresh, the
indexer applies the change within a second or so, and the request answers at once instead of
writing the index itself (``catalog.search.indexing.hooks``).
"""

import contextlib
import os
import threading
import time

HEARTBEAT_FILE = "indexer.heartbeat"


def indexer_running(folder: str, fresh: float) -> bool:
    """Whether an indexer touched the folder's heartbeat within ``fresh`` seconds.

    A heartbeat from the future (touched before the clock was set back) is not fresh: it
    would otherwise leave every request's changes to no indexer until the clock caught up.
    """
    try:
        touched = os.stat(os.path.join(folder, HEARTBEAT_FILE)).st_mtime
    except OSError:
        return False
    return abs(time.time() - touched) <= fresh


def touch(folder: str) -> None:
    """Create or touch the heartbeat file (the folder is created if missing)."""
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, HEARTBEAT_FILE)
    with open(path, "a", encoding="utf-8"):
        pass
    os.utime(path)


class Heartbeat:
    """Touch the heartbeat every ``period`` s while :meth:`beat` was called within ``stall`` s."""

    def __init__(self, folder: str, period: float = 1.0, stall: float = 60.0):
        self.folder, self.period, self.stall = folder, period, stall
        self._last_beat = time.monotonic()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="indexer-heartbeat", daemon=True)

    def beat(self) -> None:
        """The indexer's loop made a pass."""
        self._last_beat = time.monotonic()

    def _run(self) -> None:
        """Touch the file until stopped; skip while the loop seems stuck."""
        while not self._stop.wait(self.period):
            if time.monotonic() - self._last_beat <= self.stall:
                with contextlib.suppress(OSError):  # a missing folder: the next touch retries
                    touch(self.folder)

    def __enter__(self) -> "Heartbeat":
        """Touch the file now and start the thread."""
        touch(self.folder)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        """Stop the thread and remove the file: requests apply their own changes again."""
        self._stop.set()
        self._thread.join()
        with contextlib.suppress(FileNotFoundError):
            os.remove(os.path.join(self.folder, HEARTBEAT_FILE))
