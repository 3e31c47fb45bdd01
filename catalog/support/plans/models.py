"""Support plans (operator data), customer subscriptions to them, named support contacts, the
log of their changes, and customers' requests for a plan."""

from datetime import date
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON
from sqlalchemy import Boolean
from sqlalchemy import CheckConstraint
from sqlalchemy import Column
from sqlalchemy import Date
from sqlalchemy import ForeignKey
from sqlalchemy import Integer
from sqlalchemy import Numeric
from sqlalchemy import String
from sqlalchemy import Table
from sqlalchemy import Text
from sqlalchemy import UniqueConstraint
from sqlalchemy import false
from sqlalchemy import true
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from catalog.accounts.models import Organisation
from catalog.accounts.models import User
from catalog.db import UTCDateTime
from catalog.db import utcnow
from catalog.extensions import db
from catalog.marketplace.models import App
from catalog.marketplace.models import Category

# What a plan may promise for a resolution instead of a time: the fix ships in the next
# scheduled release (CloverETL's Level 1); no clock runs for it.
NEXT_RELEASE = "next_release"
TARGET_KINDS = ("first_response", "workaround", "resolution")
SEVERITIES = ("1", "2", "3")
PRICE_PERIODS = {"month": "per month", "year": "per year"}

plan_apps = Table(
    "support_plan_app",
    db.metadata,
    Column("plan_id", ForeignKey("support_plan.id", ondelete="CASCADE"), primary_key=True),
    Column("app_id", ForeignKey("app.id", ondelete="CASCADE"), primary_key=True),
)
plan_categories = Table(
    "support_plan_category",
    db.metadata,
    Column("plan_id", ForeignKey("support_plan.id", ondelete="CASCADE"), primary_key=True),
    Column("category_id", ForeignKey("category.id", ondelete="CASCADE"), primary_key=True),
)


