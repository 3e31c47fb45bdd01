"""A customer's way in: the wizard says why there is no professional support, the customer asks
for a plan, staff accept or decline it, and the customer is told."""

import re
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta
from email import message_from_bytes
from email import policy
from html import unescape

import pytest

from catalog.accounts.models import Organisation
from catalog.accounts.models import User
from catalog.extensions import db
from catalog.support.demo import ensure_plans
from catalog.support.planrequests.views import year_later
from catalog.support.plans.models import NamedContact
from catalog.support.plans.models import Plan
from catalog.support.plans.models import Subscription
from catalog.support.plans.models import SubscriptionRequest
from catalog.ticketmail.models import MailOutbox
from tests.support.conftest import ISV_APP
from tests.support.conftest import PRO_APP
from tests.support.conftest import customer
from tests.support.conftest import subscribe
from tests.support.test_wizard import walk

TOKEN_RE = re.compile(
    r'name="submission"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="submission"'
)


@pytest.fixture
def plans(app, apps):
    """The demo plans, and the world with the router's apps."""
    with app.app_context():
        made = ensure_plans()
        db.session.commit()
        return {slug: plan.id for slug, plan in made.items()}


def _user(email: str) -> User:
    """A user by e-mail address (inside an app context)."""
    return db.session.scalar(db.select(User).where(User.email == email))


def _letters(app, kind: str) -> list:
    """The outbox letters of one kind, oldest first, as (recipients, subject, body)."""
    with app.app_context():
        rows = db.session.scalars(
            db.select(MailOutbox).where(MailOutbox.kind == kind).order_by(MailOutbox.id)
        )
        letters = []
        for row in rows:
            message = message_from_bytes(row.raw, policy=policy.default)
            letters.append(
                (row.recipients, row.subject, message.get_body(("plain",)).get_content())
            )
        return letters


def _way_in(html: str) -> str:
    """The section that explains why the request is not professional support."""
    assert 'id="way-in-heading"' in html, "the wizard does not explain the missing support"
    return html.split('id="way-in-heading"', 1)[1].split("</section>", 1)[0]


def _ask(auth, client, slug: str = "level-2", **data):
    """Open the request form of a plan and send it."""
    html = client.get(f"/plans/{slug}/request").get_data(as_text=True)
    token = next(group for group in TOKEN_RE.search(html).groups() if group)
    return auth.post(f"/plans/{slug}/request", {"submission": token, **data})


def _requests(app) -> list[SubscriptionRequest]:
    """Every plan request, oldest first (detached values: status, ids, reason)."""
    with app.app_context():
        rows = db.session.scalars(db.select(SubscriptionRequest).order_by(SubscriptionRequest.id))
        return [
            dict(
                id=r.id,
                status=r.status,
                reason=r.reason,
                organisation_name=r.organisation_name,
                app=r.app.slug if r.app else None,
                subscription_id=r.subscription_id,
                message=r.message,
            )
            for r in rows
        ]


# --- the wizard explains ---------------------------------------------------------------------


def test_without_a_subscription_the_wizard_says_why_and_offers_the_plans_for_the_app(
    app, client, auth, plans
):
    with app.app_context():
        db.session.get(Plan, plans["level-1"]).covers_all_apps = False
        db.session.get(Plan, plans["level-3"]).retired_at = datetime.now(UTC)
        db.session.commit()
    auth.login("customer@example.com")
    html = walk(auth, client, PRO_APP)
    section = unescape(_way_in(html))
    assert "your organisation does not have one" in section
    assert "belongs to no organisation yet" in section
    assert f'href="/plans/level-2/request?app={PRO_APP}"' in section
    assert "Request Basic" in section
    assert "Request Level 1" not in section, "a plan that does not cover the app is not offered"
    assert "Request Level 3" not in section, "a retired plan is not offered"
    assert 'href="/plans"' in section
    assert "not yet a subscription" in section, "the page must not promise the plan"


