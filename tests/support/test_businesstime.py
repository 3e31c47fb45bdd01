"""Business-time arithmetic: windows, weekends, holidays, time zones and daylight saving."""

from datetime import UTC
from datetime import datetime
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from catalog.businesstime.engine import Calendar
from catalog.businesstime.engine import CalendarError
from catalog.businesstime.engine import add_business_time
from catalog.businesstime.engine import business_time_between
from catalog.businesstime.engine import next_open

WORKDAYS = ("mon", "tue", "wed", "thu", "fri")
ALL_DAYS = WORKDAYS + ("sat", "sun")
UTC = UTC
H = timedelta(hours=1)


def calendar(tz="Europe/Prague", hours=(("09:00", "17:00"),), days=WORKDAYS, **extra):
    """A calendar with the same windows on each of ``days``."""
    windows = {day: [list(pair) for pair in hours] for day in days}
    return Calendar.from_dict({"timezone": tz, "windows": windows, **extra})


def at(tz, *fields, fold=0):
    """An aware local datetime."""
    return datetime(*fields, tzinfo=ZoneInfo(tz), fold=fold)


def prague(*fields, fold=0):
    """An aware datetime in Prague."""
    return at("Europe/Prague", *fields, fold=fold)


def same_instant(a, b):
    """Compare instants, not wall clocks (same-zone comparisons ignore the UTC offset)."""
    return a.astimezone(UTC) == b.astimezone(UTC)


OFFICE = calendar()
LUNCH = calendar(hours=(("09:00", "12:00"), ("13:00", "17:00")))


# --- ordinary office hours -------------------------------------------------------------------


def test_duration_inside_one_window_is_due_the_same_day():
    assert add_business_time(OFFICE, prague(2026, 3, 2, 10, 0), 2 * H) == prague(2026, 3, 2, 12, 0)


def test_lunch_break_does_not_count():
    due = add_business_time(LUNCH, prague(2026, 3, 2, 11, 0), 2 * H)
    assert due == prague(2026, 3, 2, 14, 0)


def test_arrival_before_hours_starts_at_the_window():
    assert add_business_time(OFFICE, prague(2026, 3, 2, 7, 12), H) == prague(2026, 3, 2, 10, 0)


def test_arrival_after_hours_starts_next_working_morning():
    assert add_business_time(OFFICE, prague(2026, 3, 2, 18, 30), H) == prague(2026, 3, 3, 10, 0)


def test_arrival_during_lunch_starts_after_lunch():
    assert add_business_time(LUNCH, prague(2026, 3, 2, 12, 20), H) == prague(2026, 3, 2, 14, 0)


def test_arrival_on_weekend_starts_monday():
    assert add_business_time(OFFICE, prague(2026, 3, 7, 11, 0), H) == prague(2026, 3, 9, 10, 0)


def test_friday_afternoon_runs_over_the_weekend():
    assert add_business_time(OFFICE, prague(2026, 3, 6, 16, 0), 2 * H) == prague(2026, 3, 9, 10, 0)


def test_duration_ending_at_window_end_is_due_at_that_end():
    assert add_business_time(OFFICE, prague(2026, 3, 2, 9, 0), 8 * H) == prague(2026, 3, 2, 17, 0)


def test_duration_ending_at_lunch_is_due_at_noon_not_after_lunch():
    assert add_business_time(LUNCH, prague(2026, 3, 2, 9, 0), 3 * H) == prague(2026, 3, 2, 12, 0)


def test_friday_close_is_due_friday_not_monday():
    assert add_business_time(OFFICE, prague(2026, 3, 6, 15, 0), 2 * H) == prague(2026, 3, 6, 17, 0)


def test_three_business_days_end_at_wednesday_close():
    due = add_business_time(OFFICE, prague(2026, 3, 2, 9, 0), 24 * H)
    assert due == prague(2026, 3, 4, 17, 0)


def test_two_weeks_of_office_hours():
    due = add_business_time(OFFICE, prague(2026, 3, 2, 9, 0), 80 * H)
    assert due == prague(2026, 3, 13, 17, 0)


def test_zero_duration_is_due_when_the_clock_starts():
    due = add_business_time(OFFICE, prague(2026, 3, 7, 11, 0), timedelta(0))
    assert due == prague(2026, 3, 9, 9, 0)


def test_arrival_exactly_at_close_starts_next_window():
    assert add_business_time(OFFICE, prague(2026, 3, 2, 17, 0), H) == prague(2026, 3, 3, 10, 0)


def test_seconds_and_microseconds_are_kept():
    start = prague(2026, 3, 2, 9, 0, 0, 250)
    due = add_business_time(OFFICE, start, timedelta(seconds=90))
    assert due == prague(2026, 3, 2, 9, 1, 30, 250)


