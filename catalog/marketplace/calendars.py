"""Checks on the business-calendar dicts that ISV terms store (hours of operation)."""
import re
from typing import Any
from zoneinfo import available_timezones

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
TIME_RE = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$|^24:00$")
_ZONES = None


def _zones() -> set[str]:
    """Every IANA time zone name this machine knows (read once)."""
    global _ZONES
    if _ZONES is None:
        _ZONES = available_timezones()
    return _ZONES


def calendar_problems(data: Any) -> list[str]:
    """Readable reasons a calendar dict is not valid; an empty list when it is."""
    if not isinstance(data, dict):
        return ["must be an object with a timezone and windows"]
    problems = []
    zone = data.get("timezone")
    if zone not in _zones():
        problems.append(f"“{str(zone)[:60]}” is not a known time zone (use a name like Europe/Prague)")
    if data.get("always_open"):
        return problems
    windows = data.get("windows")
    if not isinstance(windows, dict) or not windows:
        return problems + ["needs working windows per weekday, e.g. {\"mon\": [[\"09:00\", \"17:00\"]]}"]
    for day, spans in windows.items():
        if day not in DAYS:
            problems.append(f"“{day}” is not a weekday (use {', '.join(DAYS)})")
            continue
        problems.extend(_day_problems(day, spans))
    return problems


def _day_problems(day: str, spans: Any) -> list[str]:
    """Problems of one weekday's windows: format, order and overlap."""
    if not isinstance(spans, list):
        return [f"{day}: windows must be a list of [start, end] pairs"]
    parsed = []
    for span in spans:
        if not (isinstance(span, list) and len(span) == 2 and all(isinstance(t, str) and TIME_RE.match(t) for t in span)):
            return [f"{day}: {span!r} is not a [\"HH:MM\", \"HH:MM\"] pair"]
        start, end = span
        if start == end:
            return [f"{day}: the window {start}–{end} is empty"]
        if end < start and end != "00:00":
            return [f"{day}: the window {start}–{end} ends before it starts"]
        parsed.append((start, "24:00" if end == "00:00" else end))
    parsed.sort()
    for (s1, e1), (s2, e2) in zip(parsed, parsed[1:]):
        if s2 < e1:
            return [f"{day}: the windows {s1}–{e1} and {s2}–{e2} overlap"]
    return []
