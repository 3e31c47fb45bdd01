"""Explanations of due times: the spans counted, the days skipped and the English lines."""

from datetime import UTC
from datetime import datetime
from datetime import timedelta
from zoneinfo import ZoneInfo

from catalog.businesstime.engine import Calendar
from catalog.businesstime.explain import amount_label
from catalog.businesstime.explain import explain

PRAGUE = ZoneInfo("Europe/Prague")
H = timedelta(hours=1)
CZ_OFFICE = Calendar.from_dict(
    {
        "timezone": "Europe/Prague",
        "windows": {
            day: [["09:00", "12:00"], ["13:00", "17:00"]]
            for day in ("mon", "tue", "wed", "thu", "fri")
        },
        "holidays": ["2026-12-28"],
        "yearly_holidays": ["12-31"],
        "country": "CZ",
    }
)


def prague(*fields):
    """An aware datetime in Prague."""
    return datetime(*fields, tzinfo=PRAGUE)


def test_christmas_explanation_names_the_holidays():
    result = explain(CZ_OFFICE, prague(2026, 12, 23, 16, 0), 10 * H)
    assert result.due == prague(2026, 12, 30, 11, 0)
    assert result.lines() == [
        "Arrived Wed 23 Dec 2026 16:00 CET.",
        "Counted Wed 23 Dec 2026 16:00–17:00 CET: 1 h.",
        "Skipped Thu 24 Dec 2026: public holiday: Christmas Eve.",
        "Skipped Fri 25 Dec 2026: public holiday: Christmas Day.",
        "Skipped Sat 26 Dec 2026: no working window on Saturdays.",
        "Skipped Sun 27 Dec 2026: no working window on Sundays.",
        "Skipped Mon 28 Dec 2026: holiday listed in this calendar.",
        "Counted Tue 29 Dec 2026 09:00–12:00 CET: 3 h.",
        "Counted Tue 29 Dec 2026 13:00–17:00 CET: 4 h.",
        "Counted Wed 30 Dec 2026 09:00–11:00 CET: 2 h.",
        "Due Wed 30 Dec 2026 11:00 CET, after 10 h of business time.",
    ]


def test_counted_amounts_add_up_to_the_duration():
    result = explain(CZ_OFFICE, prague(2026, 12, 23, 16, 0), 10 * H)
    assert sum((span.amount for span in result.counted), timedelta(0)) == 10 * H
    assert [skip.day.day for skip in result.skipped] == [24, 25, 26, 27, 28]


def test_yearly_holiday_and_new_year_are_explained():
    result = explain(CZ_OFFICE, prague(2026, 12, 30, 16, 30), H)
    reasons = {skip.day.isoformat(): skip.reason for skip in result.skipped}
    assert reasons["2026-12-31"] == "yearly holiday listed in this calendar"
    assert reasons["2027-01-01"].startswith("public holiday: ")
    assert result.due == prague(2027, 1, 4, 9, 30)


def test_arrival_before_hours_says_when_the_clock_starts():
    result = explain(CZ_OFFICE, prague(2026, 3, 2, 7, 12), H)
    assert result.started_late
    assert result.lines()[:2] == [
        "Arrived Mon 2 Mar 2026 07:12 CET.",
        "Outside working hours: the clock starts Mon 2 Mar 2026 09:00 CET.",
    ]
    assert result.skipped == ()


def test_arrival_after_hours_skips_the_rest_of_the_day():
    result = explain(CZ_OFFICE, prague(2026, 3, 2, 18, 0), H)
    assert [(skip.day.day, skip.reason) for skip in result.skipped] == [
        (2, "arrived after the day's working hours")
    ]
    assert result.clock_start == prague(2026, 3, 3, 9, 0)


def test_arrival_inside_a_window_starts_at_once():
    result = explain(CZ_OFFICE, prague(2026, 3, 2, 10, 0), H)
    assert not result.started_late
    assert len(result.lines()) == 3


def test_zero_duration_on_a_weekend_skips_only_the_weekend():
    result = explain(CZ_OFFICE, prague(2026, 3, 7, 10, 0), timedelta(0))
    assert result.due == prague(2026, 3, 9, 9, 0)
    assert result.counted == ()
    assert [skip.day.day for skip in result.skipped] == [7, 8]


def test_due_at_midnight_does_not_list_the_next_day():
    cal = Calendar.from_dict(
        {
            "timezone": "Europe/Prague",
            "windows": {"mon": [["20:00", "24:00"]]},
            "always_open": False,
        }
    )
    result = explain(cal, prague(2026, 3, 2, 20, 0), 4 * H)
    assert result.lines()[1] == "Counted Mon 2 Mar 2026 20:00–24:00 CET: 4 h."
    assert result.skipped == ()


def test_span_across_midnight_and_the_clock_change_shows_both_zones():
    cal = Calendar.from_dict(
        {"timezone": "Europe/Prague", "windows": {"sat": [["22:00", "06:00"]]}}
    )
    result = explain(cal, prague(2026, 3, 28, 22, 0), 7 * H)
    assert result.lines()[1] == (
        "Counted Sat 28 Mar 2026 22:00 – Sun 29 Mar 2026 06:00 CET to CEST: 7 h."
    )


def test_24x7_explanation_in_another_zone():
    cal = Calendar.twenty_four_seven("Asia/Kolkata")
    result = explain(cal, datetime(2026, 3, 2, 3, 0, tzinfo=UTC), timedelta(minutes=45))
    assert result.lines()[-1] == "Due Mon 2 Mar 2026 09:15 IST, after 45 min of business time."


def test_amount_labels():
    assert amount_label(timedelta(0)) == "0 min"
    assert amount_label(timedelta(hours=27, minutes=30)) == "27 h 30 min"
    assert amount_label(timedelta(minutes=5, seconds=7)) == "5 min 7 s"
