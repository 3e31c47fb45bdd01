"""Jinja filters, the JSON provider, the fragment cache and response headers."""

from datetime import UTC
from datetime import datetime
from decimal import Decimal
from decimal import InvalidOperation
from zoneinfo import ZoneInfo
from zoneinfo import ZoneInfoNotFoundError

from babel.numbers import format_currency
from flask import Flask
from flask import current_app
from flask import request
from flask.json.provider import DefaultJSONProvider

from catalog import channels
from catalog import markdown
from catalog import viewertime
from catalog.config import currency_problem
from catalog.marketplace.cache import FragmentCache


class SafeJSONProvider(DefaultJSONProvider):
    """JSON whose strings never contain a raw ``<``, ``>`` or ``&``.

    The escapes are valid JSON and decode to the same data, but a response that a browser
    mis-sniffs as HTML can no longer carry markup.
    """

    def dumps(self, obj, **kwargs) -> str:
        """Serialise, then escape the characters that matter to HTML."""
        text = super().dumps(obj, **kwargs)
        return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def format_date(value: datetime | None) -> str:
    """A date as people read it: 23 Nov 2026."""
    return value.strftime("%d %b %Y").lstrip("0") if value else ""


def format_local_time(value: datetime | None, zone: str | None = None) -> str:
    """A moment as people in the time zone ``zone`` read it: 1 Dec 2026 08:35 JST."""
    if value is None:
        return ""
    if value.tzinfo is None:
        # SQLite hands back the stored UTC moments without their zone.
        value = value.replace(tzinfo=UTC)
    try:
        local = value.astimezone(ZoneInfo(zone or "UTC"))
    except (ZoneInfoNotFoundError, ValueError):
        local = value.astimezone(UTC)
    return f"{format_date(local)} {local:%H:%M} {local.tzname()}"


def format_minutes(minutes: int | str | None) -> str:
    """A business-time target in words: 90 → "1 h 30 min", 480 → "8 h"."""
    if minutes in (None, ""):
        return ""
    minutes = int(minutes)
    hours, rest = divmod(minutes, 60)
    if hours and rest:
        return f"{hours} h {rest} min"
    return f"{hours} h" if hours else f"{rest} min"


def format_amount(value) -> str:
    """Money without noise: 100.00 → "100", 100.50 → "100.50"."""
    if value is None:
        return ""
    return f"{value:.0f}" if value == value.to_integral_value() else f"{value:.2f}"


def format_channel(key: str) -> str:
    """A channel's label for a key ("isv" → "Developer / ISV support"); an unknown key as is."""
    channel = channels.BY_KEY.get(key)
    return channel.label if channel else key


def format_money(value, whole: bool = False) -> str:
    """An amount in the configured CURRENCY: 900 → "€900.00"; ``whole=True`` drops ".00" (€100).

    Takes a Decimal, an int or the string a snapshot keeps ("150.00"); never a float's noise.
    """
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    if not amount.is_finite():
        return str(value)
    code = current_app.config["CURRENCY"]
    if whole and amount == amount.to_integral_value():
        return format_currency(amount, code, locale="en", format="¤#,##0", currency_digits=False)
    return format_currency(amount, code, locale="en")


def format_holiday(value: str) -> str:
    """A holiday as people read it: "2026-12-24" → "24 Dec 2026", "01-01" → "1 Jan (every year)"."""
    try:
        if len(value) == 5:
            return (
                datetime.strptime(f"2000-{value}", "%Y-%m-%d").strftime("%d %b").lstrip("0")
                + " (every year)"
            )
        return datetime.strptime(value, "%Y-%m-%d").strftime("%d %b %Y").lstrip("0")
    except ValueError:
        return value


def init_app(app: Flask) -> None:
    """Check CURRENCY and DISPLAY_TIMEZONE; register filters, the JSON provider, the cache and
    the header hook."""
    problem = currency_problem(app.config["CURRENCY"])
    if problem:
        raise RuntimeError(problem)
    if viewertime.zone_or_none(app.config["DISPLAY_TIMEZONE"]) is None:
        raise RuntimeError(
            f"DISPLAY_TIMEZONE = {app.config['DISPLAY_TIMEZONE']!r} is not an IANA time zone; "
            "set it to one such as UTC or Europe/Prague (CATALOG_DISPLAY_TIMEZONE=UTC)."
        )
    app.json = SafeJSONProvider(app)
    app.extensions["catalog_fragment_cache"] = FragmentCache(app.config["FRAGMENT_CACHE_SIZE"])
    app.jinja_env.filters["markdown"] = markdown.render
    app.jinja_env.filters["date"] = viewertime.format_day
    app.jinja_env.filters["when"] = viewertime.format_when
    app.jinja_env.filters["due"] = viewertime.format_due
    app.jinja_env.filters["utc_iso"] = viewertime.utc_iso
    app.jinja_env.filters["local_time"] = format_local_time
    app.jinja_env.filters["minutes"] = format_minutes
    app.jinja_env.filters["holiday"] = format_holiday
    app.jinja_env.filters["amount"] = format_amount
    app.jinja_env.filters["money"] = format_money
    app.jinja_env.filters["channel"] = format_channel
    app.after_request(security_headers)


def security_headers(response):
    """Headers every response carries; only the legend fragment may be framed."""
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    if response.headers.pop("X-Embeddable", None):
        ancestors = current_app.config["LEGEND_FRAME_ANCESTORS"]
    else:
        ancestors = "'none'"
        response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        f"object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors {ancestors}",
    )
    if request.path.startswith("/api/"):
        response.headers.setdefault("Cache-Control", "no-store")
    return response
