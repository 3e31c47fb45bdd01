"""Reads for the support pages: the queues and their filters, one ticket, plans and apps."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from catalog.accounts.models import ISV
from catalog.accounts.models import OPERATOR_ROLES
from catalog.accounts.models import Organisation
from catalog.accounts.models import User
from catalog.db import utcnow
from catalog.extensions import db
from catalog.marketplace.models import App
from catalog.pagination import Page
from catalog.support.tickets.lifecycle import OPEN_STATUSES
from catalog.support.tickets.models import Ticket
from catalog.support.tickets.models import TicketClock
from catalog.support.tickets.permissions import OPERATOR_TICKET_CHANNELS
from catalog.support.tickets.permissions import ticket_role


def _visible(statement, user):
    """Limit a ticket query to the tickets ``user`` may see (the rule of ``permissions``)."""
    if user.role == "customer":
        return statement.where(Ticket.organisation_id == user.organisation_id)
    if user.role == "isv":
        return statement.join(App, App.id == Ticket.app_id).where(
            Ticket.channel == "isv", App.vendor_id == user.vendor_id
        )
    if user.is_operator:  # every channel: ISV tickets read-only (``permissions.OBSERVER``)
        return statement
    return statement.where(False)


@dataclass(frozen=True)
class QueueFilter:
    """What a queue is narrowed to and how it is sorted (already checked by ``QueueForm``).

    ``status``: "open" (default), "any" or one status; ``channel``: "" (the user's own
    channels: the operator's are professional and consulting), "any" or one channel;
    ``assignee``: "" (anyone), "me", "unassigned" or a colleague's id as text; ``due``: "",
    "soon" (80 % used) or "breached"; ``sort``: "due", "newest" or "activity".
    """

    status: str = "open"
    severity: int | None = None
    channel: str = ""
    app: str = ""
    organisation: str = ""
    assignee: str = ""
    due: str = ""
    sort: str = "due"


def _like(text: str) -> str:
    """A LIKE pattern matching ``text`` anywhere, its wildcards taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _next_due():
    """The nearest due time of a ticket's unmet clocks (a correlated subquery)."""
    return (
        select(func.min(TicketClock.due_at))
        .where(TicketClock.ticket_id == Ticket.id, TicketClock.met_at.is_(None))
        .correlate(Ticket)
        .scalar_subquery()
    )


def _clock_flag(column, now: datetime):
    """Tickets with an unmet clock whose ``column`` instant (warning or due) has passed."""
    return (
        select(TicketClock.id)
        .where(
            TicketClock.ticket_id == Ticket.id,
            TicketClock.met_at.is_(None),
            column.is_not(None),
            column <= now,
        )
        .correlate(Ticket)
        .exists()
    )


def _narrow(statement, user, chosen: QueueFilter, now: datetime):
    """Apply the filters a user's role may use (customers: status and app only)."""
    if chosen.status == "open":
        statement = statement.where(Ticket.status.in_(OPEN_STATUSES))
    elif chosen.status != "any":
        statement = statement.where(Ticket.status == chosen.status)
    if chosen.app:
        statement = statement.where(
            Ticket.app_id.in_(select(App.id).where(App.name.ilike(_like(chosen.app), escape="\\")))
        )
    if user.role == "customer":
        return statement
    if chosen.severity:
        statement = statement.where(Ticket.severity == chosen.severity)
    if user.is_operator and chosen.organisation:
        statement = statement.where(
            Ticket.organisation_id.in_(
                select(Organisation.id).where(
                    Organisation.name.ilike(_like(chosen.organisation), escape="\\")
                )
            )
        )
    if chosen.assignee == "me":
        statement = statement.where(Ticket.assignee_id == user.id)
    elif chosen.assignee == "unassigned":
        statement = statement.where(Ticket.assignee_id.is_(None))
    elif chosen.assignee.isdigit():
        statement = statement.where(Ticket.assignee_id == int(chosen.assignee))
    if chosen.due == "soon":
        statement = statement.where(_clock_flag(TicketClock.warn_at, now))
    elif chosen.due == "breached":
        statement = statement.where(_clock_flag(TicketClock.due_at, now))
    return statement


def _channels(statement, user, channel: str):
    """The operator's queue holds its own channels unless ISV tickets (or all) are asked for."""
    if not user.is_operator or channel == "any":
        return statement
    if channel:
        return statement.where(Ticket.channel == channel)
    return statement.where(Ticket.channel.in_(OPERATOR_TICKET_CHANNELS))


def queue(
    user, page: int, per_page: int, chosen: QueueFilter | None = None, now: datetime | None = None
) -> Page:
    """The user's queue, narrowed by ``chosen``: nearest due time first unless sorted otherwise."""
    chosen = chosen or QueueFilter()
    now = now or utcnow()
    statement = _channels(_visible(select(Ticket), user), user, chosen.channel)
    statement = _narrow(statement, user, chosen, now)
    total = db.session.scalar(select(func.count()).select_from(statement.subquery()))
    statement = (
        statement.options(
            selectinload(Ticket.clocks),
            selectinload(Ticket.app),
            selectinload(Ticket.assignee),
            selectinload(Ticket.pauses),
        )
        .order_by(*_order(chosen.sort))
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    return Page(list(db.session.scalars(statement)), page, per_page, total or 0)


def _order(sort: str) -> tuple:
    """ORDER BY of a sort: open tickets before the others, then the chosen key, then the id."""
    is_open = case((Ticket.status.in_(OPEN_STATUSES), 0), else_=1)
    if sort == "newest":
        return (Ticket.created_at.desc(), Ticket.id.desc())
    if sort == "activity":
        return (Ticket.last_activity_at.desc(), Ticket.id.desc())
    next_due = _next_due()
    return (is_open, next_due.is_(None), next_due, Ticket.created_at.desc(), Ticket.id.desc())


def colleagues(user, limit: int = 200) -> list[User]:
    """The active people on the user's side of the desk, by name (bounded): the assignee menu."""
    if user.role == ISV and user.vendor_id is not None:
        where = (User.role == ISV, User.vendor_id == user.vendor_id)
    elif user.is_operator:
        where = (User.role.in_(OPERATOR_ROLES),)
    else:
        return []
    statement = select(User).where(*where, User.active.is_(True)).order_by(User.name, User.id)
    return list(db.session.scalars(statement.limit(limit)))


def ticket_for(user, reference: str) -> Ticket | None:
    """The ticket with this reference if ``user`` may see it, else None (a 404 for the view)."""
    ticket = db.session.scalar(select(Ticket).where(Ticket.reference == reference.strip().upper()))
    if ticket is None or ticket_role(user, ticket) is None:
        return None
    return ticket


def published_apps() -> list[App]:
    """Published apps by name, for the wizard's first step."""
    return list(db.session.scalars(select(App).where(App.published.is_(True)).order_by(App.name)))


def published_app(slug: str | None) -> App | None:
    """One published app by slug."""
    if not slug:
        return None
    return db.session.scalar(select(App).where(App.slug == slug, App.published.is_(True)))
