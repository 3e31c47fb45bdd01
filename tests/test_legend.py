"""The legend: every channel state, always five in order, never colour alone."""

import itertools
import re

import pytest

from catalog.channels import CHANNEL_KEYS
from catalog.legend import build_legend
from catalog.legend import summary_text
from tests.conftest import add_apps
from tests.conftest import app_record

ALL_PATTERNS = [
    frozenset(key for key, on in zip(CHANNEL_KEYS, bits, strict=True) if on)
    for bits in itertools.product([False, True], repeat=5)
]

ISV_TERMS = {"contact_email": "help@vendor.example", "first_response_minutes": {"1": 240, "2": 480}}


def support_for(offered: frozenset[str]) -> dict:
    """The import ``support`` block that offers exactly these channels."""
    support = {}
    if "forum_casual" in offered:
        support["forum_url"] = "https://forum.example.org/c/app"
    if "forum_dedicated" in offered:
        support["dedicated_forum"] = True
    if "isv" in offered:
        support["isv"] = ISV_TERMS
    support["operator"] = {
        "professional": "professional" in offered,
        "consulting": "consulting" in offered,
        "rate_min": 100,
        "rate_max": 250,
    }
    return support


def slug_for(offered: frozenset[str]) -> str:
    """A slug naming the pattern, e.g. ``app-isv-consulting`` or ``app-none``."""
    return "app-" + ("-".join(k.replace("_", "") for k in CHANNEL_KEYS if k in offered) or "none")


@pytest.mark.parametrize("offered", ALL_PATTERNS, ids=lambda o: slug_for(o))
def test_legend_model_has_five_entries_in_order_with_state(offered):
    entries = build_legend(offered)
    assert [e.channel.key for e in entries] == list(CHANNEL_KEYS)
    for entry in entries:
        assert entry.offered == (entry.channel.key in offered)
        assert entry.status_text == ("offered" if entry.offered else "not offered")
        assert entry.note


def test_summary_text_names_offered_channels_or_says_none():
    assert summary_text(frozenset()) == "No support channel is offered."
    assert summary_text(frozenset({"isv", "forum_casual"})) == (
        "Support offered: Public forum (casual), Developer / ISV support."
    )


def _chips(html: str) -> list[tuple[str, bool, str]]:
    """(channel key, greyed?, status text) of every chip of the first legend in ``html``."""
    found = re.findall(r'<li class="chip chip--(\w+)( chip--off)?"[^>]*>(.*?)</li>', html, re.S)
    return [(key, bool(off), re.sub(r"<[^>]+>|\s+", " ", body).strip()) for key, off, body in found]


@pytest.fixture
def every_pattern(app):
    """One published app for each of the 32 patterns of channel coverage."""
    add_apps(app, *(app_record(slug_for(o), support=support_for(o)) for o in ALL_PATTERNS))
    return app


@pytest.mark.parametrize("offered", ALL_PATTERNS, ids=lambda o: slug_for(o))
@pytest.mark.parametrize("path", ["/apps/{slug}", "/apps/{slug}/legend"])
def test_page_and_fragment_show_every_channel_state(every_pattern, client, offered, path):
    html = client.get(path.format(slug=slug_for(offered))).get_data(as_text=True)
    chips = _chips(html)[:5]
    assert [key for key, _, _ in chips] == list(CHANNEL_KEYS)
    for key, greyed, text in chips:
        assert greyed == (key not in offered)
        assert text.endswith("Not offered") if greyed else text.endswith("Offered")


def test_catalog_row_legend_states_match_the_app(every_pattern, client):
    html = client.get("/apps?per_page=40").get_data(as_text=True)
    rows = re.findall(r'<li class="app-row">.*?<a href="/apps/([\w-]+)">.*?</ul>', html, re.S)
    assert len(rows) == 32
    for slug in rows:
        row_html = html[html.index(f'<a href="/apps/{slug}">') :]
        chips = _chips(row_html)[:5]
        offered = {k for k in CHANNEL_KEYS if ("-" + k.replace("_", "")) in slug + "-"}
        assert [(k, greyed) for k, greyed, _ in chips] == [
            (k, k not in offered) for k in CHANNEL_KEYS
        ]
        assert all(text.endswith(": offered" if not g else ": not offered") for _, g, text in chips)


def test_not_offered_operator_channel_shows_the_operators_reason(app, client):
    add_apps(
        app,
        app_record(
            "young-app",
            support={
                "operator": {
                    "professional": False,
                    "stability": "new",
                    "justification": "Too little release history to judge its stability yet.",
                }
            },
        ),
    )
    html = client.get("/apps/young-app").get_data(as_text=True)
    assert "Too little release history to judge its stability yet." in html
    assert "The operator does not cover this app under its support plans." in html


def test_isv_terms_are_shown_when_offered(app, client):
    add_apps(
        app,
        app_record(
            "termed",
            support={
                "isv": {
                    "contact_url": "https://vendor.example/help",
                    "scope": "Installation and defects.",
                    "hours": {
                        "timezone": "Asia/Tokyo",
                        "windows": {"mon": [["09:00", "12:00"], ["13:00", "18:00"]]},
                        "holidays": ["2026-12-24"],
                        "yearly_holidays": ["01-01"],
                    },
                    "first_response_minutes": {"1": 90, "3": 1440},
                    "languages": ["Japanese", "English"],
                }
            },
        ),
    )
    html = client.get("/apps/termed").get_data(as_text=True)
    for text in (
        "https://vendor.example/help",
        "Installation and defects.",
        "Asia/Tokyo",
        "09:00–12:00, 13:00–18:00",
        "Severity 1: 1 h 30 min",
        "Severity 3: 24 h",
        "Japanese, English",
        "Tuesday: closed",
        "Closed on holidays:\n    1 Jan (every year), 24 Dec 2026.",
    ):
        assert text in html
