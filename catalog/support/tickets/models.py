"""Tickets and what hangs off them: clocks, pauses, messages, attachments, events and quotes.

``TicketEvent`` is the timeline (who did what, when). It is written in the same transaction as
the change it records; its e-mails are queued in the same transaction (``catalog.ticketmail``).
"""

from datetime import date
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON
from sqlalchemy import CheckConstraint
from sqlalchemy import Date
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import Integer
from sqlalchemy import LargeBinary
from sqlalchemy import Numeric
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import UniqueConstraint
from sqlalchemy import false as sa_false
from sqlalchemy import true as sa_true
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from catalog.accounts.models import Organisation
from catalog.accounts.models import User
from catalog.db import UTCDateTime
from catalog.db import utcnow
from catalog.extensions import db
from catalog.marketplace.models import App
from catalog.support.tickets.lifecycle import STATUSES

TICKET_CHANNELS = ("isv", "professional", "consulting")
CLASSIFICATIONS = {
    "product": "Product-related (a defect: bug fix or workaround)",
    "application": "Application-related (the customer's configuration or use)",
    "environment": "Environment-related (the system around the app)",
}


class TicketNumber(db.Model):
    """The ticket number sequence: one row per number ever issued, never reused.

    ``sqlite_autoincrement`` makes SQLite refuse to hand out a number again even after rows are
    deleted; on PostgreSQL the identity sequence gives the same guarantee.
    """

    __tablename__ = "ticket_number"
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Ticket(db.Model):
    """A support request running in a ticket channel (ISV, professional or consulting)."""

    __tablename__ = "ticket"
    __table_args__ = (
        CheckConstraint(
            f"channel IN ({', '.join(repr(c) for c in TICKET_CHANNELS)})", name="ticket_channel"
        ),
        CheckConstraint(f"status IN ({', '.join(repr(s) for s in STATUSES)})", name="known_status"),
        CheckConstraint("severity BETWEEN 1 AND 3", name="severity_range"),
        Index("ix_ticket_subscription_created", "subscription_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(ForeignKey("ticket_number.id"), unique=True)
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    app_id: Mapped[int] = mapped_column(ForeignKey("app.id"), index=True)
    channel: Mapped[str] = mapped_column(String(20), index=True)
    severity: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(30), default="new", index=True)
    requester_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    subscription_id: Mapped[int | None] = mapped_column(ForeignKey("support_subscription.id"))
    # The plan or ISV terms that applied when the ticket was opened, so later edits cannot
    # rewrite its history (see ``catalog.support.tickets.snapshots``).
    terms_snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)
    routing_reason: Mapped[str] = mapped_column(Text, default="")
    priority: Mapped[str | None] = mapped_column(String(20))
    # The colleague working the ticket (None: nobody has taken it yet).
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    # The dedicated-forum thread the request started as, when it was escalated from one; the
    # ticket then carries the thread's reference (``Thread.reference``).
    forum_thread_id: Mapped[int | None] = mapped_column(ForeignKey("forum_thread.id"), index=True)
    # False once staff decide a professional ticket is not one of the month's incidents (it was
    # returned to the quota); only tickets that count are counted by ``entitlement``.
    counts_as_incident: Mapped[bool] = mapped_column(default=True, server_default=sa_true())
    estimate: Mapped[str | None] = mapped_column(Text)
    classification: Mapped[str | None] = mapped_column(String(20))
    workaround: Mapped[str | None] = mapped_column(Text)
    resolution: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_activity_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    app: Mapped[App] = relationship()
    requester: Mapped[User] = relationship(foreign_keys=[requester_id])
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    organisation: Mapped[Organisation] = relationship()
    clocks: Mapped[list["TicketClock"]] = relationship(
        back_populates="ticket", order_by="TicketClock.id"
    )
    pauses: Mapped[list["TicketPause"]] = relationship(
        back_populates="ticket", order_by="TicketPause.started_at"
    )
    messages: Mapped[list["TicketMessage"]] = relationship(
        back_populates="ticket", order_by="TicketMessage.id"
    )
    events: Mapped[list["TicketEvent"]] = relationship(
        back_populates="ticket", order_by="TicketEvent.id"
    )
    quotes: Mapped[list["ConsultingQuote"]] = relationship(
        back_populates="ticket", order_by="ConsultingQuote.id"
    )
    handoffs: Mapped[list["Handoff"]] = relationship(back_populates="ticket", order_by="Handoff.id")

    @property
    def open_pause(self) -> "TicketPause | None":
        """The pause running now (the ticket waits on the customer), if any."""
        return next((pause for pause in self.pauses if pause.ended_at is None), None)


