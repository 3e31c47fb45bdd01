"""Attacks on what issue 12 added (a security review): invitations, organisation admin pages,
named contacts and subscriptions."""

import re
from datetime import date

import pytest

from catalog.accounts.models import JoinRequest
from catalog.accounts.models import Organisation
from catalog.customers import operations as customer_operations
from catalog.customers.operations import OrganisationError
from catalog.db import utcnow
from catalog.extensions import db
from catalog.support.plans import subscriptions
from catalog.support.plans.models import NamedContact
from catalog.support.plans.models import Subscription
from catalog.support.plans.models import SubscriptionRequest
from catalog.support.plans.subscriptions import SubscriptionError
from tests.authz.requests import make_request
from tests.conftest import APP_A
from tests.conftest import PASSWORD
from tests.conftest import AuthActions
from tests.conftest import add_apps
from tests.conftest import app_record
from tests.conftest import make_app
from tests.conftest import make_user
from tests.customers.conftest import letters
from tests.customers.conftest import make_organisation
from tests.customers.conftest import make_plan
from tests.customers.conftest import make_subscription
from tests.customers.conftest import text
from tests.customers.conftest import user_by_email
from tests.customers.conftest import user_id

SITE = "https://support.example.org"


def _invite_path(app, auth, world, organisation_id: int, email: str, role: str) -> str:
    """Staff invite ``email`` to the organisation; the path of the link in the letter."""
    app.config["SITE_URL"] = SITE
    auth.login(world["staff"])
    response = auth.post(
        f"/operator/organisations/{organisation_id}/invite", {"email": email, "role": role}
    )
    assert response.status_code == 302
    auth.logout()
    body = letters(app, "invitation")[-1][2]
    return re.search(r"(\S+/account/join/\S+)", body).group(1).removeprefix(SITE)


def test_a_removed_member_cannot_rejoin_with_the_old_invitation_link(app, world, client, auth):
    organisation_id = make_organisation(app, members=[("boss@acme.example", "admin")])
    path = _invite_path(app, auth, world, organisation_id, "x@elsewhere.example", "admin")
    joined = auth.post(path, {"name": "Xavier", "password": PASSWORD, "confirm": PASSWORD})
    assert joined.status_code == 302
    auth.logout()
    auth.login("boss@acme.example")
    member = user_id(app, "x@elsewhere.example")
    assert auth.post(f"/account/organisation/members/{member}/remove", {}).status_code == 302
    auth.logout()
    auth.login("x@elsewhere.example")
    again = auth.post(path, {})
    assert again.status_code == 400 and "This invitation was already used." in text(again)
    with app.app_context():
        assert user_by_email("x@elsewhere.example").organisation_id is None


def test_a_contact_named_meanwhile_counts_against_the_plans_limit(app, world):
    """Two admins naming a contact at the same moment must not exceed the plan's limit: the
    second sees the first's committed contact (the subscription row is locked)."""
    plan_id = make_plan(app, named_contacts=2)
    organisation_id = make_organisation(
        app,
        members=[
            ("ann@acme.example", "admin"),
            ("bob@acme.example", "member"),
            ("cy@acme.example", "member"),
        ],
    )
    subscription_id = make_subscription(
        app, organisation_id, plan_id, date(2026, 1, 1), None, ["ann@acme.example"]
    )
    bob = user_id(app, "bob@acme.example")
    with app.app_context():
        stale = db.session.get(Subscription, subscription_id)
        cy = user_by_email("cy@acme.example")
        assert len(stale.contacts) == 1
        with db.engine.begin() as other:
            other.execute(
                db.insert(NamedContact).values(
                    subscription_id=subscription_id, user_id=bob, added_at=utcnow()
                )
            )
        with pytest.raises(SubscriptionError, match="allows 2 named contacts"):
            subscriptions.add_contact(stale, cy, None, utcnow())
        db.session.rollback()
        count = db.select(db.func.count(NamedContact.id)).where(
            NamedContact.subscription_id == subscription_id
        )
        assert db.session.scalar(count) == 2


