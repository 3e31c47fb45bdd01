"""The stored JSON form of a calendar: round trips, canonical output and validation messages."""

import json
from datetime import date

import pytest

from catalog.businesstime.engine import Calendar
from catalog.businesstime.engine import CalendarError
from catalog.businesstime.engine import Window
from catalog.businesstime.engine import validate_calendar_dict

PRAGUE_OFFICE = {
    "timezone": "Europe/Prague",
    "windows": {
        "mon": [["09:00", "12:00"], ["13:00", "17:00"]],
        "fri": [["09:00", "12:00"], ["22:00", "02:00"]],
    },
    "holidays": ["2026-12-24"],
    "yearly_holidays": ["01-01", "12-25"],
    "country": "CZ",
    "subdivision": None,
    "always_open": False,
}


def with_windows(**days):
    """A UTC calendar dict with the given windows per weekday."""
    return {"timezone": "UTC", "windows": days}


def test_round_trip_keeps_the_stored_form():
    cal = Calendar.from_dict(PRAGUE_OFFICE)
    assert cal.to_dict() == PRAGUE_OFFICE
    assert Calendar.from_dict(json.loads(json.dumps(cal.to_dict()))) == cal


def test_parsed_fields():
    cal = Calendar.from_dict(PRAGUE_OFFICE)
    assert cal.windows[0] == (Window(540, 720), Window(780, 1020))
    assert cal.windows[4][1] == Window(22 * 60, 26 * 60), "22:00–02:00 ends on the next day"
    assert cal.holidays == frozenset({date(2026, 12, 24)})
    assert cal.yearly_holidays == frozenset({(1, 1), (12, 25)})


def test_to_dict_is_canonical():
    messy = {
        "timezone": " Europe/Prague ",
        "windows": {"tue": [["13:00", "17:00"], ["9:00", "12:00"]], "wed": [["22:00", "00:00"]]},
        "yearly_holidays": ["12-25", "01-01"],
        "country": "cz",
    }
    stored = Calendar.from_dict(messy).to_dict()
    assert stored["timezone"] == "Europe/Prague"
    assert stored["windows"] == {
        "tue": [["09:00", "12:00"], ["13:00", "17:00"]],
        "wed": [["22:00", "24:00"]],
    }
    assert stored["yearly_holidays"] == ["01-01", "12-25"]
    assert stored["country"] == "CZ"
    assert stored["always_open"] is False


def test_24x7_round_trip():
    cal = Calendar.twenty_four_seven("Asia/Kolkata")
    assert cal.to_dict()["always_open"] is True
    assert Calendar.from_dict(cal.to_dict()) == cal


@pytest.mark.parametrize(
    "windows",
    [
        {"mon": [["09:00", "12:00"], ["12:00", "13:00"]]},
        {"mon": [["00:00", "24:00"]], "tue": [["00:00", "24:00"]]},
        {"fri": [["22:00", "02:00"]], "sat": [["02:00", "05:00"]]},
        {"sun": [["22:00", "09:00"]], "mon": [["09:00", "17:00"]]},
        {"mon": [["23:59", "23:58"]]},
    ],
)
def test_touching_and_long_windows_are_valid(windows):
    assert validate_calendar_dict(with_windows(**windows)) == []


