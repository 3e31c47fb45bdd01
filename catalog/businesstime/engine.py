"""Business-time arithmetic: when is a service-level clock due, and how much of it has run.

A :class:`Calendar` says when the clock runs: working windows per weekday in one IANA time zone,
minus holidays. Conventions (all tested in ``tests/support``):

* Business time is real elapsed time. Window boundaries are local wall-clock times resolved with
  ``zoneinfo``; all counting happens in UTC, so a skipped daylight-saving hour never counts and a
  repeated hour counts twice. A boundary in a gap moves to the first valid instant after it; an
  ambiguous start takes its first occurrence, an ambiguous end its second.
* A window is half-open, ``[start, end)``. An end earlier than the start means the window crosses
  midnight and ends the next day; ``24:00`` is the end of the day.
* A window belongs to the day it starts on: a holiday closes the windows *starting* on that local
  day, and a Friday 22:00–02:00 window runs into a holiday Saturday until 02:00.
* A request arriving outside the windows starts its clock at the next window's start; a duration
  that runs out exactly at a window's end is due at that end, not at the next window's start.
* ``always_open`` is shorthand for 00:00–24:00 on all seven days. Holidays still close their
  whole days if any are listed, so a true 24×7 clock simply lists none.
* Results are returned in the calendar's time zone. The engine steps a day at a time and gives up
  with :class:`BeyondHorizon` (a :class:`CalendarError`) once a walk passes ``HORIZON_DAYS`` days
  or ``HORIZON_SPANS`` windows from where it started, so stored data can never make it loop long
  (callers say "no due time can be computed").

The stored JSON form lives in ``rules``; ``explain`` tells how a due time was reached.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays as holidays_lib

from catalog.businesstime.rules import CalendarError
from catalog.businesstime.rules import Window
from catalog.businesstime.rules import calendar_problems
from catalog.businesstime.rules import parse_calendar_dict
from catalog.businesstime.rules import serialise_calendar

__all__ = [
    "HORIZON_DAYS",
    "HORIZON_SPANS",
    "BeyondHorizon",
    "Calendar",
    "CalendarError",
    "Window",
    "add_business_time",
    "business_time_between",
    "iter_spans",
    "next_open",
    "validate_calendar_dict",
]

# Three years: the longest target (60 working days) on the thinnest calendar the forms accept
# is far inside it, and a walk of 1,098 days takes milliseconds.
HORIZON_DAYS = 3 * 366
# 60 working days of 15-minute windows need 1,920 spans; this bounds calendars with many tiny
# windows stored before validation refused them (up to 1,440 a day).
HORIZON_SPANS = 20_000
_FULL_DAY = (Window(0, 24 * 60),)


class BeyondHorizon(CalendarError):
    """No answer within the engine's horizon: the calendar has too little business time."""


@dataclass(frozen=True)
class Calendar:
    """When a service-level clock runs: weekly windows in one time zone, minus holidays."""

    timezone: str
    windows: tuple[tuple[Window, ...], ...] = ((),) * 7
    holidays: frozenset[date] = frozenset()
    yearly_holidays: frozenset[tuple[int, int]] = frozenset()
    country: str | None = None
    subdivision: str | None = None
    always_open: bool = False

    def __post_init__(self) -> None:
        """Refuse a calendar that could not be computed with."""
        problems = calendar_problems(self)
        if problems:
            raise CalendarError(problems)

    @classmethod
    def from_dict(cls, data: object) -> "Calendar":
        """Build a calendar from its stored JSON form, raising CalendarError on any problem."""
        fields, problems = parse_calendar_dict(data)
        if problems:
            raise CalendarError(problems)
        return cls(**fields)

    @classmethod
    def twenty_four_seven(cls, timezone_name: str = "UTC") -> "Calendar":
        """A clock that never stops: open every minute of every day, no holidays."""
        return cls(timezone=timezone_name, always_open=True)

    def to_dict(self) -> dict:
        """The calendar's JSON form, which ``from_dict`` reads back to an equal calendar."""
        return serialise_calendar(self)

    @property
    def zone(self) -> ZoneInfo:
        """The calendar's time zone."""
        return ZoneInfo(self.timezone)

    def windows_on(self, weekday: int) -> tuple[Window, ...]:
        """The windows that start on a weekday (0 is Monday)."""
        return _FULL_DAY if self.always_open else self.windows[weekday]

    def holiday_name(self, day: date) -> str | None:
        """Why a local day is a holiday, or None when it is not one."""
        if day in self.holidays:
            return "holiday listed in this calendar"
        if (day.month, day.day) in self.yearly_holidays:
            return "yearly holiday listed in this calendar"
        if self.country:
            name = _country_holidays(self.country, self.subdivision, day.year).get(day)
            if name:
                return f"public holiday: {name}"
        return None