def test_an_unconfirmed_founder_cannot_mail_invitations(app, client, auth):
    """Anyone can sign up with any address and founds an organisation of any name: until the
    address is confirmed, the catalog sends no letters on their behalf to strangers."""
    signed_up = auth.post(
        "/account/sign-up",
        {
            "name": "Win a prize at https://phish.example",
            "email": "spammer@throwaway.example",
            "organisation": "Your bank: verify your account",
            "password": PASSWORD,
            "confirm": PASSWORD,
        },
    )
    assert signed_up.status_code == 302
    auth.login("spammer@throwaway.example")
    response = auth.post(
        "/account/organisation/invite", {"email": "victim@elsewhere.example", "role": "member"}
    )
    assert response.status_code == 403
    assert "confirm" in response.get_data(as_text=True).lower()
    assert letters(app, "invitation") == []


def test_an_organisation_admins_invitations_are_rate_limited(tmp_path, database_url):
    """A confirmed throwaway address still cannot make the catalog mail strangers in bulk."""
    app = make_app(
        tmp_path, database_url, RATELIMIT_ENABLED=True, RATELIMIT_INVITATIONS="2 per minute"
    )
    try:
        make_organisation(app, members=[("boss@acme.example", "admin")])
        client = app.test_client()
        auth = AuthActions(client)
        auth.login("boss@acme.example")
        statuses = [
            auth.post(
                "/account/organisation/invite",
                {"email": f"stranger{number}@elsewhere.example", "role": "member"},
            ).status_code
            for number in range(3)
        ]
        assert statuses == [302, 302, 429]
        assert len(letters(app, "invitation")) == 2
    finally:
        with app.app_context():
            db.engine.dispose()


def test_accepting_a_plan_request_makes_no_second_organisation_on_a_claimed_domain(
    app, world, client, auth
):
    """Someone who signed up on Acme's domain joins Acme only if its admins approve: a plan
    request must not give them an organisation (and professional support) of their own."""
    make_organisation(app, members=[("boss@acme.example", "admin")])
    make_user(app, "outsider@acme.example")
    plan_id = make_plan(app)
    request_id = make_request(app, email="outsider@acme.example", plan_id=plan_id)
    auth.login(world["staff"])
    response = auth.post(
        f"/operator/plan-requests/{request_id}/accept",
        {"starts_on": "2030-01-01", "ends_on": "2030-12-31", "environments": "1"},
    )
    assert response.status_code == 400
    assert "ask to join Acme" in text(response)
    with app.app_context():
        assert user_by_email("outsider@acme.example").organisation_id is None
        assert db.session.scalar(db.select(db.func.count(Organisation.id))) == 1
        assert db.session.get(SubscriptionRequest, request_id).status == "pending"


def test_a_members_plan_request_cannot_displace_the_organisations_running_subscription(
    app, world, client, auth
):
    """A plain member's request, accepted, would start a second subscription that wins as the
    current one: the named contacts the admins chose would lose professional support."""
    gold = make_plan(app, "gold")
    organisation_id = make_organisation(
        app, members=[("boss@acme.example", "admin"), ("plain@acme.example", "member")]
    )
    make_subscription(app, organisation_id, gold, date(2026, 1, 1), None, ["boss@acme.example"])
    request_id = make_request(app, email="plain@acme.example", plan_id=make_plan(app, "bronze"))
    auth.login(world["staff"])
    response = auth.post(
        f"/operator/plan-requests/{request_id}/accept",
        {"starts_on": "2030-01-01", "ends_on": "2030-12-31", "environments": "1"},
    )
    assert response.status_code == 400
    assert "already subscribed to Gold" in text(response)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Subscription.id))) == 1
        assert db.session.get(SubscriptionRequest, request_id).status == "pending"


def test_a_customer_made_staff_leaves_their_organisation_and_its_named_contacts(
    app, world, client, auth
):
    """Only customers belong to organisations: a former organisation admin made staff must not
    keep the admin role (back as a customer, they would be one again) nor a contact's place."""
    plan_id = make_plan(app)
    organisation_id = make_organisation(
        app, members=[("boss@acme.example", "admin"), ("deputy@acme.example", "admin")]
    )
    make_subscription(app, organisation_id, plan_id, date(2026, 1, 1), None, ["boss@acme.example"])
    auth.login(world["admin"])
    response = auth.post(
        f"/operator/users/{user_id(app, 'boss@acme.example')}",
        {"role": "staff", "vendor_id": "0", "active": "y"},
    )
    assert response.status_code == 302
    with app.app_context():
        user = user_by_email("boss@acme.example")
        assert user.role == "staff" and user.organisation_id is None
        assert not user.is_organisation_admin
        assert db.session.scalar(db.select(db.func.count(NamedContact.id))) == 0


