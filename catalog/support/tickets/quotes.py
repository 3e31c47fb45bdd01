"""Consulting quotes: the operator proposes rate, hours, completion date; the customer decides."""

from datetime import date
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo
from zoneinfo import ZoneInfoNotFoundError

from babel.numbers import format_currency
from flask import current_app

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


def quoting_zone(user) -> str:
    """The calendar zone a quote's dates are read in: the quoting colleague's, else the site's."""
    for name in (getattr(user, "timezone", None), current_app.config.get("DISPLAY_TIMEZONE")):
        try:
            if name:
                ZoneInfo(name)
                return name
        except (ZoneInfoNotFoundError, ValueError):
            continue
    return "UTC"


def date_problem(completion_on: date, now: datetime, zone: str) -> str | None:
    """Why a completion date cannot be promised (before today in ``zone``), or None."""
    today = now.astimezone(ZoneInfo(zone)).date()
    if completion_on < today:
        return (
            f"The completion date cannot be in the past: today is "
            f"{today:%a} {today.day} {today:%b %Y} ({zone})."
        )
    return None


def propose(
    ticket: Ticket,
    user,
    rate: Decimal,
    hours: Decimal,
    completion_on: date,
    note: str,
    now: datetime,
    currency: str | None = None,
) -> ConsultingQuote:
    """Send a quote in ``currency`` (the site's); earlier open quotes are withdrawn.

    The ticket then awaits the customer's approval.
    """
    if ticket.channel != "consulting":
        raise TicketError("Only consulting tickets take quotes.")
    problem = rate_problem(ticket, rate) or date_problem(completion_on, now, quoting_zone(user))
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
        currency=currency or current_app.config["CURRENCY"],
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
        note=f"Quote: {summary(quote)}.",
    )
    return quote


def summary(quote: ConsultingQuote) -> str:
    """The quote in one line: 4 h × €150.00 = €600.00 (EUR), done by Tue 5 Jan 2027."""
    code = quote.currency
    hours = Decimal(quote.hours).normalize()
    day = quote.completion_on
    return (
        f"{hours:f} h × {format_currency(quote.rate, code, locale='en')} = "
        f"{format_currency(quote.total, code, locale='en')} ({code}), "
        f"done by {day:%a} {day.day} {day:%b %Y}"
    )


def decide(quote: ConsultingQuote, user, approve: bool, now: datetime, note: str = "") -> None:
    """The customer approves the quote (work starts) or declines it (back to triage).

    ``note`` is the customer's word on a declined quote: what should change.
    """
    if quote.status != "proposed" or quote.ticket.status != "awaiting_approval":
        raise TicketError("This quote has already been decided or withdrawn.")
    quote.status = "approved" if approve else "declined"
    quote.decided_at, quote.decided_by_id = now, user.id
    ticket = quote.ticket
    detail = {"note": note.strip()} if note.strip() and not approve else {}
    action = "quote_approved" if approve else "quote_declined"
    record(ticket, user, action, now, quote_id=quote.id, **detail)
    change_status(ticket, user, CUSTOMER, "in_progress" if approve else "triaged", now)