def validate_calendar_dict(data: object) -> list[str]:
    """Every problem with a stored calendar, as messages for a form (empty when valid)."""
    _fields, problems = parse_calendar_dict(data)
    return problems


def add_business_time(cal: Calendar, start: datetime, duration: timedelta) -> datetime:
    """The instant at which ``duration`` of business time counted from ``start`` runs out."""
    if duration < timedelta(0):
        raise ValueError("A business-time duration cannot be negative.")
    remaining = duration
    for _day, span_start, span_end in iter_spans(cal, _utc(start)):
        if span_end - span_start >= remaining:
            return (span_start + remaining).astimezone(cal.zone)
        remaining -= span_end - span_start
    raise AssertionError("iter_spans never ends")  # pragma: no cover


def business_time_between(cal: Calendar, a: datetime, b: datetime) -> timedelta:
    """Business time elapsed from ``a`` to ``b`` (negative when ``b`` is before ``a``)."""
    a, b = _utc(a), _utc(b)
    if b < a:
        return -business_time_between(cal, b, a)
    total = timedelta(0)
    for _day, span_start, span_end in iter_spans(cal, a):
        if span_start >= b:
            break
        total += min(span_end, b) - span_start
    return total


def next_open(cal: Calendar, instant: datetime) -> datetime:
    """The start of the next window, or ``instant`` itself when a window is open then."""
    _day, span_start, _end = next(iter_spans(cal, _utc(instant)))
    return span_start.astimezone(cal.zone)


def iter_spans(cal: Calendar, instant: datetime) -> Iterator[tuple[date, datetime, datetime]]:
    """Yield (owning local day, UTC start, UTC end) of business time from ``instant`` on, in order.

    Spans never overlap and never start before ``instant``. Raises BeyondHorizon once the walk
    passes ``HORIZON_DAYS`` days or ``HORIZON_SPANS`` spans.
    """
    cursor = _utc(instant)
    day = cursor.astimezone(cal.zone).date() - timedelta(days=1)
    spans = 0
    for _step in range(HORIZON_DAYS + 1):
        for span_start, span_end in _day_spans(cal, day):
            span_start = max(span_start, cursor)
            if span_end > span_start:
                spans += 1
                if spans > HORIZON_SPANS:
                    raise BeyondHorizon(
                        f"The calendar needs more than {HORIZON_SPANS} working windows from {day}."
                    )
                yield day, span_start, span_end
                cursor = span_end
        day += timedelta(days=1)
    raise BeyondHorizon(
        f"The calendar has no business time, or not enough, in the {HORIZON_DAYS} days to {day}."
    )


@lru_cache(maxsize=8192)
def _day_spans(cal: Calendar, day: date) -> tuple[tuple[datetime, datetime], ...]:
    """The UTC spans of the windows starting on a local day (none on a holiday)."""
    if cal.holiday_name(day) is not None:
        return ()
    midnight = datetime.combine(day, datetime.min.time())
    return tuple(
        (
            _to_utc(midnight + timedelta(minutes=window.start), cal.zone, late=False),
            _to_utc(midnight + timedelta(minutes=window.end), cal.zone, late=True),
        )
        for window in cal.windows_on(day.weekday())
    )


def _to_utc(wall: datetime, zone: ZoneInfo, *, late: bool) -> datetime:
    """Resolve a naive local wall time to UTC: gaps move forward, folds pick early or late."""
    early = wall.replace(tzinfo=zone, fold=0).astimezone(UTC)
    second = wall.replace(tzinfo=zone, fold=1).astimezone(UTC)
    if early == second:
        return early
    if early < second:  # a fold: the wall time happens twice
        return second if late else early
    return _transition(second, early, zone)  # a gap: the wall time never happens


def _transition(before: datetime, after: datetime, zone: ZoneInfo) -> datetime:
    """The first UTC instant after ``before`` whose offset is the one in force at ``after``."""
    target = after.astimezone(zone).utcoffset()
    low, high = 0, int((after - before).total_seconds())
    while high - low > 1:
        middle = (low + high) // 2
        if (before + timedelta(seconds=middle)).astimezone(zone).utcoffset() == target:
            high = middle
        else:
            low = middle
    return before + timedelta(seconds=high)


@lru_cache(maxsize=256)
def _country_holidays(country: str, subdivision: str | None, year: int) -> dict[date, str]:
    """A country's public holidays in one year, with their English names."""
    found = holidays_lib.country_holidays(country, subdiv=subdivision, years=year, language="en_US")
    return dict(found.items())


def _utc(moment: datetime) -> datetime:
    """An aware datetime converted to UTC; naive datetimes are refused."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{moment} has no time zone; business time needs aware datetimes.")
    return moment.astimezone(UTC)
