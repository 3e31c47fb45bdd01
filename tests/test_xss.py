"""Hostile text in every user-controlled field is shown as text, never run as markup."""

import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest

from tests.conftest import add_apps
from tests.conftest import app_record

SCRIPT = "<script>alert('x')</script>"
IMG = '"><img src=x onerror=alert(1)>'
PAYLOAD = SCRIPT + IMG


@pytest.fixture
def hostile(app):
    """An app whose every free-text field carries markup payloads."""
    add_apps(
        app,
        app_record(
            "hostile",
            name=PAYLOAD[:120],
            vendor={
                "name": PAYLOAD[:120],
                "slug": "evil-vendor",
                "website": "https://evil.example/" + '"onmouseover="x',
            },
            category=PAYLOAD[:120],
            summary=PAYLOAD,
            description=f"{PAYLOAD}\n\n"
            '[click](javascript:alert(1)) <a href="javascript:alert(2)">x</a>\n\n'
            '![i](x" onerror="alert(3))',
            version=PAYLOAD[:40],
            homepage="https://example.org/?q=" + '"><script>',
            support={
                "forum_url": "https://forum.example.org/" + '"><script>alert(5)</script>',
                "isv": {
                    "contact_url": "https://help.example/" + '"><b>',
                    "contact_email": "a@b.example",
                    "scope": PAYLOAD,
                    "conditions": PAYLOAD,
                    "languages": [PAYLOAD[:40]],
                    "hours": {"timezone": "UTC", "windows": {"mon": [["09:00", "17:00"]]}},
                },
                "operator": {"professional": False, "justification": PAYLOAD},
            },
        ),
    )
    return app


class _Tags(HTMLParser):
    """Collects every real tag and attribute a browser would build from the text."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def _assert_no_raw_markup(text: str) -> None:
    """No payload became a live element, event handler or javascript: link."""
    parser = _Tags()
    parser.feed(text)
    for tag, attrs in parser.found:
        assert tag not in ("script", "img") or not any("alert" in (v or "") for v in attrs.values())
        assert tag != "b", "markup injected into an attribute became an element"
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name)
            assert not (value or "").strip().lower().startswith("javascript:"), (tag, name, value)
    if "<svg" not in text[:200]:
        assert "<script" not in text.replace("<script src=", "")


@pytest.mark.parametrize(
    "url",
    [
        "/apps",
        "/apps/hostile",
        "/apps/hostile/legend",
        "/vendors/evil-vendor",
        "/apps?q=%3Cscript%3E",
        "/apps?channel=%3Cscript%3Ealert(1)%3C/script%3E",
        "/apps/%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "/",
    ],
)
def test_pages_escape_hostile_text(hostile, client, url):
    response = client.get(url)
    assert response.status_code in (200, 404)
    _assert_no_raw_markup(response.get_data(as_text=True))


def test_escaped_text_is_still_shown_to_the_reader(hostile, client):
    html = client.get("/apps/hostile").get_data(as_text=True)
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html


def test_badge_is_valid_svg_with_escaped_text(hostile, client):
    response = client.get("/apps/hostile/badge.svg")
    assert response.mimetype == "image/svg+xml"
    body = response.get_data(as_text=True)
    _assert_no_raw_markup(body)
    root = ET.fromstring(body)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    title = root.find("{http://www.w3.org/2000/svg}title").text
    assert SCRIPT in title
    assert "Developer / ISV support" in title and "Public forum (casual)" in title


def test_badge_of_app_without_channels_says_so(app, client):
    add_apps(app, app_record("bare"))
    root = ET.fromstring(client.get("/apps/bare/badge.svg").get_data(as_text=True))
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert texts == ["support", "no support channels"]


def test_api_carries_hostile_text_as_data_without_raw_markup(hostile, client):
    for url in ("/api/v1/apps", "/api/v1/apps/hostile"):
        response = client.get(url)
        assert response.mimetype == "application/json"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        _assert_no_raw_markup(response.get_data(as_text=True))
    body = client.get("/api/v1/apps/hostile").get_json()
    assert body["summary"] == PAYLOAD


def test_pages_send_protective_headers(hostile, client):
    page = client.get("/apps/hostile")
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Frame-Options"] == "DENY"
    fragment = client.get("/apps/hostile/legend")
    assert "X-Frame-Options" not in fragment.headers
    assert "frame-ancestors *" in fragment.headers["Content-Security-Policy"]
