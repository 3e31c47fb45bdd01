"""Writes of plans: create, update, retire, un-retire and delete (only when nothing uses it).

Tickets keep the plan they were opened under in ``plan_snapshot``, so an update never reaches
them. Every function only flushes.
"""

from copy import deepcopy
from dataclasses import dataclass
from dataclasses import field
from dataclasses import fields
from datetime import datetime
from decimal import Decimal
from typing import Any

from catalog.extensions import db
from catalog.support.plans import queries
from catalog.support.plans.models import Plan

JSON_COLUMNS = ("targets", "around_the_clock", "calendar")


@dataclass
class PlanValues:
    """Everything a plan holds except its identity and retirement, as the form validated it."""

    name: str
    slug: str
    calendar: dict[str, Any]
    description: str = ""
    incidents_per_month: int | None = None
    targets: dict[str, dict[str, Any]] = field(default_factory=dict)
    around_the_clock: list[str] = field(default_factory=list)
    best_effort: bool = False
    web_portal: bool = True
    email: bool = True
    phone: bool = False
    chat_experts: int | None = None
    remote_session: bool = False
    named_contacts: int = 2
    covers_all_apps: bool = True
    apps: list = field(default_factory=list)
    categories: list = field(default_factory=list)
    price: Decimal | None = None
    price_period: str = "month"
    assessment: str = ""


class PlanInUse(Exception):
    """The plan has subscriptions or requests, so it can only be retired."""


def create_plan(values: PlanValues) -> Plan:
    """A new plan with these values."""
    plan = Plan(slug=values.slug)
    _apply(plan, values)
    db.session.add(plan)
    db.session.flush()
    return plan


def update_plan(plan: Plan, values: PlanValues) -> None:
    """Change a plan's terms (its slug stays); tickets already opened keep their snapshot."""
    _apply(plan, values)
    db.session.flush()


def _apply(plan: Plan, values: PlanValues) -> None:
    """Copy the values onto the plan (JSON values deep-copied, so no two rows share them)."""
    for item in fields(values):
        if item.name == "slug":
            continue
        value = getattr(values, item.name)
        if item.name in JSON_COLUMNS:
            value = deepcopy(value)
        setattr(plan, item.name, value)


def retire(plan: Plan, now: datetime) -> None:
    """Take the plan off the comparison and out of new subscriptions; current ones run on."""
    if plan.retired_at is None:
        plan.retired_at = now
        db.session.flush()


def unretire(plan: Plan) -> None:
    """Offer a retired plan again."""
    plan.retired_at = None
    db.session.flush()


def in_use_reason(plan: Plan) -> str | None:
    """Why the plan cannot be deleted ("in use by 2 subscriptions — retire it instead"), or None."""
    subscriptions, requests = queries.usage(plan)
    if not subscriptions and not requests:
        return None
    parts = []
    if subscriptions:
        parts.append(f"{subscriptions} subscription{'s' if subscriptions != 1 else ''}")
    if requests:
        parts.append(f"{requests} plan request{'s' if requests != 1 else ''}")
    return f"This plan is in use by {' and '.join(parts)} — retire it instead."


def delete_plan(plan: Plan) -> None:
    """Delete a plan nothing uses; raise ``PlanInUse`` with the reason otherwise."""
    reason = in_use_reason(plan)
    if reason:
        raise PlanInUse(reason)
    db.session.delete(plan)
    db.session.flush()
