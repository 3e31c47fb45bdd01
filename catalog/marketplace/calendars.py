"""Checks on the business-calendar dicts that ISV terms store (hours of operation)."""

import re
from datetime import date
from itertools import pairwise
from typing import Any

from catalog.businesstime.engine import validate_calendar_dict
from catalog.businesstime.rules import MAX_TARGET_MINUTES
from catalog.businesstime.rules import MIN_WINDOW_MINUTES
from catalog.businesstime.rules import is_place_zone

__all__ = ["MAX_TARGET_MINUTES", "MIN_WINDOW_MINUTES"]

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
TIME_RE = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$|^24:00$")
# Holidays outside these years are typos (0001-01-01, 9999-12-31), not plans.
HOLIDAY_YEARS = range(1970, 2101)


def calendar_problems(data: Any) -> list[str]:
    """Readable reasons a calendar dict cannot be stored as an app's hours; [] when it can.

    The business-time engine checks the calendar itself; hours of operation add two rules of
    their own: a window ends on the day it starts (an evening shift past midnight is written as
    two windows), so a typo like 17:00–09:00 is caught instead of becoming a night shift; and a
    window lasts at least ``MIN_WINDOW_MINUTES`` (see ``businesstime.rules``).
    """
    problems = validate_calendar_dict(data)
    windows = data.get("windows") if isinstance(data, dict) else None
    if isinstance(windows, dict):
        for day, spans in windows.items():
            for span in spans if isinstance(spans, list) else []:
                if _ends_before_start(span):
                    problems.append(
                        f"{day}: the window {span[0]}–{span[1]} ends before it starts; "
                        "to work past midnight, end it at 24:00 and start the next day at 00:00"
                    )
                elif _is_times(span) and _length(*span) < MIN_WINDOW_MINUTES:
                    problems.append(f"{day}: {_too_short(*span)}")
    return problems


def _is_times(span: Any) -> bool:
    """Whether ``span`` is a [start, end] pair of HH:MM times."""
    return (
        isinstance(span, list)
        and len(span) == 2
        and all(isinstance(t, str) and TIME_RE.match(t) for t in span)
    )


def _length(start: str, end: str) -> int:
    """Minutes from start to end on one day (an end of 00:00 or 24:00 is midnight)."""
    minutes = [int(t[:2]) * 60 + int(t[3:]) for t in (start, end)]
    return (minutes[1] or 24 * 60) - minutes[0]


def _too_short(start: str, end: str) -> str:
    """The message for a window shorter than the minimum."""
    return (
        f"the window {start}–{end} is shorter than {MIN_WINDOW_MINUTES} minutes; "
        "a window must be long enough to answer a request in"
    )


def _ends_before_start(span: Any) -> bool:
    """Whether a well-formed [start, end] pair ends earlier on the clock than it starts."""
    return _is_times(span) and span[1] < span[0] and span[1] != "00:00"


def is_known_zone(name: str) -> bool:
    """Whether ``name`` is an IANA time zone of a place this machine knows."""
    return is_place_zone(name)


def _is_date(text: Any) -> bool:
    """Whether ``text`` is a YYYY-MM-DD date."""
    try:
        return (
            isinstance(text, str)
            and len(text) == 10
            and date.fromisoformat(text).year in HOLIDAY_YEARS
        )
    except ValueError:
        return False


def _is_month_day(text: Any) -> bool:
    """Whether ``text`` is an MM-DD day of the year (29 February allowed)."""
    return isinstance(text, str) and len(text) == 5 and _is_date(f"2000-{text}")


def holiday_problems(holidays: Any, yearly: Any) -> list[str]:
    """Problems of the one-off (YYYY-MM-DD) and yearly (MM-DD) holiday lists."""
    problems = []
    for value, check, shape in (
        (holidays, _is_date, "YYYY-MM-DD"),
        (yearly, _is_month_day, "MM-DD"),
    ):
        if value is None:
            continue
        if not isinstance(value, list):
            problems.append(f"holidays must be a list of {shape} dates")
            continue
        problems.extend(
            f"“{str(item)[:20]}” is not a date of the form {shape}"
            for item in value
            if not check(item)
        )
    return problems


def parse_windows(text: str) -> list[list[str]]:
    """Windows typed as "09:00-12:00, 13:00-17:00" → [["09:00", "12:00"], ["13:00", "17:00"]]."""
    spans = []
    for part in filter(None, (p.strip() for p in re.split(r"[,;]", text or ""))):
        times = [t.strip() for t in re.split(r"\s*(?:-|–|—|to)\s*", part)]
        if len(times) != 2:
            raise ValueError(f"“{part[:30]}” is not a window; write it like 09:00-17:00.")
        spans.append([_padded(t) for t in times])
    return spans


def _padded(time: str) -> str:
    """ "9:00" → "09:00" (other text is returned as typed, for the checks to reject)."""
    return f"0{time}" if re.fullmatch(r"\d:\d\d", time) else time


def format_windows(spans: list | None) -> str:
    """[["09:00", "12:00"], ["13:00", "17:00"]] → "09:00-12:00, 13:00-17:00"."""
    return ", ".join(f"{start}-{end}" for start, end in spans or [])


def parse_holidays(text: str) -> tuple[list[str], list[str]]:
    """Holidays typed one per line or comma-separated → (YYYY-MM-DD dates, MM-DD yearly days)."""
    items = [item.strip() for item in re.split(r"[,;\n]", text or "") if item.strip()]
    yearly = [item for item in items if len(item) == 5]
    return [item for item in items if len(item) != 5], yearly


def day_problems(day: str, spans: Any) -> list[str]:
    """Problems of one weekday's windows: format, order and overlap."""
    if not isinstance(spans, list):
        return [f"{day}: windows must be a list of [start, end] pairs"]
    parsed = []
    for span in spans:
        if not (
            isinstance(span, list)
            and len(span) == 2
            and all(isinstance(t, str) and TIME_RE.match(t) for t in span)
        ):
            return [
                f"{day}: {_span_text(span)} is not a pair of times like 09:00-17:00 "
                "(hours 00–23, minutes 00–59)"
            ]
        start, end = span
        if start == end:
            return [f"{day}: the window {start}–{end} is empty"]
        if end < start and end != "00:00":
            return [f"{day}: the window {start}–{end} ends before it starts"]
        if _length(start, end) < MIN_WINDOW_MINUTES:
            return [f"{day}: {_too_short(start, end)}"]
        parsed.append((start, "24:00" if end == "00:00" else end))
    parsed.sort()
    for (s1, e1), (s2, e2) in pairwise(parsed):
        if s2 < e1:
            return [f"{day}: the windows {s1}–{e1} and {s2}–{e2} overlap"]
    return []


def _span_text(span: Any) -> str:
    """A window as the person typed it, for messages."""
    if isinstance(span, list) and all(isinstance(t, str) for t in span):
        return "“" + "-".join(span)[:30] + "”"
    return repr(span)[:40]
