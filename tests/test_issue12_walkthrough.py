"""Issue 12's newcomer walkthrough: renewal periods, dates and times as people read them."""

import re
import time
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta
from html import unescape
from types import SimpleNamespace

import itsdangerous.timed
import pytest
from sqlalchemy import event

from catalog.accounts import tokens
from catalog.accounts.models import Organisation
from catalog.accounts.models import User
from catalog.extensions import db
from catalog.support.plans.models import NamedContactChange
from catalog.support.plans.models import Subscription
from catalog.support.plans.periods import next_period
from catalog.support.plans.periods import whole_months
from catalog.templating import format_local_time
from tests.conftest import AuthActions
from tests.customers.conftest import TODAY
from tests.customers.conftest import letters
from tests.customers.conftest import make_organisation
from tests.customers.conftest import make_plan
from tests.customers.conftest import make_subscription
from tests.customers.conftest import text

ADMIN, ANN = "cy@acme.example", "ann@acme.example"
SITE = "https://support.example.org"
NEW_PASSWORD = "a brand new passphrase"


def _words(response) -> str:
    """A page's text without its tags."""
    return re.sub(r"<[^>]+>", "", text(response))


@pytest.mark.parametrize(
    ("starts", "ends", "months"),
    [
        (date(2026, 12, 1), date(2027, 11, 30), 12),
        (date(2027, 1, 1), date(2027, 12, 31), 12),
        (date(2027, 1, 15), date(2027, 2, 14), 1),
        (date(2027, 1, 31), date(2027, 4, 30), 3),
        (date(2027, 2, 1), date(2027, 2, 28), 1),
        (date(2027, 1, 31), date(2027, 4, 29), None),
        (date(2026, 12, 1), date(2026, 12, 15), None),
        (date(2026, 12, 1), date(2026, 12, 1), None),
    ],
)
def test_whole_months_recognises_periods_that_end_the_day_before_the_same_day(starts, ends, months):
    assert whole_months(starts, ends) == months


@pytest.mark.parametrize(
    ("starts", "ends", "following"),
    [
        # A year stays a year across 29 February 2028 (it used to end on 29 Nov).
        (date(2026, 12, 1), date(2027, 11, 30), (date(2027, 12, 1), date(2028, 11, 30))),
        (date(2027, 3, 1), date(2028, 2, 29), (date(2028, 3, 1), date(2029, 2, 28))),
        (date(2027, 1, 31), date(2027, 4, 30), (date(2027, 5, 1), date(2027, 7, 31))),
        (date(2027, 1, 15), date(2027, 2, 14), (date(2027, 2, 15), date(2027, 3, 14))),
        (date(2026, 12, 30), date(2027, 1, 29), (date(2027, 1, 30), date(2027, 2, 28))),
        # Not whole months: the same number of days.
        (date(2026, 12, 1), date(2026, 12, 15), (date(2026, 12, 16), date(2026, 12, 30))),
        (date(2027, 1, 31), date(2027, 4, 29), (date(2027, 4, 30), date(2027, 7, 27))),
    ],
)
def test_the_next_period_keeps_the_months_or_else_the_days(starts, ends, following):
    assert next_period(starts, ends) == following


def test_renewing_a_year_across_a_leap_day_keeps_a_whole_year_and_says_so_in_page_dates(
    app, world, client, auth
):
    organisation_id = make_organisation(app, members=[(ANN, "member")])
    first = make_subscription(
        app, organisation_id, make_plan(app), date(2026, 12, 1), date(2027, 11, 30), [ANN]
    )
    auth.login(world["staff"])
    response = auth.post(f"/operator/subscriptions/{first}/renew", follow_redirects=True)
    assert "Renewed from 1 Dec 2027 to 30 Nov 2028." in text(response)
    with app.app_context():
        renewal = db.session.scalar(db.select(Subscription).where(Subscription.renews_id == first))
        assert (renewal.starts_on, renewal.ends_on) == (date(2027, 12, 1), date(2028, 11, 30))


def test_a_local_time_names_the_zone_and_its_abbreviation():
    moment = datetime(2026, 11, 30, 23, 35, tzinfo=UTC)
    assert format_local_time(moment, "Asia/Tokyo") == "1 Dec 2026 08:35 JST"
    assert format_local_time(moment.replace(tzinfo=None), "Europe/Prague") == (
        "1 Dec 2026 00:35 CET"
    )
    assert format_local_time(moment, "No/Such_Zone") == "30 Nov 2026 23:35 UTC"
    assert format_local_time(None, "Asia/Tokyo") == ""


