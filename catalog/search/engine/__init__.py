"""Full-text search of the knowledge forum, behind our own small API.

No Flask or database imports here: the web layer turns its models into
:class:`Document` objects and calls these functions.

* :func:`search` / :func:`suggest` — read side (cached per-process searcher).
* :func:`apply` — idempotent batch of upserts and deletes (the outbox indexer).
* :func:`rebuild` — full build into a new folder, swapped in atomically.
* :func:`health` — "ok", "missing" or "damaged", for status pages and 503s.
* :class:`SearchUnavailable` — raised when the index is missing or damaged.
"""

from catalog.search.engine.deflection import suggest
from catalog.search.engine.errors import IndexBusy
from catalog.search.engine.errors import SearchError
from catalog.search.engine.errors import SearchUnavailable
from catalog.search.engine.fulltext import search
from catalog.search.engine.index import Health
from catalog.search.engine.index import apply
from catalog.search.engine.index import create
from catalog.search.engine.index import health
from catalog.search.engine.index import rebuild
from catalog.search.engine.results import MAX_PAGE
from catalog.search.engine.results import Hit
from catalog.search.engine.results import SearchResults
from catalog.search.engine.schema import Document

__all__ = [
    "Document",
    "Health",
    "Hit",
    "MAX_PAGE",
    "IndexBusy",
    "SearchError",
    "SearchResults",
    "SearchUnavailable",
    "apply",
    "create",
    "health",
    "rebuild",
    "search",
    "suggest",
]
