"""Subscriptions on the operator's pages: period, plan, named contacts, renewal, usage."""

import re
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta
from zoneinfo import ZoneInfo

from catalog.accounts.models import Organisation
from catalog.accounts.models import User
from catalog.customers.queries import usage_history
from catalog.extensions import db
from catalog.support.planrequests.views import year_later
from catalog.support.plans.models import NamedContactChange
from catalog.support.plans.models import Subscription
from catalog.support.tickets.models import Ticket
from tests.customers.conftest import TODAY
from tests.customers.conftest import make_organisation
from tests.customers.conftest import make_plan
from tests.customers.conftest import make_subscription
from tests.customers.conftest import submission
from tests.customers.conftest import text
from tests.customers.conftest import user_id
from tests.support.tickets import make_ticket

MEMBERS = [
    ("ann@acme.example", "member"),
    ("bob@acme.example", "member"),
    ("cy@acme.example", "admin"),
]


def _new(client, auth, organisation_id: int, **data):
    """Send the new-subscription form."""
    url = f"/operator/organisations/{organisation_id}/subscriptions/new"
    token = submission(client.get(url).get_data(as_text=True))
    return auth.post(url, {"submission": token, "environments": "1", **data})


def _subscriptions(app) -> list[Subscription]:
    """(plan id, starts, ends, contact ids, renews) of every subscription, by id."""
    with app.app_context():
        rows = db.session.scalars(db.select(Subscription).order_by(Subscription.id))
        return [
            (r.plan_id, r.starts_on, r.ends_on, sorted(c.user_id for c in r.contacts), r.renews_id)
            for r in rows
        ]


def test_staff_subscribe_an_organisation_with_named_contacts(app, world, client, auth):
    organisation_id = make_organisation(app, members=MEMBERS)
    plan_id = make_plan(app)
    auth.login(world["staff"])
    ann, bob = user_id(app, "ann@acme.example"), user_id(app, "bob@acme.example")
    response = _new(
        client,
        auth,
        organisation_id,
        plan_id=plan_id,
        starts_on="2026-01-01",
        ends_on="2026-12-31",
        contacts=[ann, bob],
    )
    assert response.status_code == 302
    assert _subscriptions(app) == [
        (plan_id, date(2026, 1, 1), date(2026, 12, 31), [ann, bob], None)
    ]
    page = text(client.get(response.headers["Location"]))
    assert "Named contacts (2 of 2)" in page and "Ann added by Staff" in page


def test_an_end_before_the_start_is_refused_next_to_the_field(app, world, client, auth):
    organisation_id = make_organisation(app, members=MEMBERS)
    plan_id = make_plan(app)
    auth.login(world["staff"])
    response = _new(
        client, auth, organisation_id, plan_id=plan_id, starts_on="2026-06-01", ends_on="2026-05-01"
    )
    html = text(response)
    assert response.status_code == 400
    assert 'id="ends_on-error">The end date is before the start date.' in html
    assert 'value="2026-06-01"' in html and 'value="2026-05-01"' in html
    assert _subscriptions(app) == []


def test_more_named_contacts_than_the_plan_allows_are_refused_with_the_reason(
    app, world, client, auth
):
    organisation_id = make_organisation(app, members=MEMBERS)
    plan_id = make_plan(app, named_contacts=2)
    auth.login(world["staff"])
    contacts = [user_id(app, email) for email, _ in MEMBERS]
    response = _new(
        client, auth, organisation_id, plan_id=plan_id, starts_on="2026-01-01", contacts=contacts
    )
    html = text(response)
    assert response.status_code == 400
    assert 'id="contacts-error">Gold allows 2 named contacts' in html
    assert _subscriptions(app) == []
    with app.app_context():
        assert db.session.scalar(db.select(NamedContactChange)) is None


def test_a_retired_plan_takes_no_new_subscription(app, world, client, auth):
    organisation_id = make_organisation(app, members=MEMBERS)
    plan_id = make_plan(app, retired_at=datetime.now(UTC))
    auth.login(world["staff"])
    form = text(client.get(f"/operator/organisations/{organisation_id}/subscriptions/new"))
    assert "Choose a plan" in form and "Gold" not in form
    response = _new(client, auth, organisation_id, plan_id=plan_id, starts_on="2026-01-01")
    assert response.status_code == 400
    assert "Gold is retired and takes no new subscriptions." in text(response)
    assert _subscriptions(app) == []


def test_a_contact_of_another_organisation_is_not_found(app, world, client, auth):
    organisation_id = make_organisation(app, members=MEMBERS)
    make_organisation(app, "Rival", ["rival.example"], [("eve@rival.example", "member")])
    plan_id = make_plan(app)
    auth.login(world["staff"])
    eve = user_id(app, "eve@rival.example")
    response = _new(
        client, auth, organisation_id, plan_id=plan_id, starts_on="2026-01-01", contacts=[eve]
    )
    assert response.status_code == 404
    assert _subscriptions(app) == []


def test_renewal_creates_the_next_period_with_the_same_contacts(app, world, client, auth):
    organisation_id = make_organisation(app, members=MEMBERS)
    plan_id = make_plan(app)
    first = make_subscription(
        app, organisation_id, plan_id, date(2026, 1, 1), date(2026, 12, 31), ["ann@acme.example"]
    )
    auth.login(world["staff"])
    response = auth.post(f"/operator/subscriptions/{first}/renew")
    assert response.status_code == 302
    ann = user_id(app, "ann@acme.example")
    assert _subscriptions(app)[1] == (plan_id, date(2027, 1, 1), date(2027, 12, 31), [ann], first)
    again = auth.post(f"/operator/subscriptions/{first}/renew", follow_redirects=True)
    assert "This period was already renewed until 2027-12-31." in text(again)
    assert len(_subscriptions(app)) == 2


