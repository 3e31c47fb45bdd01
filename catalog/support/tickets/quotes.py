"""Consulting quotes: the operator proposes rate, hours, completion date; the customer decides."""

from datetime import date
from datetime import datetime
from decimal import Decimal

from catalog.extensions import db
from catalog.support.tickets.lifecycle import AGENT
from catalog.support.tickets.lifecycle import CUSTOMER
from catalog.support.tickets.models import ConsultingQuote
from catalog.support.tickets.models import Ticket
from catalog.support.tickets.operations import TicketError
from catalog.support.tickets.operations import change_status
from catalog.support.tickets.operations import record


def rate_problem(ticket: Ticket, rate: Decimal) -> str | None:
    """Why a rate is outside the operator's range for the app (None when it is inside)."""
    snapshot = ticket.terms_snapshot or {}
    low, high = snapshot.get("rate_min"), snapshot.get("rate_max")
    if low is not None and rate < Decimal(low):
        return f"The rate must be at least {Decimal(low):.2f} per hour for this app."
    if high is not None and rate > Decimal(high):
        return f"The rate must be at most {Decimal(high):.2f} per hour for this app."
    return None


def propose(
    ticket: Ticket,
    user,
    rate: Decimal,
    hours: Decimal,
    completion_on: date,
    note: str,
    now: datetime,
) -> ConsultingQuote:
    """Send a quote; earlier open quotes are withdrawn and the ticket awaits approval."""
    if ticket.channel != "consulting":
        raise TicketError("Only consulting tickets take quotes.")
    problem = rate_problem(ticket, rate)
    if problem:
        raise TicketError(problem)
    if ticket.status == "new":
        change_status(ticket, user, AGENT, "triaged", now)
    if ticket.status != "triaged":
        raise TicketError(
            "A quote can be sent while the ticket is triaged (send the previous one back first)."
        )
    for earlier in ticket.quotes:
        if earlier.status == "proposed":
            earlier.status = "withdrawn"
    quote = ConsultingQuote(
        ticket=ticket,
        author_id=user.id,
        rate=rate,
        hours=hours,
        completion_on=completion_on,
        note=note,
        created_at=now,
    )
    db.session.add(quote)
    record(
        ticket,
        user,
        "quote_proposed",
        now,
        rate=str(rate),
        hours=str(hours),
        completion_on=completion_on.isoformat(),
    )
    change_status(
        ticket,
        user,
        AGENT,
        "awaiting_approval",
        now,
        note=f"Quote: {hours} h at {rate} per hour, done by {completion_on.isoformat()}.",
    )
    return quote


def decide(quote: ConsultingQuote, user, approve: bool, now: datetime) -> None:
    """The customer approves the quote (work starts) or declines it (back to triage)."""
    if quote.status != "proposed":
        raise TicketError("This quote has already been decided or withdrawn.")
    quote.status = "approved" if approve else "declined"
    quote.decided_at, quote.decided_by_id = now, user.id
    ticket = quote.ticket
    record(ticket, user, "quote_approved" if approve else "quote_declined", now, quote_id=quote.id)
    change_status(ticket, user, CUSTOMER, "in_progress" if approve else "triaged", now)
