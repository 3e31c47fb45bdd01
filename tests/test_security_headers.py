"""Security headers on every page, and markup that a strict Content-Security-Policy allows.

The policy forbids inline script and inline style, so no page may carry a ``<script>`` without
``src``, an ``on…=`` handler attribute or a ``style=`` attribute: the browser would ignore them.
"""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.conftest import APP_A
from tests.conftest import AuthActions
from tests.conftest import build_index
from tests.test_authorisation import OK
from tests.test_authorisation import ROLES
from tests.test_authorisation import RULES
from tests.test_authorisation import _placeholders
from tests.test_authorisation import _url

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


class InlineCode(HTMLParser):
    """Collects every inline script, event handler and style attribute of a page."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        """Note inline code in one start tag."""
        names = dict(attrs)
        if tag == "script" and not names.get("src"):
            self.found.append("<script> without src")
        for name in names:
            if name == "style" or name.startswith("on"):
                self.found.append(f"<{tag} {name}=…>")
            if name in ("href", "src", "action") and (names[name] or "").strip().lower().startswith(
                "javascript:"
            ):
                self.found.append(f"<{tag} {name}=javascript:…>")

    def handle_endtag(self, tag):
        """Nothing to check at end tags."""


def inline_code(html: str) -> list[str]:
    """The inline code a strict CSP would block in ``html``."""
    parser = InlineCode()
    parser.feed(html)
    return parser.found


def _policy(response) -> dict[str, str]:
    """The CSP of a response as {directive: sources}."""
    policy = response.headers["Content-Security-Policy"]
    return dict(
        (part.strip().split(" ", 1) + [""])[:2] for part in policy.split(";") if part.strip()
    )


def _first_allowed_role(expected: dict) -> str | None:
    """The first role (anonymous first) that may open a page."""
    return next((role for role in ROLES if expected[role] == OK), None)


def test_no_template_has_inline_script_or_style():
    offenders = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        if "/mail/" in str(path):
            continue  # e-mail bodies are not served under the site's CSP
        text = path.read_text(encoding="utf-8")
        if re.search(
            r"\sstyle\s*=|\son[a-z]+\s*=|<script(?![^>]*\ssrc=)[^>]*>", text, re.IGNORECASE
        ):
            offenders.append(str(path.relative_to(TEMPLATES)))
    assert offenders == []


def test_every_page_sends_the_headers_and_no_inline_code(app, world, forum):
    """Every GET page of the URL map, as a role that may see it."""
    build_index(app)
    values = _placeholders(app, world, forum)
    failures = []
    checked = 0
    for endpoint, (method, args, expected) in sorted(RULES.items()):
        role = _first_allowed_role(expected)
        if method != "GET" or role is None:
            continue
        client = app.test_client()
        if role != "anonymous":
            AuthActions(client).login(world[role])
        url = _url(app, endpoint, args, values)
        response = client.get(url)
        assert response.status_code in (200, 302), f"{url} as {role}: {response.status_code}"
        policy = _policy(response)
        if response.headers.get("X-Content-Type-Options") != "nosniff":
            failures.append(f"{url}: no nosniff")
        if response.headers.get("Referrer-Policy") != "strict-origin-when-cross-origin":
            failures.append(f"{url}: referrer policy")
        if policy.get("script-src") != "'self'" or policy.get("style-src") != "'self'":
            failures.append(f"{url}: script-src/style-src {policy}")
        framable = endpoint == "marketplace.legend_fragment"
        if not framable and (
            policy.get("frame-ancestors") != "'none'"
            or response.headers.get("X-Frame-Options") != "DENY"
        ):
            failures.append(f"{url}: may be framed")
        if response.mimetype == "text/html":
            failures += [f"{url}: {what}" for what in inline_code(response.get_data(as_text=True))]
        checked += 1
    assert checked >= 40
    assert failures == []


def test_error_pages_send_the_headers_too(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert _policy(response)["frame-ancestors"] == "'none'"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert inline_code(response.get_data(as_text=True)) == []


@pytest.mark.parametrize(
    "ancestors", ["https://shop.example", "https://shop.example https://admin.example"]
)
def test_only_the_legend_fragment_is_framable_and_only_by_configured_hosts(
    app, world, client, ancestors
):
    app.config["LEGEND_FRAME_ANCESTORS"] = ancestors
    fragment = client.get(f"/apps/{APP_A}/legend")
    assert _policy(fragment)["frame-ancestors"] == ancestors
    assert "X-Frame-Options" not in fragment.headers
    page = client.get(f"/apps/{APP_A}")
    assert _policy(page)["frame-ancestors"] == "'none'"
    assert page.headers["X-Frame-Options"] == "DENY"


def test_inline_code_finder_finds_what_csp_blocks():
    html = (
        '<p style="color:red" onclick="x()">a</p><script>alert(1)</script>'
        '<script src="/s.js"></script><a href="javascript:x()">b</a>'
    )
    assert inline_code(html) == [
        "<p style=…>",
        "<p onclick=…>",
        "<script> without src",
        "<a href=javascript:…>",
    ]
