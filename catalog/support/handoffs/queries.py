"""Reads for hand-offs: who stands where, what moves, what is pending, and the history."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from catalog.accounts.models import User
from catalog.extensions import db
from catalog.forum.models import Post
from catalog.forum.models import Thread
from catalog.support.handoffs import rules
from catalog.support.handoffs.assess import Subject
from catalog.support.handoffs.assess import facts
from catalog.support.tickets.lifecycle import CUSTOMER
from catalog.support.tickets.models import Handoff
from catalog.support.tickets.models import Ticket
from catalog.support.tickets.permissions import ticket_role


def ticket_by_reference(user, reference: str) -> Ticket | None:
    """A ticket the user may see or, as staff, may propose to take over; else None (404)."""
    ticket = db.session.scalar(
        select(Ticket).where(Ticket.reference == reference.strip().upper()[:40])
    )
    if ticket is None:
        return None
    if ticket_role(user, ticket) is None and not getattr(user, "is_operator", False):
        return None
    return ticket


def thread_by_id(thread_id: int) -> Thread | None:
    """A visible thread of an app's dedicated section, else None (404)."""
    thread = db.session.get(Thread, thread_id)
    if thread is None or thread.hidden or thread.section.app_id is None:
        return None
    return thread


def ticket_party(user, ticket: Ticket) -> str | None:
    """Where the user stands for moves of a ticket: customer, isv, staff or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    if ticket_role(user, ticket) == CUSTOMER:
        return rules.CUSTOMER
    if user.role == "isv" and user.vendor_id == ticket.app.vendor_id:
        return rules.ISV_MEMBER if ticket.channel == rules.ISV else None
    return rules.STAFF if user.is_operator else None


def thread_party(user, thread: Thread) -> str | None:
    """Where the user stands for a thread's escalation: its author, the app's ISV, or staff."""
    if not getattr(user, "is_authenticated", False):
        return None
    if user.id == thread.author_id and user.role == "customer":
        return rules.CUSTOMER
    if user.role == "isv" and user.vendor_id == thread.section.app.vendor_id:
        return rules.ISV_MEMBER
    return rules.STAFF if user.is_operator else None


def ticket_subject(ticket: Ticket) -> Subject:
    """A ticket as the preview reads it (earlier professional clocks for a carry)."""
    earlier = _earlier_professional(ticket)
    return Subject(
        source=ticket.channel,
        app=ticket.app,
        requester=ticket.requester,
        severity=ticket.severity,
        kind=ticket.kind,
        closed=ticket.status == "closed",
        quote_approved=any(quote.status == "approved" for quote in ticket.quotes),
        earlier_clocks=tuple(earlier.previous_clocks or ()) if earlier else (),
        away_since=earlier.decided_at if earlier else None,
    )


def _earlier_professional(ticket: Ticket) -> Handoff | None:
    """The accepted move that took the ticket from professional support into consulting."""
    if ticket.channel != rules.CONSULTING:
        return None
    moves = [
        item
        for item in ticket.handoffs
        if item.status == "accepted"
        and item.source_channel == rules.PROFESSIONAL
        and item.target_channel == rules.CONSULTING
    ]
    return moves[-1] if moves else None


def thread_subject(thread: Thread) -> Subject:
    """A forum thread as the preview reads it: a severity 3 question to the developer."""
    return Subject(
        source=rules.FORUM,
        app=thread.section.app,
        requester=db.session.get(User, thread.author_id) if thread.author_id else None,
        severity=3,
        kind="question",
    )


def thread_escalatable(thread: Thread) -> bool:
    """Whether the thread's app takes ISV tickets here (not on the developer's own site)."""
    terms = thread.section.app.terms
    return bool(terms and terms.isv_offered and not terms.isv_contact_url)


def opening_text(thread: Thread) -> str:
    """The text of the thread's opening post (its title when a moderator hid that post)."""
    opening = db.session.scalar(
        select(Post).where(Post.thread_id == thread.id).order_by(Post.id).limit(1)
    )
    return opening.body if opening is not None and not opening.hidden else thread.title


def ticket_of_thread(thread: Thread) -> Ticket | None:
    """The ticket the thread was escalated to, if any."""
    return db.session.scalar(select(Ticket).where(Ticket.forum_thread_id == thread.id))


def pending(ticket: Ticket | None = None, thread: Thread | None = None) -> Handoff | None:
    """The proposal waiting for the customer on a ticket or a thread, if any."""
    statement = select(Handoff).where(Handoff.status == "proposed")
    if ticket is not None:
        statement = statement.where(Handoff.ticket_id == ticket.id)
    else:
        statement = statement.where(Handoff.thread_id == thread.id, Handoff.ticket_id.is_(None))
    return db.session.scalar(statement.order_by(Handoff.id.desc()).limit(1))


def history(ticket: Ticket) -> list[Handoff]:
    """The ticket's moves that happened (accepted ones), oldest first."""
    return [item for item in ticket.handoffs if item.status == "accepted"]


@dataclass(frozen=True)
class Panel:
    """What the hand-off part of a ticket or thread page shows to one viewer."""

    party: str | None
    moves: tuple[tuple[str, str], ...]
    pending: Handoff | None
    history: tuple[Handoff, ...]
    ticket: Ticket | None = None
    ticket_visible: bool = False
    names = rules.CHANNEL_NAMES
    clock_words = rules.CLOCK_SHORT


def ticket_panel(user, ticket: Ticket, now: datetime) -> Panel:
    """The moves the viewer may make or propose on a ticket, the proposal and the history."""
    party = ticket_party(user, ticket)
    moves: list[tuple[str, str]] = []
    if party is not None:
        customer = user if party == rules.CUSTOMER else ticket.requester
        found, _ = facts(ticket_subject(ticket), customer, now)
        moves = rules.offered(ticket.channel, party, found)
    return Panel(party, tuple(moves), pending(ticket=ticket), tuple(history(ticket)))


def thread_panel(user, thread: Thread, now: datetime) -> Panel | None:
    """The escalation part of a dedicated-forum thread page (None when it has none)."""
    if thread.section.app_id is None:
        return None
    party = thread_party(user, thread)
    ticket = ticket_of_thread(thread)
    moves: list[tuple[str, str]] = []
    if party is not None and ticket is None and thread_escalatable(thread):
        subject = thread_subject(thread)
        if subject.requester is not None:
            found, _ = facts(subject, subject.requester, now)
            moves = rules.offered(rules.FORUM, party, found)
    return Panel(
        party,
        tuple(moves),
        pending(thread=thread) if ticket is None else None,
        (),
        ticket,
        ticket is not None and ticket_role(user, ticket) is not None,
    )
