"""The admin's plan pages: create, edit, retire, delete; every refusal keeps what was typed."""

import re
from decimal import Decimal

import pytest

from catalog.accounts.models import User
from catalog.db import utcnow
from catalog.extensions import db
from catalog.marketplace.models import App
from catalog.marketplace.models import Category
from catalog.support.demo import ensure_plans
from catalog.support.plans import formdata
from catalog.support.plans import forms
from catalog.support.plans.models import Plan
from catalog.support.plans.models import SubscriptionRequest
from catalog.support.tickets.models import Ticket
from catalog.support.tickets.operations import open_ticket
from catalog.support.wizard.intake import assess
from tests.support.conftest import PRO_APP
from tests.support.conftest import subscribe


def plan_form(**overrides) -> dict:
    """A valid new-plan form as a browser sends it."""
    data = {
        "name": "Gold",
        "slug": "gold",
        "description": "Our best plan.",
        "incidents_per_month": "10",
        "named_contacts": "3",
        "web_portal": "y",
        "email": "y",
        "chat_experts": "2",
        "coverage": "all",
        "hours_timezone": "Europe/Prague",
        "hours_mon": "09:00-17:00",
        "hours_tue": "09:00-17:00",
        "hours_country": "CZ",
        "price": "199.90",
        "price_period": "month",
        "assessment": "An initial 2-hour consultation.",
        "around_1": "y",
    }
    for severity in ("1", "2", "3"):
        data[f"first_response_{severity}"] = "4"
        data[f"first_response_{severity}_unit"] = "hours"
        data[f"workaround_{severity}"] = "2"
        data[f"workaround_{severity}_unit"] = "days"
        data[f"resolution_{severity}_unit"] = "next_release"
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def _plan(app, slug: str) -> Plan | None:
    with app.app_context():
        return db.session.scalar(db.select(Plan).where(Plan.slug == slug))


def _plan_count(app) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count(Plan.id)))


def test_admin_creates_a_plan_with_targets_window_contacts_and_price(app, auth, world):
    auth.login(world["admin"])
    response = auth.post("/operator/plans/new", plan_form())
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/operator/plans/gold")
    with app.app_context():
        plan = db.session.scalar(db.select(Plan).where(Plan.slug == "gold"))
        assert plan.targets["1"] == {
            "first_response": 240,
            "workaround": 960,
            "resolution": "next_release",
        }
        assert plan.around_the_clock == ["1"]
        assert plan.calendar["windows"] == {
            "mon": [["09:00", "17:00"]],
            "tue": [["09:00", "17:00"]],
        }
        assert plan.calendar["country"] == "CZ"
        assert (plan.incidents_per_month, plan.named_contacts, plan.chat_experts) == (10, 3, 2)
        assert plan.price == Decimal("199.90") and isinstance(plan.price, Decimal)
        assert plan.covers_all_apps and not plan.phone
    listing = auth._client.get("/operator/plans").get_data(as_text=True)
    assert "Gold" in listing and "€199.90 per month" in listing


def test_unlimited_incidents_no_commitment_and_around_the_clock_window(app, auth, world):
    auth.login(world["admin"])
    data = plan_form(
        incidents_per_month="",
        incidents_unlimited="y",
        hours_always_open="y",
        hours_mon="",
        hours_tue="",
        hours_country="",
        price="",
        workaround_2_unit="none",
    )
    assert auth.post("/operator/plans/new", data).status_code == 302
    plan = _plan(app, "gold")
    assert plan.incidents_per_month is None and plan.price is None
    assert plan.calendar["always_open"] is True
    assert plan.targets["2"]["workaround"] is None


