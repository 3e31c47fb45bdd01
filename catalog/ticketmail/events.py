"""Turn ticket events into outbox rows in the same transaction, and act only after commit.

The recipe of ``catalog.search.indexing.events``: ``after_flush`` notes new ``TicketEvent`` rows,
``before_commit`` composes their e-mails into ``mail_outbox`` (so the notification commits or
rolls back with the change), ``after_commit`` hands the new row ids to whoever wants to send
at once (``MAIL_SEND_IN_REQUEST``), and ``after_rollback`` forgets everything.
"""

from flask import current_app
from flask import g
from sqlalchemy import inspect

from catalog.db import utcnow
from catalog.extensions import db
from catalog.support.tickets.models import TicketEvent
from catalog.ticketmail.notifications import queue_for_events
from catalog.ticketmail.worker import send_rows

PENDING_EVENTS = "mail_pending_events"
PENDING_ROWS = "mail_pending_rows"
COMMITTED_ROWS = "mail_committed_rows"


def _collect(session, flush_context) -> None:
    """Note the ticket events just inserted."""
    new = [obj for obj in session.new if isinstance(obj, TicketEvent)]
    if new:
        session.info.setdefault(PENDING_EVENTS, []).extend(new)


def _write_outbox(session) -> None:
    """Flush what is left, then write the e-mails of the noted events into the outbox."""
    session.flush()
    events = session.info.pop(PENDING_EVENTS, None)
    if not events:
        return
    rows = queue_for_events(events, utcnow())
    session.flush()
    session.info.setdefault(PENDING_ROWS, []).extend(inspect(row).identity[0] for row in rows)


def _committed(session) -> None:
    """The rows written by this transaction are now safe to send."""
    rows = session.info.pop(PENDING_ROWS, None)
    if rows:
        session.info.setdefault(COMMITTED_ROWS, []).extend(rows)


def _forget(session) -> None:
    """A rolled-back transaction queues and sends nothing."""
    session.info.pop(PENDING_EVENTS, None)
    session.info.pop(PENDING_ROWS, None)


SESSION_LISTENERS = [
    ("after_flush", _collect),
    ("before_commit", _write_outbox),
    ("after_commit", _committed),
    ("after_rollback", _forget),
]
"""Registered by ``catalog.listeners`` in its stated order."""


def init_app(app) -> None:
    """Offer each request's committed notifications to the sender right after the request."""
    app.after_request(send_after_request)


def take_committed_rows(session) -> list[int]:
    """Ids of outbox rows committed since the last call (and forget them)."""
    return session.info.pop(COMMITTED_ROWS, [])


def send_after_request(response):
    """With ``MAIL_SEND_IN_REQUEST``, send this request's notifications now; never fail it."""
    rows = take_committed_rows(db.session)
    if rows and current_app.config["MAIL_SEND_IN_REQUEST"] and not g.get("mail_sending"):
        g.mail_sending = True
        try:
            send_rows(rows, utcnow())
        except Exception:
            db.session.rollback()
            current_app.logger.exception(
                "sending notifications after the request failed; the outbox keeps them"
            )
    return response
