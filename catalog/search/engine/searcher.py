"""The cached Whoosh searcher every read goes through, and the visibility filter.

Searchers are cached per process *and thread* (opening one costs ~90 ms at 100k
documents) and checked every :data:`REFRESH_SECONDS` for new commits or a
swapped-in rebuild; a forked worker never reuses its parent's searcher.
Documents outside the caller's visibilities never contribute a hit, a facet
count or a "did you mean" word: every read passes :func:`hidden_docs`.
The entry also holds a searcher of the build's small answers index
(``entry.answers``, None for a build made before it existed), refreshed with
the main one, for deflection.
"""

import os
import threading
import time

from whoosh import query as wq

from catalog.search.engine import ranking
from catalog.search.engine.errors import SearchUnavailable
from catalog.search.engine.index import current_path
from catalog.search.engine.index import open_answers
from catalog.search.engine.index import open_index
from catalog.search.engine.schema import VISIBILITIES

REFRESH_SECONDS = 1.0
_local = threading.local()


class _Cached:
    """A searcher with the build path it came from and its visibility filters."""

    def __init__(self, folder):
        self.path = current_path(folder)
        self.searcher = open_index(folder).searcher(weighting=ranking.weighting())
        self.checked = time.monotonic()
        self.pid = os.getpid()
        self.filters = {}
        self.answers = _answers_searcher(self.path)
        self.answer_filters = {}

    def fresh(self, folder):
        """Return self if still current, else a refreshed or reopened searcher."""
        if time.monotonic() - self.checked < REFRESH_SECONDS:
            return self
        if current_path(folder) != self.path:
            self.close()  # A rebuild was swapped in; this cache is per thread.
            return _Cached(folder)
        self.checked = time.monotonic()
        if not self.searcher.up_to_date():
            # Not searcher.refresh(): without mmap it leaves segment files open (ResourceWarning).
            old = self.searcher
            self.searcher = open_index(folder).searcher(weighting=ranking.weighting())
            old.close()
            self.filters = {}
        if self.answers is not None and not self.answers.up_to_date():
            old, self.answers = self.answers, _answers_searcher(self.path)
            old.close()
            self.answer_filters = {}
        return self

    def close(self):
        """Close the searcher's files (once)."""
        for name in ("searcher", "answers"):
            searcher = getattr(self, name, None)
            setattr(self, name, None)
            if searcher is not None:
                searcher.close()

    def __del__(self):
        # A thread that ends (a threaded dev server makes one per request) drops its cache:
        # close the files then, rather than leave them to the garbage collector.
        self.close()

    def docs(self, key, query, answers=False):
        """Return the cached set of document numbers matching a filter query.

        With ``answers`` the set is of the answers index's document numbers.
        """
        filters, searcher = (
            (self.answer_filters, self.answers) if answers else (self.filters, self.searcher)
        )
        if key not in filters:
            filters[key] = set(searcher.docs_for_query(query))
        return filters[key]


def _answers_searcher(path):
    """Return a searcher of the answers index at ``path``, or None if the build has none."""
    answers = open_answers(path)
    return None if answers is None else answers.searcher()


def get_searcher(folder):
    """Return this thread's cached searcher entry for ``folder`` (SearchUnavailable if none)."""
    cache = getattr(_local, "cache", None)
    if cache is None:
        cache = _local.cache = {}
    key = os.path.abspath(folder)
    entry = cache.get(key)
    try:
        if entry is None or entry.pid != os.getpid():
            if entry is not None:
                entry.close()  # the parent's files, duplicated by fork
            entry = _Cached(folder)
        else:
            entry = entry.fresh(folder)
    except SearchUnavailable:
        _drop(cache, key)
        raise
    except Exception as exc:
        _drop(cache, key)
        raise SearchUnavailable(f"cannot open the search index: {exc!r}") from exc
    cache[key] = entry
    return entry


def _drop(cache, key):
    """Forget and close a cached searcher whose index went away."""
    entry = cache.pop(key, None)
    if entry is not None:
        entry.close()


def hidden_docs(entry, allowed, answers=False):
    """Return the documents the caller may not see, as a ``mask=`` set (None: nothing hidden).

    A mask of what is hidden, not a filter of what is visible: public documents are nearly all
    of them, so the hidden set is small and cheap to build again after every refresh (a filter
    set of 100,000 visible documents cost ~6 % of a worker's time under load, rebuilt after
    each post).  With ``answers`` the set is of the answers index's document numbers.
    """
    hidden = sorted(frozenset(VISIBILITIES) - frozenset(allowed))
    if not hidden:
        return None
    if len(hidden) == len(VISIBILITIES):
        return entry.docs(("hidden", "all"), wq.Every(), answers=answers)
    query = wq.Or([wq.Term("visibility", v) for v in hidden])
    return entry.docs(("hidden", tuple(hidden)), query, answers=answers)
