"""The viewer's time zone, and moments as they read in it.

One rule decides whose clock a page shows: the signed-in user's own zone, else their
organisation's, else the site's ``DISPLAY_TIMEZONE`` (anonymous visitors get that one too).
Stored moments are UTC; only what is shown moves.
"""

from datetime import UTC
from datetime import date
from datetime import datetime
from zoneinfo import ZoneInfo
from zoneinfo import ZoneInfoNotFoundError

from flask import current_app
from flask import g
from flask import has_request_context
from flask_login import current_user

from catalog.businesstime.explain import day_label
from catalog.businesstime.explain import stamp

FALLBACK = "UTC"


def zone_or_none(name: str | None) -> ZoneInfo | None:
    """The zone an IANA name names, or None for an empty or unknown name."""
    if not name or not isinstance(name, str):
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def zone_name_for(user, default: str) -> str:
    """The zone ``user`` reads times in: theirs, their organisation's, else ``default``."""
    organisation = getattr(user, "organisation", None)
    for name in (getattr(user, "timezone", None), getattr(organisation, "timezone", None)):
        if zone_or_none(name) is not None:
            return name
    return default if zone_or_none(default) is not None else FALLBACK


def site_zone_name() -> str:
    """The site's display zone (``DISPLAY_TIMEZONE``)."""
    return current_app.config.get("DISPLAY_TIMEZONE") or FALLBACK


def viewer_zone() -> ZoneInfo:
    """The zone of whoever the page is for, looked up once per request."""
    if not has_request_context():
        return ZoneInfo(zone_name_for(None, site_zone_name()))
    if "viewer_zone" not in g:
        user = current_user if current_user.is_authenticated else None
        g.viewer_zone = ZoneInfo(zone_name_for(user, site_zone_name()))
    return g.viewer_zone


def _aware(value: datetime) -> datetime:
    """A stored moment with its zone (a naive one is UTC, as the database keeps them)."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def moment_in(value: datetime, zone: ZoneInfo) -> str:
    """A moment as people in ``zone`` read it: ``Tue 1 Dec 2026 17:00 CET``."""
    return stamp(_aware(value).astimezone(zone))


def format_when(value: datetime | None) -> str:
    """A moment in the viewer's zone with the zone's abbreviation (empty for None)."""
    return moment_in(value, viewer_zone()) if value else ""


def format_day(value: date | datetime | None) -> str:
    """A day as people read it (``1 Dec 2026``); a moment is first moved to the viewer's zone."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = _aware(value).astimezone(viewer_zone()).date()
    return f"{value.day} {value:%b %Y}"


def utc_iso(value: datetime | None) -> str:
    """The UTC instant for ``<time datetime>`` (``2026-12-01T16:00:00+00:00``)."""
    return _aware(value).astimezone(UTC).isoformat() if value else ""


def due_in_both(due: datetime, viewer: ZoneInfo) -> str:
    """A due time in its service window's zone, and in the viewer's when that reads otherwise.

    ``Tue 1 Dec 2026 17:00 CET — 21:30 IST for you``; the viewer's part names its day only when
    the day differs.
    """
    due = _aware(due)
    theirs = due.astimezone(viewer)
    if theirs.utcoffset() == due.utcoffset() and theirs.tzname() == due.tzname():
        return stamp(due)
    mine = f"{theirs:%H:%M} {theirs.tzname()}"
    if theirs.date() != due.date():
        mine = f"{day_label(theirs.date()).rsplit(' ', 1)[0]} {mine}"
    return f"{stamp(due)} — {mine} for you"


def format_due(due: datetime | None) -> str:
    """``due_in_both`` for the viewer of the page."""
    return due_in_both(due, viewer_zone()) if due else ""
