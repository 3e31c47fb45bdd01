"""load-demo's organisations: an admin each, domains, subscriptions and contacts; runs twice."""

from sqlalchemy import func

from catalog.accounts.cli import ensure_demo_users
from catalog.accounts.models import Organisation
from catalog.accounts.models import User
from catalog.cli import one_line_each
from catalog.extensions import db
from catalog.support.demo import ORGANISATIONS
from catalog.support.demo import ensure_demo_support
from catalog.support.plans.models import NamedContactChange
from catalog.support.plans.models import Subscription


def _counts() -> tuple[int, int, int, int]:
    """Organisations, users, subscriptions and contact changes."""
    return tuple(
        db.session.scalar(db.select(func.count()).select_from(model))
        for model in (Organisation, User, Subscription, NamedContactChange)
    )


def test_demo_organisations_have_an_admin_domains_and_a_subscription_and_run_twice(app):
    with app.app_context():
        ensure_demo_users()
        ensure_demo_support()
        db.session.commit()
        first = _counts()
        ensure_demo_users()
        ensure_demo_support()
        db.session.commit()
        assert _counts() == first
        for values in ORGANISATIONS:
            organisation = db.session.scalar(
                db.select(Organisation).where(Organisation.name == values["name"])
            )
            assert organisation.domains == values["domains"]
            admins = [m for m in organisation.members if m.is_organisation_admin]
            assert [a.email for a in admins] == [values["admin"]]
            [subscription] = db.session.scalars(
                db.select(Subscription).where(Subscription.organisation_id == organisation.id)
            )
            assert sorted(c.user.email for c in subscription.contacts) == values["contacts"]
        # Named through the operation, so every contact's naming is logged.
        assert first[3] == sum(len(values["contacts"]) for values in ORGANISATIONS)


def test_demo_logins_name_each_address_once_with_its_organisation_role(app):
    with app.app_context():
        logins = one_line_each(ensure_demo_users() + ensure_demo_support())
        emails = [email for email, _ in logins]
        assert len(emails) == len(set(emails))
        assert dict(logins)["customer@example.com"].startswith(
            "organisation admin of Example Customer Ltd"
        )
        assert emails[:3] == ["admin@example.com", "staff@example.com", "customer@example.com"]
