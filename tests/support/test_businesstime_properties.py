"""Properties that hold for any start and duration: elapsed time is the inverse of adding it."""

from datetime import UTC
from datetime import datetime
from datetime import timedelta

from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from catalog.businesstime.engine import Calendar
from catalog.businesstime.engine import add_business_time
from catalog.businesstime.engine import business_time_between
from catalog.businesstime.engine import next_open

WORKDAYS = ("mon", "tue", "wed", "thu", "fri")
CALENDARS = [
    Calendar.from_dict(
        {
            "timezone": "Europe/Prague",
            "windows": {day: [["09:00", "12:00"], ["13:00", "17:00"]] for day in WORKDAYS},
            "country": "CZ",
        }
    ),
    Calendar.from_dict(
        {
            "timezone": "America/New_York",
            "windows": {day: [["22:00", "06:00"]] for day in WORKDAYS + ("sun",)},
            "yearly_holidays": ["07-04"],
        }
    ),
    Calendar.from_dict(
        {
            "timezone": "Europe/Prague",
            "windows": {"sun": [["00:00", "02:30"], ["02:30", "03:00"], ["03:00", "05:00"]]},
        }
    ),
    Calendar.twenty_four_seven("Pacific/Auckland"),
    Calendar.from_dict(
        {
            "timezone": "Asia/Kolkata",
            "windows": {day: [["09:00", "17:30"]] for day in WORKDAYS},
            "holidays": ["2026-01-26"],
        }
    ),
    Calendar.from_dict(
        {
            "timezone": "Pacific/Kiritimati",
            "windows": {"sat": [["10:00", "14:00"]]},
        }
    ),
]

calendars = st.sampled_from(CALENDARS)
instants = st.integers(0, 3 * 366 * 86400).map(
    lambda seconds: datetime(2025, 1, 1, tzinfo=UTC) + timedelta(seconds=seconds)
)
durations = st.integers(0, 21 * 86400).map(lambda seconds: timedelta(seconds=seconds))
FAST = settings(max_examples=300, deadline=None)


def utc(moment):
    """The instant in UTC: comparing two times of one zone would compare wall clocks."""
    return moment.astimezone(UTC)


@FAST
@given(calendars, instants, durations)
def test_elapsed_time_to_the_due_time_is_the_duration(cal, start, duration):
    assert business_time_between(cal, start, add_business_time(cal, start, duration)) == duration


@FAST
@given(calendars, instants, durations, durations)
def test_adding_more_time_is_never_due_earlier(cal, start, first, second):
    shorter, longer = sorted((first, second))
    assert utc(add_business_time(cal, start, shorter)) <= utc(add_business_time(cal, start, longer))


@FAST
@given(calendars, instants, durations)
def test_due_time_is_not_before_the_clock_starts(cal, start, duration):
    due = add_business_time(cal, start, duration)
    assert utc(next_open(cal, start)) <= utc(due)
    assert due - start >= duration


@FAST
@given(calendars, instants, durations, durations)
def test_elapsed_time_adds_up_and_never_exceeds_real_time(cal, start, first, second):
    middle, end = start + first, start + first + second
    whole = business_time_between(cal, start, end)
    parts = business_time_between(cal, start, middle), business_time_between(cal, middle, end)
    assert whole == sum(parts, timedelta(0))
    assert timedelta(0) <= whole <= end - start


@FAST
@given(calendars, instants)
def test_next_open_is_a_fixed_point(cal, instant):
    opened = next_open(cal, instant)
    assert opened >= instant
    assert next_open(cal, opened) == opened
    assert business_time_between(cal, instant, opened) == timedelta(0)
