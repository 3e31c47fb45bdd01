"""Ticket reference numbers: ``SUP-000123``, unique under concurrency, never reused.

A number is the id of a new row in the ``ticket_number`` sequence table. The insert is atomic
in every database, an aborted transaction's number is simply skipped, and SQLite's
AUTOINCREMENT (PostgreSQL's identity) never hands out an id again, so a reference once seen is
never reused or renumbered. The prefix is read at creation and stored with the reference.
"""

from datetime import datetime

from catalog.extensions import db
from catalog.support.tickets.models import TicketNumber

DIGITS = 6


def format_reference(prefix: str, number: int) -> str:
    """``SUP`` and 123 → ``SUP-000123`` (more digits once past 999999)."""
    return f"{prefix}-{number:0{DIGITS}d}"


def issue_number(now: datetime) -> int:
    """Take the next ticket number (flushes one row of the sequence table)."""
    row = TicketNumber(issued_at=now)
    db.session.add(row)
    db.session.flush()
    return row.id
