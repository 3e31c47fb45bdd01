"""The stored (JSON) form of a business calendar: parsing, validation messages, serialisation.

Example of the stored form::

    {"timezone": "Europe/Prague",
     "windows": {"mon": [["09:00", "12:00"], ["13:00", "17:00"]], "fri": [["22:00", "02:00"]]},
     "holidays": ["2026-12-24"], "yearly_holidays": ["12-25", "01-01"],
     "country": "CZ", "subdivision": null, "always_open": false}

Times are ``HH:MM``; ``24:00`` is the end of the day, and an end earlier than the start means the
window ends the next day. Every message is a plain English sentence a form can show as it is.
"""

import functools
import re
from dataclasses import dataclass
from datetime import date
from itertools import pairwise
from types import SimpleNamespace
from zoneinfo import ZoneInfo
from zoneinfo import ZoneInfoNotFoundError

import holidays as holidays_lib

WEEKDAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
KEYS = (
    "timezone",
    "windows",
    "holidays",
    "yearly_holidays",
    "country",
    "subdivision",
    "always_open",
)
DAY = 24 * 60
WEEK = 7 * DAY
# Limits on what people may store (the ISV form, import-apps, the plans); the engine itself
# accepts any calendar and bounds its own work (``engine.HORIZON_DAYS``).
# A window shorter than 15 minutes cannot hold an answer, and every window is a step of the
# engine: at 15 minutes or more, the longest target needs at most 1,920 windows.
MIN_WINDOW_MINUTES = 15
# 60 working days of 8 hours: three times the longest plan target (a fix in 20 business days);
# a promise beyond that is no service-level target, and it keeps due times within months.
MAX_TARGET_MINUTES = 60 * 8 * 60
_TIME = re.compile(r"(\d{1,2}):(\d{2})")
_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_MONTH_DAY = re.compile(r"(\d{2})-(\d{2})")


class CalendarError(ValueError):
    """A calendar that cannot be used; ``messages`` lists every problem in plain English."""

    def __init__(self, messages: list[str] | str) -> None:
        """Keep the messages and join them into the exception text."""
        self.messages = (messages,) if isinstance(messages, str) else tuple(messages)
        super().__init__(" ".join(self.messages))


@dataclass(frozen=True, order=True)
class Window:
    """A working window in minutes after the local midnight of the day it starts on."""

    start: int
    end: int

    def __post_init__(self) -> None:
        """Refuse windows that are empty, too long or start outside the day."""
        if not 0 <= self.start < DAY:
            raise CalendarError(f"A window must start between 00:00 and 23:59, not {self.label}.")
        if not self.start < self.end <= self.start + DAY:
            raise CalendarError(f"The window {self.label} has no length.")

    @classmethod
    def parse(cls, start: str, end: str) -> "Window":
        """A window from ``HH:MM`` strings; an end before the start ends the next day."""
        start_minute, end_minute = _minutes(start), _minutes(end)
        if start_minute == DAY:
            raise CalendarError("A window cannot start at 24:00; start it at 00:00.")
        if end_minute < start_minute:
            end_minute += DAY
        return cls(start_minute, end_minute)

    @property
    def label(self) -> str:
        """The window as ``09:00–17:00`` (an end past midnight shows its clock time)."""
        return f"{_clock(self.start)}–{_clock(self.end)}"

    def as_pair(self) -> list[str]:
        """The window's stored form, ``["HH:MM", "HH:MM"]``."""
        return [_clock(self.start), _clock(self.end)]


