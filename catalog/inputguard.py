"""Hostile input stops at the door: bounded ids and page numbers, no NUL bytes or lone surrogates.

* Every ``<int:…>`` route takes at most 2^31 − 1, what the routed id columns hold (``INTEGER``:
  32 bits on PostgreSQL); a larger id is no page (404) on both databases, instead of an
  ``OverflowError`` (SQLite) or "integer out of range" (PostgreSQL) in the driver.
* ``page=`` arguments go through :func:`page_number`: a bad or huge value is page 1 or the last
  allowed page, never a 500.
* A request whose path, query or form values carry a NUL byte or a lone surrogate (PostgreSQL
  refuses both in text) or a query value longer than ``MAX_QUERY_VALUE`` is refused with 400.
"""

from flask import Flask
from flask import abort
from flask import request
from werkzeug.routing import IntegerConverter

# Every primary key routed by ``<int:…>`` is a plain Integer column: INTEGER, 32 bits signed.
MAX_ID = 2**31 - 1
MAX_PAGE = 100_000
MAX_QUERY_VALUE = 2_000
MAX_QUERY_ARGS = 100
BAD_TEXT = (
    "The address or the form holds characters that cannot be stored "
    "(a NUL byte or a broken character); nothing was done."
)


class BoundedIntConverter(IntegerConverter):
    """``<int:…>`` limited to what a signed 32-bit INTEGER id column holds."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def page_number(value: str | None, maximum: int = MAX_PAGE) -> int:
    """A ``page=`` value as a number from 1 to ``maximum`` (1 when missing or malformed)."""
    if not value or not value.isascii() or not value.isdigit() or len(value) > 9:
        return 1
    return min(max(1, int(value)), maximum)


def unstorable(text: str) -> bool:
    """Whether ``text`` holds a NUL byte or a lone surrogate (neither can be stored)."""
    if "\x00" in text:
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def refuse_hostile_input() -> None:
    """before_request: 400 for NUL bytes, lone surrogates, overlong or too many query values."""
    args = request.args
    if len(args) > MAX_QUERY_ARGS or unstorable(request.path):
        abort(400, BAD_TEXT)
    for key, value in args.items(multi=True):
        if len(value) > MAX_QUERY_VALUE or len(key) > MAX_QUERY_VALUE:
            abort(400, f"A value in the address is longer than {MAX_QUERY_VALUE:,} characters.")
        if unstorable(key) or unstorable(value):
            abort(400, BAD_TEXT)
    if request.method in ("POST", "PUT", "PATCH") and request.mimetype in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        for key, value in request.form.items(multi=True):
            if unstorable(key) or unstorable(value):
                abort(400, BAD_TEXT)


def register_converters(app: Flask) -> None:
    """Make the bounded converter the app's ``int`` (before any blueprint adds its rules)."""
    app.url_map.converters["int"] = BoundedIntConverter


def init_app(app: Flask) -> None:
    """Refuse hostile input before any view (and before CSRF, so it is refused the same way)."""
    app.before_request_funcs.setdefault(None, []).insert(0, refuse_hostile_input)