def test_a_preview_of_an_unpublished_app_is_kept_out_of_shared_caches(app, world, client, auth):
    """The page shows what only staff and the vendor may see: no proxy may keep it for others."""
    add_apps(app, app_record("secret-app", published=False))
    auth.login(world["staff"])
    for path in ("/apps/secret-app", "/apps/secret-app/history"):
        response = client.get(path)
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "private, no-store"


HUGE = "9" * 400  # more digits than a float holds: WTForms' NumberRange raised OverflowError


def test_a_number_of_four_hundred_digits_is_refused_not_a_500(app, world, client, auth):
    plan_id = make_plan(app)
    organisation_id = make_organisation(app, members=[("boss@acme.example", "admin")])
    subscription_id = make_subscription(
        app, organisation_id, plan_id, date(2026, 1, 1), None, ["boss@acme.example"]
    )
    request_id = make_request(app, plan_id=plan_id)
    auth.login(world["admin"])
    posts = {
        f"/operator/subscriptions/{subscription_id}": {"environments": HUGE},
        f"/operator/organisations/{organisation_id}/subscriptions/new": {
            "plan_id": str(plan_id),
            "starts_on": "2030-01-01",
            "environments": HUGE,
        },
        f"/operator/plan-requests/{request_id}/accept": {
            "starts_on": "2030-01-01",
            "environments": HUGE,
        },
        "/operator/plans/new": {"name": "Huge", "named_contacts": HUGE},
        "/operator/plans/gold": {"name": "Gold", "incidents_per_month": HUGE},
    }
    for url, data in posts.items():
        response = auth.post(url, data)
        assert response.status_code == 400, url
    auth.logout()
    auth.login(world["isv_a"])
    response = auth.post(f"/isv/apps/{APP_A}", {"name": "Mail Shield", "response_1": HUGE})
    assert response.status_code == 400


def test_a_member_or_plan_id_beyond_any_row_is_refused_not_a_500(app, world, client, auth):
    """Menus of members and plans take any number (the view checks it): one beyond a 32-bit id
    reached the driver (OverflowError on SQLite, "out of range" on PostgreSQL)."""
    plan_id = make_plan(app)
    organisation_id = make_organisation(app, members=[("boss@acme.example", "admin")])
    subscription_id = make_subscription(
        app, organisation_id, plan_id, date(2026, 1, 1), None, ["boss@acme.example"]
    )
    huge = "9" * 20
    auth.login(world["staff"])
    posts = {
        f"/operator/subscriptions/{subscription_id}/contacts": {"user_id": huge},
        f"/operator/organisations/{organisation_id}/subscriptions/new": {
            "plan_id": huge,
            "starts_on": "2030-01-01",
            "environments": "1",
        },
    }
    for url, data in posts.items():
        assert auth.post(url, data).status_code in (400, 404), url
    auth.logout()
    auth.login("boss@acme.example")
    for data in ({"leaving": "0", "user_id": huge}, {"leaving": huge, "user_id": "1"}):
        response = auth.post("/account/organisation/contacts/swap", data)
        assert response.status_code in (400, 404)


def test_a_join_request_decided_meanwhile_is_not_decided_again(app, world):
    """Two admins deciding at the same moment: the second finds it decided (no member made
    against a decline, no second letter)."""
    organisation_id = make_organisation(app, members=[("boss@acme.example", "admin")])
    make_user(app, "asker@acme.example")
    with app.test_request_context():
        organisation = db.session.get(Organisation, organisation_id)
        asker = user_by_email("asker@acme.example")
        made = customer_operations.ask_to_join(organisation, asker, utcnow())
        db.session.commit()
        request_id = made.id
    with app.test_request_context():
        stale = db.session.get(JoinRequest, request_id)
        boss = user_by_email("boss@acme.example")
        assert stale.approved is None
        with db.engine.begin() as other:
            other.execute(
                db.update(JoinRequest).where(JoinRequest.id == request_id).values(approved=False)
            )
        with pytest.raises(OrganisationError, match="already decided"):
            customer_operations.decide_join_request(stale, True, boss, utcnow())
        db.session.rollback()
        assert user_by_email("asker@acme.example").organisation_id is None
    assert letters(app, "join-decision") == []
