"""Finding 6: no 5xx from hostile input. Generated from the URL map like the authorisation
matrix: every rule's path arguments, every query argument the code reads and every form field
get ids of 2^31 and 2^32 (past PostgreSQL's INTEGER) and beyond 2^63, NUL bytes, a lone
surrogate, 10 kB values and negative numbers, by GET and by POST (with a valid CSRF token), as
every role, on SQLite and on PostgreSQL."""

import re
from pathlib import Path
from urllib.parse import quote

import pytest
from flask import request
from flask_wtf import FlaskForm
from wtforms.fields.core import UnboundField

import catalog
from catalog.extensions import db
from tests.conftest import AuthActions
from tests.conftest import build_index
from tests.test_authorisation import RULES
from tests.test_authorisation import _placeholders

# Percent-encoded as they travel in a URL or a form body.
HOSTILE = (
    "9" * 30,
    str(2**63),
    # Just past what a 32-bit INTEGER id column holds (PostgreSQL: "integer out of range").
    str(2**31),
    str(2**32),
    "-1",
    "a%00b",
    "%ED%A0%80",
    "x" * 10_000,
)
FUZZ_ROLES = ("anonymous", "customer", "isv_a", "staff", "admin")
ARGUMENT_RE = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")
SOURCE = Path(catalog.__file__).parent
# Logging out ends the role's session: it is walked last.
LAST = "accounts.logout"


def _query_arguments() -> list[str]:
    """Every query argument the code reads (``args.get("…")``, ``args["…"]``, ``getlist``)."""
    found = set()
    pattern = re.compile(r"""args(?:\.get(?:list)?\(|\[)\s*["']([A-Za-z_]+)["']""")
    for path in SOURCE.rglob("*.py"):
        found |= set(pattern.findall(path.read_text(encoding="utf-8")))
    return sorted(found)


def _form_fields() -> list[str]:
    """Every field of every form class, and every value views read from ``request.form``."""
    found = set()
    pattern = re.compile(r"""form(?:\.get\(|\[)\s*["']([A-Za-z_]+)["']""")
    for path in SOURCE.rglob("*.py"):
        found |= set(pattern.findall(path.read_text(encoding="utf-8")))
    classes = list(FlaskForm.__subclasses__())
    while classes:
        form_class = classes.pop()
        classes.extend(form_class.__subclasses__())
        found |= {
            name for name in dir(form_class) if isinstance(getattr(form_class, name), UnboundField)
        }
    return sorted(found - {"csrf_token"})


def _path(rule, valid: dict, hostile: dict) -> str:
    """The rule's path with each argument valid, or hostile where ``hostile`` names it."""

    def value(match):
        name = match.group(1)
        return hostile[name] if name in hostile else quote(str(valid[name]), safe="")

    return ARGUMENT_RE.sub(value, rule.rule)


def _valid_arguments(app, world, forum) -> dict:
    """Each endpoint's real URL arguments, resolved once (so no request makes new rows)."""
    values = _placeholders(app, world, forum)
    resolved = {}
    for key, value in values.items():
        resolved[key] = value() if callable(value) else value
    return {
        endpoint: {name: resolved.get(symbol, symbol) for name, symbol in args.items()}
        for endpoint, (_, args, _) in RULES.items()
    }


def _requests(app, valid_args: dict, query_names: list, field_names: list, token: str):
    """(method, path, query string, body) of every hostile request, rule by rule."""
    rules = sorted(
        (rule for rule in app.url_map.iter_rules() if rule.endpoint != "static"),
        key=lambda rule: (rule.endpoint == LAST, rule.rule),
    )
    for rule in rules:
        # An endpoint without a rule in the matrix yet (test_authorisation says so) gets "1"s.
        valid = dict.fromkeys(rule.arguments, 1) | valid_args.get(rule.endpoint, {})
        methods = sorted(rule.methods & {"GET", "POST"})
        for method in methods:
            body = f"csrf_token={quote(token)}" if method == "POST" else None
            for name in rule.arguments:
                for value in HOSTILE:
                    yield method, _path(rule, valid, {name: value}), "", body
            for value in HOSTILE:
                query = "&".join(f"{name}={value}" for name in query_names)
                yield method, _path(rule, valid, {}), query, body
            if method == "POST":
                for value in HOSTILE:
                    fields = "&".join(f"{name}={value}" for name in field_names)
                    yield method, _path(rule, valid, {}), "", f"{body}&{fields}"


@pytest.mark.parametrize("role", FUZZ_ROLES)
def test_finding_6_no_hostile_value_in_any_route_argument_query_or_form_gives_a_5xx(
    app, world, forum, role
):
    app.config["PROPAGATE_EXCEPTIONS"] = False  # an exception is counted as the 500 it would be
    build_index(app)
    valid_args = _valid_arguments(app, world, forum)
    client = app.test_client()
    auth = AuthActions(client)
    if role != "anonymous":
        auth.login(world[role])
    token = auth.token()
    failures, sent = [], 0
    for method, path, query, body in _requests(
        app, valid_args, _query_arguments(), _form_fields(), token
    ):
        response = client.open(
            path,
            method=method,
            query_string=query,
            data=body,
            content_type="application/x-www-form-urlencoded" if body is not None else None,
        )
        sent += 1
        if response.status_code >= 500:
            failures.append(f"{method} {path[:80]}?{query[:60]} → {response.status_code}")
    assert sent > 500
    assert not failures, f"{len(failures)} of {sent} requests failed:\n" + "\n".join(failures[:40])


def test_finding_6_the_error_page_renders_after_a_failed_statement(app, world):
    """A statement that fails outside the view (on PostgreSQL the transaction is then aborted)
    still ends with our error page, which loads the signed-in user, instead of a bare 500."""

    def failing_statement():
        if request.headers.get("X-Fail"):
            db.session.execute(db.text("SELECT * FROM no_such_table"))

    app.before_request(failing_statement)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    client = app.test_client()
    AuthActions(client).login(world["customer"])
    response = client.get("/", headers={"X-Fail": "1"})
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Something went wrong on our side" in page and "Log out" in page
