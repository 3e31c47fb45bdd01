"""What every JSON Lines import shares: a problem report, a per-record checker, the line loop.

Plain Python. Each import (apps, forum posts) subclasses ``RecordChecker`` with the field checks
its format needs and passes its ``check(line, data)`` function to ``checked_lines``.

Before a line reaches a checker, ``checked_lines`` refuses what no format of ours can hold and
what would break later: nesting deeper than ``MAX_DEPTH`` (found by scanning the brackets before
``json.loads``, which would otherwise recurse until a RecursionError) and lone UTF-16 surrogates
such as ``"\ud800"`` in any key or value (JSON allows the escape; no database can store it).
"""

import json
import re
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Iterator
from dataclasses import dataclass
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
# A string (escapes included) or a bracket, to find the nesting depth without decoding.
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}:]')
_SURROGATE = re.compile("[\ud800-\udfff]")


def depth_problem(line: int, raw: str) -> Problem | None:
    """A problem when ``raw`` nests deeper than MAX_DEPTH, naming the top-level field."""
    depth, field, last_string = 0, "", None
    for token in _TOKEN.finditer(raw):
        text = token.group()
        if text in ("[", "{"):
            depth += 1
            if depth > MAX_DEPTH:
                return Problem(line, field, f"is nested more than {MAX_DEPTH} levels deep")
        elif text in ("]", "}"):
            depth -= 1
        elif text == ":" and depth == 1 and last_string is not None:
            field = last_string[1:-1][:60]
        last_string = text if text.startswith('"') else None
    return None


def surrogate_problems(line: int, data: Any, path: str = "") -> Iterator[Problem]:
    """A problem for every key or string value holding a lone surrogate (e.g. ``\\ud800``)."""
    if isinstance(data, str):
        if _SURROGATE.search(data):
            yield Problem(line, path, "contains a lone surrogate (such as \\ud800), not text")
    elif isinstance(data, list):
        for index, item in enumerate(data):
            yield from surrogate_problems(line, item, f"{path}[{index}]")
    elif isinstance(data, dict):
        for key, value in data.items():
            name = _SURROGATE.sub("\ufffd", key)
            where = f"{path}.{name}" if path else name
            if name != key:
                yield Problem(line, where, "is a field name with a lone surrogate, not text")
            yield from surrogate_problems(line, value, where)


def checked_lines(
    lines: Iterable[str], check: Check
) -> Iterator[tuple[int, dict | None, list[Problem]]]:
    """(line number, clean record or None, problems) for every non-blank line."""
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        too_deep = depth_problem(number, raw)
        if too_deep:
            yield number, None, [too_deep]
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
        surrogates = list(surrogate_problems(number, data))
        if surrogates:
            yield number, None, surrogates
            continue
        yield (number, *check(number, data))
