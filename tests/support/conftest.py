"""Fixtures for support: apps with each kind of channel, plans, organisations, subscriptions."""

from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta

import pytest

from catalog.accounts.models import Organisation
from catalog.accounts.models import User
from catalog.extensions import db
from catalog.support.demo import ensure_plans
from catalog.support.plans.models import NamedContact
from catalog.support.plans.models import Subscription
from tests.conftest import add_apps
from tests.conftest import app_record
from tests.conftest import make_user

PRAGUE_HOURS = {
    "timezone": "Europe/Prague",
    "windows": {d: [["09:00", "17:00"]] for d in ("mon", "tue", "wed", "thu", "fri")},
}
PRO_APP = "pro-app"  # professional + consulting + local ISV tickets
ISV_APP = "isv-app"  # ISV tickets here only (Contoso)
EXTERNAL_APP = "external-app"  # ISV on its own site, and a dedicated forum
FORUM_APP = "forum-app"  # casual forum only
# A Wednesday, 10:00 in Prague (CET, UTC+1).
WEDNESDAY = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)


def _isv(**extra) -> dict:
    """ISV terms with Prague office hours and first-response targets."""
    return {
        "contact_email": "help@vendor.example",
        "hours": PRAGUE_HOURS,
        "first_response_minutes": {"1": 120, "2": 480, "3": 960},
        **extra,
    }


def add_router_apps(app) -> None:
    """Add four apps covering every outcome of the router."""
    add_apps(
        app,
        app_record(
            PRO_APP,
            support={
                "isv": _isv(),
                "operator": {
                    "professional": True,
                    "consulting": True,
                    "rate_min": 100,
                    "rate_max": 200,
                },
            },
        ),
        app_record(
            ISV_APP,
            vendor={"name": "Contoso", "slug": "contoso"},
            category="Backup",
            support={"isv": _isv()},
        ),
        app_record(
            EXTERNAL_APP,
            support={
                "dedicated_forum": True,
                "isv": _isv(contact_url="https://vendor.example/support"),
            },
        ),
        app_record(FORUM_APP, support={"forum_url": "https://forum.example.org/c/forum-app"}),
    )


@pytest.fixture
def apps(app, world):
    """The world's accounts, with four apps covering every outcome of the router."""
    add_router_apps(app)
    return world


def subscribe(
    app,
    email: str,
    plan: str = "level-2",
    starts: date | None = None,
    ends: date | None = None,
    named: bool = True,
    organisation: str | None = None,
) -> int:
    """Give the user's organisation (or a new one) a subscription; return the subscription id."""
    starts = starts or date.today() - timedelta(days=400)
    ends = ends or date.today() + timedelta(days=400)
    with app.app_context():
        plans = ensure_plans()
        user = db.session.scalar(db.select(User).where(User.email == email))
        if user.organisation is None or organisation:
            user.organisation = Organisation(name=organisation or f"{email} Ltd")
        subscription = Subscription(
            organisation=user.organisation, plan=plans[plan], starts_on=starts, ends_on=ends
        )
        if named:
            subscription.contacts.append(NamedContact(user=user))
        db.session.add(subscription)
        db.session.commit()
        return subscription.id


def customer(app, email: str, organisation_of: str | None = None) -> int:
    """A customer in a fresh organisation, or in the organisation of another customer."""
    user_id = make_user(app, email)
    if organisation_of:
        with app.app_context():
            other = db.session.scalar(db.select(User).where(User.email == organisation_of))
            db.session.get(User, user_id).organisation_id = other.organisation_id
            db.session.commit()
    return user_id