# --- holidays --------------------------------------------------------------------------------


def test_one_off_holiday_on_a_monday_is_skipped():
    cal = calendar(holidays=["2026-03-09"])
    assert add_business_time(cal, prague(2026, 3, 6, 16, 0), 2 * H) == prague(2026, 3, 10, 10, 0)


def test_yearly_holiday_recurs_every_year():
    cal = calendar(yearly_holidays=["12-25"])
    for year, day_after in ((2025, 26), (2026, 28), (2029, 26)):
        start = prague(year, 12, 24, 16, 0)
        due = add_business_time(cal, start, 2 * H)
        assert due == prague(year, 12, day_after, 10, 0), year


def test_country_holidays_close_christmas_eve_in_czechia():
    cal = calendar(country="CZ")
    assert add_business_time(cal, prague(2026, 12, 23, 16, 0), 2 * H) == prague(2026, 12, 28, 10)


def test_country_holidays_close_easter_monday():
    cal = calendar(country="CZ")
    assert next_open(cal, prague(2026, 4, 3, 18, 0)) == prague(2026, 4, 7, 9, 0)


def test_subdivision_holidays_apply_only_there():
    munich = calendar("Europe/Berlin", country="DE", subdivision="BY")
    berlin = calendar("Europe/Berlin", country="DE", subdivision="BE")
    epiphany = at("Europe/Berlin", 2026, 1, 6, 10, 0)
    assert next_open(munich, epiphany) == at("Europe/Berlin", 2026, 1, 7, 9, 0)
    assert next_open(berlin, epiphany) == epiphany


def test_year_end_runs_from_new_years_eve_to_january_second():
    cal = calendar(yearly_holidays=["01-01"])
    due = add_business_time(cal, prague(2025, 12, 31, 16, 0), 2 * H)
    assert due == prague(2026, 1, 2, 10, 0)


def test_window_belongs_to_the_day_it_starts_on():
    night = calendar(hours=(("22:00", "02:00"),), days=("fri",), holidays=["2026-03-07"])
    assert business_time_between(night, prague(2026, 3, 6, 0), prague(2026, 3, 8, 0)) == 4 * H
    closed_friday = calendar(hours=(("22:00", "02:00"),), days=("fri",), holidays=["2026-03-06"])
    assert next_open(closed_friday, prague(2026, 3, 6, 21, 0)) == prague(2026, 3, 13, 22, 0)


def test_holidays_close_a_24x7_calendar_only_when_listed():
    open_always = Calendar.from_dict({"timezone": "UTC", "always_open": True})
    with_christmas = Calendar.from_dict(
        {"timezone": "UTC", "always_open": True, "yearly_holidays": ["12-25"]}
    )
    start = datetime(2026, 12, 24, 12, tzinfo=UTC)
    assert add_business_time(open_always, start, 24 * H) == datetime(2026, 12, 25, 12, tzinfo=UTC)
    due = add_business_time(with_christmas, start, 24 * H)
    assert due == datetime(2026, 12, 26, 12, tzinfo=UTC)


# --- windows across midnight and 24x7 --------------------------------------------------------

NIGHTS = calendar(hours=(("22:00", "02:00"),), days=("fri",))


def test_window_across_midnight_ends_next_day():
    assert add_business_time(NIGHTS, prague(2026, 3, 6, 23, 0), 2 * H) == prague(2026, 3, 7, 1, 0)


def test_window_across_midnight_due_exactly_at_its_end():
    assert add_business_time(NIGHTS, prague(2026, 3, 6, 23, 0), 3 * H) == prague(2026, 3, 7, 2, 0)


def test_arrival_in_the_small_hours_counts_the_previous_days_window():
    assert next_open(NIGHTS, prague(2026, 3, 7, 1, 0)) == prague(2026, 3, 7, 1, 0)
    assert add_business_time(NIGHTS, prague(2026, 3, 7, 1, 0), 2 * H) == prague(2026, 3, 13, 23)


def test_end_of_day_written_as_24_00():
    cal = calendar(hours=(("20:00", "24:00"),))
    assert add_business_time(cal, prague(2026, 3, 2, 21, 0), 3 * H) == prague(2026, 3, 3, 0, 0)


def test_24x7_is_plain_elapsed_time():
    cal = Calendar.twenty_four_seven("UTC")
    start = datetime(2026, 3, 7, 13, 45, tzinfo=UTC)
    assert add_business_time(cal, start, timedelta(days=14)) == start + timedelta(days=14)
    assert business_time_between(cal, start, start + timedelta(days=3, minutes=5)) == timedelta(
        days=3, minutes=5
    )


