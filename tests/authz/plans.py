"""Placeholders of the authorisation matrix for the plans pages."""

from itertools import count

from catalog.extensions import db
from catalog.support.demo import OPERATOR_CALENDAR
from catalog.support.plans.operations import PlanValues
from catalog.support.plans.operations import create_plan


def _plan(app, slug: str) -> str:
    """A plan nothing uses (so an admin may delete it); returns its slug."""
    with app.app_context():
        create_plan(PlanValues(name=f"Plan {slug}", slug=slug, calendar=OPERATOR_CALENDAR))
        db.session.commit()
    return slug


def placeholders(app) -> dict:
    """Symbolic URL arguments of the plans endpoints, and the objects behind them."""
    numbers = count()
    return {
        "plan_slug": _plan(app, "authz-plan"),
        # Deleting is destructive: each request deletes a plan made for it.
        "fresh_plan_slug": lambda: _plan(app, f"authz-fresh-{next(numbers)}"),
    }
