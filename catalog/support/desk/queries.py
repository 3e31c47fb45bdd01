"""Reads for the support pages: each role's queue, one ticket by reference, plans and apps."""

from sqlalchemy import case
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import selectinload

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
    if user.is_operator:
        return statement.where(Ticket.channel.in_(OPERATOR_TICKET_CHANNELS))
    return statement.where(False)


def queue(user, page: int, per_page: int, include_closed: bool = False) -> Page:
    """The user's queue: open tickets first, nearest due time first, then the newest."""
    next_due = (
        select(func.min(TicketClock.due_at))
        .where(TicketClock.ticket_id == Ticket.id, TicketClock.met_at.is_(None))
        .correlate(Ticket)
        .scalar_subquery()
    )
    statement = _visible(select(Ticket), user)
    if not include_closed:
        statement = statement.where(Ticket.status != "closed")
    total = db.session.scalar(select(func.count()).select_from(statement.subquery()))
    is_open = case((Ticket.status.in_(OPEN_STATUSES), 0), else_=1)
    statement = (
        statement.options(selectinload(Ticket.clocks), selectinload(Ticket.app))
        .order_by(is_open, next_due.is_(None), next_due, Ticket.created_at.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    return Page(list(db.session.scalars(statement)), page, per_page, total or 0)


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
