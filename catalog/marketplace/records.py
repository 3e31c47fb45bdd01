"""Validation of app records for ``import-apps`` (the JSON Lines format in docs/import-apps.md).

Pure Python: a record is checked field by field and every problem is reported with the field's
dotted path and a reason a person understands. Nothing here touches the database.
"""

from datetime import UTC
from datetime import datetime
from decimal import Decimal
from decimal import InvalidOperation
from typing import Any
from urllib.parse import urlsplit

from email_validator import EmailNotValidError
from email_validator import validate_email

from catalog.jsonlines import OUTSIDE_YEARS
from catalog.jsonlines import Problem
from catalog.jsonlines import RecordChecker
from catalog.jsonlines import checked_lines
from catalog.jsonlines import utc_instant
from catalog.marketplace.calendars import MAX_TARGET_MINUTES
from catalog.marketplace.calendars import calendar_problems
from catalog.marketplace.factors import AGREEMENT_LEVELS
from catalog.marketplace.factors import KNOWLEDGE_LEVELS
from catalog.marketplace.factors import STABILITY_LEVELS
from catalog.marketplace.identifiers import SLUG_MAX
from catalog.marketplace.identifiers import name_key
from catalog.marketplace.identifiers import slug_problem
from catalog.marketplace.identifiers import slugify


def is_web_address(text: str) -> bool:
    """An absolute http(s) address with a real host name and a valid port, without spaces."""
    parts = urlsplit(text)
    try:
        _ = parts.port  # raises ValueError for a port that is not a number in 0..65535
    except ValueError:
        return False
    return (
        parts.scheme in ("http", "https")
        and bool(parts.hostname)
        and not any(c.isspace() for c in text)
    )


TOP_FIELDS = {
    "slug",
    "name",
    "vendor",
    "category",
    "summary",
    "description",
    "version",
    "homepage",
    "updated",
    "published",
    "support",
}
SUPPORT_FIELDS = {"forum_url", "dedicated_forum", "isv", "operator"}
ISV_FIELDS = {
    "contact_url",
    "contact_email",
    "scope",
    "conditions",
    "hours",
    "first_response_minutes",
    "languages",
}
OPERATOR_FIELDS = {
    "professional",
    "consulting",
    "knowledge",
    "stability",
    "agreement",
    "justification",
    "rate_min",
    "rate_max",
}
SEVERITY_KEYS = ("1", "2", "3")
NO_ISV_TERMS = {
    "isv_offered": False,
    "isv_contact_url": None,
    "isv_contact_email": None,
    "isv_scope": "",
    "isv_conditions": "",
    "isv_hours": None,
    "isv_response_minutes": None,
    "isv_languages": None,
}


class _Checker(RecordChecker):
    """Collects problems for one record while reading it."""

    def text(self, data: dict, key: str, path: str, limit: int, required=False) -> str | None:
        """A string field of at most ``limit`` characters."""
        value = data.get(key)
        if value is None or value == "":
            if required:
                self.fail(path, "is required")
            return None if value is None else ""
        if not isinstance(value, str):
            self.fail(path, f"must be text, not {type(value).__name__}")
            return None
        if len(value) > limit:
            self.fail(path, f"is {len(value)} characters long; the limit is {limit}")
            return None
        return value

    def url(self, data: dict, key: str, path: str) -> str | None:
        """An absolute http(s) URL."""
        value = self.text(data, key, path, 300)
        if value and not is_web_address(value):
            self.fail(
                path, f"“{value[:60]}” is not a web address starting with http:// or https://"
            )
            return None
        return value or None

    def flag(self, data: dict, key: str, path: str, default: bool) -> bool:
        """A true/false field."""
        value = data.get(key, default)
        if not isinstance(value, bool):
            self.fail(path, "must be true or false")
            return default
        return value

    def choice(self, data: dict, key: str, path: str, choices: dict, default: str) -> str:
        """One of a fixed set of values."""
        value = data.get(key, default)
        if value not in choices:
            self.fail(path, f"must be one of {', '.join(choices)}")
            return default
        return value


def _named(checker: _Checker, value: Any, path: str) -> dict | None:
    """A vendor or category given as a name or as {"name", "slug"?, "website"?}."""
    if isinstance(value, str):
        value = {"name": value}
    if not isinstance(value, dict):
        checker.fail(path, "must be a name or an object with a name")
        return None
    checker.unknown(value, {"name", "slug", "website"}, f"{path}.")
    name = checker.text(value, "name", f"{path}.name", 120, required=True)
    slug = checker.text(value, "slug", f"{path}.slug", SLUG_MAX) or (
        slugify(name) if name else None
    )
    if slug and (problem := slug_problem(slug)):
        checker.fail(f"{path}.slug", problem)
    website = checker.url(value, "website", f"{path}.website")
    return {"name": name, "slug": slug, "website": website} if name else None


