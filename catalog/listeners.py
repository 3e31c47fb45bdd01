"""The database session's event listeners, registered once, in an order that matters.

SQLAlchemy calls the listeners of one event in the order they were registered, so they are
registered here, from ``create_app``, never as a side effect of importing a module:

1. ``marketplace.cache`` (``before_flush``): moves the catalog version in the same flush as a
   catalog change, so every worker sees the change on its very next request.
2. ``unitofwork`` (``after_flush``, ``after_commit``, ``after_rollback``): notes flushed work,
   so a request that ends without committing it fails loudly in test mode.
3. ``ticketmail.events``: notes new ticket events, and in ``before_commit`` composes their
   e-mails into the mail outbox. It runs **before** the search outbox below because composing
   flushes new rows; whatever that flush touches must still be seen by the search listener.
4. ``search.indexing.events``: notes the search documents each flush touches, and in
   ``before_commit`` — **last**, after every other listener has flushed what it writes —
   flushes once more and writes the search outbox, so no committed change escapes the index.
"""

from flask import Flask
from sqlalchemy import event

from catalog import unitofwork
from catalog.extensions import db
from catalog.marketplace import cache
from catalog.search.indexing import events as search_events
from catalog.ticketmail import events as mail_events

ORDER = (cache, unitofwork, mail_events, search_events)


def init_app(app: Flask) -> None:
    """Attach every module's ``SESSION_LISTENERS`` to the session, in ``ORDER``; idempotent.

    The session is process-wide, so a second app (tests make many) adds nothing twice.
    """
    for module in ORDER:
        for name, listener in module.SESSION_LISTENERS:
            if not event.contains(db.session, name, listener):
                event.listen(db.session, name, listener)