def test_an_app_without_professional_support_offers_no_plan(client, auth, plans):
    auth.login("customer@example.com")
    html = walk(auth, client, ISV_APP)
    assert 'id="way-in-heading"' not in html


def test_a_lapsed_subscription_says_when_it_ended_and_offers_the_plans(app, client, auth, plans):
    ended = date.today() - timedelta(days=10)
    subscribe(app, "customer@example.com", starts=ended - timedelta(days=365), ends=ended)
    auth.login("customer@example.com")
    section = _way_in(walk(auth, client, PRO_APP))
    assert "subscription ended on" in section and f'datetime="{ended.isoformat()}"' in section
    assert "Request Level 2" in section


def test_a_subscription_not_started_yet_says_when_it_starts(app, client, auth, plans):
    starts = date.today() + timedelta(days=20)
    subscribe(app, "customer@example.com", starts=starts, ends=starts + timedelta(days=300))
    auth.login("customer@example.com")
    section = _way_in(walk(auth, client, PRO_APP))
    assert "has not started yet" in section and f'datetime="{starts.isoformat()}"' in section


def test_not_a_named_contact_names_the_contacts_and_admins_escaped(app, client, auth, plans):
    customer(app, "eve@example.com")
    subscribe(app, "eve@example.com")
    customer(app, "carol@example.com", organisation_of="eve@example.com")
    with app.app_context():
        _user("eve@example.com").name = "<b>Eve</b>"
        boss = _user("carol@example.com")
        boss.name, boss.organisation_role = "Carol & Co", "admin"
        db.session.commit()
    customer(app, "dan@example.com", organisation_of="eve@example.com")
    auth.login("dan@example.com")
    section = _way_in(walk(auth, client, PRO_APP))
    assert "you are not one of them" in section
    assert "Your named contacts: &lt;b&gt;Eve&lt;/b&gt;" in section
    assert "<b>Eve</b>" not in section
    assert "An organisation admin can swap a named contact for you: Carol &amp; Co" in section
    assert "/request" not in section, "someone with a running plan is not offered another"


def test_quota_used_says_when_it_renews_in_the_plans_zone(app, client, auth, plans):
    with app.app_context():
        db.session.get(Plan, plans["level-1"]).incidents_per_month = 0
        db.session.commit()
    subscribe(app, "customer@example.com", plan="level-1")
    auth.login("customer@example.com")
    section = _way_in(walk(auth, client, PRO_APP))
    now = datetime.now(UTC)
    assert "used all 0 incidents of this month under Level 1" in section
    # The quota renews on the first of next month in Prague (the test might straddle midnight).
    assert re.search(r'renews on <time datetime="\d{4}-\d{2}-01">', section)
    expected = date(now.year + (now.month == 12), now.month % 12 + 1, 1)
    assert expected.isoformat() in section or now.day >= 28


def test_the_wizard_keeps_the_answers_while_the_customer_looks_at_the_plans(client, auth, plans):
    auth.login("customer@example.com")
    walk(auth, client, PRO_APP)
    page = client.get("/support/new").get_data(as_text=True)
    assert "You have a request you have not finished" in page and "resume=1" in page
    resumed = client.get("/support/new?resume=1").get_data(as_text=True)
    assert "Step 5 of 5" in resumed and "Digest not sent" in resumed
    assert "Here is your request as you left it." in resumed
    form = client.get(f"/plans/level-2/request?app={PRO_APP}").get_data(as_text=True)
    assert "Back to your support request" in form


def test_a_kept_request_is_not_offered_to_the_next_user_of_the_browser(app, client, auth, plans):
    auth.login("customer@example.com")
    walk(auth, client, PRO_APP)
    auth.logout()
    customer(app, "eve@example.com")
    auth.login("eve@example.com")
    assert "You have a request you have not finished" not in client.get("/support/new").get_data(
        as_text=True
    )
    resumed = client.get("/support/new?resume=1").get_data(as_text=True)
    assert "Step 1 of 5" in resumed and "Digest not sent" not in resumed


# --- the customer's request ----------------------------------------------------------------


