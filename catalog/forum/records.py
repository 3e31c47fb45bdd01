"""Validation of forum posts for ``import-posts`` (the JSON Lines format in docs/import-posts.md).

One line is one thread with its replies. Pure Python, like ``catalog.marketplace.records``:
every problem is reported as "line N, field: reason"; where a thread goes (section or app
slug) is checked against the database afterwards by ``catalog.forum.importing``.
"""

from datetime import datetime
from typing import Any

from catalog.jsonlines import OUTSIDE_YEARS
from catalog.jsonlines import Problem
from catalog.jsonlines import RecordChecker
from catalog.jsonlines import checked_lines
from catalog.jsonlines import utc_instant
from catalog.marketplace.identifiers import slug_problem

THREAD_FIELDS = {
    "section",
    "app",
    "title",
    "author",
    "created",
    "body",
    "replies",
    "accepted_reply",
    "locked",
}
REPLY_FIELDS = {"author", "created", "body"}
TITLE_LIMITS = (5, 200)
BODY_LIMIT = 20_000
NAME_LIMIT = 120
MAX_REPLIES = 1000


class _Checker(RecordChecker):
    """Collects the problems of one line."""

    def text(self, data: dict, key: str, path: str, limit: int, minimum: int = 1) -> str | None:
        """A required text of ``minimum``..``limit`` characters (surrounding space trimmed)."""
        value = data.get(key)
        if not isinstance(value, str) or not value.strip():
            self.fail(path, "is required" if value in (None, "") else "must be non-empty text")
            return None
        value = value.strip()
        if not minimum <= len(value) <= limit:
            self.fail(path, f"must have {minimum} to {limit} characters; it has {len(value)}")
            return None
        return value

    def slug(self, data: dict, key: str) -> str | None:
        """An optional slug, by the one rule (``marketplace.identifiers.slug_problem``)."""
        value = data.get(key)
        if value is None:
            return None
        problem = slug_problem(value) if isinstance(value, str) else "is not text"
        if problem:
            self.fail(key, f"must be a slug: it {problem}")
            return None
        return value

    def when(self, data: dict, key: str, path: str) -> datetime | None:
        """A required ISO 8601 date-time with a time zone."""
        value = data.get(key)
        if not isinstance(value, str):
            self.fail(path, "is required: an ISO 8601 date-time such as 2026-03-01T09:30:00Z")
            return None
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            self.fail(path, f"“{value[:40]}” is not an ISO 8601 date-time")
            return None
        if parsed.tzinfo is None:
            self.fail(path, "needs a time zone, e.g. 2026-03-01T09:30:00Z")
            return None
        instant = utc_instant(parsed)
        if instant is None:
            self.fail(path, f"“{value[:40]}” is {OUTSIDE_YEARS}")
        return instant


def _post(checker: _Checker, data: dict, prefix: str = "") -> dict:
    """An author, a date and a Markdown body (fields named ``prefix`` + name)."""
    return {
        "author": checker.text(data, "author", f"{prefix}author", NAME_LIMIT),
        "created": checker.when(data, "created", f"{prefix}created"),
        "body": checker.text(data, "body", f"{prefix}body", BODY_LIMIT),
    }


def _reply(checker: _Checker, data: Any, path: str) -> dict | None:
    """One reply: an object with only the reply fields."""
    if not isinstance(data, dict):
        checker.fail(path, "must be an object with author, created and body")
        return None
    checker.unknown(data, REPLY_FIELDS, f"{path}.")
    return _post(checker, data, f"{path}.")


def _replies(checker: _Checker, data: dict, opened: datetime | None) -> list[dict]:
    """The list of replies, each after the opening post."""
    value = data.get("replies", [])
    if not isinstance(value, list) or len(value) > MAX_REPLIES:
        checker.fail("replies", f"must be a list of at most {MAX_REPLIES} replies")
        return []
    replies = [_reply(checker, item, f"replies[{n}]") for n, item in enumerate(value)]
    for n, reply in enumerate(replies):
        if reply and reply["created"] and opened and reply["created"] < opened:
            checker.fail(f"replies[{n}].created", "is before the thread was opened")
    return [r for r in replies if r]


def _accepted(checker: _Checker, data: dict, count: int) -> int | None:
    """The index of the accepted reply, if any."""
    value = data.get("accepted_reply")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < count:
        checker.fail(
            "accepted_reply",
            f"must be the index of a reply (0 to {count - 1})"
            if count
            else "needs replies to point at",
        )
        return None
    return value


def check_thread(line: int, data: Any) -> tuple[dict | None, list[Problem]]:
    """Validate one decoded line; return the clean thread or the problems found."""
    checker = _Checker(line)
    if not isinstance(data, dict):
        checker.fail("", "must be a JSON object")
        return None, checker.problems
    checker.unknown(data, THREAD_FIELDS, "")
    section, app = checker.slug(data, "section"), checker.slug(data, "app")
    if (data.get("section") is None) == (data.get("app") is None):
        checker.fail("section", "give exactly one of section (a section slug) or app (an app slug)")
    opening = _post(checker, data)
    opening["title"] = checker.text(data, "title", "title", TITLE_LIMITS[1], TITLE_LIMITS[0])
    replies = _replies(checker, data, opening["created"])
    locked = data.get("locked", False)
    if not isinstance(locked, bool):
        checker.fail("locked", "must be true or false")
    record = {
        "section": section,
        "app": app,
        **opening,
        "replies": replies,
        "accepted_reply": _accepted(checker, data, len(replies)),
        "locked": locked is True,
    }
    return (None if checker.problems else record), checker.problems


def read_threads(lines) -> tuple[list[dict], list[Problem]]:
    """Decode and validate every line; blank lines are skipped."""
    records, problems = [], []
    for number, record, found in checked_lines(lines, check_thread):
        problems.extend(found)
        if record is not None:
            record["line"] = number
            records.append(record)
    return records, problems