@pytest.mark.parametrize(
    "data, expected",
    [
        ("Mon 9-5", "must be a JSON object"),
        ({"windows": {"mon": [["09:00", "17:00"]]}}, "needs a time zone"),
        (
            with_windows(mon=[["09:00", "17:00"]]) | {"timezone": "Europe/Prag"},
            "Unknown time zone 'Europe/Prag'",
        ),
        ({"timezone": "UTC"}, "no working windows"),
        ({"timezone": "UTC", "windows": {}}, "no working windows"),
        (
            with_windows(mon=[["09:00", "12:00"], ["11:00", "13:00"]]),
            "Monday 09:00–12:00 overlaps Monday 11:00–13:00.",
        ),
        (
            with_windows(fri=[["22:00", "02:00"]], sat=[["01:00", "05:00"]]),
            "Friday 22:00–02:00 overlaps Saturday 01:00–05:00.",
        ),
        (
            with_windows(sun=[["22:00", "02:00"]], mon=[["01:00", "05:00"]]),
            "Sunday 22:00–02:00 overlaps Monday 01:00–05:00.",
        ),
        (with_windows(mon=[["09:00", "17:00"], ["09:00", "17:00"]]), "overlaps"),
        (with_windows(mon=[["09:00", "09:00"]]), "Monday: the window 09:00–09:00 has no length."),
        (with_windows(mon=[["24:00", "10:00"]]), "Monday: a window cannot start at 24:00"),
        (with_windows(mon=[["25:00", "26:00"]]), "'25:00' is not a time of day"),
        (with_windows(mon=[["09:60", "10:00"]]), "'09:60' is not a time of day"),
        (with_windows(mon=[["24:30", "10:00"]]), "'24:30' is not a time of day"),
        (with_windows(mon=[["9", "17"]]), "'9' is not a time of day"),
        (with_windows(mon=[[9, 17]]), "9 is not a time of day"),
        (with_windows(mon=[["09:00"]]), "Monday: ['09:00'] is not a [start, end] pair."),
        (with_windows(mon="09:00-17:00"), "Monday: windows must be a list"),
        (with_windows(monday=[["09:00", "17:00"]]), "Unknown weekday 'monday'"),
        ({"timezone": "UTC", "windows": [["09:00", "17:00"]]}, "'windows' must map weekdays"),
        (
            with_windows(mon=[["09:00", "17:00"]]) | {"holidays": ["2026-02-30"]},
            "Holiday '2026-02-30' is not a date",
        ),
        (
            with_windows(mon=[["09:00", "17:00"]]) | {"holidays": ["24.12.2026"]},
            "Holiday '24.12.2026' is not a date",
        ),
        (
            with_windows(mon=[["09:00", "17:00"]]) | {"holidays": "2026-12-24"},
            "'holidays' must be a list",
        ),
        (
            with_windows(mon=[["09:00", "17:00"]]) | {"yearly_holidays": ["13-01"]},
            "Yearly holiday '13-01' is not a day of the year",
        ),
        (
            with_windows(mon=[["09:00", "17:00"]]) | {"yearly_holidays": ["2026-12-25"]},
            "Yearly holiday '2026-12-25' is not a day of the year",
        ),
        (
            with_windows(mon=[["09:00", "17:00"]]) | {"country": "XX"},
            "Public holidays are not known for country 'XX'.",
        ),
        (
            with_windows(mon=[["09:00", "17:00"]]) | {"country": "US", "subdivision": "ZZ"},
            "'ZZ' is not a known subdivision of US.",
        ),
        (
            with_windows(mon=[["09:00", "17:00"]]) | {"subdivision": "BY"},
            "A subdivision needs a country.",
        ),
        (with_windows(mon=[["09:00", "17:00"]]) | {"country": 42}, "'country' must be a code"),
        (
            with_windows(mon=[["09:00", "17:00"]]) | {"always_open": "yes"},
            "'always_open' must be true or false.",
        ),
        (
            with_windows(mon=[["09:00", "17:00"]]) | {"always_open": True},
            "cannot also list working windows",
        ),
        (
            with_windows(mon=[["09:00", "17:00"]]) | {"timezon": "UTC"},
            "Unknown calendar setting 'timezon'.",
        ),
    ],
)
def test_bad_calendars_are_refused_with_a_clear_message(data, expected):
    messages = validate_calendar_dict(data)
    assert any(expected in message for message in messages), messages
    with pytest.raises(CalendarError) as raised:
        Calendar.from_dict(data)
    assert expected in str(raised.value)
    assert isinstance(raised.value, ValueError)


def test_every_problem_is_reported_at_once():
    data = {
        "timezone": "Nowhere/City",
        "windows": {"mon": [["09:00", "12:00"], ["11:00", "13:00"]], "tue": [["08:00", "08:00"]]},
        "holidays": ["not-a-date"],
        "country": "XX",
    }
    messages = validate_calendar_dict(data)
    assert len(messages) == 5, messages
    with pytest.raises(CalendarError) as raised:
        Calendar.from_dict(data)
    assert raised.value.messages == tuple(messages)


def test_valid_calendar_has_no_messages():
    assert validate_calendar_dict(PRAGUE_OFFICE) == []


def test_direct_construction_is_validated_too():
    with pytest.raises(CalendarError, match="overlaps"):
        Calendar("UTC", windows=((Window(540, 720), Window(600, 780)),) + ((),) * 6)
    with pytest.raises(CalendarError, match="no length"):
        Window(600, 600)
    with pytest.raises(CalendarError, match="must start between"):
        Window(1440, 1500)