def test_a_request_is_created_pending_and_confirmed_by_mail(app, client, auth, plans):
    auth.login("customer@example.com")
    form = client.get(f"/plans/level-2/request?app={PRO_APP}").get_data(as_text=True)
    assert "Level 2" in form and f'value="{PRO_APP}"' in form
    response = _ask(
        auth, client, organisation_name="Acme Ltd", message="Two environments.", app=PRO_APP
    )
    assert response.status_code == 302
    (made,) = _requests(app)
    assert made["status"] == "pending" and made["organisation_name"] == "Acme Ltd"
    assert made["app"] == PRO_APP and made["message"] == "Two environments."
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "was sent" in page and "Waiting for a decision" in page
    ((to, subject, body),) = _letters(app, "plan-request")
    assert to == ["customer@example.com"] and "Level 2" in subject
    assert "http://catalog.test/account/plan-requests" in body


def test_a_second_request_for_the_same_plan_lands_on_the_first(app, client, auth, plans):
    auth.login("customer@example.com")
    first = _ask(auth, client, organisation_name="Acme Ltd")
    second = _ask(auth, client, organisation_name="Acme Again")
    assert second.status_code == 302 and second.headers["Location"] == first.headers["Location"]
    assert len(_requests(app)) == 1
    page = client.get(second.headers["Location"]).get_data(as_text=True)
    assert "You already asked for Level 2" in page
    assert _ask(auth, client, "level-3", organisation_name="Acme").status_code == 302
    assert len(_requests(app)) == 2, "another plan is another request"


def test_without_an_organisation_its_name_is_required_and_the_typing_kept(app, client, auth, plans):
    auth.login("customer@example.com")
    response = _ask(auth, client, organisation_name="  ", message="Keep <this>")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Give the name of the organisation the subscription is for." in html
    assert "Keep &lt;this&gt;" in html
    assert _requests(app) == []


def test_a_message_too_long_or_an_unknown_app_is_refused(app, client, auth, plans):
    auth.login("customer@example.com")
    response = _ask(auth, client, organisation_name="Acme", message="x" * 2001)
    assert response.status_code == 400
    assert "Keep this to 2,000 characters or fewer" in response.get_data(as_text=True)
    response = _ask(auth, client, organisation_name="Acme", app="no-such-app")
    assert response.status_code == 400 and "not in the catalog" in response.get_data(as_text=True)
    assert _requests(app) == []


def test_a_member_of_an_organisation_sees_its_name_read_only(app, client, auth, plans):
    customer(app, "eve@example.com")
    with app.app_context():
        _user("eve@example.com").organisation = Organisation(name="Eve's Garage")
        db.session.commit()
    auth.login("eve@example.com")
    html = client.get("/plans/level-2/request").get_data(as_text=True)
    assert re.search(
        r'<input[^>]*readonly[^>]*value="Eve&#39;s Garage"|value="Eve&#39;s Garage"[^>]*readonly',
        html,
    )
    assert _ask(auth, client, organisation_name="Something else").status_code == 302
    assert _requests(app)[0]["organisation_name"] == "Eve's Garage"


def test_a_retired_or_unknown_plan_cannot_be_requested(app, client, auth, plans):
    with app.app_context():
        db.session.get(Plan, plans["level-1"]).retired_at = datetime.now(UTC)
        db.session.commit()
    auth.login("customer@example.com")
    assert client.get("/plans/level-1/request").status_code == 404
    assert client.get("/plans/nope/request").status_code == 404


def test_the_customers_list_starts_empty_with_a_way_to_the_plans(client, auth, plans):
    auth.login("customer@example.com")
    html = client.get("/account/plan-requests").get_data(as_text=True)
    assert "You have not asked for a support plan yet" in html and 'href="/plans"' in html
    assert 'href="/account/plan-requests"' in client.get("/").get_data(as_text=True)


