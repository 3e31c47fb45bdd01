"""A per-process cache of rendered catalog fragments, invalidated by a version number.

Every change to a catalog model moves ``catalog_state.version`` in the same transaction (a
``before_flush`` hook, and ``bump_version`` for bulk writes that bypass the unit of work). Each
request reads that one number, so a change made through any worker is visible on the very next
request to every worker, while unchanged pages are served from memory.
"""

from collections import OrderedDict
from collections.abc import Callable
from threading import Lock

from sqlalchemy import insert
from sqlalchemy import select
from sqlalchemy import update

from catalog.extensions import db
from catalog.marketplace.models import App
from catalog.marketplace.models import CatalogState
from catalog.marketplace.models import Category
from catalog.marketplace.models import OperatorCoverage
from catalog.marketplace.models import SupportTerms
from catalog.marketplace.models import Vendor

CATALOG_MODELS = (App, Vendor, Category, SupportTerms, OperatorCoverage)
STATE_ID = 1


def bump_version(session) -> None:
    """Move the catalog version forward inside the current transaction."""
    result = session.execute(
        update(CatalogState)
        .where(CatalogState.id == STATE_ID)
        .values(version=CatalogState.version + 1)
    )
    if result.rowcount == 0:
        session.execute(insert(CatalogState).values(id=STATE_ID, version=1))


def current_version() -> int:
    """Read the catalog version (one small query per request)."""
    version = db.session.scalar(select(CatalogState.version).where(CatalogState.id == STATE_ID))
    return version or 0


def _touches_catalog(session) -> bool:
    """Whether the pending flush adds, changes or deletes any catalog model."""
    if any(isinstance(obj, CATALOG_MODELS) for obj in (*session.new, *session.deleted)):
        return True
    return any(
        isinstance(obj, CATALOG_MODELS) and session.is_modified(obj) for obj in session.dirty
    )


def _bump_on_catalog_change(session, flush_context, instances) -> None:
    """Bump the version whenever a flush writes a catalog model."""
    if _touches_catalog(session):
        bump_version(session)


SESSION_LISTENERS = [("before_flush", _bump_on_catalog_change)]


class FragmentCache:
    """A small thread-safe LRU of rendered HTML keyed by (catalog version, key)."""

    def __init__(self, size: int = 512):
        self.size = size
        self._items: OrderedDict = OrderedDict()
        self._lock = Lock()

    def get_or_render(self, version: int, key: tuple, render: Callable[[], str]) -> str:
        """Return the cached fragment for this version and key, rendering it on a miss."""
        if self.size <= 0:
            return render()
        full_key = (version, key)
        with self._lock:
            if full_key in self._items:
                self._items.move_to_end(full_key)
                return self._items[full_key]
        value = render()
        with self._lock:
            self._items[full_key] = value
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value

    def clear(self) -> None:
        """Forget everything (tests use it)."""
        with self._lock:
            self._items.clear()