BAD_INPUT = [
    ("negative target", {"first_response_1": "-4"}, "cannot be negative", "-4"),
    ("target above the cap", {"workaround_2": "61"}, "At most 60 business days", "61"),
    ("target of no minutes", {"first_response_3": "0"}, "at least 1 minute", None),
    ("target in text", {"first_response_3": "soon"}, "Enter a number", "soon"),
    ("target without a number", {"first_response_2": ""}, "Enter the target", None),
    ("window ends before it starts", {"hours_mon": "17:00-09:00"}, "ends before it starts", None),
    ("unknown zone", {"hours_timezone": "Mars/Olympus"}, "not a time zone we know", None),
    ("no window at all", {"hours_mon": "", "hours_tue": ""}, "at least one day", None),
    ("unknown holiday country", {"hours_country": "QQ"}, "QQ", "QQ"),
    ("chat with no expert", {"chat_experts": "0"}, "Enter 1 to 100 experts", None),
    ("no named contact", {"named_contacts": "0"}, "Enter 1 to 100 named contacts", None),
    ("negative price", {"price": "-5"}, forms.PRICE_MESSAGE, "-5"),
    ("price NaN", {"price": "NaN"}, forms.PRICE_MESSAGE, "NaN"),
    ("price in words", {"price": "abc"}, forms.PRICE_MESSAGE, "abc"),
    ("fraction of a cent", {"price": "9.999"}, forms.PRICE_MESSAGE, None),
    ("price of 30 digits", {"price": "9" * 30}, forms.PRICE_MESSAGE, None),
    ("price 1e999", {"price": "1e999"}, forms.PRICE_MESSAGE, None),
    ("no incidents given", {"incidents_per_month": ""}, "Unlimited incidents", None),
    ("negative incidents", {"incidents_per_month": "-1"}, "0 to 100,000", None),
    ("chosen apps, none given", {"coverage": "chosen"}, "at least one app or category", None),
    ("unknown app", {"coverage": "chosen", "app_slugs": "no-such-app"}, "no-such-app", None),
    ("bad slug", {"slug": "Gold Plan!"}, "The slug may hold only", None),
    ("reserved slug", {"slug": "new"}, "reserved", None),
]


@pytest.mark.parametrize(
    ("overrides", "message", "kept"),
    [case[1:] for case in BAD_INPUT],
    ids=[case[0] for case in BAD_INPUT],
)
def test_plan_form_refuses_bad_input_next_to_the_field_and_keeps_what_was_typed(
    app, auth, world, overrides, message, kept
):
    auth.login(world["admin"])
    response = auth.post("/operator/plans/new", plan_form(name="Typed name", **overrides))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in html
    assert 'class="field__error"' in html
    assert 'value="Typed name"' in html
    if kept:
        assert f'value="{kept}"' in html
    assert _plan_count(app) == 0


def test_a_second_plan_cannot_take_a_name_or_slug_already_used(app, auth, world):
    auth.login(world["admin"])
    auth.post("/operator/plans/new", plan_form())
    response = auth.post("/operator/plans/new", plan_form(name="GOLD", slug="gold-2"))
    assert response.status_code == 400 and "already called" in response.get_data(as_text=True)
    response = auth.post("/operator/plans/new", plan_form(name="Platinum"))
    assert response.status_code == 400 and "already taken" in response.get_data(as_text=True)
    assert _plan_count(app) == 1


def test_a_plan_can_cover_chosen_apps_and_categories(app, auth, apps):
    auth.login(apps["admin"])
    with app.app_context():
        backup = db.session.scalar(db.select(Category).where(Category.name == "Backup"))
    slugs = f"{PRO_APP}\n{PRO_APP}"
    data = plan_form(coverage="chosen", app_slugs=slugs, category_ids=str(backup.id))
    assert auth.post("/operator/plans/new", data).status_code == 302
    with app.app_context():
        plan = db.session.scalar(db.select(Plan).where(Plan.slug == "gold"))
        assert not plan.covers_all_apps
        assert [a.slug for a in plan.apps] == [PRO_APP]
        assert [c.name for c in plan.categories] == ["Backup"]


