"""Reads for plan requests: the plans a customer may ask for, their requests, the staff queue."""

from sqlalchemy import case
from sqlalchemy import func
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from catalog.accounts.models import ORGANISATION_ADMIN
from catalog.accounts.models import User
from catalog.extensions import db
from catalog.marketplace.models import App
from catalog.marketplace.models import Category
from catalog.pagination import Page
from catalog.support.plans.models import REQUEST_STATUSES
from catalog.support.plans.models import NamedContact
from catalog.support.plans.models import Plan
from catalog.support.plans.models import Subscription
from catalog.support.plans.models import SubscriptionRequest

PER_PAGE = 25
# What a row of a list shows, loaded with the page rather than one query per row.
SHOWN = (
    selectinload(SubscriptionRequest.user),
    selectinload(SubscriptionRequest.plan),
    selectinload(SubscriptionRequest.app),
    selectinload(SubscriptionRequest.organisation),
    selectinload(SubscriptionRequest.subscription).selectinload(Subscription.plan),
)
# The wizard offers at most this many plans; the comparison page shows them all.
MAX_OFFERED = 10
# Names shown to a customer who is not a named contact; more would not help them.
MAX_NAMES = 10


def requestable_plan(slug: str) -> Plan | None:
    """A plan that takes new subscriptions, by slug (None when unknown or retired)."""
    return db.session.scalar(select(Plan).where(Plan.slug == slug, Plan.retired_at.is_(None)))


def offered_plans(app: App) -> list[Plan]:
    """Plans that take new subscriptions and cover professional support for ``app``."""
    covered = or_(
        Plan.covers_all_apps.is_(True),
        Plan.apps.any(App.id == app.id),
        Plan.categories.any(Category.id == app.category_id),
    )
    statement = (
        select(Plan)
        .where(Plan.retired_at.is_(None), Plan.covers_professional.is_(True), covered)
        .order_by(Plan.price.is_(None), Plan.price, Plan.name)
        .limit(MAX_OFFERED)
    )
    return list(db.session.scalars(statement))


def pending_request(user, plan: Plan) -> SubscriptionRequest | None:
    """The customer's pending request for a plan, if any."""
    statement = select(SubscriptionRequest).where(
        SubscriptionRequest.user_id == user.id,
        SubscriptionRequest.plan_id == plan.id,
        SubscriptionRequest.status == "pending",
    )
    return db.session.scalars(statement).first()


def _page(statement, page: int) -> Page:
    """One page of a statement's rows, with the total."""
    total = db.session.scalar(select(func.count()).select_from(statement.subquery())) or 0
    rows = db.session.scalars(
        statement.options(*SHOWN).limit(PER_PAGE).offset((page - 1) * PER_PAGE)
    )
    return Page(list(rows), page, PER_PAGE, total)


def requests_of(user, page: int) -> Page:
    """A customer's own requests, newest first."""
    statement = (
        select(SubscriptionRequest)
        .where(SubscriptionRequest.user_id == user.id)
        .order_by(SubscriptionRequest.created_at.desc(), SubscriptionRequest.id.desc())
    )
    return _page(statement, page)


def queue(status: str | None, page: int) -> Page:
    """Requests for the staff: pending ones first (oldest first), then the decided, newest first."""
    pending_first = case((SubscriptionRequest.status == "pending", 0), else_=1)
    oldest_pending = case(
        (SubscriptionRequest.status == "pending", SubscriptionRequest.id),
        else_=-SubscriptionRequest.id,
    )
    statement = select(SubscriptionRequest).order_by(pending_first, oldest_pending)
    if status in REQUEST_STATUSES:
        statement = statement.where(SubscriptionRequest.status == status)
    return _page(statement, page)


def pending_count() -> int:
    """How many requests wait for a decision."""
    statement = select(func.count(SubscriptionRequest.id)).where(
        SubscriptionRequest.status == "pending"
    )
    return db.session.scalar(statement) or 0


def find_request(request_id: int) -> SubscriptionRequest | None:
    """One request by id."""
    return db.session.get(SubscriptionRequest, request_id)


def contact_names(subscription) -> list[str]:
    """The names of a subscription's named contacts."""
    statement = (
        select(User.name)
        .join(NamedContact, NamedContact.user_id == User.id)
        .where(NamedContact.subscription_id == subscription.id)
        .order_by(User.name)
        .limit(MAX_NAMES)
    )
    return list(db.session.scalars(statement))


def admin_names(organisation_id: int) -> list[str]:
    """The names of an organisation's admins."""
    statement = (
        select(User.name)
        .where(
            User.organisation_id == organisation_id,
            User.organisation_role == ORGANISATION_ADMIN,
            User.active.is_(True),
        )
        .order_by(User.name)
        .limit(MAX_NAMES)
    )
    return list(db.session.scalars(statement))


def overlapping_subscription(organisation_id: int, starts_on, ends_on) -> Subscription | None:
    """A subscription of the organisation that covers any day from ``starts_on`` to
    ``ends_on`` (None: no end), or None."""
    statement = select(Subscription).where(
        Subscription.organisation_id == organisation_id,
        or_(Subscription.ends_on.is_(None), Subscription.ends_on >= starts_on),
    )
    if ends_on is not None:
        statement = statement.where(Subscription.starts_on <= ends_on)
    return db.session.scalars(statement.order_by(Subscription.starts_on).limit(1)).first()
