"""Placeholders of the authorisation matrix for the plan requests pages."""

from itertools import count

REQUEST_PLAN = "authz-request-plan"
CUSTOMER = "customer@example.com"


def _plan(app) -> int:
    """A plan that takes subscriptions (made once)."""
    from catalog.extensions import db
    from catalog.support.demo import OPERATOR_CALENDAR
    from catalog.support.plans.models import Plan

    with app.app_context():
        plan = db.session.scalar(db.select(Plan).where(Plan.slug == REQUEST_PLAN))
        if plan is None:
            plan = Plan(slug=REQUEST_PLAN, name="Authz Plan", calendar=OPERATOR_CALENDAR)
            db.session.add(plan)
            db.session.commit()
        return plan.id


_REQUESTERS = count()


def _fresh_requester(app) -> str:
    """A customer in no organisation, new for each decision: accepting founds their own
    organisation, so no two accepted requests subscribe the same one for the same days."""
    from tests.conftest import make_user

    email = f"requester{next(_REQUESTERS)}@requests.example"
    make_user(app, email)
    return email


def make_request(app, email: str = CUSTOMER, plan_id: int | None = None) -> int:
    """A pending request of the customer for the matrix's plan; returns its id."""
    from catalog.accounts.models import User
    from catalog.extensions import db
    from catalog.support.plans.models import SubscriptionRequest

    plan_id = plan_id or _plan(app)
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == email))
        made = SubscriptionRequest(
            user=user, plan_id=plan_id, organisation_name="Customer Ltd", status="pending"
        )
        db.session.add(made)
        db.session.commit()
        return made.id


def placeholders(app) -> dict:
    """Symbolic URL arguments of the plan request endpoints, and the objects behind them."""
    plan_id = _plan(app)
    return {
        "request_plan": REQUEST_PLAN,
        "own_plan_request_id": make_request(app, plan_id=plan_id),
        # Deciding is final: each decision gets a pending request made for it.
        "fresh_plan_request_id": lambda: make_request(
            app, email=_fresh_requester(app), plan_id=plan_id
        ),
    }
