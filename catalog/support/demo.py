"""Demo plans, customer organisations and subscriptions for ``load-demo`` (safe to run again).

The three levels follow the seeds: 2 / 5 / unlimited incidents a month; first response in 3
business days / 1 business day / 12 hours; workaround in 2 weeks / 1 week / 3 days; a fix in the
next release / 1 month / 1 week. A business day is the operator's 8-hour day.
"""

from datetime import date
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from catalog.accounts import operations as account_operations
from catalog.accounts.cli import DEMO_PASSWORD
from catalog.accounts.models import CUSTOMER
from catalog.accounts.models import Organisation
from catalog.db import utcnow
from catalog.extensions import db
from catalog.marketplace.models import App
from catalog.support.plans import operations as plan_operations
from catalog.support.plans import queries as plan_queries
from catalog.support.plans.models import NamedContact
from catalog.support.plans.models import Plan
from catalog.support.plans.models import Subscription
from catalog.support.plans.operations import PlanValues
from catalog.support.tickets.models import Ticket
from catalog.support.tickets.operations import open_ticket
from catalog.support.wizard.intake import assess

DAY = 8 * 60
OPERATOR_CALENDAR = {
    "timezone": "Europe/Prague",
    "windows": {day: [["09:00", "17:00"]] for day in ("mon", "tue", "wed", "thu", "fri")},
    "country": "CZ",
}


def _targets(first: int, workaround: int | None, resolution: int | None) -> dict:
    """The same targets for the three severities (severity changes the clock, not the promise)."""
    values = {"first_response": first, "workaround": workaround, "resolution": resolution}
    return {severity: dict(values) for severity in ("1", "2", "3")}


PLANS = [
    dict(
        slug="level-1",
        name="Level 1",
        incidents_per_month=2,
        targets=_targets(3 * DAY, 10 * DAY, "next_release"),
        description="Fix in the next scheduled release.",
        price=Decimal("150.00"),
    ),
    dict(
        slug="level-2",
        name="Level 2",
        incidents_per_month=5,
        targets=_targets(DAY, 5 * DAY, 20 * DAY),
        phone=True,
        chat_experts=3,
        description="Phone and chat; a fix within a month.",
        price=Decimal("450.00"),
    ),
    dict(
        slug="level-3",
        name="Level 3",
        incidents_per_month=None,
        targets=_targets(12 * 60, 3 * DAY, 5 * DAY),
        phone=True,
        chat_experts=7,
        remote_session=True,
        around_the_clock=["1"],
        description="Severity 1 clocks run around the clock.",
        price=Decimal("12000.00"),
        price_period="year",
        assessment="An initial 2-hour consultation on your set-up.",
    ),
    dict(
        slug="basic",
        name="Basic (best effort)",
        incidents_per_month=None,
        targets=_targets(24 * 60, None, None),
        web_portal=False,
        best_effort=True,
        calendar={"timezone": "Europe/Prague", "always_open": True},
        description="Answered on a best-effort basis, generally within 24 hours.",
    ),
]

# (organisation, plan, months since start, months until end (negative: ended), named contact,
#  extra member)
ORGANISATIONS = [
    ("Example Customer Ltd", "level-2", 6, 6, "customer@example.com", None),
    ("Busy Bakery", "level-1", 3, 9, "busy@example.com", None),
    ("Global Grid", "level-3", 12, 12, "grid@example.com", "grid-intern@example.com"),
    ("Lapsed Logistics", "level-1", 14, -2, "lapsed@example.com", None),
    ("Tiny Startup", "basic", 1, 11, "startup@example.com", None),
]


def ensure_plans() -> dict[str, Plan]:
    """Create the demo plans that do not exist yet, through the operation the plan pages use;
    return all of them by slug."""
    plans = {}
    for values in PLANS:
        plan = plan_queries.plan_by_slug(values["slug"])
        if plan is None:
            defaults = {"calendar": OPERATOR_CALENDAR, "named_contacts": 2}
            plan = plan_operations.create_plan(PlanValues(**{**defaults, **values}))
        plans[plan.slug] = plan
    return plans


def _member(email: str, organisation: Organisation):
    """The demo customer with this address, created in ``organisation`` if missing."""
    user = account_operations.user_by_email(email)
    if user is None:
        name = email.split("@")[0].replace("-", " ").title()
        user = account_operations.create_user(
            email, name, DEMO_PASSWORD, CUSTOMER, organisation=organisation
        )
    return user


def _organisation(name: str, contact_email: str) -> Organisation:
    """The organisation of the contact's account if it exists, else one with this name."""
    existing = account_operations.user_by_email(contact_email)
    if existing is not None and existing.organisation is not None:
        return existing.organisation
    found = db.session.scalar(select(Organisation).where(Organisation.name == name))
    if found is None:
        found = Organisation(name=name)
        db.session.add(found)
    return found


def _months(today: date, months: int) -> date:
    """The first day of the month ``months`` away from today."""
    index = today.year * 12 + today.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def ensure_demo_support() -> list[tuple[str, str]]:
    """Plans, organisations, subscriptions, named contacts and one ticket; logins for the list."""
    plans = ensure_plans()
    today = utcnow().date()
    logins = []
    for name, slug, since, until, contact, extra in ORGANISATIONS:
        organisation = _organisation(name, contact)
        user = _member(contact, organisation)
        subscription = db.session.scalar(
            select(Subscription).where(Subscription.organisation_id == organisation.id)
        )
        if subscription is None:
            subscription = Subscription(
                organisation=organisation,
                plan=plans[slug],
                starts_on=_months(today, -since),
                ends_on=_months(today, until) - timedelta(days=1),
            )
            subscription.contacts.append(NamedContact(user=user))
            db.session.add(subscription)
        state = "lapsed" if until < 0 else "active"
        logins.append(
            (contact, f"named contact of {organisation.name} ({plans[slug].name}, {state})")
        )
        if extra:
            _member(extra, organisation)
            logins.append((extra, f"member of {organisation.name}, not a named contact"))
    db.session.flush()
    _demo_ticket("busy@example.com", "mailguard-antispam")
    return logins


def _demo_ticket(email: str, app_slug: str) -> None:
    """One professional ticket this month, so that organisation has one incident left."""
    user = account_operations.user_by_email(email)
    app = db.session.scalar(select(App).where(App.slug == app_slug))
    if (
        app is None
        or db.session.scalar(select(Ticket.id).where(Ticket.requester_id == user.id)) is not None
    ):
        return
    intake = assess(app, user, 2, "incident", utcnow())
    if intake.makes_ticket:
        open_ticket(
            intake,
            user,
            "Quarantine digest not sent since the upgrade",
            "Since upgrading to 6.3.2 the daily digest is no longer delivered to any mailbox.",
            utcnow(),
            "SUP",
        )
