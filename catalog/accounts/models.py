"""Users, the customer organisations they belong to, and the login throttle's counters."""

import hashlib
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import JSON
from sqlalchemy import Boolean
from sqlalchemy import CheckConstraint
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import UniqueConstraint
from sqlalchemy import false
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from catalog.db import UTCDateTime
from catalog.db import utcnow
from catalog.extensions import db
from catalog.marketplace.models import Vendor

CUSTOMER = "customer"
ISV = "isv"
STAFF = "staff"
ADMIN = "admin"
ROLES = {
    CUSTOMER: "Customer (member of a customer organisation)",
    ISV: "ISV member (member of a vendor)",
    STAFF: "Operator staff",
    ADMIN: "Administrator",
}
OPERATOR_ROLES = frozenset({STAFF, ADMIN})
EMAIL_LENGTH = 254
# A customer's place in their organisation: an organisation admin manages its members, approves
# who joins and swaps its named contacts.
MEMBER = "member"
ORGANISATION_ADMIN = "admin"
ORGANISATION_ROLES = {MEMBER: "Member", ORGANISATION_ADMIN: "Organisation admin"}


class Organisation(db.Model):
    """A customer organisation: its members, and the subscriptions it holds.

    ``domains`` are the e-mail domains of its people (``["example.com"]``): someone who signs up
    with an address there is offered to join, and an organisation admin approves.
    """

    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    domains: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    timezone: Mapped[str] = mapped_column(String(64), default="UTC", server_default="UTC")
    notes: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    members: Mapped[list["User"]] = relationship(back_populates="organisation")


class JoinRequest(db.Model):
    """Someone who signed up on an organisation's domain and asked to join it.

    ``approved`` is None while an organisation admin has not decided.
    """

    __tablename__ = "organisation_join_request"
    __table_args__ = (
        UniqueConstraint("organisation_id", "user_id", name="uq_organisation_join_request_once"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    approved: Mapped[bool | None] = mapped_column(Boolean)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    organisation: Mapped[Organisation] = relationship()
    user: Mapped["User"] = relationship(foreign_keys=[user_id])


class Invitation(db.Model):
    """An invitation mailed to an address to join an organisation with a role.

    The link names only the row: it works once (``accepted_at``), until an admin withdraws it
    (``withdrawn_at``), and until ``expires_at``.
    """

    __tablename__ = "organisation_invitation"
    __table_args__ = (
        CheckConstraint(
            f"role IN ({', '.join(repr(r) for r in ORGANISATION_ROLES)})", name="known_role"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    # Stored lower-case, as accounts store addresses.
    email: Mapped[str] = mapped_column(String(EMAIL_LENGTH))
    role: Mapped[str] = mapped_column(String(10))
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organisation: Mapped[Organisation] = relationship()
    invited_by: Mapped["User | None"] = relationship(foreign_keys=[invited_by_id])


class User(UserMixin, db.Model):
    """A person who can log in, with exactly one role."""

    __tablename__ = "user_account"
    __table_args__ = (
        CheckConstraint(f"role IN ({', '.join(repr(r) for r in ROLES)})", name="known_role"),
        CheckConstraint("role != 'isv' OR vendor_id IS NOT NULL", name="isv_has_vendor"),
        CheckConstraint(
            f"organisation_role IN ({', '.join(repr(r) for r in ORGANISATION_ROLES)})",
            name="known_organisation_role",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(EMAIL_LENGTH), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(300))
    role: Mapped[str] = mapped_column(String(20), default=CUSTOMER)
    vendor_id: Mapped[int | None] = mapped_column(ForeignKey("vendor.id"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    organisation_role: Mapped[str] = mapped_column(
        String(10), default=MEMBER, server_default=MEMBER
    )
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # None until the address is confirmed by the e-mailed link (only web sign-ups start so).
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Part of the session id: bumping it ends every session of the user (log out, password,
    # deactivation), since the user loader refuses a cookie that carries an older generation.
    session_generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # The viewer's IANA time zone for every date and time shown; None: the organisation's zone,
    # else the site's DISPLAY_TIMEZONE.
    timezone: Mapped[str | None] = mapped_column(String(64))
    # A new address waiting for its confirmation link; ``email`` changes only once it is confirmed.
    pending_email: Mapped[str | None] = mapped_column(String(EMAIL_LENGTH))
    # Which events reach the user by mail ({event group: bool}; a missing key means yes), and
    # whether mail-worthy events are gathered into one daily digest instead.
    notification_prefs: Mapped[dict] = mapped_column(JSON, default=dict, server_default="{}")
    daily_digest: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    digest_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    vendor: Mapped[Vendor | None] = relationship()
    organisation: Mapped[Organisation | None] = relationship(back_populates="members")

    @property
    def is_active(self) -> bool:
        """Flask-Login: deactivated accounts cannot log in."""
        return self.active

    @property
    def is_organisation_admin(self) -> bool:
        """Whether the user manages their customer organisation."""
        return self.organisation_id is not None and self.organisation_role == ORGANISATION_ADMIN

    @property
    def is_operator(self) -> bool:
        """Whether the user works for the operator (staff or admin)."""
        return self.role in OPERATOR_ROLES

    @property
    def is_verified(self) -> bool:
        """Whether the user has confirmed their e-mail address."""
        return self.email_verified_at is not None

    @property
    def password_fingerprint(self) -> str:
        """A short digest of the password hash; it changes whenever the password does."""
        return hashlib.sha256(self.password_hash.encode()).hexdigest()[:16]

    def get_id(self) -> str:
        """Flask-Login: "<id>:<password fingerprint>:<generation>"; a change of either ends it."""
        return f"{self.id}:{self.password_fingerprint}:{self.session_generation}"


class LoginThrottle(db.Model):
    """Login attempts counted for one account or one address in the current window.

    ``key`` is ``account:<e-mail>`` or ``address:<remote address>``; an attempt is counted by a
    conditional UPDATE before its password is checked (``catalog.accounts.throttle``), and the
    row is deleted once its window ends.
    """

    __tablename__ = "login_throttle"

    key: Mapped[str] = mapped_column(String(400), primary_key=True)
    window_start: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)


class UserNotification(db.Model):
    """One line of a user's notifications list (``/account/notifications``).

    Written in the same transaction as the event it tells of; ``read_at`` None means unread.
    ``link`` is a site-relative path (``/support/tickets/SUP-000123``), never a full URL.
    """

    __tablename__ = "user_notification"
    __table_args__ = (Index("ix_user_notification_user_read", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    kind: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(300))
    link: Mapped[str] = mapped_column(String(300), default="")
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("ticket.id"))
    thread_id: Mapped[int | None] = mapped_column(ForeignKey("forum_thread.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set once the daily digest (for users who chose it) has carried this line.
    digested_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
