"""What every JSON Lines import shares: a problem report, a per-record checker, the line loop.

Plain Python. Each import (apps, forum posts) subclasses ``RecordChecker`` with the field checks
its format needs and passes its ``check(line, data)`` function to ``checked_lines``.

Before a line reaches a checker, ``checked_lines`` refuses what no format of ours can hold and
what would break later: nesting deeper than ``MAX_DEPTH`` and whole numbers of more than
``MAX_INT_DIGITS`` digits (both found by scanning the line before ``json.loads``, which would
otherwise recurse until a RecursionError, or stop at Python's int-string limit with a
ValueError), lone UTF-16 surrogates such as ``"\ud800"`` and control characters other than tab,
line feed and carriage return in any key or value (JSON allows the escapes; no database stores a
lone surrogate, PostgreSQL refuses NUL, and XML, so the badge, forbids the rest).
"""

import json
import re
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Problem:
    """One reason a record cannot be imported."""

    line: int
    field: str
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}, {self.field or 'record'}: {self.reason}"


class RecordChecker:
    """Collects the problems of one record while its fields are read."""

    def __init__(self, line: int):
        self.line = line
        self.problems: list[Problem] = []

    def fail(self, field: str, reason: str) -> None:
        """Record a problem."""
        self.problems.append(Problem(self.line, field, reason))

    def unknown(self, data: dict, allowed: set, prefix: str) -> None:
        """Report fields that are not part of the format (usually typos)."""
        for key in sorted(set(data) - allowed):
            self.fail(f"{prefix}{key}", "is not a known field")


Check = Callable[[int, Any], tuple[dict | None, list[Problem]]]
# Our formats nest four levels at most (support.isv.hours.windows); 20 leaves room for growth.
MAX_DEPTH = 20
# Our largest whole number has 5 digits (28,800 minutes); Python refuses 4,300 with ValueError.
MAX_INT_DIGITS = 100
# Dates outside these years are typos (0001-01-01, 9999-12-31), and a year 1 or 9999 with an
# offset cannot even be moved to UTC (OverflowError).
YEARS = range(1970, 9999)
OUTSIDE_YEARS = f"not a date from {YEARS.start} to {YEARS.stop - 1}"
# A string (escapes included), a bracket, a colon, a comma or a number: enough to follow the
# nesting and the field names without decoding.
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}:,]|-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?')
_SURROGATE = re.compile("[\ud800-\udfff]")
# C0 control characters XML 1.0 forbids (tab, line feed and carriage return are allowed).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
_NOT_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")


def _where(frames: list) -> str:
    """The dotted path of the open containers (``support.isv.first_response_minutes.1``)."""
    path = ""
    for kind, key in frames:
        if kind == "[":
            path += f"[{key}]"
        elif key is not None:
            path += f".{key}" if path else str(key)
    return path


def scan_problem(line: int, raw: str) -> Problem | None:
    """Too deep (named by its top-level field) or an overlong whole number (by its path)."""
    frames: list = []
    last_string = None
    for token in _TOKEN.finditer(raw):
        text = token.group()
        if text in ("[", "{"):
            frames.append([text, 0 if text == "[" else None])
            if len(frames) > MAX_DEPTH:
                field = str(frames[0][1] or "")[:60] if frames[0][0] == "{" else ""
                return Problem(line, field, f"is nested more than {MAX_DEPTH} levels deep")
        elif text in ("]", "}"):
            if frames:
                frames.pop()
        elif text == ":" and frames and frames[-1][0] == "{" and last_string is not None:
            frames[-1][1] = last_string[1:-1][:60]
        elif text == "," and frames and frames[-1][0] == "[":
            frames[-1][1] += 1
        elif not text.startswith('"') and _is_long_int(text):
            return Problem(line, _where(frames)[:120], "number too long")
        last_string = text if text.startswith('"') else None
    return None


def _is_long_int(number: str) -> bool:
    """Whether a JSON number is a whole number (no fraction, no exponent) of too many digits."""
    return number.lstrip("-").isdigit() and len(number.lstrip("-")) > MAX_INT_DIGITS


def text_problems(line: int, data: Any, path: str = "") -> Iterator[Problem]:
    """A problem for every key or string value holding a lone surrogate or a control character."""
    if isinstance(data, str):
        if _SURROGATE.search(data):
            yield Problem(line, path, "contains a lone surrogate (such as \\ud800), not text")
        if _CONTROL.search(data):
            yield Problem(line, path, "contains a control character (such as \\u0000), not text")
    elif isinstance(data, list):
        for index, item in enumerate(data):
            yield from text_problems(line, item, f"{path}[{index}]")
    elif isinstance(data, dict):
        for key, value in data.items():
            name = _NOT_TEXT.sub("\ufffd", key)
            where = f"{path}.{name}" if path else name
            if _SURROGATE.search(key):
                yield Problem(line, where, "is a field name with a lone surrogate, not text")
            if _CONTROL.search(key):
                yield Problem(line, where, "is a field name with a control character, not text")
            yield from text_problems(line, value, where)


def utc_instant(parsed: datetime) -> datetime | None:
    """``parsed`` (with a time zone) in UTC, or None when its year is outside ``YEARS``."""
    if parsed.year not in YEARS:
        return None
    try:
        return parsed.astimezone(UTC)
    except OverflowError:
        return None


def checked_lines(
    lines: Iterable[str], check: Check
) -> Iterator[tuple[int, dict | None, list[Problem]]]:
    """(line number, clean record or None, problems) for every non-blank line."""
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        scanned = scan_problem(number, raw)
        if scanned:
            yield number, None, [scanned]
            continue
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as error:
            yield (
                number,
                None,
                [Problem(number, "", f"is not valid JSON ({error.msg} at column {error.colno})")],
            )
            continue
        except ValueError:  # a number beyond Python's int-string limit that the scan missed
            yield number, None, [Problem(number, "", "number too long")]
            continue
        not_text = list(text_problems(number, data))
        if not_text:
            yield number, None, not_text
            continue
        yield (number, *check(number, data))
