"""How soon a post is searchable under load: one probe customer posting every few seconds.

During the mixed phase a thread of the main process, logged in as one more customer, replies to
a random thread every ``PERIOD`` seconds through the web (like the load processes, with a unique
marker word), then searches the index folder for the marker every ``POLL`` seconds — in its own
process, through the same engine and the same cached-searcher refresh the web workers use, so
the polling adds no load to the workers. The delay from the redirect that acknowledged the post
to the first search that finds it is the figure; the target is ≤ 2 s (docs/search.md). Until
then each poll also opens the index afresh and looks the document up by id, which tells how
much of the delay is the indexer's (``indexed``) and how much the cached searcher's refresh.
"""

import threading
import time

from load_client import TOKEN_RE
from load_client import Run

from catalog.search import engine
from catalog.search.engine.index import open_index

PERIOD = 4.0
POLL = 0.05
GIVE_UP = 15.0
EVERYONE = ("public", "customers", "staff")


class Probe(threading.Thread):
    """Post a reply every ``PERIOD`` s until the deadline; time until its marker is found."""

    def __init__(self, port: int, folder: str, facts: dict, number: int, deadline: float):
        super().__init__(name="freshness-probe", daemon=True)
        self.folder, self.deadline = folder, deadline
        self.run_ = Run(port, facts, number, (0.0, deadline), f"fresh{number}", "mixed")
        self.delays: list[float] = []
        self.indexed: list[float] = []
        self.not_found = 0
        self.error: str | None = None

    def _found(self, marker: str, doc: str) -> bool:
        """Whether searching the index for ``marker`` finds document ``doc``."""
        results = engine.search(self.folder, marker, EVERYONE, per_page=5, facets=False)
        return doc in {hit.id for hit in results.hits}

    def _indexed(self, doc: str) -> bool:
        """Whether the index, opened afresh, holds document ``doc``."""
        with open_index(self.folder).searcher() as searcher:
            return searcher.document_number(id=doc) is not None

    def _one(self) -> None:
        """One reply, then poll the index until it is found or ``GIVE_UP`` s passed."""
        run = self.run_
        thread = run.rng.randint(1, run.facts["max_thread"])
        html = run.page(f"/forum/t/{thread}")
        if not html:
            return
        marker = run.marker()
        form = {"csrf_token": TOKEN_RE.search(html).group(1), "body": f"probe {marker}"}
        answer = run.call("probe-post", "POST", f"/forum/t/{thread}/reply", form)
        acknowledged = time.monotonic()
        before = len(run.writes)
        run.written("reply", marker, answer, r"#post-(\d+)$")
        if len(run.writes) == before:
            return
        doc = f"reply:{run.writes[-1]['id']}"
        indexed = None
        while time.monotonic() - acknowledged < GIVE_UP:
            if indexed is None and self._indexed(doc):
                indexed = time.monotonic() - acknowledged
            if self._found(marker, doc):
                self.delays.append(time.monotonic() - acknowledged)
                self.indexed.append(indexed if indexed is not None else self.delays[-1])
                return
            time.sleep(POLL)
        self.not_found += 1

    def run(self) -> None:
        """Log in, then probe every ``PERIOD`` s until the deadline."""
        try:
            self.run_.login()
            while time.time() + PERIOD < self.deadline:
                began = time.monotonic()
                self._one()
                time.sleep(max(0.0, PERIOD - (time.monotonic() - began)))
        except Exception as error:  # reported with the figures; the load goes on
            self.error = repr(error)

    def outcome(self) -> dict:
        """The delays (s), the posts not found in time, and the probe's acknowledged writes."""
        return {
            "delays": self.delays,
            "indexed": self.indexed,
            "not_found": self.not_found,
            "error": self.error,
            "writes": self.run_.writes,
            "requests": self.run_.requests,
        }
