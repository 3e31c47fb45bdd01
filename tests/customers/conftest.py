"""Organisations, members, plans and subscriptions made for the organisation pages' tests."""

import re
from datetime import date
from email import message_from_bytes
from email import policy
from html import unescape

from catalog.accounts import operations as account_operations
from catalog.accounts.models import Organisation
from catalog.accounts.models import User
from catalog.customers import operations
from catalog.db import utcnow
from catalog.extensions import db
from catalog.support.plans import subscriptions
from catalog.support.plans.models import Plan
from catalog.ticketmail.models import MailOutbox
from tests.conftest import PASSWORD

SUBMISSION_RE = re.compile(r'name="submission"[^>]*value="([^"]+)"')
CALENDAR = {"timezone": "UTC", "always_open": True}


def make_plan(app, slug: str = "gold", named_contacts: int = 2, **values) -> int:
    """A plan with a UTC round-the-clock calendar; returns its id."""
    with app.app_context():
        plan = Plan(
            slug=slug,
            name=slug.title(),
            calendar=CALENDAR,
            named_contacts=named_contacts,
            **values,
        )
        db.session.add(plan)
        db.session.commit()
        return plan.id


def make_organisation(app, name: str = "Acme", domains=("acme.example",), members=()) -> int:
    """An organisation with customers ``(email, role)``; returns its id."""
    with app.app_context():
        organisation = operations.create_organisation(name, domains, now=utcnow())
        for email, role in members:
            user = account_operations.create_user(
                email, email.split("@")[0].title(), PASSWORD, "customer"
            )
            operations.add_member(organisation, user, role, None, utcnow())
        db.session.commit()
        return organisation.id


def make_subscription(app, organisation_id: int, plan_id: int, starts, ends, contacts=()) -> int:
    """A subscription through the operation the pages use; returns its id."""
    with app.app_context():
        users = [user_by_email(email) for email in contacts]
        subscription = subscriptions.create_subscription(
            db.session.get(Organisation, organisation_id),
            db.session.get(Plan, plan_id),
            starts,
            ends,
            1,
            users,
            None,
            utcnow(),
        )
        db.session.commit()
        return subscription.id


def user_by_email(email: str) -> User:
    """A user by address (inside an app context)."""
    return db.session.scalar(db.select(User).where(User.email == email))


def user_id(app, email: str) -> int:
    """The id of a user by address."""
    with app.app_context():
        return user_by_email(email).id


def letters(app, kind: str) -> list[tuple[list, str, str]]:
    """Outbox letters of a kind, oldest first: (recipients, subject, text)."""
    with app.app_context():
        rows = db.session.scalars(
            db.select(MailOutbox).where(MailOutbox.kind == kind).order_by(MailOutbox.id)
        )
        found = []
        for row in rows:
            message = message_from_bytes(row.raw, policy=policy.default)
            found.append(
                (row.recipients, message["Subject"], message.get_body(("plain",)).get_content())
            )
        return found


def submission(html: str) -> str:
    """The one-time token of a creating form."""
    return SUBMISSION_RE.search(html).group(1)


def text(response) -> str:
    """A response's HTML with entities decoded."""
    return unescape(response.get_data(as_text=True))


TODAY = date.today()