def parse_calendar_dict(data: object) -> tuple[dict, list[str]]:
    """Read the stored form into Calendar fields, with every problem found (format or meaning)."""
    if not isinstance(data, dict):
        return {}, ["A calendar must be a JSON object."]
    problems = [f"Unknown calendar setting '{key}'." for key in data if key not in KEYS]
    timezone_name = data.get("timezone")
    if not isinstance(timezone_name, str) or not timezone_name.strip():
        problems.append("The calendar needs a time zone, such as 'Europe/Prague'.")
        timezone_name = "UTC"
    fields = {
        "timezone": timezone_name.strip(),
        "windows": _parse_week(data.get("windows") or {}, problems),
        "holidays": frozenset(_parse_list(data, "holidays", _parse_date, problems)),
        "yearly_holidays": frozenset(_parse_list(data, "yearly_holidays", _month_day, problems)),
        "country": _optional_code(data, "country", problems),
        "subdivision": _optional_code(data, "subdivision", problems),
        "always_open": data.get("always_open", False),
    }
    if not isinstance(fields["always_open"], bool):
        problems.append("'always_open' must be true or false.")
        fields["always_open"] = False
    return fields, problems + calendar_problems(SimpleNamespace(**fields))


def calendar_problems(cal) -> list[str]:
    """Every reason a calendar's fields cannot be computed with (empty when usable)."""
    problems = _timezone_problems(cal.timezone) + _country_problems(cal)
    has_windows = any(cal.windows)
    if cal.always_open and has_windows:
        problems.append("A calendar open 24×7 cannot also list working windows.")
    if not cal.always_open and not has_windows:
        problems.append("The calendar has no working windows; add one or make it open 24×7.")
    if len(cal.windows) != 7:
        problems.append("Working windows must be given for the seven weekdays.")
        return problems
    return problems + _overlaps(cal.windows)


def serialise_calendar(cal) -> dict:
    """The stored form of a calendar, with sorted, canonical values."""
    return {
        "timezone": cal.timezone,
        "windows": {
            key: [window.as_pair() for window in windows]
            for key, windows in zip(WEEKDAY_KEYS, cal.windows, strict=True)
            if windows
        },
        "holidays": sorted(day.isoformat() for day in cal.holidays),
        "yearly_holidays": sorted(f"{month:02d}-{day:02d}" for month, day in cal.yearly_holidays),
        "country": cal.country,
        "subdivision": cal.subdivision,
        "always_open": cal.always_open,
    }


def _parse_week(windows: object, problems: list[str]) -> tuple[tuple[Window, ...], ...]:
    """Seven sorted tuples of windows, Monday first, from the ``windows`` mapping."""
    if not isinstance(windows, dict):
        problems.append("'windows' must map weekdays (mon … sun) to lists of [start, end].")
        return ((),) * 7
    for key in windows:
        if key not in WEEKDAY_KEYS:
            problems.append(f"Unknown weekday '{key}'; use {', '.join(WEEKDAY_KEYS)}.")
    return tuple(
        tuple(sorted(_parse_day(name, windows.get(key) or [], problems)))
        for key, name in zip(WEEKDAY_KEYS, DAY_NAMES, strict=True)
    )


def _parse_day(name: str, pairs: object, problems: list[str]) -> list[Window]:
    """The windows of one weekday; malformed entries become messages."""
    if not isinstance(pairs, list):
        problems.append(f"{name}: windows must be a list of [start, end] pairs.")
        return []
    parsed = []
    for pair in pairs:
        if not (isinstance(pair, list | tuple) and len(pair) == 2):
            problems.append(f"{name}: {pair!r} is not a [start, end] pair.")
            continue
        try:
            parsed.append(Window.parse(*pair))
        except CalendarError as error:
            problems.extend(f"{name}: {_lower_first(message)}" for message in error.messages)
    return parsed


def _parse_list(data: dict, key: str, parse, problems: list[str]) -> list:
    """Parse every entry of a list setting, turning bad entries into messages."""
    entries = data.get(key) or []
    if not isinstance(entries, list):
        problems.append(f"'{key}' must be a list.")
        return []
    parsed = []
    for entry in entries:
        try:
            parsed.append(parse(entry))
        except CalendarError as error:
            problems.extend(error.messages)
    return parsed


def _parse_date(text: object) -> date:
    """A one-off holiday from ``YYYY-MM-DD``."""
    match = _DATE.fullmatch(text) if isinstance(text, str) else None
    try:
        return date(*map(int, match.groups()))
    except (AttributeError, ValueError):
        raise CalendarError(f"Holiday {text!r} is not a date; use YYYY-MM-DD.") from None


