"""Record changed search documents in the outbox, in the same transaction as the change.

The recipe of Flask-SQLAlchemy's ``track_modifications``: ``after_flush`` notes the documents
that flushed objects touch (their ids are known by then), ``before_commit`` flushes what is left
and writes the outbox rows, ``after_commit`` marks that there is work for the indexer, and
``after_rollback`` forgets everything, so a rolled-back change never reaches the index.
"""

from itertools import chain

from sqlalchemy import insert

from catalog.db import utcnow
from catalog.search.indexing.models import SearchOutbox

PENDING = "search_pending_docs"
COMMITTED = "search_committed"


def doc_ids_for(obj) -> set[str]:
    """The search documents a changed object affects.

    An indexed model says which by a ``search_doc_ids()`` method; other objects touch none.
    """
    method = getattr(obj, "search_doc_ids", None)
    return method() if method else set()


def record(session, doc_ids) -> None:
    """Note documents to reindex when this transaction commits (for bulk writes too)."""
    session.info.setdefault(PENDING, set()).update(doc_ids)


def _collect(session, flush_context) -> None:
    """Note the documents touched by the objects just flushed."""
    for obj in chain(session.new, session.dirty, session.deleted):
        ids = doc_ids_for(obj)
        if ids:
            record(session, ids)


def _write_outbox(session) -> None:
    """Flush what is left and write one outbox row per touched document."""
    session.flush()
    pending = session.info.pop(PENDING, None)
    if pending:
        now = utcnow()
        session.execute(
            insert(SearchOutbox), [{"doc_id": d, "created_at": now} for d in sorted(pending)]
        )
        session.info[COMMITTED] = True


def _forget(session) -> None:
    """A rolled-back transaction indexes nothing."""
    session.info.pop(PENDING, None)
    session.info.pop(COMMITTED, None)


SESSION_LISTENERS = [
    ("after_flush", _collect),
    ("before_commit", _write_outbox),
    ("after_rollback", _forget),
]
"""Registered by ``catalog.listeners`` in its stated order."""


def take_committed_flag(session) -> bool:
    """Whether a commit since the last call wrote outbox rows (and reset the flag)."""
    return bool(session.info.pop(COMMITTED, False))
