"""The public plan comparison: the seeds' rows side by side, accessible, escaped, linked."""

import re

from catalog.db import utcnow
from catalog.extensions import db
from catalog.support.demo import OPERATOR_CALENDAR
from catalog.support.demo import ensure_plans
from catalog.support.plans import operations
from catalog.support.plans.operations import PlanValues


def _demo_plans(app) -> None:
    with app.app_context():
        ensure_plans()
        db.session.commit()


def _text(html: str) -> str:
    """The page as words, tags dropped and white space collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_comparison_shows_every_plan_with_the_seeds_rows(app, client):
    _demo_plans(app)
    html = client.get("/plans").get_data(as_text=True)
    text = _text(html)
    assert (
        '<th scope="col">Level 1</th>' in html
        and '<th scope="col">Basic (best effort)</th>' in html
    )
    for row in (
        "Incidents per month",
        "First response",
        "Workaround",
        "Fix",
        "Service window",
        "Contact methods",
        "Named contacts",
        "Initial assessment",
        "Price",
    ):
        assert f'<th scope="row">{row}</th>' in html
    assert "<caption" in html
    assert "Incidents per month 2 a month 5 a month Unlimited Unlimited" in text
    assert "Fix Next scheduled release 20 business days" in text
    assert "First response 3 business days 1 business day 12 business hours 24×7" in text
    assert "Mon–Fri 09:00–17:00 Europe/Prague, holidays of CZ" in text
    assert "Chat with up to 3 experts" in text and "Remote session" in text
    assert "€150.00 per month" in text and "€12,000.00 per year" in text
    assert "An initial 2-hour consultation on your set-up." in text


def test_retired_plans_are_not_compared(app, client):
    _demo_plans(app)
    with app.app_context():
        operations.retire(operations.queries.plan_by_slug("level-2"), utcnow())
        db.session.commit()
    html = client.get("/plans").get_data(as_text=True)
    assert "Level 1</th>" in html and "Level 2</th>" not in html


def test_without_plans_the_comparison_says_so_and_where_to_go(app, client):
    response = client.get("/plans")
    assert response.status_code == 200
    text = _text(response.get_data(as_text=True))
    assert "No support plan is on offer" in text and "<table" not in response.get_data(as_text=True)


def test_a_plan_name_with_markup_is_shown_as_text(app, client):
    with app.app_context():
        operations.create_plan(
            PlanValues(
                name="<script>alert(1)</script>",
                slug="xss",
                calendar=OPERATOR_CALENDAR,
                description="<b>bold</b>",
                assessment="<img src=x onerror=alert(1)>",
            )
        )
        db.session.commit()
    html = client.get("/plans").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)" in html
    assert "<b>bold</b>" not in html and "<img src=x" not in html


def test_signed_in_customers_get_a_request_link_per_plan(app, auth, world):
    _demo_plans(app)
    anonymous = auth._client.get("/plans").get_data(as_text=True)
    assert "/plans/level-1/request" not in anonymous and "Log in" in anonymous
    auth.login(world["customer"])
    html = auth._client.get("/plans").get_data(as_text=True)
    assert 'href="/plans/level-1/request"' in html and 'href="/plans/basic/request"' in html
    auth.logout()
    auth.login(world["staff"])
    assert "/plans/level-1/request" not in auth._client.get("/plans").get_data(as_text=True)


def test_the_comparison_works_without_the_plan_request_page(app, auth, world):
    _demo_plans(app)
    app.view_functions.pop("planrequests.new_request", None)
    auth.login(world["customer"])
    response = auth._client.get("/plans")
    assert response.status_code == 200 and "/request" not in response.get_data(as_text=True)


def test_header_footer_and_support_channels_link_to_the_comparison(app, client):
    html = client.get("/support-channels").get_data(as_text=True)
    assert html.count('href="/plans"') >= 3  # header, the professional channel, footer
    assert "Compare the support plans" in html


def test_the_operator_menu_shows_plans_to_admins_only(app, auth, world):
    auth.login(world["admin"])
    assert 'href="/operator/plans"' in auth._client.get("/operator/").get_data(as_text=True)
    auth.logout()
    auth.login(world["staff"])
    assert 'href="/operator/plans"' not in auth._client.get("/operator/").get_data(as_text=True)