def test_an_app_without_professional_support_cannot_be_chosen(app, auth, apps):
    auth.login(apps["admin"])
    response = auth.post("/operator/plans/new", plan_form(coverage="chosen", app_slugs="isv-app"))
    assert response.status_code == 400
    assert "Not a published app with professional support: isv-app" in response.get_data(
        as_text=True
    )


def _as_posted(data: dict) -> dict:
    """The form's initial data as a browser would send it back."""
    posted = {}
    for key, value in data.items():
        if value is True:
            posted[key] = "y"
        elif value in (False, None):
            continue
        else:
            posted[key] = value if isinstance(value, list) else str(value)
    return posted


def test_saving_a_plan_unchanged_changes_nothing(app, auth, world):
    with app.app_context():
        ensure_plans()
        db.session.commit()
        before = {k: v for k, v in vars(_plan(app, "level-3")).items() if not k.startswith("_")}
        data = formdata.initial_data(
            db.session.scalar(db.select(Plan).where(Plan.slug == "level-3"))
        )
    auth.login(world["admin"])
    assert auth.post("/operator/plans/level-3", _as_posted(data)).status_code == 302
    after = {k: v for k, v in vars(_plan(app, "level-3")).items() if not k.startswith("_")}
    assert after == before


def test_staff_and_customers_get_403_on_every_plan_page(app, auth, world):
    with app.app_context():
        ensure_plans()
        db.session.commit()
    for role in ("staff", "customer", "isv_a"):
        auth.login(world[role])
        client = auth._client
        assert client.get("/operator/plans").status_code == 403
        assert client.get("/operator/plans/new").status_code == 403
        assert client.get("/operator/plans/level-1").status_code == 403
        assert auth.post("/operator/plans/level-1/retire", {"retired": "y"}).status_code == 403
        assert auth.post("/operator/plans/level-1/delete", {"confirm": "y"}).status_code == 403
        auth.logout()
    assert _plan(app, "level-1").retired_at is None


def test_retiring_takes_a_plan_off_the_comparison_and_offering_it_again_restores_it(
    app, auth, world
):
    with app.app_context():
        ensure_plans()
        db.session.commit()
    auth.login(world["admin"])
    assert auth.post("/operator/plans/level-1/retire", {"retired": "y"}).status_code == 302
    assert _plan(app, "level-1").retired
    assert "Level 1</th>" not in auth._client.get("/plans").get_data(as_text=True)
    assert "Retired" in auth._client.get("/operator/plans").get_data(as_text=True)
    assert auth.post("/operator/plans/level-1/retire", {}).status_code == 302
    assert not _plan(app, "level-1").retired
    assert "Level 1</th>" in auth._client.get("/plans").get_data(as_text=True)


def test_a_plan_in_use_cannot_be_deleted_only_retired(app, auth, world):
    subscribe(app, world["customer"], plan="level-2")
    auth.login(world["admin"])
    page = auth._client.get("/operator/plans/level-2").get_data(as_text=True)
    assert "in use by 1 subscription" in page
    assert "Delete this plan</button>" not in page
    response = auth.post("/operator/plans/level-2/delete", {"confirm": "y"})
    assert response.status_code == 400
    assert "in use by 1 subscription — retire it instead" in response.get_data(as_text=True)
    assert _plan(app, "level-2") is not None


def test_a_plan_asked_for_in_a_request_cannot_be_deleted(app, auth, world):
    with app.app_context():
        plan = ensure_plans()["level-1"]
        customer = db.session.scalar(db.select(User).where(User.email == world["customer"]))
        db.session.add(SubscriptionRequest(user=customer, plan=plan))
        db.session.commit()
    auth.login(world["admin"])
    response = auth.post("/operator/plans/level-1/delete", {"confirm": "y"})
    assert response.status_code == 400
    assert "1 plan request" in response.get_data(as_text=True)