class TicketClock(db.Model):
    """One service-level target of a ticket: when it started, when 80 % is used, when it is due."""

    __tablename__ = "ticket_clock"
    __table_args__ = (UniqueConstraint("ticket_id", "target", name="uq_ticket_clock_target"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id"), index=True)
    target: Mapped[str] = mapped_column(String(20))
    minutes: Mapped[int] = mapped_column(Integer)
    calendar: Mapped[dict[str, Any]] = mapped_column(JSON)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Both are None while the ticket waits on the customer (the clock is paused).
    warn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    met_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    warned: Mapped[bool] = mapped_column(default=False)
    breached: Mapped[bool] = mapped_column(default=False)

    ticket: Mapped[Ticket] = relationship(back_populates="clocks")


class TicketPause(db.Model):
    """A stretch of time in which the ticket waited on the customer; its clocks did not run."""

    __tablename__ = "ticket_pause"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id"), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    ticket: Mapped[Ticket] = relationship(back_populates="pauses")


class TicketMessage(db.Model):
    """A message on a ticket: the request itself, or a reply."""

    __tablename__ = "ticket_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    body: Mapped[str] = mapped_column(Text)
    # An internal note: shown to the agent side only (staff, or the ISV's members on its own
    # tickets), never to the customer, and never mailed to them.
    internal: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    ticket: Mapped[Ticket] = relationship(back_populates="messages")
    author: Mapped[User | None] = relationship()
    attachments: Mapped[list["Attachment"]] = relationship(
        back_populates="message", order_by="Attachment.id"
    )


class Attachment(db.Model):
    """A file attached to a message (size and type checked by the reply form)."""

    __tablename__ = "ticket_attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("ticket_message.id"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)

    message: Mapped[TicketMessage] = relationship(back_populates="attachments")


class TicketEvent(db.Model):
    """One line of a ticket's timeline: who (None for the system) did what, and when."""

    __tablename__ = "ticket_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    action: Mapped[str] = mapped_column(String(30))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set when the e-mail to the participants is queued in ``mail_outbox`` (same transaction);
    # None for events nobody is mailed about (``catalog.ticketmail.notifications``).
    notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)

    ticket: Mapped[Ticket] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()


class ConsultingQuote(db.Model):
    """A consulting quote the customer must approve before work starts."""

    __tablename__ = "consulting_quote"
    __table_args__ = (
        CheckConstraint("rate > 0 AND hours > 0", name="positive_amounts"),
        CheckConstraint(
            "status IN ('proposed', 'approved', 'declined', 'withdrawn')", name="quote_status"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    rate: Mapped[Decimal] = mapped_column(Numeric(8, 2))
    hours: Mapped[Decimal] = mapped_column(Numeric(7, 2))
    completion_on: Mapped[date] = mapped_column(Date)
    # ISO 4217 code the rate and total are in (the site's CURRENCY when the quote was sent).
    currency: Mapped[str] = mapped_column(String(3), default="EUR", server_default="EUR")
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="proposed")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    ticket: Mapped[Ticket] = relationship(back_populates="quotes")

    @property
    def total(self) -> Decimal:
        """The estimated price: rate × hours."""
        return (self.rate * self.hours).quantize(Decimal("0.01"))


class Deflection(db.Model):
    """A request that ended because a suggested article or thread solved the problem."""

    __tablename__ = "support_deflection"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    app_id: Mapped[int] = mapped_column(ForeignKey("app.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    suggestion_kind: Mapped[str] = mapped_column(String(20))
    suggestion_ref: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


HANDOFF_STATUSES = {
    "proposed": "Waiting for the customer",
    "accepted": "Accepted",
    "declined": "Declined",
    "withdrawn": "Withdrawn",
}


class Handoff(db.Model):
    """A request moving from one channel to another under the same reference.

    The customer makes a move directly (they saw the new channel's reason and due times and
    confirmed), or the other side proposes it and the customer accepts or declines. A move out
    of a forum thread has no ticket until it is accepted (``ticket_id`` None, ``thread_id`` set).
    ``previous_snapshot`` and ``previous_clocks`` keep the terms and clocks of the channel left,
    so the ticket's history survives the move; ``clock_policy`` says what happened to the clocks
    (``catalog.support.handoffs.rules``).
    """

    __tablename__ = "ticket_handoff"
    __table_args__ = (
        CheckConstraint(
            f"status IN ({', '.join(repr(s) for s in HANDOFF_STATUSES)})", name="handoff_status"
        ),
        CheckConstraint("ticket_id IS NOT NULL OR thread_id IS NOT NULL", name="handoff_subject"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(40), index=True)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("ticket.id"), index=True)
    thread_id: Mapped[int | None] = mapped_column(ForeignKey("forum_thread.id"), index=True)
    source_channel: Mapped[str] = mapped_column(String(20))
    target_channel: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default="proposed")
    reason: Mapped[str] = mapped_column(Text, default="")
    clock_policy: Mapped[str] = mapped_column(String(20))
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    proposed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    previous_snapshot: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    previous_clocks: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)

    ticket: Mapped[Ticket | None] = relationship(back_populates="handoffs")
    proposed_by: Mapped[User | None] = relationship(foreign_keys=[proposed_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
