"""Issue 12's newcomer walkthrough: renewal periods, dates and times as people read them."""

import re
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta

import pytest

from catalog.accounts.models import Organisation
from catalog.extensions import db
from catalog.support.plans.models import NamedContactChange
from catalog.support.plans.models import Subscription
from catalog.support.plans.periods import next_period
from catalog.support.plans.periods import whole_months
from catalog.templating import format_local_time
from tests.customers.conftest import TODAY
from tests.customers.conftest import make_organisation
from tests.customers.conftest import make_plan
from tests.customers.conftest import make_subscription
from tests.customers.conftest import text

ADMIN, ANN = "cy@acme.example", "ann@acme.example"


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


def test_contact_changes_show_in_the_organisations_time_zone(app, world, client, auth):
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
    assert "1 Dec 2026 08:35 JST: Ann added" in page
