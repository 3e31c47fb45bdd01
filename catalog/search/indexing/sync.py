"""Apply the search outbox to the index after commit, and rebuild the index from the database.

``sync`` reads the outbox entries after the folder's cursor (plus a re-scan of the last few
seconds, see ``catalog.search.indexing.cursor``), turns their doc ids into documents and applies
them in batches. It never raises ``LockError``: when the index or the sync lock stays busy past
the timeout it stops and leaves the entries for the next run — applying is idempotent, so
nothing is lost and nothing is harmed by applying twice.
"""

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete
from sqlalchemy import func
from sqlalchemy import or_
from sqlalchemy import select

from catalog.extensions import db
from catalog.search import engine as search
from catalog.search.engine.schema import to_timestamp
from catalog.search.indexing import cursor as cursors
from catalog.search.indexing import documents
from catalog.search.indexing.models import SearchOutbox

BATCH = 500
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SyncResult:
    """What one sync did: entries and documents applied, and whether it stopped early."""

    entries: int = 0
    documents: int = 0
    busy: bool = False
    unavailable: bool = False


def _pending(cur: cursors.Cursor, window_start: float) -> list[tuple[int, str, float]]:
    """The next batch of (id, doc id, row time): after the cursor, or recent and not yet applied."""
    since = search.schema.from_timestamp(int(window_start))
    statement = (
        select(SearchOutbox.id, SearchOutbox.doc_id, SearchOutbox.created_at)
        .where(or_(SearchOutbox.id > cur.last_id, SearchOutbox.created_at >= since))
        .order_by(SearchOutbox.id)
    )
    rows = []
    for row_id, doc_id, created in db.session.execute(statement):
        if row_id not in cur.recent:
            rows.append((row_id, doc_id, float(to_timestamp(created))))
            if len(rows) == BATCH:
                break
    return rows


def _apply_batch(folder: str, rows, timeout: float) -> int:
    """Apply one batch of outbox rows; return the number of documents written or deleted."""
    upserts, deletes = documents.load({doc_id for _, doc_id, _ in rows})
    return search.apply(folder, upserts, deletes, timeout=timeout)


def sync(folder: str, timeout: float, overlap: float, max_batches: int | None = None) -> SyncResult:
    """Apply pending outbox entries to the index in ``folder``; never raises on a busy index."""
    entries = applied = 0
    with cursors.locked(folder, timeout) as held:
        if not held:
            return SyncResult(busy=True)
        cur = cursors.read(folder)
        batches = 0
        while max_batches is None or batches < max_batches:
            window_start = time.time() - overlap
            rows = _pending(cur, window_start)
            if not rows:
                break
            try:
                applied += _apply_batch(folder, rows, timeout)
            except search.IndexBusy:
                return SyncResult(entries, applied, busy=True)
            except search.SearchUnavailable:
                return SyncResult(entries, applied, unavailable=True)
            cur.advance([(row_id, stamp) for row_id, _, stamp in rows], window_start)
            cursors.write(folder, cur)
            entries += len(rows)
            batches += 1
    return SyncResult(entries, applied)


def outbox_max_id() -> int:
    """The highest outbox id written so far (0 when empty)."""
    return db.session.scalar(select(func.max(SearchOutbox.id))) or 0


def reindex(
    folder: str, progress: Callable[[int, int], None] | None = None, procs: int | None = None
) -> int:
    """Rebuild the whole index from the database into a fresh folder and swap it in.

    The cursor is set to the outbox's highest id as read at the *start*, so every change
    committed while the rebuild ran is applied afterwards by the next sync.
    """
    with cursors.locked(folder, None):
        start_id = outbox_max_id()
        total = sum(documents.database_counts().values())
        count = search.rebuild(
            folder, documents.all_documents(), total=total, progress=progress, procs=procs
        )
        cursors.write(folder, cursors.Cursor(last_id=start_id))
    return count


def outbox_backlog(folder: str) -> int:
    """How many outbox entries the index in ``folder`` has not applied yet."""
    last_id = cursors.read(folder).last_id
    return (
        db.session.scalar(select(func.count(SearchOutbox.id)).where(SearchOutbox.id > last_id)) or 0
    )


def purge_outbox(before: datetime, keep_after_id: int | None = None) -> int:
    """Delete outbox entries written before ``before``; return how many (flushes, caller commits).

    ``keep_after_id`` is the slowest known cursor: entries after it are kept whatever their age,
    so no known index loses an entry it has not applied yet.
    """
    statement = delete(SearchOutbox).where(SearchOutbox.created_at < before)
    if keep_after_id is not None:
        statement = statement.where(SearchOutbox.id <= keep_after_id)
    return db.session.execute(statement).rowcount
