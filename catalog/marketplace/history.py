"""The history of an app's support terms as plain data: snapshots and readable differences.

Pure Python: a snapshot is a dict of every field of the ISV's terms and the operator's coverage;
the history page compares consecutive snapshots and names each change as "label: old → new".
"""

from decimal import Decimal
from typing import Any

TERMS_FIELDS = {
    "forum_casual_url": "Public forum link",
    "forum_dedicated": "Dedicated forum",
    "isv_offered": "Developer / ISV support",
    "isv_contact_url": "Developer support address",
    "isv_contact_email": "Developer support e-mail",
    "isv_scope": "Scope of developer support",
    "isv_conditions": "Conditions of developer support",
    "isv_hours": "Hours of operation",
    "isv_response_minutes": "First-response targets",
    "isv_languages": "Languages",
}
COVERAGE_FIELDS = {
    "professional": "Professional support",
    "consulting": "Consulting",
    "knowledge": "Our knowledge of the software",
    "stability": "Stability and history of the app",
    "agreement": "Agreement with the vendor",
    "justification": "The operator's reason",
    "rate_min": "Consulting rate from",
    "rate_max": "Consulting rate up to",
}
LABELS = {**TERMS_FIELDS, **COVERAGE_FIELDS}
DAY_NAMES = {
    "mon": "Mon",
    "tue": "Tue",
    "wed": "Wed",
    "thu": "Thu",
    "fri": "Fri",
    "sat": "Sat",
    "sun": "Sun",
}
SOURCES = {
    "isv": "the developer",
    "operator": "the operator",
    "import": "an import",
    "baseline": "before history was kept",
}


def _plain(value: Any) -> Any:
    """A JSON-able copy of a column value (Decimals become strings)."""
    return str(value) if isinstance(value, Decimal) else value


def snapshot(terms: Any | None, coverage: Any | None) -> dict[str, Any]:
    """Every terms and coverage field of an app, from ORM objects or row mappings."""
    result = {}
    for fields, source in ((TERMS_FIELDS, terms), (COVERAGE_FIELDS, coverage)):
        for key in fields:
            value = None if source is None else _read(source, key)
            result[key] = _plain(value)
    return result


def _read(source: Any, key: str) -> Any:
    """A field of an ORM object or of a row mapping."""
    return source[key] if hasattr(source, "keys") else getattr(source, key)


def _empty(value: Any) -> bool:
    """Whether a value means "nothing set"."""
    return value in (None, "", [], {}, False)


def changed_fields(old: dict | None, new: dict) -> list[str]:
    """Keys whose values differ; against no previous version, the keys that are set."""
    if old is None:
        return [key for key in LABELS if not _empty(new.get(key))]
    return [
        key
        for key in LABELS
        if not (_empty(old.get(key)) and _empty(new.get(key))) and old.get(key) != new.get(key)
    ]


def _hours_text(hours: dict) -> str:
    """A business calendar in one line."""
    if hours.get("always_open"):
        return f"around the clock ({hours.get('timezone')})"
    days = [
        f"{DAY_NAMES[day]} {', '.join(f'{s}–{e}' for s, e in spans)}"
        for day, spans in (hours.get("windows") or {}).items()
        if spans and day in DAY_NAMES
    ]
    text = "; ".join(days) + f" ({hours.get('timezone')})"
    holidays = [*(hours.get("yearly_holidays") or []), *(hours.get("holidays") or [])]
    return text + (f"; closed on {', '.join(holidays)}" if holidays else "")


def _minutes_text(targets: dict) -> str:
    """First-response targets in one line."""
    return ", ".join(f"severity {sev}: {targets[sev]} min" for sev in sorted(targets))


def display(key: str, value: Any) -> str:
    """A field's value as a reader sees it."""
    if _empty(value) and not isinstance(value, bool):
        return "(none)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if key == "isv_hours":
        return _hours_text(value)
    if key == "isv_response_minutes":
        return _minutes_text(value)
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return str(value)


def describe_changes(old: dict | None, new: dict) -> list[tuple[str, str, str]]:
    """(label, old text, new text) for each field that changed between two snapshots."""
    before = old or {}
    return [
        (LABELS[key], display(key, before.get(key)), display(key, new.get(key)))
        for key in changed_fields(old, new)
    ]
