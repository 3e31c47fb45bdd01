"""What every JSON Lines import shares: a problem report, a per-record checker, the line loop.

Plain Python. Each import (apps, forum posts) subclasses ``RecordChecker`` with the field checks
its format needs and passes its ``check(line, data)`` function to ``checked_lines``.
"""

import json
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


def checked_lines(
    lines: Iterable[str], check: Check
) -> Iterator[tuple[int, dict | None, list[Problem]]]:
    """(line number, clean record or None, problems) for every non-blank line."""
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
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
        yield (number, *check(number, data))
