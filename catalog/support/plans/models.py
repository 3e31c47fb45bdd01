"""Support plans (operator data), customer subscriptions to them, and named support contacts."""

from datetime import date
from datetime import datetime
from typing import Any

from sqlalchemy import JSON
from sqlalchemy import Boolean
from sqlalchemy import CheckConstraint
from sqlalchemy import Date
from sqlalchemy import ForeignKey
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import UniqueConstraint
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from catalog.accounts.models import Organisation
from catalog.accounts.models import User
from catalog.db import UTCDateTime
from catalog.db import utcnow
from catalog.extensions import db


class Plan(db.Model):
    """A support plan: monthly incidents, targets per severity and the calendar its clocks run on.

    ``targets`` maps a severity ("1", "2", "3") to minutes of business time per target, e.g.
    ``{"1": {"first_response": 480, "workaround": 2400, "resolution": null}}``; ``null`` means
    the plan promises no time for that target (the seeds' "fix in the next release").
    """

    __tablename__ = "support_plan"
    __table_args__ = (
        CheckConstraint(
            "incidents_per_month IS NULL OR incidents_per_month >= 0", name="incidents_not_negative"
        ),
        CheckConstraint("named_contacts >= 1", name="at_least_one_contact"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    # None means unlimited.
    incidents_per_month: Mapped[int | None] = mapped_column(Integer)
    targets: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    contact_methods: Mapped[list[str]] = mapped_column(JSON, default=list)
    named_contacts: Mapped[int] = mapped_column(Integer, default=2)
    calendar: Mapped[dict[str, Any]] = mapped_column(JSON)
    sev1_24x7: Mapped[bool] = mapped_column(Boolean, default=False)
    best_effort: Mapped[bool] = mapped_column(Boolean, default=False)
    covers_professional: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Subscription(db.Model):
    """An organisation's subscription to a plan from ``starts_on`` to ``ends_on`` (inclusive)."""

    __tablename__ = "support_subscription"
    __table_args__ = (
        CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="ends_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("support_plan.id"), index=True)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
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