def test_a_subscription_past_its_end_shows_as_lapsed(app, world, client, auth):
    organisation_id = make_organisation(app, members=MEMBERS)
    plan_id = make_plan(app)
    ended = TODAY - timedelta(days=1)
    lapsed = make_subscription(app, organisation_id, plan_id, ended - timedelta(days=30), ended)
    auth.login(world["staff"])
    page = text(client.get(f"/operator/subscriptions/{lapsed}"))
    assert "<strong>lapsed</strong>" in page
    listing = text(client.get("/operator/organisations"))
    assert "<td>lapsed</td>" in listing


def test_changing_the_end_date_refuses_one_before_the_start(app, world, client, auth):
    organisation_id = make_organisation(app, members=MEMBERS)
    subscription_id = make_subscription(
        app, organisation_id, make_plan(app), date(2026, 1, 1), date(2026, 12, 31)
    )
    auth.login(world["staff"])
    url = f"/operator/subscriptions/{subscription_id}"
    refused = auth.post(url, {"ends_on": "2025-12-31", "environments": "3"})
    assert refused.status_code == 400
    assert "The end date is before the start date." in text(refused)
    assert auth.post(url, {"ends_on": "2027-06-30", "environments": "3"}).status_code == 302
    with app.app_context():
        row = db.session.get(Subscription, subscription_id)
        assert (row.ends_on, row.environments) == (date(2027, 6, 30), 3)


def test_staff_add_and_remove_named_contacts_within_the_limit(app, world, client, auth):
    organisation_id = make_organisation(app, members=MEMBERS)
    subscription_id = make_subscription(
        app, organisation_id, make_plan(app, named_contacts=1), TODAY, None, ["ann@acme.example"]
    )
    ann, bob = user_id(app, "ann@acme.example"), user_id(app, "bob@acme.example")
    auth.login(world["staff"])
    url = f"/operator/subscriptions/{subscription_id}"
    full = auth.post(f"{url}/contacts", {"user_id": bob})
    assert full.status_code == 400 and "Gold allows 1 named contact;" in text(full)
    confirm = client.get(f"{url}/contacts/{ann}/remove")
    assert "Remove Ann as named contact?" in text(confirm)
    assert auth.post(f"{url}/contacts/{ann}/remove").status_code == 302
    assert auth.post(f"{url}/contacts", {"user_id": bob}).status_code == 302
    with app.app_context():
        log = db.session.scalars(db.select(NamedContactChange).order_by(NamedContactChange.id))
        assert [(c.user_id, c.action) for c in log] == [
            (ann, "added"),
            (ann, "removed"),
            (bob, "added"),
        ]


def test_usage_history_counts_professional_tickets_per_month(app, world, client, auth):
    customer = user_id(app, world["customer"])
    now = datetime.now(UTC)
    this_month = now.replace(day=1, hour=12)
    last_month = (this_month - timedelta(days=1)).replace(day=10)
    plan_id = make_plan(app, incidents_per_month=5)
    references = [make_ticket(app, customer) for _ in range(3)]
    references.append(make_ticket(app, customer, channel="consulting"))
    with app.app_context():
        organisation_id = db.session.get(User, customer).organisation_id
    subscription_id = make_subscription(
        app, organisation_id, plan_id, (now - timedelta(days=120)).date(), None
    )
    with app.app_context():
        tickets = [
            db.session.scalar(db.select(Ticket).where(Ticket.reference == r)) for r in references
        ]
        for ticket, created in zip(
            tickets, [this_month, this_month, last_month, this_month], strict=True
        ):
            ticket.subscription_id = subscription_id
            ticket.created_at = created
        db.session.commit()
        rows = usage_history(db.session.get(Subscription, subscription_id), now)
        assert [(row.used, row.limit) for row in rows[:2]] == [(2, 5), (1, 5)]
        assert rows[0].month == now.strftime("%Y-%m")
        assert 1 <= len(rows) <= 12
    auth.login(world["staff"])
    page = text(client.get(f"/operator/subscriptions/{subscription_id}"))
    assert f"<td>{now.strftime('%Y-%m')} (this month)</td><td>2</td><td>5</td>" in page


def test_a_lapsed_subscriptions_usage_starts_from_its_last_month(app, world):
    organisation_id = make_organisation(app, members=MEMBERS)
    plan_id = make_plan(app, incidents_per_month=2)
    subscription_id = make_subscription(
        app, organisation_id, plan_id, date(2025, 1, 1), date(2025, 3, 31)
    )
    with app.app_context():
        rows = usage_history(db.session.get(Subscription, subscription_id), datetime.now(UTC))
    assert [row.month for row in rows] == ["2025-03", "2025-02", "2025-01"]
    assert not any(row.current for row in rows)


def test_a_new_subscription_starts_today_in_the_organisations_zone_for_a_year(
    app, world, client, auth
):
    organisation_id = make_organisation(app, members=MEMBERS)
    make_plan(app)
    with app.app_context():
        db.session.get(Organisation, organisation_id).timezone = "Pacific/Kiritimati"
        db.session.commit()
    auth.login(world["staff"])
    page = text(client.get(f"/operator/organisations/{organisation_id}/subscriptions/new"))
    today = datetime.now(ZoneInfo("Pacific/Kiritimati")).date()
    assert re.search(rf'name="starts_on"[^>]*value="{today.isoformat()}"', page)
    assert re.search(rf'name="ends_on"[^>]*value="{year_later(today).isoformat()}"', page)
