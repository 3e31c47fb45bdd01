"""Service-level clocks of a ticket: which targets apply, when each is due, and how it stands.

Pure Python on top of the business-time engine. A ticket's targets come from the snapshot of
the terms that applied (see ``snapshots``): a plan gives first response, workaround and
resolution; an ISV's terms give a first response only. Times are aware datetimes; pauses are
``(start, end)`` pairs with ``end`` None while the ticket still waits on the customer.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta

from catalog.businesstime.engine import Calendar
from catalog.businesstime.engine import CalendarError
from catalog.businesstime.engine import add_business_time
from catalog.businesstime.engine import business_time_between
from catalog.businesstime.explain import Explanation
from catalog.businesstime.explain import explain
from catalog.support.plans import describe

TARGETS = {
    "first_response": "First response",
    "workaround": "Workaround",
    "resolution": "Resolution",
}
WARN_SHARE = 0.8
Pause = tuple[datetime, datetime | None]


@dataclass(frozen=True)
class ClockSpec:
    """A target that applies to a ticket: how much business time, on which calendar."""

    target: str
    minutes: int
    calendar: dict
    around_the_clock: bool = False

    @property
    def label(self) -> str:
        """The target's name, e.g. "First response"."""
        return TARGETS[self.target]

    @property
    def duration(self) -> timedelta:
        """The target as a duration of business time."""
        return timedelta(minutes=self.minutes)


@dataclass(frozen=True)
class ClockPreview:
    """A clock as shown before a request is submitted: its due time and the explanation."""

    spec: ClockSpec
    due: datetime
    warn: datetime
    explanation: Explanation


@dataclass(frozen=True)
class Unreachable:
    """A target whose due time cannot be computed, and why (in words for the customer)."""

    spec: ClockSpec
    reason: str


def clock_specs(snapshot: dict, severity: int) -> list[ClockSpec]:
    """The targets a snapshot of plan or ISV terms sets for a severity, in TARGETS order."""
    calendar = snapshot.get("calendar")
    targets = (snapshot.get("targets") or {}).get(str(severity)) or {}
    if not calendar:
        return []
    around = str(severity) in around_the_clock(snapshot)
    if around:
        calendar = Calendar.twenty_four_seven(calendar["timezone"]).to_dict()
    return [
        ClockSpec(target, targets[target], calendar, around)
        for target in TARGETS
        if describe.is_clock(targets.get(target))
    ]


def around_the_clock(snapshot: dict) -> set[str]:
    """The severities whose clocks run 24×7 (older snapshots only knew severity 1's flag)."""
    if "around_the_clock" in snapshot:
        return {str(severity) for severity in snapshot["around_the_clock"] or []}
    return {"1"} if snapshot.get("sev1_24x7") else set()


def due_after_pauses(
    cal: Calendar, start: datetime, duration: timedelta, pauses: Sequence[Pause]
) -> datetime | None:
    """When ``duration`` of business time from ``start`` runs out, not counting paused time.

    Returns None while a pause that would stop the clock is still open.
    """
    cursor, remaining = start, duration
    for pause_start, pause_end in sorted(pauses, key=lambda pause: pause[0]):
        if pause_end is not None and pause_end <= cursor:
            continue
        if pause_start > cursor:
            candidate = add_business_time(cal, cursor, remaining)
            if candidate <= pause_start:
                return candidate
            remaining -= business_time_between(cal, cursor, pause_start)
        if pause_end is None:
            return None
        cursor = max(cursor, pause_end)
    return add_business_time(cal, cursor, remaining)


def schedule(
    spec: ClockSpec, start: datetime, pauses: Sequence[Pause] = ()
) -> tuple[datetime | None, datetime | None]:
    """The (80 % warning, due) instants of a clock, both None while it is paused."""
    cal = Calendar.from_dict(spec.calendar)
    warn = due_after_pauses(cal, start, spec.duration * WARN_SHARE, pauses)
    due = due_after_pauses(cal, start, spec.duration, pauses)
    return warn, due


def preview(spec: ClockSpec, start: datetime) -> ClockPreview:
    """A clock's due time with the engine's explanation, for the page before submitting.

    Raises CalendarError (BeyondHorizon among them) when no due time can be computed.
    """
    cal = Calendar.from_dict(spec.calendar)
    explanation = explain(cal, start, spec.duration)
    warn = add_business_time(cal, start, spec.duration * WARN_SHARE)
    return ClockPreview(spec, explanation.due, warn, explanation)


def preview_or_reason(spec: ClockSpec, start: datetime) -> ClockPreview | Unreachable:
    """``preview``, or why no due time can be computed (the terms give too little time)."""
    try:
        return preview(spec, start)
    except CalendarError as error:
        reason = str(error)
        return Unreachable(spec, f"No due time can be computed: {reason[:1].lower()}{reason[1:]}")


def clock_state(
    now: datetime, warn_at: datetime | None, due_at: datetime | None, met_at: datetime | None
) -> str:
    """How a clock stands: "met", "paused", "breached", "warning" (80 % used) or "running"."""
    if met_at is not None:
        return "met" if due_at is None or met_at <= due_at else "met_late"
    if due_at is None:
        return "paused"
    if now >= due_at:
        return "breached"
    if warn_at is not None and now >= warn_at:
        return "warning"
    return "running"