class Plan(db.Model):
    """A support plan: monthly incidents, targets per severity and the calendar its clocks run on.

    ``targets`` maps a severity ("1", "2", "3") to business minutes per target, e.g.
    ``{"1": {"first_response": 480, "workaround": 2400, "resolution": "next_release"}}``;
    ``null`` means the plan promises no time for that target, ``"next_release"`` that the fix
    ships in the next scheduled release. ``around_the_clock`` lists the severities whose clocks
    run 24×7 instead of on ``calendar``. A plan covers every app the operator supports
    professionally (``covers_all_apps``) or only the chosen apps and categories.
    """

    __tablename__ = "support_plan"
    __table_args__ = (
        CheckConstraint(
            "incidents_per_month IS NULL OR incidents_per_month >= 0", name="incidents_not_negative"
        ),
        CheckConstraint("named_contacts >= 1", name="at_least_one_contact"),
        CheckConstraint("chat_experts IS NULL OR chat_experts >= 1", name="chat_has_experts"),
        CheckConstraint("price IS NULL OR price >= 0", name="price_not_negative"),
        CheckConstraint("price_period IN ('month', 'year')", name="known_price_period"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    # The summary shown on the comparison page.
    description: Mapped[str] = mapped_column(Text, default="")
    # None means unlimited.
    incidents_per_month: Mapped[int | None] = mapped_column(Integer)
    targets: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    around_the_clock: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    calendar: Mapped[dict[str, Any]] = mapped_column(JSON)
    best_effort: Mapped[bool] = mapped_column(Boolean, default=False)
    covers_professional: Mapped[bool] = mapped_column(Boolean, default=True)
    # Contact methods and their limits; the knowledge forum is open to everyone.
    web_portal: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    email: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    phone: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Chat with up to this many experts; None means no chat.
    chat_experts: Mapped[int | None] = mapped_column(Integer)
    remote_session: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    named_contacts: Mapped[int] = mapped_column(Integer, default=2)
    covers_all_apps: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # Display only; amounts are in the configured CURRENCY.
    price: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    price_period: Mapped[str] = mapped_column(String(5), default="month", server_default="month")
    # An initial assessment or consultation included (OTRS: "Initial 2 hour consultation …").
    assessment: Mapped[str] = mapped_column(Text, default="", server_default="")
    # A retired plan takes no new subscriptions; the ones it has run to their end.
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    apps: Mapped[list[App]] = relationship(secondary=plan_apps, order_by=App.name)
    categories: Mapped[list[Category]] = relationship(
        secondary=plan_categories, order_by=Category.name
    )

    @property
    def retired(self) -> bool:
        """Whether the plan takes no new subscriptions."""
        return self.retired_at is not None


class Subscription(db.Model):
    """An organisation's subscription to a plan from ``starts_on`` to ``ends_on`` (inclusive)."""

    __tablename__ = "support_subscription"
    __table_args__ = (
        CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="ends_after_start"),
        CheckConstraint("environments >= 1", name="at_least_one_environment"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("support_plan.id"), index=True)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    # Environments (systems with their own database) the subscription covers; OTRS sells
    # additional ones.
    environments: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    # The subscription this one renews (the period before it), if any.
    renews_id: Mapped[int | None] = mapped_column(ForeignKey("support_subscription.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organisation: Mapped[Organisation] = relationship()
    plan: Mapped[Plan] = relationship()
    contacts: Mapped[list["NamedContact"]] = relationship(
        back_populates="subscription", cascade="all, delete-orphan"
    )

    def is_active_on(self, day: date) -> bool:
        """Whether the subscription runs on a local day."""
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)


class NamedContact(db.Model):
    """A member of the organisation named as a support contact under one subscription."""

    __tablename__ = "support_named_contact"
    __table_args__ = (
        UniqueConstraint("subscription_id", "user_id", name="uq_support_named_contact_once"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("support_subscription.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    subscription: Mapped[Subscription] = relationship(back_populates="contacts")
    user: Mapped[User] = relationship()


class NamedContactChange(db.Model):
    """A named contact added to or removed from a subscription: who, by whom, when."""

    __tablename__ = "support_named_contact_change"
    __table_args__ = (CheckConstraint("action IN ('added', 'removed')", name="known_action"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("support_subscription.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    action: Mapped[str] = mapped_column(String(10))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])


REQUEST_STATUSES = ("pending", "accepted", "declined")


class SubscriptionRequest(db.Model):
    """A customer asking for a plan; staff accept it (creating the subscription) or decline.

    ``organisation_name`` names the organisation to create on acceptance when the customer
    belongs to none yet.
    """

    __tablename__ = "support_subscription_request"
    __table_args__ = (
        CheckConstraint(
            f"status IN ({', '.join(repr(s) for s in REQUEST_STATUSES)})", name="known_status"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    organisation_name: Mapped[str] = mapped_column(String(120), default="", server_default="")
    plan_id: Mapped[int] = mapped_column(ForeignKey("support_plan.id"), index=True)
    # The app the customer was asking about when they requested the plan, if any.
    app_id: Mapped[int | None] = mapped_column(ForeignKey("app.id"))
    message: Mapped[str] = mapped_column(Text, default="", server_default="")
    status: Mapped[str] = mapped_column(String(10), default="pending", server_default="pending")
    reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    subscription_id: Mapped[int | None] = mapped_column(ForeignKey("support_subscription.id"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    organisation: Mapped[Organisation | None] = relationship()
    plan: Mapped[Plan] = relationship()
    app: Mapped[App | None] = relationship()
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    subscription: Mapped[Subscription | None] = relationship()


class IncidentUsage(db.Model):
    """Professional incidents taken under a subscription in one calendar month (YYYY-MM).

    Claiming an incident is one conditional UPDATE (``used < limit``), so two requests filed at
    the same moment can never both take the last incident of the month.
    """

    __tablename__ = "support_incident_usage"
    __table_args__ = (
        UniqueConstraint("subscription_id", "month", name="uq_support_incident_usage_month"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("support_subscription.id"))
    month: Mapped[str] = mapped_column(String(7))
    used: Mapped[int] = mapped_column(Integer, default=0)