def test_a_customer_cannot_see_another_customers_request(app, client, auth, plans):
    auth.login("customer@example.com")
    mine = _ask(auth, client, organisation_name="Acme").headers["Location"]
    auth.logout()
    customer(app, "eve@example.com")
    auth.login("eve@example.com")
    assert client.get(mine).status_code == 404
    assert "Level 2" not in client.get("/account/plan-requests").get_data(as_text=True)


# --- the staff decide ----------------------------------------------------------------------


def _request_as_customer(auth, client, **data) -> str:
    """The customer asks for Level 2 about the professional app; logs out; returns the id."""
    auth.login("customer@example.com")
    location = _ask(auth, client, organisation_name="Acme Ltd", app=PRO_APP, **data)
    auth.logout()
    return location.headers["Location"].rsplit("/", 1)[1]


def test_the_queue_is_for_staff_only(client, auth, plans):
    request_id = _request_as_customer(auth, client)
    for email in ("customer@example.com", "dev@northwind.example"):
        auth.login(email)
        assert client.get("/operator/plan-requests").status_code == 403
        assert client.get(f"/operator/plan-requests/{request_id}").status_code == 403
        assert (
            auth.post(f"/operator/plan-requests/{request_id}/decline", {"reason": "x"}).status_code
            == 403
        )
        auth.logout()


def test_the_queue_lists_pending_first_filters_and_counts(app, client, auth, plans):
    first = _request_as_customer(auth, client)
    auth.login("customer@example.com")
    _ask(auth, client, "level-3", organisation_name="Acme Ltd")
    auth.logout()
    auth.login("staff@example.com")
    auth.post(f"/operator/plan-requests/{first}/decline", {"reason": "Not in your region."})
    html = client.get("/operator/plan-requests").get_data(as_text=True)
    assert html.index("Level 3") < html.index("Level 2"), "pending requests come first"
    assert 'Plan requests <span class="tag">1' in html, "the menu counts the waiting ones"
    declined = client.get("/operator/plan-requests?status=declined").get_data(as_text=True)
    assert "Level 2" in declined and "Level 3" not in declined
    assert client.get("/operator/plan-requests?status=nonsense&page=x").status_code == 200


def test_accepting_creates_the_organisation_subscription_and_contact_and_routes_to_professional(
    app, client, auth, plans
):
    request_id = _request_as_customer(auth, client)
    auth.login("staff@example.com")
    page = client.get(f"/operator/plan-requests/{request_id}").get_data(as_text=True)
    assert "Acme Ltd" in page and "none yet: accepting creates it" in page
    today = date.today()
    response = auth.post(
        f"/operator/plan-requests/{request_id}/accept",
        {"starts_on": (today - timedelta(days=1)).isoformat(), "ends_on": "", "environments": "2"},
    )
    assert response.status_code == 302
    with app.app_context():
        user = _user("customer@example.com")
        assert user.organisation.name == "Acme Ltd" and user.is_organisation_admin
        subscription = db.session.scalar(db.select(Subscription))
        assert subscription.organisation_id == user.organisation_id
        assert subscription.plan.slug == "level-2" and subscription.environments == 2
        assert [c.user_id for c in subscription.contacts] == [user.id]
        made = db.session.get(SubscriptionRequest, int(request_id))
        assert made.status == "accepted" and made.subscription_id == subscription.id
        assert made.decided_by.email == "staff@example.com" and made.decided_at is not None
    ((to, subject, body),) = _letters(app, "plan-decision")
    assert to == ["customer@example.com"] and "accepted" in subject
    assert "http://catalog.test/account/plan-requests" in body
    auth.logout()
    auth.login("customer@example.com")
    mine = client.get("/account/plan-requests").get_data(as_text=True)
    assert "Accepted" in mine and "Subscribed to Level 2" in mine
    route = client.get(f"/api/v1/route?app={PRO_APP}&severity=2&kind=incident").get_json()
    assert route["channel"] == "professional" and route["subscription"] == "active"
    first = next(t for t in route["targets"] if t["target"] == "first_response")
    assert first["minutes"] == 8 * 60, "Level 2's first-response target"
    html = walk(auth, client, PRO_APP)
    assert "Your request goes to: Professional support" in html
    assert 'id="way-in-heading"' not in html