def test_contact_changes_show_in_each_viewers_time_zone(app, world, client, auth):
    organisation_id = make_organisation(app, members=[(ADMIN, "admin"), (ANN, "member")])
    subscription_id = make_subscription(
        app,
        organisation_id,
        make_plan(app),
        TODAY - timedelta(days=30),
        TODAY + timedelta(days=300),
        [ANN],
    )
    with app.app_context():
        db.session.get(Organisation, organisation_id).timezone = "Asia/Tokyo"
        for change in db.session.scalars(db.select(NamedContactChange)):
            change.at = datetime(2026, 11, 30, 23, 35, tzinfo=UTC)
        db.session.commit()
    auth.login(ADMIN)
    page = _words(client.get("/account/organisation"))
    assert "1 Dec 2026 08:35 JST: Ann added" in page and "23:35 UTC" not in page
    auth.logout()
    auth.login(world["staff"])
    page = _words(client.get(f"/operator/subscriptions/{subscription_id}"))
    # Issue 13: staff read times in their own zone (here the site's, UTC), not the customer's.
    assert "30 Nov 2026 23:35 UTC: Ann added" in page


def _invite(app, auth, world) -> str:
    """An admin opens an account with an e-mailed invitation; returns the link's path."""
    app.config["SITE_URL"] = SITE
    auth.login(world["admin"])
    response = auth.post(
        "/operator/users/new",
        {"email": "newcomer@acme.example", "name": "New Comer", "role": "customer"}
        | {"access": "invite", "vendor_id": "0"},
    )
    assert response.status_code == 302
    [(_, _, body)] = letters(app, "invitation")
    assert "within seven days" in body and "one hour" in body
    return re.search(rf"{re.escape(SITE)}(/account/reset/\S+)", body).group(1)


def _later(monkeypatch, seconds: int) -> None:
    """Token signatures see the clock ``seconds`` ahead."""
    ahead = time.time() + seconds
    monkeypatch.setattr(itsdangerous.timed, "time", SimpleNamespace(time=lambda: ahead))


def test_an_account_invitation_still_works_after_six_days_and_only_once(
    app, world, client, auth, monkeypatch
):
    link = _invite(app, auth, world)
    auth.logout()
    _later(monkeypatch, 6 * 24 * 60 * 60)
    newcomer = app.test_client()
    answer = AuthActions(newcomer).post(link, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert answer.status_code == 302
    assert newcomer.get(link).status_code == 400


def test_an_account_invitation_expires_after_seven_days(app, world, client, auth, monkeypatch):
    link = _invite(app, auth, world)
    _later(monkeypatch, 7 * 24 * 60 * 60 + 60)
    assert app.test_client().get(link).status_code == 400


def test_an_account_invitation_token_is_not_a_password_reset_token(app, world):
    with app.test_request_context():
        user = db.session.scalar(db.select(User).where(User.email == world["customer"]))
        invitation = tokens.account_invite_token(user)
        assert tokens.verify_account_invite_token(invitation, user)
        assert not tokens.verify_reset_token(invitation, user)
        assert not tokens.verify_account_invite_token(tokens.reset_token(user), user)


def test_the_user_list_shows_each_organisation_and_vendor_without_a_query_per_row(
    app, world, client, auth
):
    for number in range(5):
        make_organisation(
            app,
            f"Org {number}",
            [f"org{number}.example"],
            [(f"p{number}@org{number}.example", "member")],
        )
    auth.login(world["admin"])
    statements = []

    def note(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", note)
    try:
        response = client.get("/operator/users")
    finally:
        event.remove(engine, "before_cursor_execute", note)
    page = _words(response)
    assert "Organisation or vendor" in page
    assert all(f"p{n}@org{n}.exampleP{n}customerOrg {n}yes" in page for n in range(5))
    assert "dev@contoso.exampleDevisvContoso (vendor)yes" in page
    lookups = [s for s in statements if "FROM organisation" in s or "FROM vendor" in s]
    assert lookups == [], lookups


def _field_error(page: str, field: str) -> str:
    """The message shown next to a field ("" when there is none)."""
    match = re.search(rf'<p class="field__error" id="{field}-error">([^<]*)</p>', page)
    return unescape(match.group(1)) if match else ""


def test_an_empty_new_app_form_asks_for_the_name_not_the_slug(app, world, client, auth):
    auth.login(world["staff"])
    response = auth.post("/operator/apps/new", {"slug": "", "name": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert _field_error(page, "name") == "Name is required."
    assert _field_error(page, "slug") == ""
    # A slug typed wrong is still refused next to it.
    typed = auth.post("/operator/apps/new", {"slug": "Bad!", "name": ""}).get_data(as_text=True)
    assert _field_error(typed, "slug") and _field_error(typed, "name")


def test_named_contact_menus_offer_long_member_names_whole(app, world, client, auth):
    long_name = "Maximiliana Konstantinopolous-Vanderbergh"
    organisation_id = make_organisation(
        app, members=[(ADMIN, "admin"), (ANN, "member"), ("max@acme.example", "member")]
    )
    with app.app_context():
        db.session.scalar(db.select(User).where(User.email == "max@acme.example")).name = long_name
        db.session.commit()
    subscription_id = make_subscription(
        app, organisation_id, make_plan(app), TODAY, TODAY + timedelta(days=300), [ANN]
    )
    auth.login(ADMIN)
    assert f"{long_name} <max@acme.example></option>" in text(client.get("/account/organisation"))
    auth.logout()
    auth.login(world["staff"])
    page = text(client.get(f"/operator/subscriptions/{subscription_id}"))
    assert f"{long_name} <max@acme.example></option>" in page