def _timestamp(checker: _Checker, value: Any, path: str) -> datetime | None:
    """An ISO 8601 instant with a time zone, or a date (taken as midnight UTC)."""
    if value is None:
        return None
    if not isinstance(value, str):
        checker.fail(path, "must be an ISO 8601 date or date-time")
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        checker.fail(path, f"“{value[:40]}” is not an ISO 8601 date or date-time")
        return None
    if len(value) == 10:
        parsed = parsed.replace(tzinfo=UTC)
    if parsed.tzinfo is None:
        checker.fail(path, "needs a time zone, e.g. 2026-10-01T12:00:00Z")
        return None
    instant = utc_instant(parsed)
    if instant is None:
        checker.fail(path, f"“{value[:40]}” is {OUTSIDE_YEARS}")
    return instant


def _isv(checker: _Checker, data: Any) -> dict | None:
    """The ISV's own support terms."""
    path = "support.isv"
    if data is None:
        return None
    if not isinstance(data, dict):
        checker.fail(path, "must be an object (or null when the developer takes no requests)")
        return None
    checker.unknown(data, ISV_FIELDS, f"{path}.")
    email = checker.text(data, "contact_email", f"{path}.contact_email", 254)
    if email:
        try:
            validate_email(email, check_deliverability=False)
        except EmailNotValidError as error:
            checker.fail(f"{path}.contact_email", f"is not a valid e-mail address ({error})")
    contact_url = checker.url(data, "contact_url", f"{path}.contact_url")
    if not email and not contact_url:
        checker.fail(
            path, "needs a contact_url or a contact_email so customers can reach the developer"
        )
    hours = data.get("hours")
    if hours is not None:
        for message in calendar_problems(hours):
            checker.fail(f"{path}.hours", message)
    minutes = _targets(
        checker, data.get("first_response_minutes"), f"{path}.first_response_minutes"
    )
    languages = data.get("languages", [])
    if not isinstance(languages, list) or not all(
        isinstance(x, str) and 0 < len(x) <= 40 for x in languages
    ):
        checker.fail(f"{path}.languages", "must be a list of language names or codes")
        languages = []
    return {
        "isv_offered": True,
        "isv_contact_url": contact_url,
        "isv_contact_email": email or None,
        "isv_scope": checker.text(data, "scope", f"{path}.scope", 4000) or "",
        "isv_conditions": checker.text(data, "conditions", f"{path}.conditions", 4000) or "",
        "isv_hours": hours,
        "isv_response_minutes": minutes,
        "isv_languages": languages,
    }


def _targets(checker: _Checker, value: Any, path: str) -> dict | None:
    """First-response minutes per severity: {"1": 240, "2": 480, "3": 1440}."""
    if value is None:
        return None
    if not isinstance(value, dict):
        checker.fail(path, 'must map severities to minutes, e.g. {"1": 240, "2": 480, "3": 1440}')
        return None
    result = {}
    for key, minutes in value.items():
        if str(key) not in SEVERITY_KEYS:
            checker.fail(f"{path}.{key}", "is not a severity (use 1, 2 or 3)")
        elif isinstance(minutes, bool) or not isinstance(minutes, int) or minutes <= 0:
            checker.fail(f"{path}.{key}", "must be a whole number of minutes above zero")
        elif minutes > MAX_TARGET_MINUTES:
            checker.fail(
                f"{path}.{key}",
                f"is more than {MAX_TARGET_MINUTES:,} minutes (60 working days of 8 hours)",
            )
        else:
            result[str(key)] = minutes
    return result


def _rate(checker: _Checker, value: Any, path: str) -> Decimal | None:
    """An hourly rate: a positive number."""
    if value is None:
        return None
    try:
        rate = Decimal(str(value))
    except InvalidOperation:
        checker.fail(path, "must be a number")
        return None
    if isinstance(value, bool) or not rate.is_finite() or rate <= 0 or rate >= Decimal("1000000"):
        checker.fail(path, "must be a positive amount below 1,000,000")
        return None
    return rate.quantize(Decimal("0.01"))


