"""Issue 11, finding 2 through the route API: whatever terms are stored, the answer is bounded.

The terms are written straight into the database, as data stored before the validation refused
them would be; the API is called anonymously, like the attacker in the issue.
"""

import time
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta

from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from sqlalchemy import select

from catalog.extensions import db
from catalog.marketplace.models import App
from catalog.marketplace.models import SupportTerms
from catalog.support.tickets import operations
from catalog.support.tickets.models import Ticket
from catalog.support.tickets.models import TicketClock
from catalog.support.tickets.models import TicketPause
from tests.support.conftest import ISV_APP
from tests.support.test_wizard import submit
from tests.support.test_wizard import walk

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
ROUTE = f"/api/v1/route?app={ISV_APP}&kind=incident&severity="
TIME_LIMIT = 1.0
SIZE_LIMIT = 64 * 1024


def store_terms(app, hours: dict, minutes: dict) -> None:
    """Write the ISV's hours and targets straight into the database (no validation)."""
    with app.app_context():
        terms = db.session.scalar(select(SupportTerms).join(App).where(App.slug == ISV_APP))
        terms.isv_hours, terms.isv_response_minutes = hours, minutes
        db.session.commit()


def timed_route(client, severity: int = 3):
    """GET the route API; return the response, the seconds it took and the body's size."""
    began = time.perf_counter()
    response = client.get(f"{ROUTE}{severity}")
    return response, time.perf_counter() - began, len(response.get_data())


def test_finding_2_one_minute_daily_window_and_a_year_target_answers_fast_and_small(
    app, client, apps
):
    hours = {"timezone": "Europe/Prague", "windows": {d: [["09:00", "09:01"]] for d in DAYS}}
    store_terms(app, hours, {"3": 525_600})
    response, seconds, size = timed_route(client)
    assert response.status_code == 200
    assert seconds < TIME_LIMIT and size < SIZE_LIMIT, (seconds, size)
    [target] = response.get_json()["targets"]
    assert target["due"] is None
    assert target["explanation"][0].startswith("No due time can be computed: ")


def test_finding_2_one_minute_monday_window_is_not_a_500(app, client, apps):
    hours = {"timezone": "Europe/Prague", "windows": {"mon": [["09:00", "09:01"]]}}
    store_terms(app, hours, {"3": 525_600})
    response, seconds, size = timed_route(client)
    assert response.status_code == 200
    assert seconds < TIME_LIMIT and size < SIZE_LIMIT, (seconds, size)
    assert response.get_json()["targets"][0]["due"] is None


def test_finding_2_a_long_reachable_target_is_explained_in_few_lines(app, client, apps):
    store_terms(app, {"timezone": "UTC", "always_open": True}, {"3": 10**6})
    response, seconds, size = timed_route(client)
    assert response.status_code == 200 and seconds < TIME_LIMIT and size < SIZE_LIMIT
    [target] = response.get_json()["targets"]
    assert target["due"] is not None
    # Arrived, the first part-day, the first whole day, the summary, the last part-day, Due.
    assert len(target["explanation"]) == 6
    assert "more working days like" in target["explanation"][3]


def test_finding_2_only_the_unreachable_target_has_no_due_time(app, client, apps):
    hours = {"timezone": "Europe/Prague", "windows": {"mon": [["09:00", "09:01"]]}}
    store_terms(app, hours, {"1": 60, "3": 525_600})
    assert timed_route(client, 1)[0].get_json()["targets"][0]["due"] is not None
    assert timed_route(client, 3)[0].get_json()["targets"][0]["due"] is None


def test_finding_2_wizard_says_no_due_time_and_opens_the_ticket_without_that_clock(
    app, client, auth, apps
):
    hours = {"timezone": "Europe/Prague", "windows": {"mon": [["09:00", "09:01"]]}}
    store_terms(app, hours, {"2": 525_600})
    auth.login(apps["customer"])
    html = walk(auth, client, ISV_APP, severity=2)
    assert "First response: no due time" in html and "No due time can be computed: " in html
    assert submit(auth, html).status_code == 302
    with app.app_context():
        ticket = db.session.scalar(select(Ticket))
        assert ticket.channel == "isv" and list(ticket.clocks) == []


def _clock(minute: int) -> str:
    """HH:MM for minutes after midnight (24:00 for the end of the day)."""
    return f"{minute // 60:02d}:{minute % 60:02d}"


# Short windows and long targets are what made the work unbounded, so they are drawn often.
lengths = st.one_of(st.integers(1, 15), st.integers(1, 1440))
windows = st.lists(
    st.tuples(st.integers(0, 1439), lengths).map(
        lambda pair: [_clock(pair[0]), _clock((pair[0] + pair[1]) % 1440 or 1440)]
    ),
    min_size=1,
    max_size=4,
)
calendars = st.fixed_dictionaries(
    {
        "timezone": st.sampled_from(["UTC", "Europe/Prague", "America/New_York", "Asia/Kolkata"]),
        "windows": st.dictionaries(st.sampled_from(DAYS), windows, max_size=7),
        "holidays": st.lists(st.dates(date(2025, 1, 1), date(2030, 12, 31)).map(str), max_size=20),
        "yearly_holidays": st.lists(st.dates().map(lambda day: day.strftime("%m-%d")), max_size=40),
        "always_open": st.sampled_from([False, False, False, True]),
    }
)
minutes_ = st.one_of(st.integers(1, 10**6), st.integers(10**5, 10**6))
targets = st.fixed_dictionaries({"1": minutes_, "2": minutes_, "3": minutes_})


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(hours=calendars, minutes=targets, severity=st.sampled_from([1, 2, 3]))
def test_finding_2_any_stored_calendar_and_target_is_answered_within_bounds(
    app, client, apps, hours, minutes, severity
):
    store_terms(app, hours, minutes)
    response, seconds, size = timed_route(client, severity)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert seconds < TIME_LIMIT, (seconds, hours, minutes)
    assert size < SIZE_LIMIT, (size, hours, minutes)
    for target in response.get_json()["targets"]:
        assert (target["due"] is None) == target["explanation"][0].startswith("No due time")


def test_finding_2_resuming_a_ticket_whose_stored_target_cannot_be_reached_is_not_a_500():
    """A clock stored before the bounds (a year of minutes on one minute a week) reschedules
    to "no due time" instead of raising when the ticket's clocks run again."""
    monday_minute = {"timezone": "UTC", "windows": {"mon": [["09:00", "09:01"]]}}
    start = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    ticket = Ticket(
        clocks=[
            TicketClock(
                target="first_response", minutes=525_600, calendar=monday_minute, started_at=start
            )
        ],
        pauses=[TicketPause(started_at=start, ended_at=start + timedelta(hours=1))],
    )
    operations.reschedule(ticket)
    assert (ticket.clocks[0].warn_at, ticket.clocks[0].due_at) == (None, None)