def test_touching_windows_count_as_one_continuous_stretch():
    cal = calendar(hours=(("00:00", "24:00"),), days=ALL_DAYS)
    start = prague(2026, 3, 2, 23, 30)
    assert add_business_time(cal, start, H) == prague(2026, 3, 3, 0, 30)


# --- daylight saving -------------------------------------------------------------------------

AROUND_THE_CLOCK = Calendar.twenty_four_seven("Europe/Prague")


def test_24x7_day_of_spring_forward_has_23_hours():
    due = add_business_time(AROUND_THE_CLOCK, prague(2026, 3, 28, 12, 0), 24 * H)
    assert due == prague(2026, 3, 29, 13, 0)


def test_24x7_day_of_fall_back_has_25_hours():
    due = add_business_time(AROUND_THE_CLOCK, prague(2026, 10, 24, 12, 0), 24 * H)
    assert due == prague(2026, 10, 25, 11, 0)


@pytest.mark.parametrize(
    "tz, night, hours",
    [
        ("Europe/Prague", (2026, 3, 28), 7),
        ("Europe/Prague", (2026, 10, 24), 9),
        ("America/New_York", (2026, 3, 7), 7),
        ("America/New_York", (2026, 10, 31), 9),
        ("Pacific/Auckland", (2026, 9, 26), 7),
        ("Pacific/Auckland", (2026, 4, 4), 9),
        ("Europe/Prague", (2026, 3, 21), 8),
    ],
)
def test_overnight_window_over_the_changeover_counts_real_time(tz, night, hours):
    cal = calendar(tz, hours=(("22:00", "06:00"),), days=ALL_DAYS)
    evening = at(tz, *night, 22, 0)
    assert business_time_between(cal, evening, evening + 12 * H) == hours * H


def test_window_inside_the_skipped_hour_never_counts():
    cal = calendar(hours=(("02:00", "03:00"),), days=("sun",))
    spring = prague(2026, 3, 29, 0, 0)
    assert business_time_between(cal, spring, spring + 20 * H) == timedelta(0)
    assert next_open(cal, spring) == prague(2026, 4, 5, 2, 0)


def test_window_covering_the_repeated_hour_counts_it_twice():
    cal = calendar(hours=(("02:00", "03:00"),), days=("sun",))
    autumn = prague(2026, 10, 25, 0, 0)
    assert business_time_between(cal, autumn, autumn + 20 * H) == 2 * H
    assert same_instant(next_open(cal, autumn), datetime(2026, 10, 25, 0, 0, tzinfo=UTC))


def test_boundary_in_the_gap_moves_to_the_first_valid_instant():
    cal = calendar(hours=(("02:30", "04:00"),), days=("sun",))
    opened = next_open(cal, prague(2026, 3, 29, 0, 0))
    assert same_instant(opened, datetime(2026, 3, 29, 1, 0, tzinfo=UTC))
    assert opened.hour == 3 and opened.minute == 0


def test_new_york_window_over_spring_forward():
    cal = calendar("America/New_York", hours=(("01:00", "04:00"),), days=("sun",))
    sunday = at("America/New_York", 2026, 3, 8, 0, 0)
    assert business_time_between(cal, sunday, sunday + 12 * H) == 2 * H


def test_new_york_window_exactly_on_the_repeated_hour():
    cal = calendar("America/New_York", hours=(("01:00", "02:00"),), days=("sun",))
    sunday = at("America/New_York", 2026, 11, 1, 0, 0)
    assert business_time_between(cal, sunday, sunday + 12 * H) == 2 * H
    due = add_business_time(cal, sunday, 90 * timedelta(minutes=1))
    assert same_instant(due, at("America/New_York", 2026, 11, 1, 1, 30, fold=1))


def test_window_ending_in_the_repeated_hour_runs_until_its_second_occurrence():
    cal = calendar(hours=(("00:00", "02:30"),), days=("sun",))
    autumn = prague(2026, 10, 25, 0, 0)
    assert business_time_between(cal, autumn, autumn + 12 * H) == timedelta(hours=3, minutes=30)
    due = add_business_time(cal, autumn, timedelta(hours=3, minutes=30))
    assert same_instant(due, prague(2026, 10, 25, 2, 30, fold=1))


def test_adjacent_windows_in_a_fold_do_not_double_count():
    cal = calendar(hours=(("00:00", "02:30"), ("02:30", "05:00")), days=("sun",))
    autumn = prague(2026, 10, 25, 0, 0)
    assert business_time_between(cal, autumn, autumn + 12 * H) == 6 * H


def test_due_time_in_the_repeated_hour_is_the_right_occurrence():
    start = prague(2026, 10, 25, 1, 30)
    due = add_business_time(AROUND_THE_CLOCK, start, timedelta(minutes=90))
    assert same_instant(due, prague(2026, 10, 25, 2, 0, fold=1))