def _operator(checker: _Checker, data: Any) -> dict | None:
    """The operator's decision with its recorded factors."""
    path = "support.operator"
    if data is None:
        return None
    if not isinstance(data, dict):
        checker.fail(path, "must be an object")
        return None
    checker.unknown(data, OPERATOR_FIELDS, f"{path}.")
    result = {
        "professional": checker.flag(data, "professional", f"{path}.professional", False),
        "consulting": checker.flag(data, "consulting", f"{path}.consulting", False),
        "knowledge": checker.choice(
            data, "knowledge", f"{path}.knowledge", KNOWLEDGE_LEVELS, "unknown"
        ),
        "stability": checker.choice(
            data, "stability", f"{path}.stability", STABILITY_LEVELS, "unknown"
        ),
        "agreement": checker.choice(
            data, "agreement", f"{path}.agreement", AGREEMENT_LEVELS, "none"
        ),
        "justification": checker.text(data, "justification", f"{path}.justification", 2000) or "",
        "rate_min": _rate(checker, data.get("rate_min"), f"{path}.rate_min"),
        "rate_max": _rate(checker, data.get("rate_max"), f"{path}.rate_max"),
    }
    low, high = result["rate_min"], result["rate_max"]
    if result["consulting"] and (low is None or high is None):
        checker.fail(path, "consulting needs rate_min and rate_max (the hourly rate range)")
    if low is not None and high is not None and low > high:
        checker.fail(f"{path}.rate_max", "must not be below rate_min")
    return result


def _support(checker: _Checker, data: Any) -> dict:
    """The whole support block: ISV terms and the operator's coverage."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        checker.fail("support", "must be an object")
        return {"terms": {}, "coverage": None}
    checker.unknown(data, SUPPORT_FIELDS, "support.")
    terms = {
        "forum_casual_url": checker.url(data, "forum_url", "support.forum_url"),
        "forum_dedicated": checker.flag(data, "dedicated_forum", "support.dedicated_forum", False),
        **NO_ISV_TERMS,
    }
    terms.update(_isv(checker, data.get("isv")) or {})
    return {"terms": terms, "coverage": _operator(checker, data.get("operator"))}


def check_record(line: int, data: Any) -> tuple[dict | None, list[Problem]]:
    """Validate one decoded record; return the clean values or the problems found."""
    checker = _Checker(line)
    if not isinstance(data, dict):
        checker.fail("", "must be a JSON object")
        return None, checker.problems
    checker.unknown(data, TOP_FIELDS, "")
    slug = checker.text(data, "slug", "slug", SLUG_MAX, required=True)
    if slug and (problem := slug_problem(slug)):
        checker.fail("slug", problem)
    record = {
        "slug": slug,
        "name": checker.text(data, "name", "name", 120, required=True),
        "vendor": _named(checker, data.get("vendor"), "vendor"),
        "category": _named(checker, data.get("category"), "category"),
        "summary": checker.text(data, "summary", "summary", 300) or "",
        "description": checker.text(data, "description", "description", 20000) or "",
        "version": checker.text(data, "version", "version", 40) or "",
        "homepage": checker.url(data, "homepage", "homepage"),
        "updated_at": _timestamp(checker, data.get("updated"), "updated"),
        "published": checker.flag(data, "published", "published", True),
        **_support(checker, data.get("support")),
    }
    if record["vendor"] is None and "vendor" not in data:
        checker.fail("vendor", "is required")
    if record["category"] is None and "category" not in data:
        checker.fail("category", "is required")
    return (None if checker.problems else record), checker.problems


def read_records(lines) -> tuple[list[dict], list[Problem]]:
    """Decode and validate every line; blank lines are skipped, duplicates reported.

    Each record keeps its ``line`` so later checks against the database can name it.
    """
    records, problems, seen, names = [], [], {}, {}
    for number, record, found in checked_lines(lines, check_record):
        problems.extend(found)
        if record is None:
            continue
        if record["slug"] in seen:
            problems.append(
                Problem(
                    number,
                    "slug",
                    f"“{record['slug']}” already appears on line {seen[record['slug']]}",
                )
            )
            continue
        key = name_key(record["name"])
        if key in names:
            problems.append(
                Problem(
                    number,
                    "name",
                    f"“{record['name']}” is already the name of the app on line {names[key]} "
                    "(names must differ in more than case and spaces)",
                )
            )
            continue
        seen[record["slug"]] = number
        names[key] = number
        records.append(record | {"line": number})
    return records, problems
