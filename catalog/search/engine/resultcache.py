"""A bounded, per-process cache of result pages, keyed by the index generation.

A repeated search (the same words, visibilities, filters, sort and page) is answered from
memory. The key starts with the build folder and the generation of the searcher that would
answer it, so a new commit to the index or a swapped-in rebuild makes every older entry
unreachable: a cached page is never staler than the cached searcher itself (refreshed every
``searcher.REFRESH_SECONDS``). The caller's visibilities are part of the key, so a page built
for staff is never served to a customer or an anonymous visitor. Old entries fall out in
least-recently-used order; size 0 turns the cache off.
"""

import threading
from collections import OrderedDict


class ResultCache:
    """A thread-safe LRU of at most ``size`` search results (0: off)."""

    def __init__(self, size: int):
        self.size = max(0, int(size or 0))
        self._items: OrderedDict = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key):
        """The cached value for ``key``, or None."""
        if not self.size:
            return None
        with self._lock:
            value = self._items.get(key)
            if value is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return value

    def put(self, key, value) -> None:
        """Remember ``value`` for ``key``, forgetting the least recently used beyond size."""
        if not self.size:
            return
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)


def cache_key(entry, q, allowed, filters, sort, page, per_page, highlight, facets):
    """The key of one search: the searcher's build and generation, then everything asked."""
    generation = entry.searcher.reader().generation()
    return (
        entry.path,
        generation,
        " ".join(str(q).split()),
        tuple(sorted(set(allowed))),
        tuple(sorted((k, str(v)) for k, v in (filters or {}).items() if v)),
        sort,
        page,
        per_page,
        bool(highlight),
        bool(facets),
    )
