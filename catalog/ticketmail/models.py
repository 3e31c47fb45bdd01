"""Tables of the e-mail channel: the outbox, each ticket's Message-IDs, the inbound log (with
its quarantine), the reply addresses we handed out and the requests held for confirmation."""

from datetime import datetime

from sqlalchemy import JSON
from sqlalchemy import BigInteger
from sqlalchemy import CheckConstraint
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import Integer
from sqlalchemy import LargeBinary
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from catalog.db import UTCDateTime
from catalog.db import utcnow
from catalog.extensions import db

OUTBOX_STATUSES = ("pending", "sending", "sent", "failed")
DIRECTIONS = ("out", "in")
MESSAGE_ID_LENGTH = 250


class MailOutbox(db.Model):
    """One composed message waiting to go out (or gone, or given up), written before commit.

    ``raw`` is the whole message as sent, Message-ID included, so a retry sends exactly the
    same bytes. A sender claims a row by moving it from ``pending`` to ``sending`` in one
    conditional UPDATE; only the sender whose UPDATE matched sends it.
    """

    __tablename__ = "mail_outbox"
    __table_args__ = (
        CheckConstraint(
            f"status IN ({', '.join(repr(s) for s in OUTBOX_STATUSES)})", name="outbox_status"
        ),
        Index("ix_mail_outbox_status_next", "status", "next_attempt_at"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("ticket.id"), index=True)
    recipients: Mapped[list[str]] = mapped_column(JSON)
    subject: Mapped[str] = mapped_column(Text)
    message_id: Mapped[str] = mapped_column(String(MESSAGE_ID_LENGTH), unique=True)
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class TicketMailId(db.Model):
    """A Message-ID in a ticket's thread: mail we sent about it, or mail we stored on it.

    Replies are threaded by looking their In-Reply-To and References up here. The unique
    Message-ID is also what stores a message delivered twice only once.
    """

    __tablename__ = "ticket_mail_id"
    __table_args__ = (CheckConstraint(f"direction IN {DIRECTIONS!r}", name="mail_direction"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id"), index=True)
    message_id: Mapped[str] = mapped_column(String(MESSAGE_ID_LENGTH), unique=True)
    direction: Mapped[str] = mapped_column(String(3))
    ticket_message_id: Mapped[int | None] = mapped_column(ForeignKey("ticket_message.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class InboundMail(db.Model):
    """What became of each inbound message (stored, opened, bounced, ignored), per Message-ID.

    ``quarantined`` mail (unauthenticated, never put on a ticket) keeps its reason in ``detail``
    and the start of its text in ``excerpt``, for staff to see in the operator console.
    """

    __tablename__ = "mail_inbound"
    __table_args__ = (Index("ix_mail_inbound_outcome_received", "outcome", "received_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[str] = mapped_column(String(MESSAGE_ID_LENGTH), unique=True)
    from_address: Mapped[str | None] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(Text, default="")
    outcome: Mapped[str] = mapped_column(String(20))
    detail: Mapped[str] = mapped_column(Text, default="")
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("ticket.id"), index=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    excerpt: Mapped[str] = mapped_column(Text, default="")


class ReplyToken(db.Model):
    """A reply address handed to one recipient about one ticket: ``support+r-<token>@…``.

    Only the SHA-256 of the token is kept. Mail to a live token (not revoked, its user still an
    active participant) is appended as that user's reply, whatever its From header says.
    """

    __tablename__ = "mail_reply_token"
    __table_args__ = (Index("ix_mail_reply_token_user_ticket", "user_id", "ticket_id"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class HeldRequest(db.Model):
    """A request mailed without authentication, waiting for its sender to confirm it.

    The confirmation mail goes to the account's own address with a link carrying a token (its
    SHA-256 is kept here); only then is the ticket opened and the quota used. ``raw`` is the
    message as received, so the confirmed ticket gets its text and attachments.
    """

    __tablename__ = "mail_held_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    app_id: Mapped[int] = mapped_column(ForeignKey("app.id"))
    subject: Mapped[str] = mapped_column(Text, default="")
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("ticket.id"))
