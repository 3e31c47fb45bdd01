"""Issue 11, finding 2: the engine, its explanations and the hours checks are bounded."""

import time
from datetime import datetime
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from catalog.businesstime.engine import HORIZON_DAYS
from catalog.businesstime.engine import BeyondHorizon
from catalog.businesstime.engine import Calendar
from catalog.businesstime.engine import add_business_time
from catalog.businesstime.explain import MAX_LINES
from catalog.businesstime.explain import explain
from catalog.businesstime.rules import MAX_TARGET_MINUTES
from catalog.marketplace.calendars import calendar_problems
from catalog.marketplace.calendars import day_problems
from catalog.marketplace.records import check_record
from catalog.support.demo import OPERATOR_CALENDAR
from catalog.support.demo import PLANS
from tests.conftest import app_record

PRAGUE = ZoneInfo("Europe/Prague")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MONDAY = datetime(2026, 3, 2, 8, 0, tzinfo=PRAGUE)
A_YEAR = timedelta(minutes=525_600)


def calendar(windows: dict) -> Calendar:
    """A Prague calendar with the given windows (bypassing the hours-of-operation checks)."""
    return Calendar.from_dict({"timezone": "Europe/Prague", "windows": windows})


def test_finding_2_a_one_minute_monday_window_gives_up_with_a_domain_error_not_overflow():
    cal = calendar({"mon": [["09:00", "09:01"]]})
    began = time.perf_counter()
    with pytest.raises(BeyondHorizon, match=f"{HORIZON_DAYS} days"):
        explain(cal, MONDAY, A_YEAR)
    with pytest.raises(BeyondHorizon):
        add_business_time(cal, MONDAY, A_YEAR)
    assert time.perf_counter() - began < 1


def test_finding_2_a_one_minute_daily_window_gives_up_quickly():
    cal = calendar({day: [["09:00", "09:01"]] for day in DAYS})
    began = time.perf_counter()
    with pytest.raises(BeyondHorizon):
        explain(cal, MONDAY, A_YEAR)
    assert time.perf_counter() - began < 1


def test_finding_2_many_tiny_windows_are_bounded_by_the_span_budget():
    tiny = [
        [f"{h:02d}:{m:02d}", f"{h:02d}:{m + 1:02d}"] for h in range(24) for m in range(0, 58, 2)
    ]
    cal = calendar(dict.fromkeys(DAYS, tiny))
    began = time.perf_counter()
    with pytest.raises(BeyondHorizon, match="working windows"):
        add_business_time(cal, MONDAY, timedelta(minutes=10**6))
    assert time.perf_counter() - began < 2


def test_finding_2_identical_days_are_summarised_in_one_line():
    office = calendar({day: [["09:00", "17:00"]] for day in DAYS[:5]})
    lines = explain(office, MONDAY, timedelta(minutes=MAX_TARGET_MINUTES)).lines()
    # 60 working days in 9 lines; the clock change to summer time starts a new run.
    assert lines[2:8] == [
        "Counted Mon 2 Mar 2026 09:00–17:00 CET: 8 h.",
        "…and 19 more working days like Mon 2 Mar 2026, to Fri 27 Mar 2026: 152 h; "
        "6 days without working windows skipped.",
        "Skipped Sat 28 Mar 2026: no working window on Saturdays.",
        "Skipped Sun 29 Mar 2026: no working window on Sundays.",
        "Counted Mon 30 Mar 2026 09:00–17:00 CEST: 8 h.",
        "…and 39 more working days like Mon 30 Mar 2026, to Fri 22 May 2026: 312 h; "
        "14 days without working windows skipped.",
    ]
    assert len(lines) == 9
    assert lines[-1] == "Due Fri 22 May 2026 17:00 CEST, after 480 h of business time."


def test_finding_2_every_explanation_has_a_hard_maximum_of_lines():
    # Every weekday different and a holiday every week: no run to fold, so the cap must hold.
    uneven = {day: [["09:00", f"{10 + n}:00"]] for n, day in enumerate(DAYS)}
    cal = Calendar.from_dict(
        {
            "timezone": "Europe/Prague",
            "windows": uneven,
            "holidays": [f"2026-{m:02d}-{d:02d}" for m in range(3, 13) for d in (4, 11, 18, 25)],
        }
    )
    lines = explain(cal, MONDAY, timedelta(minutes=MAX_TARGET_MINUTES)).lines()
    assert len(lines) == MAX_LINES
    assert lines[-2].startswith("…and ") and lines[-2].endswith(" more lines before the due time.")
    assert lines[-1].startswith("Due ")


def test_finding_2_round_the_clock_for_a_year_is_one_summary_line():
    lines = explain(Calendar.twenty_four_seven("Europe/Prague"), MONDAY, A_YEAR).lines()
    # 366 days in 12 lines: a run breaks only where daylight-saving time changes the day.
    assert len(lines) == 12, lines
    assert "…and 208 more working days like Mon 30 Mar 2026, to Sat 24 Oct 2026: 4992 h." in lines


@pytest.mark.parametrize("window", ["09:00-09:01", "09:00-09:14", "23:50-24:00", "23:59-00:00"])
def test_finding_2_hours_refuse_windows_shorter_than_15_minutes(window):
    start, end = window.split("-")
    assert day_problems("mon", [[start, end]]) == [
        f"mon: the window {start}–{end} is shorter than 15 minutes; "
        "a window must be long enough to answer a request in"
    ]
    problems = calendar_problems({"timezone": "UTC", "windows": {"mon": [[start, end]]}})
    assert any("shorter than 15 minutes" in problem for problem in problems), problems


@pytest.mark.parametrize("window", ["09:00-09:15", "23:45-24:00", "23:45-00:00", "00:00-24:00"])
def test_windows_of_15_minutes_or_more_are_accepted(window):
    start, end = window.split("-")
    assert day_problems("mon", [[start, end]]) == []
    assert calendar_problems({"timezone": "UTC", "windows": {"mon": [[start, end]]}}) == []


def test_finding_2_import_refuses_targets_beyond_60_working_days():
    record = app_record(
        "huge-target",
        support={
            "isv": {
                "contact_email": "help@vendor.example",
                "hours": {"timezone": "UTC", "windows": {"mon": [["09:00", "09:01"]]}},
                "first_response_minutes": {"1": MAX_TARGET_MINUTES, "3": 525_600},
            }
        },
    )
    clean, problems = check_record(4, record)
    assert clean is None
    assert [str(problem) for problem in problems] == [
        "line 4, support.isv.hours: mon: the window 09:00–09:01 is shorter than 15 minutes; "
        "a window must be long enough to answer a request in",
        "line 4, support.isv.first_response_minutes.3: is more than 28,800 minutes "
        "(60 working days of 8 hours)",
    ]


def test_demo_plans_stay_within_the_target_cap_and_the_hours_rules():
    assert calendar_problems(OPERATOR_CALENDAR) == []
    for plan in PLANS:
        assert calendar_problems(plan.get("calendar", OPERATOR_CALENDAR)) == []
        for targets in plan["targets"].values():
            clocks = [m for m in targets.values() if m not in (None, "next_release")]
            assert all(0 < m <= MAX_TARGET_MINUTES for m in clocks)
