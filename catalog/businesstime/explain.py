"""Why a service-level clock is due when it is: the hours counted and the days skipped.

The explanation is data first (for templates and the API) and renders itself as English lines
for e-mails and plain-text views. Names of days and months are English whatever the locale.
The lines are bounded whatever the calendar: a long run of identical working days is summarised
in one line, and there are never more than ``MAX_LINES`` of them.
"""

from dataclasses import dataclass
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta

from catalog.businesstime.engine import Calendar
from catalog.businesstime.engine import iter_spans
from catalog.businesstime.rules import DAY_NAMES

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# Runs of more identical working days than this are summarised in one line.
RUN_SHOWN = 3
# The most lines an explanation has, the first and the last included (a page or a mail stays
# readable, and the route API's answer stays a few kilobytes).
MAX_LINES = 40
_WEEKLY_CLOSURE = "no working window on "


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
        """The explanation as short English sentences, in time order, at most MAX_LINES."""
        lines = [f"Arrived {stamp(self.arrived)}."]
        if self.started_late:
            lines.append(f"Outside working hours: the clock starts {stamp(self.clock_start)}.")
        body = _summarised(_days(self.counted, self.skipped))
        room = MAX_LINES - len(lines) - 1
        if len(body) > room:
            left_out = len(body) - room + 1
            body = body[: room - 1] + [f"…and {left_out} more lines before the due time."]
        total = amount_label(self.duration)
        return lines + body + [f"Due {stamp(self.due)}, after {total} of business time."]


def explain(cal: Calendar, start: datetime, duration: timedelta) -> Explanation:
    """Compute a due time together with the spans counted and the days skipped on the way.

    One walk of the engine's spans; raises BeyondHorizon like ``add_business_time``.
    """
    if duration < timedelta(0):
        raise ValueError("A business-time duration cannot be negative.")
    arrived = start.astimezone(cal.zone)
    counted, remaining, clock_start = [], duration, None
    for day, span_start, span_end in iter_spans(cal, start):
        clock_start = clock_start or span_start.astimezone(cal.zone)
        amount = min(span_end - span_start, remaining)
        if amount > timedelta(0):
            end = span_start + amount
            counted.append(
                CountedSpan(day, span_start.astimezone(cal.zone), end.astimezone(cal.zone), amount)
            )
        remaining -= amount
        if remaining == timedelta(0):
            due = (span_start + amount).astimezone(cal.zone)
            break
    seen = {span.day for span in counted} | {clock_start.date()}
    return Explanation(
        arrived=arrived,
        clock_start=clock_start,
        duration=duration,
        due=due,
        counted=tuple(counted),
        skipped=_skipped(cal, arrived, due, seen),
    )


def _days(counted: tuple[CountedSpan, ...], skipped: tuple[SkippedDay, ...]) -> list[tuple]:
    """(day, lines, sameness key, amount) per local day, in order; skipped days have no amount."""
    by_day: dict[date, list[CountedSpan]] = {}
    for span in counted:
        by_day.setdefault(span.day, []).append(span)
    days = [
        (
            day,
            [f"Counted {span_label(s.start, s.end)}: {amount_label(s.amount)}." for s in spans],
            tuple(
                (f"{s.start:%H:%M %Z}", f"{s.end:%H:%M %Z}", (s.end - s.start).days, s.amount)
                for s in spans
            ),
            sum((s.amount for s in spans), timedelta(0)),
        )
        for day, spans in by_day.items()
    ]
    days += [
        (skip.day, [f"Skipped {day_label(skip.day)}: {skip.reason}."], skip.reason, None)
        for skip in skipped
    ]
    return sorted(days, key=lambda entry: entry[0])


def _summarised(days: list[tuple]) -> list[str]:
    """The days' lines, with each long run of identical working days folded into one line."""
    lines, index = [], 0
    while index < len(days):
        day, texts, key, amount = days[index]
        run = _run(days, index) if amount is not None else [index]
        lines.extend(texts)
        if len(run) <= RUN_SHOWN:
            index += 1
            continue
        last = days[run[-1]][0]
        total = sum((days[i][3] for i in run[1:]), timedelta(0))
        closed = run[-1] - index + 1 - len(run)
        off = f"; {closed} days without working windows skipped" if closed else ""
        lines.append(
            f"…and {len(run) - 1} more working days like {day_label(day)}, "
            f"to {day_label(last)}: {amount_label(total)}{off}."
        )
        index = run[-1] + 1
    return lines


def _run(days: list[tuple], first: int) -> list[int]:
    """Indexes of the working days identical to days[first], across weekly closed days only."""
    key, run = days[first][2], [first]
    for index in range(first + 1, len(days)):
        _day, _texts, other, amount = days[index]
        if amount is not None and other == key:
            run.append(index)
        elif amount is not None or not other.startswith(_WEEKLY_CLOSURE):
            break
    return run


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