def test_accepting_for_a_member_of_an_organisation_keeps_it(app, client, auth, plans):
    with app.app_context():
        _user("customer@example.com").organisation = Organisation(name="Old Org")
        db.session.commit()
    request_id = _request_as_customer(auth, client)
    auth.login("admin@example.com")
    page = client.get(f"/operator/plan-requests/{request_id}").get_data(as_text=True)
    today = datetime.now(UTC).date()  # the organisation's zone is UTC
    assert f'name="starts_on" required type="date" value="{today.isoformat()}"' in page
    assert f'value="{year_later(today).isoformat()}"' in page
    assert (
        auth.post(
            f"/operator/plan-requests/{request_id}/accept",
            {"starts_on": "2030-01-01", "ends_on": "2030-12-31", "environments": "1"},
        ).status_code
        == 302
    )
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Organisation.id))) == 1
        assert db.session.scalar(db.select(Subscription)).organisation.name == "Old Org"


def test_an_impossible_period_is_refused_next_to_the_field_and_nothing_is_saved(
    app, client, auth, plans
):
    request_id = _request_as_customer(auth, client)
    auth.login("staff@example.com")
    response = auth.post(
        f"/operator/plan-requests/{request_id}/accept",
        {"starts_on": "2030-06-01", "ends_on": "2030-05-31", "environments": "1"},
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert re.search(r'id="ends_on-error">The end date is before the start date\.', html)
    assert 'value="2030-05-31"' in html, "what was typed is kept"
    response = auth.post(
        f"/operator/plan-requests/{request_id}/accept",
        {"starts_on": "2030-06-01", "ends_on": "", "environments": "0"},
    )
    assert response.status_code == 400 and "Cover between 1 and" in response.get_data(as_text=True)
    assert _requests(app)[0]["status"] == "pending"
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Subscription.id))) == 0
        assert db.session.scalar(db.select(db.func.count(Organisation.id))) == 0
    assert _letters(app, "plan-decision") == []


def test_a_plan_retired_since_the_request_is_refused_with_its_reason(app, client, auth, plans):
    request_id = _request_as_customer(auth, client)
    with app.app_context():
        db.session.get(Plan, plans["level-2"]).retired_at = datetime.now(UTC)
        db.session.commit()
    auth.login("staff@example.com")
    response = auth.post(
        f"/operator/plan-requests/{request_id}/accept",
        {"starts_on": "2030-06-01", "ends_on": "", "environments": "1"},
    )
    assert response.status_code == 400
    assert "Level 2 is retired and takes no new subscriptions." in response.get_data(as_text=True)
    assert _requests(app)[0]["status"] == "pending"
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Organisation.id))) == 0


def test_declining_needs_a_reason_and_tells_the_customer(app, client, auth, plans):
    request_id = _request_as_customer(auth, client)
    auth.login("staff@example.com")
    response = auth.post(f"/operator/plan-requests/{request_id}/decline", {"reason": " "})
    assert response.status_code == 400
    assert "Say why, so the customer knows what to do." in response.get_data(as_text=True)
    reason = "We do not serve <your> region yet."
    response = auth.post(f"/operator/plan-requests/{request_id}/decline", {"reason": reason})
    assert response.status_code == 302
    assert _requests(app)[0]["status"] == "declined"
    ((to, subject, body),) = _letters(app, "plan-decision")
    assert "declined" in subject and reason in body
    auth.logout()
    auth.login("customer@example.com")
    mine = client.get("/account/plan-requests").get_data(as_text=True)
    assert "Declined" in mine and "We do not serve &lt;your&gt; region yet." in mine


