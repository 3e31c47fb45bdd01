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
from catalog.accounts.models import MEMBER
from catalog.accounts.models import ORGANISATION_ADMIN
from catalog.accounts.models import Organisation
from catalog.customers import operations as customer_operations
from catalog.db import utcnow
from catalog.extensions import db
from catalog.marketplace.models import App
from catalog.support.demo_desk import ensure_demo_desk
from catalog.support.plans import operations as plan_operations
from catalog.support.plans import queries as plan_queries
from catalog.support.plans import subscriptions
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

# Each organisation: its e-mail domains and zone, its admin, its plan (months since the start and
# until the end; negative: ended), its named contacts and its other members.
ORGANISATIONS = [
    dict(
        name="Example Customer Ltd",
        domains=["customer.example"],
        timezone="Europe/London",
        plan="level-2",
        since=6,
        until=6,
        admin="customer@example.com",
        contacts=["customer@example.com"],
        members=["colleague@customer.example"],
    ),
    dict(
        name="Busy Bakery",
        domains=["busy-bakery.example"],
        timezone="Europe/Paris",
        plan="level-1",
        since=3,
        until=9,
        admin="owner@busy-bakery.example",
        contacts=["busy@example.com"],
        members=["busy@example.com"],
    ),
    dict(
        name="Global Grid",
        domains=["global-grid.example"],
        timezone="America/New_York",
        plan="level-3",
        since=12,
        until=12,
        admin="grid@example.com",
        contacts=["grid@example.com"],
        members=["grid-intern@example.com"],
    ),
    dict(
        name="Lapsed Logistics",
        domains=["lapsed-logistics.example"],
        timezone="Europe/Prague",
        plan="level-1",
        since=14,
        until=-2,
        admin="lapsed@example.com",
        contacts=["lapsed@example.com"],
        members=[],
    ),
    dict(
        name="Tiny Startup",
        domains=["tiny-startup.example"],
        timezone="Europe/Berlin",
        plan="basic",
        since=1,
        until=11,
        admin="startup@example.com",
        contacts=["startup@example.com"],
        members=[],
    ),
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


def _organisation(values: dict, now) -> Organisation:
    """The demo organisation (found by its admin's account or its name), created through the
    operation the operator's page uses; an older demo's organisation gets its domains."""
    admin = account_operations.user_by_email(values["admin"])
    found = admin.organisation if admin is not None and admin.organisation else None
    found = found or db.session.scalar(
        select(Organisation).where(Organisation.name == values["name"])
    )
    if found is None:
        return customer_operations.create_organisation(
            values["name"], values["domains"], values["timezone"], now=now
        )
    if not found.domains:
        customer_operations.update_organisation(
            found, found.name, values["domains"], values["timezone"], found.notes
        )
    return found


def _member(email: str, organisation: Organisation, role: str, now):
    """The demo customer with this address, made a member of ``organisation`` if in none."""
    user = account_operations.user_by_email(email)
    if user is None:
        name = email.split("@")[0].replace("-", " ").title()
        user = account_operations.create_user(email, name, DEMO_PASSWORD, CUSTOMER)
    if user.organisation_id is None:
        customer_operations.add_member(organisation, user, role, None, now)
    elif user.organisation_id == organisation.id and role == ORGANISATION_ADMIN:
        customer_operations.set_member_role(organisation, user, role)
    return user


def _months(today: date, months: int) -> date:
    """The first day of the month ``months`` away from today."""
    index = today.year * 12 + today.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _subscribe(organisation: Organisation, plan: Plan, values: dict, today: date, now) -> None:
    """The organisation's subscription with its named contacts, unless it has one already."""
    if organisation.id and db.session.scalar(
        select(Subscription.id).where(Subscription.organisation_id == organisation.id)
    ):
        return
    contacts = [account_operations.user_by_email(email) for email in values["contacts"]]
    subscriptions.create_subscription(
        organisation,
        plan,
        _months(today, -values["since"]),
        _months(today, values["until"]) - timedelta(days=1),
        1,
        [user for user in contacts if user.organisation_id == organisation.id],
        None,
        now,
    )


def ensure_demo_support() -> list[tuple[str, str]]:
    """Plans, organisations with an admin and members, subscriptions, named contacts and one
    ticket, through the operations the pages use; logins for the list. Safe to run again."""
    plans = ensure_plans()
    now = utcnow()
    logins = []
    for values in ORGANISATIONS:
        organisation = _organisation(values, now)
        _member(values["admin"], organisation, ORGANISATION_ADMIN, now)
        for email in values["members"]:
            _member(email, organisation, MEMBER, now)
        plan = plans[values["plan"]]
        _subscribe(organisation, plan, values, now.date(), now)
        state = "lapsed" if values["until"] < 0 else "active"
        for email in dict.fromkeys([values["admin"], *values["members"]]):
            what = "organisation admin" if email == values["admin"] else "member"
            named = "named contact" if email in values["contacts"] else "not a named contact"
            logins.append((email, f"{what} of {organisation.name}, {named} ({plan.name}, {state})"))
    _demo_ticket("busy@example.com", "mailguard-antispam")
    return logins + ensure_demo_desk(now)


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