def test_deleting_an_unused_plan_needs_the_confirmation(app, auth, world):
    with app.app_context():
        ensure_plans()
        db.session.commit()
    auth.login(world["admin"])
    response = auth.post("/operator/plans/basic/delete", {})
    assert response.status_code == 400 and "Tick the box" in response.get_data(as_text=True)
    assert _plan(app, "basic") is not None
    assert auth.post("/operator/plans/basic/delete", {"confirm": "y"}).status_code == 302
    assert _plan(app, "basic") is None
    assert auth._client.get("/operator/plans/basic").status_code == 404


def test_the_plan_list_is_paginated(app, auth, world):
    auth.login(world["admin"])
    for number in range(27):
        data = plan_form(name=f"Plan {number:02}", slug=f"plan-{number:02}")
        assert auth.post("/operator/plans/new", data).status_code == 302
    first = auth._client.get("/operator/plans").get_data(as_text=True)
    second = auth._client.get("/operator/plans?page=2").get_data(as_text=True)
    assert "Plan 00</a>" in first and "Plan 26</a>" not in first
    assert "Plan 26</a>" in second and "26–27 of 27" in second


def test_the_plan_list_without_plans_says_what_to_do(app, auth, world):
    auth.login(world["admin"])
    page = auth._client.get("/operator/plans").get_data(as_text=True)
    assert "Create the first plan" in page


def test_editing_a_plan_never_changes_a_ticket_already_opened(app, auth, apps):
    subscribe(app, apps["customer"], plan="level-2")
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == apps["customer"]))
        pro_app = db.session.scalar(db.select(App).where(App.slug == PRO_APP))
        intake = assess(pro_app, user, 2, "incident", utcnow())
        ticket = open_ticket(intake, user, "Down", "It is down.", utcnow(), "SUP")
        db.session.commit()
        reference = ticket.reference
        snapshot = dict(ticket.terms_snapshot)
        due = sorted((clock.target, clock.minutes, clock.due_at) for clock in ticket.clocks)
        data = _as_posted(formdata.initial_data(intake.standing.plan))
    assert snapshot["targets"]["2"]["first_response"] == 480 and due
    data.update(first_response_2="1", first_response_2_unit="hours", hours_always_open="y")
    auth.login(apps["admin"])
    assert auth.post("/operator/plans/level-2", data).status_code == 302
    with app.app_context():
        plan = db.session.scalar(db.select(Plan).where(Plan.slug == "level-2"))
        assert plan.targets["2"]["first_response"] == 60
        ticket = db.session.scalar(db.select(Ticket).where(Ticket.reference == reference))
        assert ticket.terms_snapshot == snapshot
        assert sorted((c.target, c.minutes, c.due_at) for c in ticket.clocks) == due


def test_demo_plans_are_made_through_create_plan_and_loading_twice_adds_none(app, monkeypatch):
    from catalog.support.plans import operations

    made = []
    original = operations.create_plan
    monkeypatch.setattr(operations, "create_plan", lambda v: made.append(v.slug) or original(v))
    with app.app_context():
        first = ensure_plans()
        second = ensure_plans()
        db.session.commit()
        assert made == ["level-1", "level-2", "level-3", "basic"]
        assert first == second
        assert db.session.scalar(db.select(db.func.count(Plan.id))) == 4


def test_the_price_is_a_text_box_so_a_comma_is_refused_not_read_as_thousands(
    app, auth, client, world
):
    auth.login(world["admin"])
    page = client.get("/operator/plans/new").get_data(as_text=True)
    [price_input] = re.findall(r'<input[^>]*name="price"[^>]*>', page)
    assert 'type="text"' in price_input and 'inputmode="decimal"' in price_input
    response = auth.post("/operator/plans/new", plan_form(price="12,50"))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert forms.PRICE_MESSAGE in html and 'value="12,50"' in html
    assert _plan_count(app) == 0


def test_a_price_in_words_is_explained_once_not_twice(app, auth, world):
    auth.login(world["admin"])
    html = auth.post("/operator/plans/new", plan_form(price="abc")).get_data(as_text=True)
    assert html.count(forms.PRICE_MESSAGE) == 1