def test_deciding_twice_is_refused_and_makes_no_second_subscription(app, client, auth, plans):
    request_id = _request_as_customer(auth, client)
    auth.login("staff@example.com")
    accept = {"starts_on": "2030-01-01", "ends_on": "2030-12-31", "environments": "1"}
    assert auth.post(f"/operator/plan-requests/{request_id}/accept", accept).status_code == 302
    again = auth.post(f"/operator/plan-requests/{request_id}/accept", accept)
    assert again.status_code == 302
    page = client.get(again.headers["Location"]).get_data(as_text=True)
    assert "This request was already accepted; nothing was changed." in page
    decline = auth.post(f"/operator/plan-requests/{request_id}/decline", {"reason": "Oops"})
    assert decline.status_code == 302
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Subscription.id))) == 1
        assert db.session.scalar(db.select(db.func.count(NamedContact.id))) == 1
    assert _requests(app)[0]["status"] == "accepted"
    assert len(_letters(app, "plan-decision")) == 1


def test_decisions_need_a_csrf_token(app, client, auth, plans):
    request_id = _request_as_customer(auth, client)
    auth.login("staff@example.com")
    for action, data in (
        ("accept", {"starts_on": "2030-01-01", "environments": "1"}),
        ("decline", {"reason": "No"}),
    ):
        response = client.post(f"/operator/plan-requests/{request_id}/{action}", data=data)
        assert response.status_code == 400
    assert client.post("/plans/level-2/request", data={"organisation_name": "X"}).status_code == 400
    assert _requests(app)[0]["status"] == "pending"


def test_the_lists_are_paginated(app, client, auth, plans):
    from tests.authz.requests import make_request

    for _ in range(27):
        make_request(app, plan_id=plans["level-2"])
    auth.login("customer@example.com")
    first = client.get("/account/plan-requests").get_data(as_text=True)
    assert first.count('class="app-row"') == 25 and 'rel="next"' in first
    second = client.get("/account/plan-requests?page=2").get_data(as_text=True)
    assert second.count('class="app-row"') == 2
    auth.logout()
    auth.login("staff@example.com")
    queue = client.get("/operator/plan-requests?status=pending&page=2").get_data(as_text=True)
    assert "27 requests" in queue and queue.count("<tr>") == 1 + 2


def test_a_decision_committed_meanwhile_wins_over_a_stale_page(app, plans):
    from catalog.support.planrequests import operations
    from tests.authz.requests import make_request

    request_id = make_request(app, plan_id=plans["level-2"])
    with app.app_context():
        stale = db.session.get(SubscriptionRequest, request_id)
        assert stale.status == "pending"
        with db.engine.begin() as other:
            other.execute(
                db.update(SubscriptionRequest)
                .where(SubscriptionRequest.id == request_id)
                .values(status="declined", reason="Declined by a colleague.")
            )
        staff = _user("staff@example.com")
        with pytest.raises(operations.AlreadyDecided, match="already declined"):
            operations.accept(stale, date(2030, 1, 1), None, 1, staff, datetime.now(UTC))
        db.session.rollback()
        assert db.session.scalar(db.select(db.func.count(Subscription.id))) == 0


def test_a_year_from_a_day_ends_the_day_before_its_anniversary():
    assert year_later(date(2026, 3, 4)) == date(2027, 3, 3)
    assert year_later(date(2028, 2, 29)) == date(2029, 2, 27)
    assert year_later(date(2026, 1, 1)) == date(2026, 12, 31)


def test_the_queue_says_how_long_a_request_has_waited_in_words(app, client, auth, plans):
    fresh = _request_as_customer(auth, client)
    auth.login("customer@example.com")
    _ask(auth, client, "level-3", organisation_name="Acme Ltd")
    auth.logout()
    with app.app_context():
        older = db.session.scalar(
            db.select(SubscriptionRequest).where(SubscriptionRequest.id != int(fresh))
        )
        older.created_at = datetime.now(UTC) - timedelta(days=3, hours=1)
        db.session.commit()
    auth.login("staff@example.com")
    queue = client.get("/operator/plan-requests").get_data(as_text=True)
    assert "(less than a day ago)" in queue and "(3 days ago)" in queue
    assert " d ago" not in queue
    detail = client.get(f"/operator/plan-requests/{fresh}").get_data(as_text=True)
    assert "(less than a day ago)" in detail
