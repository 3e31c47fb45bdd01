"""A customer's standing for professional support: subscription, named contact, monthly quota.

Reads the database and hands the router (``routing.RoutingRequest``) plain facts.
"""

from dataclasses import dataclass
from datetime import date
from datetime import datetime
from datetime import time
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from catalog.extensions import db
from catalog.support.plans import describe
from catalog.support.plans.models import IncidentUsage
from catalog.support.plans.models import NamedContact
from catalog.support.plans.models import Subscription
from catalog.support.tickets.models import Ticket
from catalog.support.wizard.routing import Subscription as State


@dataclass(frozen=True)
class Standing:
    """What the router needs to know about the requester, and the subscription behind it."""

    state: State
    subscription: Subscription | None = None
    used: int = 0

    @property
    def plan(self):
        """The plan of the subscription, if any."""
        return self.subscription.plan if self.subscription else None

    @property
    def covers_professional(self) -> bool:
        """Whether the plan includes professional support at all."""
        return bool(self.plan and self.plan.covers_professional)

    def covers(self, app) -> bool:
        """Whether the plan includes professional support for this app (all, chosen, category)."""
        return describe.covers(self.plan, app)


def month_bounds(now: datetime, timezone_name: str) -> tuple[datetime, datetime]:
    """The calendar month containing ``now`` in a time zone, as aware [start, end) instants."""
    zone = ZoneInfo(timezone_name)
    local = now.astimezone(zone)
    first = date(local.year, local.month, 1)
    following = date(local.year + (local.month == 12), local.month % 12 + 1, 1)
    return (datetime.combine(first, time(), zone), datetime.combine(following, time(), zone))


def incidents_used(subscription: Subscription, now: datetime) -> int:
    """Incidents taken under a subscription in the current month of its plan's zone.

    The professional tickets opened that month that still count (staff may return one:
    ``counts_as_incident`` False), or the month's usage row when it says more — it also holds
    tickets that moved into professional support that month (``support.handoffs``).
    """
    zone = subscription.plan.calendar["timezone"]
    start, end = month_bounds(now, zone)
    statement = select(func.count(Ticket.id)).where(
        Ticket.subscription_id == subscription.id,
        Ticket.channel == "professional",
        Ticket.counts_as_incident.is_(True),
        Ticket.created_at >= start,
        Ticket.created_at < end,
    )
    usage = select(IncidentUsage.used).where(
        IncidentUsage.subscription_id == subscription.id,
        IncidentUsage.month == now.astimezone(ZoneInfo(zone)).strftime("%Y-%m"),
    )
    return max(db.session.scalar(statement) or 0, db.session.scalar(usage) or 0)


def give_back_incident(ticket: Ticket, subscription: Subscription) -> str:
    """Return the incident a professional ticket took to its month's quota; that month (YYYY-MM).

    The month is the one the incident was claimed in: the ticket's last move into professional
    support, else its opening. Flushes; the caller records why.
    """
    claims = [
        item.decided_at
        for item in ticket.handoffs
        if item.status == "accepted" and item.target_channel == "professional" and item.decided_at
    ]
    moment = claims[-1] if claims else ticket.created_at
    month = moment.astimezone(ZoneInfo(subscription.plan.calendar["timezone"])).strftime("%Y-%m")
    ticket.counts_as_incident = False
    db.session.execute(
        update(IncidentUsage)
        .where(
            IncidentUsage.subscription_id == subscription.id,
            IncidentUsage.month == month,
            IncidentUsage.used > 0,
        )
        .values(used=IncidentUsage.used - 1)
        .execution_options(synchronize_session=False)
    )
    db.session.flush()
    return month


def current_subscription(organisation_id: int | None, now: datetime) -> Subscription | None:
    """The organisation's subscription that runs today, else its latest one, else None."""
    if organisation_id is None:
        return None
    rows = list(
        db.session.scalars(
            select(Subscription)
            .where(Subscription.organisation_id == organisation_id)
            .order_by(Subscription.starts_on.desc())
        )
    )
    for row in rows:
        if row.is_active_on(local_day(row, now)):
            return row
    return rows[0] if rows else None


def standing(user, now: datetime) -> Standing:
    """The user's standing: none, lapsed, not a named contact, quota used, or active."""
    if user is None or not getattr(user, "is_authenticated", False):
        return Standing(State.NONE)
    subscription = current_subscription(user.organisation_id, now)
    if subscription is None:
        return Standing(State.NONE)
    if not subscription.is_active_on(local_day(subscription, now)):
        return Standing(State.LAPSED, subscription)
    used = incidents_used(subscription, now)
    if not is_named_contact(subscription, user):
        return Standing(State.NOT_NAMED_CONTACT, subscription, used)
    limit = subscription.plan.incidents_per_month
    if limit is not None and used >= limit:
        return Standing(State.QUOTA_USED, subscription, used)
    return Standing(State.ACTIVE, subscription, used)


def is_named_contact(subscription: Subscription, user) -> bool:
    """Whether the user is a named contact of the subscription."""
    statement = select(NamedContact.id).where(
        NamedContact.subscription_id == subscription.id, NamedContact.user_id == user.id
    )
    return db.session.scalar(statement) is not None


def local_day(subscription: Subscription, now: datetime) -> date:
    """Today in the time zone of the subscription's plan."""
    return now.astimezone(ZoneInfo(subscription.plan.calendar["timezone"])).date()


def claim_incident(subscription: Subscription, now: datetime) -> bool:
    """Take one of this month's incidents atomically; False when none is left.

    The month's usage row starts from the tickets already opened (so counts that predate the row
    agree), and the claim is a conditional UPDATE that the database serialises per row.
    """
    limit = subscription.plan.incidents_per_month
    if limit is None:
        return True
    month = now.astimezone(ZoneInfo(subscription.plan.calendar["timezone"])).strftime("%Y-%m")
    dialect = db.session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    db.session.execute(
        insert(IncidentUsage)
        .values(
            subscription_id=subscription.id, month=month, used=incidents_used(subscription, now)
        )
        .on_conflict_do_nothing(index_elements=["subscription_id", "month"])
    )
    claimed = db.session.execute(
        update(IncidentUsage)
        .where(
            IncidentUsage.subscription_id == subscription.id,
            IncidentUsage.month == month,
            IncidentUsage.used < limit,
        )
        .values(used=IncidentUsage.used + 1)
    )
    return claimed.rowcount == 1
