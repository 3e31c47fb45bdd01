"""Jobs run from the command line: close quiet resolved tickets, flag clocks near or past due."""

from datetime import datetime
from datetime import timedelta

from sqlalchemy import select

from catalog.extensions import db
from catalog.support.tickets.clocks import clock_state
from catalog.support.tickets.lifecycle import OPEN_STATUSES
from catalog.support.tickets.lifecycle import SYSTEM
from catalog.support.tickets.models import Ticket
from catalog.support.tickets.models import TicketClock
from catalog.support.tickets.operations import change_status
from catalog.support.tickets.operations import record


def close_quiet(now: datetime, quiet: timedelta) -> list[str]:
    """Close resolved tickets with no activity for ``quiet``; return their references."""
    statement = (
        select(Ticket)
        .where(Ticket.status == "resolved", Ticket.last_activity_at <= now - quiet)
        .order_by(Ticket.id)
    )
    closed = []
    for ticket in db.session.scalars(statement):
        change_status(
            ticket, None, SYSTEM, "closed", now, note="Closed automatically after a quiet period."
        )
        closed.append(ticket.reference)
    return closed


def flag_clocks(now: datetime) -> dict[str, int]:
    """Record a timeline event, once, for each open clock that passed 80 % or its due time."""
    statement = (
        select(TicketClock)
        .join(Ticket)
        .where(TicketClock.met_at.is_(None), Ticket.status.in_(OPEN_STATUSES))
        .where(TicketClock.due_at.is_not(None), (TicketClock.breached.is_(False)))
    )
    counts = {"warning": 0, "breached": 0}
    for clock in db.session.scalars(statement):
        state = clock_state(now, clock.warn_at, clock.due_at, None)
        if state == "breached" or (state == "warning" and not clock.warned):
            clock.warned = True
            clock.breached = state == "breached"
            record(
                clock.ticket,
                None,
                f"clock_{state}",
                now,
                target=clock.target,
                due=clock.due_at.isoformat(),
            )
            counts[state] += 1
    db.session.flush()
    return counts
