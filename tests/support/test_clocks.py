"""Due times: plans and ISV terms, 24×7 severity 1, pauses while waiting on the customer, flags."""

from datetime import UTC
from datetime import datetime
from datetime import timedelta
from types import SimpleNamespace

from catalog.businesstime.engine import Calendar
from catalog.support.tickets.clocks import clock_specs
from catalog.support.tickets.clocks import clock_state
from catalog.support.tickets.clocks import due_after_pauses
from catalog.support.tickets.clocks import schedule
from catalog.support.tickets.snapshots import isv_snapshot
from catalog.support.tickets.snapshots import plan_snapshot
from tests.support.conftest import PRAGUE_HOURS

UTC = UTC
CAL = Calendar.from_dict(PRAGUE_HOURS)
WED_10 = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)  # 10:00 in Prague
PLAN = SimpleNamespace(
    slug="level-3",
    name="Level 3",
    incidents_per_month=None,
    web_portal=True,
    email=True,
    phone=False,
    chat_experts=None,
    remote_session=False,
    named_contacts=2,
    best_effort=False,
    around_the_clock=["1"],
    calendar=PRAGUE_HOURS,
    targets={
        s: {"first_response": 720, "workaround": 1440, "resolution": None} for s in ("1", "2", "3")
    },
)
SUBSCRIPTION = SimpleNamespace(id=1, starts_on=datetime(2026, 1, 1).date(), ends_on=None)


def test_plan_targets_apply_without_the_ones_it_does_not_promise():
    specs = clock_specs(plan_snapshot(PLAN, SUBSCRIPTION), 2)
    assert [(s.target, s.minutes) for s in specs] == [("first_response", 720), ("workaround", 1440)]


def test_twelve_business_hours_run_into_the_next_day_on_office_hours():
    spec = clock_specs(plan_snapshot(PLAN, SUBSCRIPTION), 2)[0]
    _warn, due = schedule(spec, WED_10)
    assert due == datetime(2026, 3, 5, 13, 0, tzinfo=UTC)  # Thu 14:00 Prague: 7 h Wed + 5 h Thu


def test_severity_one_runs_around_the_clock_when_the_plan_says_so():
    spec = clock_specs(plan_snapshot(PLAN, SUBSCRIPTION), 1)[0]
    assert spec.around_the_clock
    assert schedule(spec, WED_10)[1] == WED_10 + timedelta(hours=12)


def test_any_severity_the_plan_lists_runs_around_the_clock_and_the_others_keep_office_hours():
    plan = SimpleNamespace(**{**vars(PLAN), "around_the_clock": ["2"]})
    snapshot = plan_snapshot(plan, SUBSCRIPTION)
    assert [spec.around_the_clock for spec in clock_specs(snapshot, 2)] == [True, True]
    assert [spec.around_the_clock for spec in clock_specs(snapshot, 1)] == [False, False]


def test_a_snapshot_taken_before_plans_listed_their_24x7_severities_keeps_its_meaning():
    old = {k: v for k, v in plan_snapshot(PLAN, SUBSCRIPTION).items() if k != "around_the_clock"}
    assert [s.around_the_clock for s in clock_specs({**old, "sev1_24x7": True}, 1)] == [True] * 2
    assert [s.around_the_clock for s in clock_specs({**old, "sev1_24x7": True}, 2)] == [False] * 2
    assert [s.around_the_clock for s in clock_specs(old, 1)] == [False, False]


def test_a_fix_in_the_next_release_runs_no_clock():
    targets = {"1": {"first_response": 720, "resolution": "next_release"}}
    plan = SimpleNamespace(**{**vars(PLAN), "targets": targets})
    specs = clock_specs(plan_snapshot(plan, SUBSCRIPTION), 1)
    assert [spec.target for spec in specs] == ["first_response"]


def test_isv_terms_give_a_first_response_only_on_the_isv_calendar():
    terms = SimpleNamespace(
        isv_response_minutes={"1": 120},
        isv_hours=PRAGUE_HOURS,
        isv_scope="",
        isv_conditions="",
        isv_languages=[],
        isv_contact_email=None,
    )
    specs = clock_specs(isv_snapshot(terms), 1)
    assert [(s.target, s.minutes, s.around_the_clock) for s in specs] == [
        ("first_response", 120, False)
    ]
    assert clock_specs(isv_snapshot(terms), 2) == []


def test_a_pause_moves_the_due_time_by_the_business_time_it_covered():
    start, duration = WED_10, timedelta(hours=4)
    paused = [(WED_10 + timedelta(hours=1), WED_10 + timedelta(hours=3))]
    assert due_after_pauses(CAL, start, duration, paused) == WED_10 + timedelta(hours=6)


def test_a_pause_outside_business_hours_changes_nothing():
    night = [(datetime(2026, 3, 4, 18, 0, tzinfo=UTC), datetime(2026, 3, 5, 6, 0, tzinfo=UTC))]
    assert due_after_pauses(CAL, WED_10, timedelta(hours=10), night) == due_after_pauses(
        CAL, WED_10, timedelta(hours=10), []
    )


def test_an_open_pause_means_no_due_time_and_pauses_after_the_due_time_do_not_count():
    assert (
        due_after_pauses(CAL, WED_10, timedelta(hours=2), [(WED_10 + timedelta(hours=1), None)])
        is None
    )
    late = [(WED_10 + timedelta(hours=5), WED_10 + timedelta(hours=6))]
    assert due_after_pauses(CAL, WED_10, timedelta(hours=2), late) == WED_10 + timedelta(hours=2)


def test_clock_states_flag_eighty_percent_and_breach():
    due, warn = WED_10 + timedelta(hours=10), WED_10 + timedelta(hours=8)
    assert clock_state(WED_10, warn, due, None) == "running"
    assert clock_state(warn, warn, due, None) == "warning"
    assert clock_state(due, warn, due, None) == "breached"
    assert clock_state(due, None, None, None) == "paused"
    assert clock_state(due + timedelta(1), warn, due, WED_10) == "met"
    assert clock_state(due + timedelta(1), warn, due, due + timedelta(1)) == "met_late"