def test_day_that_never_happened_in_samoa():
    cal = Calendar.twenty_four_seven("Pacific/Apia")
    before, after = at("Pacific/Apia", 2011, 12, 29, 0, 0), at("Pacific/Apia", 2011, 12, 31, 0, 0)
    assert business_time_between(cal, before, after) == 24 * H


# --- zones far from UTC ----------------------------------------------------------------------


def test_kiritimati_monday_is_still_sunday_in_utc():
    cal = calendar("Pacific/Kiritimati")
    arrival = datetime(2026, 3, 1, 20, 0, tzinfo=UTC)  # Monday 10:00 on Kiritimati
    due = add_business_time(cal, arrival, 2 * H)
    assert due == at("Pacific/Kiritimati", 2026, 3, 2, 12, 0)
    assert same_instant(due, datetime(2026, 3, 1, 22, 0, tzinfo=UTC))


def test_auckland_sunday_evening_in_utc_is_monday_morning():
    cal = calendar("Pacific/Auckland")
    due = add_business_time(cal, datetime(2026, 3, 1, 22, 0, tzinfo=UTC), H)
    assert due == at("Pacific/Auckland", 2026, 3, 2, 12, 0)


def test_kolkata_half_hour_offset():
    cal = calendar("Asia/Kolkata", hours=(("09:00", "17:30"),))
    arrival = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)  # 08:30 in Kolkata
    assert same_instant(next_open(cal, arrival), datetime(2026, 3, 2, 3, 30, tzinfo=UTC))
    due = add_business_time(cal, arrival, timedelta(hours=8, minutes=30))
    assert same_instant(due, datetime(2026, 3, 2, 12, 0, tzinfo=UTC))


def test_results_are_in_the_calendars_time_zone():
    due = add_business_time(OFFICE, datetime(2026, 3, 2, 8, 0, tzinfo=UTC), H)
    assert due.tzinfo == ZoneInfo("Europe/Prague")
    assert due == prague(2026, 3, 2, 10, 0)


# --- elapsed time and next_open --------------------------------------------------------------


def test_elapsed_time_across_a_weekend():
    elapsed = business_time_between(LUNCH, prague(2026, 3, 6, 11, 0), prague(2026, 3, 9, 14, 0))
    assert elapsed == 9 * H


def test_elapsed_time_outside_windows_is_zero():
    weekend = business_time_between(OFFICE, prague(2026, 3, 7, 8), prague(2026, 3, 8, 20))
    assert weekend == timedelta(0)


def test_elapsed_time_backwards_is_negative():
    assert business_time_between(OFFICE, prague(2026, 3, 2, 12), prague(2026, 3, 2, 10)) == -2 * H


def test_next_open_inside_a_window_is_the_instant_itself():
    assert next_open(OFFICE, prague(2026, 3, 2, 10, 17)) == prague(2026, 3, 2, 10, 17)


def test_next_open_at_window_start_and_end():
    assert next_open(LUNCH, prague(2026, 3, 2, 13, 0)) == prague(2026, 3, 2, 13, 0)
    assert next_open(LUNCH, prague(2026, 3, 2, 12, 0)) == prague(2026, 3, 2, 13, 0)


# --- refusals --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        lambda: add_business_time(OFFICE, datetime(2026, 3, 2, 9), H),
        lambda: business_time_between(OFFICE, datetime(2026, 3, 2, 9), prague(2026, 3, 2, 10)),
        lambda: business_time_between(OFFICE, prague(2026, 3, 2, 9), datetime(2026, 3, 2, 10)),
        lambda: next_open(OFFICE, datetime(2026, 3, 2, 9)),
    ],
)
def test_naive_datetimes_are_refused(call):
    with pytest.raises(ValueError, match="no time zone"):
        call()


def test_negative_duration_is_refused():
    with pytest.raises(ValueError, match="negative"):
        add_business_time(OFFICE, prague(2026, 3, 2, 9), -H)


def test_calendar_without_windows_cannot_be_built():
    with pytest.raises(CalendarError, match="no working windows"):
        Calendar(timezone="Europe/Prague")


def test_calendar_closed_every_day_of_the_year_gives_up_instead_of_looping():
    every_day = [
        f"{m:02d}-{d:02d}"
        for m in range(1, 13)
        for d in range(1, 32)
        if (m, d) not in {(2, 30), (2, 31), (4, 31), (6, 31), (9, 31), (11, 31)}
    ]
    cal = calendar(yearly_holidays=every_day)
    with pytest.raises(CalendarError, match="no business time"):
        add_business_time(cal, prague(2026, 3, 2, 9), H)
    with pytest.raises(CalendarError, match="no business time"):
        next_open(cal, prague(2026, 3, 2, 9))
