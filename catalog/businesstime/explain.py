"""Why a service-level clock is due when it is: the hours counted and the days skipped.

The explanation is data first (for templates and the API) and renders itself as English lines
for e-mails and plain-text views. Names of days and months are English whatever the locale.
"""

from dataclasses import dataclass
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta

from catalog.businesstime.engine import Calendar
from catalog.businesstime.engine import add_business_time
from catalog.businesstime.engine import iter_spans
from catalog.businesstime.engine import next_open
from catalog.businesstime.rules import DAY_NAMES

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class CountedSpan:
    """Business time counted inside one window, in the calendar's local time."""

    day: date
    start: datetime
    end: datetime
    amount: timedelta


@dataclass(frozen=True)
class SkippedDay:
    """A local day on which the clock did not run, and why."""

    day: date
    reason: str


@dataclass(frozen=True)
class Explanation:
    """How a due time was reached from an arrival and a duration of business time."""

    arrived: datetime
    clock_start: datetime
    duration: timedelta
    due: datetime
    counted: tuple[CountedSpan, ...]
    skipped: tuple[SkippedDay, ...]

    @property
    def started_late(self) -> bool:
        """Whether the request arrived outside the windows, so the clock started later."""
        return _instant(self.clock_start) != _instant(self.arrived)

    def lines(self) -> list[str]:
        """The explanation as short English sentences, in time order."""
        lines = [f"Arrived {stamp(self.arrived)}."]
        if self.started_late:
            lines.append(f"Outside working hours: the clock starts {stamp(self.clock_start)}.")
        counted = [
            (span.day, f"Counted {span_label(span.start, span.end)}: {amount_label(span.amount)}.")
            for span in self.counted
        ]
        skipped = [
            (skip.day, f"Skipped {day_label(skip.day)}: {skip.reason}.") for skip in self.skipped
        ]
        lines.extend(text for _day, text in sorted(counted + skipped))
        total = amount_label(self.duration)
        lines.append(f"Due {stamp(self.due)}, after {total} of business time.")
        return lines


def explain(cal: Calendar, start: datetime, duration: timedelta) -> Explanation:
    """Compute a due time together with the spans counted and the days skipped on the way."""
    due = add_business_time(cal, start, duration)
    arrived = start.astimezone(cal.zone)
    clock_start = next_open(cal, start)
    counted = _counted(cal, start, due)
    seen = {span.day for span in counted} | {clock_start.date()}
    return Explanation(
        arrived=arrived,
        clock_start=clock_start,
        duration=duration,
        due=due,
        counted=counted,
        skipped=_skipped(cal, arrived, due, seen),
    )


def _counted(cal: Calendar, start: datetime, due: datetime) -> tuple[CountedSpan, ...]:
    """The spans of business time between the arrival and the due time."""
    spans = []
    for day, span_start, span_end in iter_spans(cal, start):
        if span_start >= _instant(due):
            break
        span_end = min(span_end, _instant(due))
        local = cal.zone
        spans.append(
            CountedSpan(
                day, span_start.astimezone(local), span_end.astimezone(local), span_end - span_start
            )
        )
    return tuple(spans)


def _skipped(cal: Calendar, arrived: datetime, due: datetime, seen: set[date]) -> tuple:
    """The local days from arrival to due on which no business time was counted."""
    last = due.date() - timedelta(days=1) if due.time() == datetime.min.time() else due.date()
    days = (arrived.date() + timedelta(days=n) for n in range((last - arrived.date()).days + 1))
    return tuple(SkippedDay(day, skip_reason(cal, day, arrived)) for day in days if day not in seen)


def skip_reason(cal: Calendar, day: date, arrived: datetime) -> str:
    """Why no business time was counted on a local day."""
    if not cal.windows_on(day.weekday()):
        return f"no working window on {DAY_NAMES[day.weekday()]}s"
    holiday = cal.holiday_name(day)
    if holiday:
        return holiday
    if day == arrived.date():
        return "arrived after the day's working hours"
    return "the day's windows fall in a daylight-saving gap"


def stamp(moment: datetime) -> str:
    """A local instant as ``Mon 2 Mar 2026 09:00 CET``."""
    return f"{day_label(moment.date())} {moment:%H:%M} {moment.tzname()}"


def day_label(day: date) -> str:
    """A day as ``Mon 2 Mar 2026``."""
    return f"{DAY_NAMES[day.weekday()][:3]} {day.day} {_MONTHS[day.month - 1]} {day.year}"


def span_label(start: datetime, end: datetime) -> str:
    """A counted span; an end at the following midnight reads ``24:00``."""
    zones = start.tzname()
    if end.tzname() != zones:
        zones = f"{zones} to {end.tzname()}"
    opening = f"{day_label(start.date())} {start:%H:%M}"
    if end.date() == start.date():
        return f"{opening}–{end:%H:%M} {zones}"
    if end.date() == start.date() + timedelta(days=1) and end.time() == datetime.min.time():
        return f"{opening}–24:00 {zones}"
    return f"{opening} – {day_label(end.date())} {end:%H:%M} {zones}"


def amount_label(amount: timedelta) -> str:
    """A length of business time as ``27 h 30 min`` (seconds only when there are some)."""
    seconds = int(amount.total_seconds())
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    parts = [(hours, "h"), (minutes, "min"), (seconds, "s")]
    return " ".join(f"{number} {unit}" for number, unit in parts if number) or "0 min"


def _instant(moment: datetime) -> datetime:
    """The same instant in UTC, so comparisons ignore wall-clock folds."""
    return moment.astimezone(UTC)
