"""Reads of plans: the operator's list, one plan, what uses it, the plans compared in public."""

from sqlalchemy import func
from sqlalchemy import select

from catalog.extensions import db
from catalog.marketplace.models import App
from catalog.marketplace.models import Category
from catalog.marketplace.models import OperatorCoverage
from catalog.pagination import Page
from catalog.support.plans.models import Plan
from catalog.support.plans.models import Subscription
from catalog.support.plans.models import SubscriptionRequest

# The comparison shows the offered plans side by side; more than this would not fit any screen.
MAX_COMPARED = 12
# Categories offered as checkboxes on the plan form (the catalog has a few dozen).
MAX_CATEGORIES = 500


def plan_by_slug(slug: str) -> Plan | None:
    """The plan with this slug, retired or not."""
    return db.session.scalar(select(Plan).where(Plan.slug == slug))


def plans_page(page: int, per_page: int) -> Page:
    """One page of plans as (plan, subscriptions) pairs: offered plans first, then by name."""
    counts = (
        select(Subscription.plan_id, func.count(Subscription.id).label("n"))
        .group_by(Subscription.plan_id)
        .subquery()
    )
    total = db.session.scalar(select(func.count(Plan.id))) or 0
    statement = (
        select(Plan, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.plan_id == Plan.id)
        .order_by(Plan.retired_at.is_not(None), Plan.name, Plan.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    rows = [(plan, subscriptions) for plan, subscriptions in db.session.execute(statement)]
    return Page(rows, page, per_page, total)


def usage(plan: Plan) -> tuple[int, int]:
    """(subscriptions, plan requests) naming the plan; tickets reach it through subscriptions."""
    subscriptions = db.session.scalar(
        select(func.count(Subscription.id)).where(Subscription.plan_id == plan.id)
    )
    requests = db.session.scalar(
        select(func.count(SubscriptionRequest.id)).where(SubscriptionRequest.plan_id == plan.id)
    )
    return subscriptions or 0, requests or 0


def compared_plans() -> list[Plan]:
    """The plans on offer (not retired), in the order they were created."""
    statement = select(Plan).where(Plan.retired_at.is_(None)).order_by(Plan.id).limit(MAX_COMPARED)
    return list(db.session.scalars(statement))


def coverable_apps(slugs: list[str]) -> dict[str, App]:
    """The published apps among ``slugs`` that the operator supports professionally, by slug."""
    if not slugs:
        return {}
    statement = (
        select(App)
        .join(OperatorCoverage, OperatorCoverage.app_id == App.id)
        .where(
            App.slug.in_(slugs), App.published.is_(True), OperatorCoverage.professional.is_(True)
        )
    )
    return {app.slug: app for app in db.session.scalars(statement)}


def categories() -> list[Category]:
    """The categories a plan may cover, by name."""
    return list(db.session.scalars(select(Category).order_by(Category.name).limit(MAX_CATEGORIES)))