def _month_day(text: object) -> tuple[int, int]:
    """A yearly holiday from ``MM-DD`` (02-29 counts in leap years only)."""
    match = _MONTH_DAY.fullmatch(text) if isinstance(text, str) else None
    try:
        month, day = map(int, match.groups())
        date(2000, month, day)
    except (AttributeError, ValueError):
        message = f"Yearly holiday {text!r} is not a day of the year; use MM-DD."
        raise CalendarError(message) from None
    return month, day


def _optional_code(data: dict, key: str, problems: list[str]) -> str | None:
    """An optional country or subdivision code, upper-cased; blank means none."""
    value = data.get(key)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        problems.append(f"'{key}' must be a code such as 'CZ', or empty.")
        return None
    return value.strip().upper() or None


def _lower_first(message: str) -> str:
    """A sentence made to follow a colon."""
    return message[:1].lower() + message[1:]


def _minutes(text: object) -> int:
    """Minutes after midnight from ``HH:MM``, allowing ``24:00``."""
    match = _TIME.fullmatch(text) if isinstance(text, str) else None
    hours, minutes = map(int, match.groups()) if match else (99, 99)
    if hours * 60 + minutes > DAY or minutes > 59:
        raise CalendarError(f"{text!r} is not a time of day; use HH:MM between 00:00 and 24:00.")
    return hours * 60 + minutes


def _clock(minute: int) -> str:
    """``HH:MM`` for minutes after a midnight; exactly one day later reads ``24:00``."""
    if minute != DAY:
        minute %= DAY
    return f"{minute // 60:02d}:{minute % 60:02d}"


# Files in the zone database that are not places: the server's own zone, placeholders, and the
# variant trees. A calendar in one of them would silently follow whatever the server is set to.
NOT_PLACES = frozenset({"localtime", "Factory", "posixrules"})


def is_place_zone(name: str) -> bool:
    """Whether ``name`` is an IANA time zone of a place (not ``localtime``, ``Factory`` …)."""
    if not isinstance(name, str) or name in NOT_PLACES or name.startswith(("posix/", "right/")):
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        return False
    return True


def _timezone_problems(name: str) -> list[str]:
    """A message when the time zone is not a known IANA name."""
    if not is_place_zone(name):
        return [f"Unknown time zone '{name}'; use an IANA name such as 'Europe/Prague'."]
    return []


def _country_problems(cal) -> list[str]:
    """A message when the public-holiday country or subdivision is unknown."""
    if cal.subdivision and not cal.country:
        return ["A subdivision needs a country."]
    if not cal.country:
        return []
    problem = _holiday_region_problem(cal.country, cal.subdivision)
    return [problem] if problem else []


@functools.lru_cache(maxsize=512)
def _holiday_region_problem(country: str, subdivision: str | None) -> str | None:
    """Why the holidays library knows no such country or subdivision (None when it does).

    Cached: building a country's holidays object costs up to ~3 ms (Germany with a state), and
    every ticket page and wizard step validates the calendars it computes with; the answer only
    changes with the library's version.
    """
    try:
        holidays_lib.country_holidays(country, subdiv=subdivision)
    except NotImplementedError:
        if country not in holidays_lib.list_supported_countries():
            return f"Public holidays are not known for country '{country}'."
        return f"'{subdivision}' is not a known subdivision of {country}."
    return None


def _overlaps(week: tuple[tuple[Window, ...], ...]) -> list[str]:
    """A message for each pair of windows that overlap, across midnight and the week's end."""
    spans = sorted(
        (day * DAY + window.start, day * DAY + window.end, f"{DAY_NAMES[day]} {window.label}")
        for day, windows in enumerate(week)
        for window in windows
    )
    spans += [(start + WEEK, end + WEEK, label) for start, end, label in spans]
    messages: list[str] = []
    for (_, end, label), (start, _, other) in pairwise(spans):
        message = f"{label} overlaps {other}."
        if start < end and message not in messages:
            messages.append(message)
    return messages
