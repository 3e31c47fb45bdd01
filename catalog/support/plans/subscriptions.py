"""Writes on subscriptions: start one, name and swap its contacts within the plan's limit, renew.

Every function flushes and never commits; each refusal is a ``SubscriptionError`` whose
``field`` names the form field the message belongs next to. Every change of named contacts is
logged in ``NamedContactChange``.
"""

from datetime import date
from datetime import datetime

from sqlalchemy import select

from catalog.extensions import db
from catalog.support.plans import periods
from catalog.support.plans.models import NamedContact
from catalog.support.plans.models import NamedContactChange
from catalog.support.plans.models import Plan
from catalog.support.plans.models import Subscription

# A subscription is sold for a period; one longer than ten years is a typo.
MAX_PERIOD_DAYS = 3660
MAX_ENVIRONMENTS = 1000


class SubscriptionError(ValueError):
    """A change refused, with the form field the message belongs to."""

    def __init__(self, field: str, message: str) -> None:
        """Keep the field and the message."""
        super().__init__(message)
        self.field = field
        self.message = message


def period_problem(starts_on: date, ends_on: date | None) -> str | None:
    """Why a period cannot be stored (None when it can)."""
    if ends_on is None:
        return None
    if ends_on < starts_on:
        return "The end date is before the start date."
    if (ends_on - starts_on).days > MAX_PERIOD_DAYS:
        return "A subscription period is at most ten years; renew it instead."
    return None


def state(subscription: Subscription, today: date) -> str:
    """ "upcoming", "active" or "lapsed" on a day."""
    if today < subscription.starts_on:
        return "upcoming"
    if subscription.ends_on is not None and today > subscription.ends_on:
        return "lapsed"
    return "active"


def create_subscription(
    organisation,
    plan: Plan,
    starts_on: date,
    ends_on: date | None,
    environments: int,
    contacts: list,
    actor,
    now: datetime,
) -> Subscription:
    """Subscribe an organisation to a plan for a period, with its first named contacts."""
    if plan.retired:
        raise SubscriptionError("plan", f"{plan.name} is retired and takes no new subscriptions.")
    if problem := period_problem(starts_on, ends_on):
        raise SubscriptionError("ends_on", problem)
    if not 1 <= environments <= MAX_ENVIRONMENTS:
        raise SubscriptionError(
            "environments", f"Cover between 1 and {MAX_ENVIRONMENTS} environments."
        )
    subscription = Subscription(
        organisation=organisation,
        plan=plan,
        starts_on=starts_on,
        ends_on=ends_on,
        environments=environments,
        created_at=now,
    )
    db.session.add(subscription)
    db.session.flush()
    for user in contacts:
        add_contact(subscription, user, actor, now)
    return subscription


def contact_limit_problem(subscription: Subscription, adding: int = 1) -> str | None:
    """Why ``adding`` more named contacts would exceed the plan's limit (None when they fit)."""
    limit = subscription.plan.named_contacts
    if len(subscription.contacts) + adding <= limit:
        return None
    noun = "contact" if limit == 1 else "contacts"
    return (
        f"{subscription.plan.name} allows {limit} named {noun}; "
        "remove one before naming another, or swap them."
    )


def add_contact(subscription: Subscription, user, actor, now: datetime) -> NamedContact:
    """Name a member of the organisation as a support contact, within the plan's limit."""
    if user.organisation_id != subscription.organisation_id or user.role != "customer":
        raise SubscriptionError("user_id", f"{user.name} is not a member of this organisation.")
    _lock(subscription)
    if any(contact.user_id == user.id for contact in subscription.contacts):
        raise SubscriptionError("user_id", f"{user.name} is already a named contact.")
    if problem := contact_limit_problem(subscription):
        raise SubscriptionError("user_id", problem)
    contact = NamedContact(user=user, added_at=now)
    subscription.contacts.append(contact)
    _log(subscription, user, "added", actor, now)
    db.session.flush()
    return contact


def _lock(subscription: Subscription) -> None:
    """Lock the subscription's row until the transaction ends and reload its contacts.

    Two requests naming a contact at the same moment then take turns, and the second counts the
    first one's contact against the plan's limit (or finds the renewal it already made).
    """
    db.session.execute(
        select(Subscription.id).where(Subscription.id == subscription.id).with_for_update()
    )
    db.session.expire(subscription, ["contacts"])


def remove_contact(subscription: Subscription, user, actor, now: datetime) -> None:
    """Take a named contact off the subscription."""
    contact = next((c for c in subscription.contacts if c.user_id == user.id), None)
    if contact is None:
        raise SubscriptionError("user_id", f"{user.name} is not a named contact.")
    subscription.contacts.remove(contact)
    _log(subscription, user, "removed", actor, now)
    db.session.flush()


def swap_contact(subscription: Subscription, leaving, joining, actor, now: datetime) -> None:
    """Replace one named contact by another member: the limit is never exceeded in between."""
    if leaving.id == joining.id:
        raise SubscriptionError("user_id", "Choose a different member to take the place.")
    if joining.organisation_id != subscription.organisation_id or joining.role != "customer":
        raise SubscriptionError("user_id", f"{joining.name} is not a member of this organisation.")
    if any(contact.user_id == joining.id for contact in subscription.contacts):
        raise SubscriptionError("user_id", f"{joining.name} is already a named contact.")
    remove_contact(subscription, leaving, actor, now)
    add_contact(subscription, joining, actor, now)


def drop_member_contacts(user, actor, now: datetime) -> None:
    """A member who leaves the organisation stops being a named contact of its subscriptions."""
    statement = select(NamedContact).where(NamedContact.user_id == user.id)
    for contact in list(db.session.scalars(statement)):
        remove_contact(contact.subscription, user, actor, now)


def renew(subscription: Subscription, actor, now: datetime) -> Subscription:
    """The next period of a subscription: same plan, length (in months when the period is
    whole months, else in days), environments and contacts."""
    if subscription.ends_on is None:
        raise SubscriptionError("ends_on", "A subscription without an end date needs no renewal.")
    _lock(subscription)
    following = db.session.scalar(
        select(Subscription).where(Subscription.renews_id == subscription.id)
    )
    if following is not None:
        raise SubscriptionError(
            "ends_on", f"This period was already renewed until {following.ends_on.isoformat()}."
        )
    starts_on, ends_on = periods.next_period(subscription.starts_on, subscription.ends_on)
    renewal = create_subscription(
        subscription.organisation,
        subscription.plan,
        starts_on,
        ends_on,
        subscription.environments,
        [],
        actor,
        now,
    )
    renewal.renews_id = subscription.id
    members = [
        c.user
        for c in subscription.contacts
        if c.user.organisation_id == subscription.organisation_id
    ]
    for user in members[: renewal.plan.named_contacts]:
        add_contact(renewal, user, actor, now)
    return renewal


def _log(subscription: Subscription, user, action: str, actor, now: datetime) -> None:
    """Record who added or removed a named contact, and when."""
    db.session.add(
        NamedContactChange(
            subscription_id=subscription.id,
            user_id=user.id,
            action=action,
            actor_id=actor.id if actor is not None else None,
            at=now,
        )
    )
