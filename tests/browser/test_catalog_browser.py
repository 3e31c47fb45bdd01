"""The catalog in a real browser: filters, the legend on a phone, keyboard use."""

import re

import pytest

from tests.conftest import add_apps
from tests.conftest import app_record


@pytest.fixture
def shop(app):
    """Three apps with different channels."""
    add_apps(
        app,
        app_record(
            "mail-shield",
            name="Mail Shield",
            support={"isv": {"contact_email": "a@b.example"}, "forum_url": "https://f.example/m"},
        ),
        app_record("backup-pro", name="Backup Pro", support={"operator": {"professional": True}}),
        app_record(
            "zeta-notes",
            name="Zeta Notes with a rather long name that must wrap on a phone",
            support={
                "dedicated_forum": True,
                "isv": {"contact_email": "z@b.example"},
                "operator": {
                    "professional": True,
                    "consulting": True,
                    "rate_min": 100,
                    "rate_max": 250,
                },
            },
        ),
    )
    return app


def test_channel_filter_narrows_the_list(shop, live_server, page):
    page.goto(f"{live_server}/apps")
    assert page.locator(".results__count").inner_text().strip() == "1–3 of 3 apps"
    page.get_by_label("Developer / ISV support").check()
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r"channel=isv"))
    assert page.locator(".results__count").inner_text().strip() == "1–2 of 2 apps"
    assert page.get_by_label("Developer / ISV support").is_checked()
    names = page.locator(".app-row__name").all_inner_texts()
    assert names == ["Mail Shield", "Zeta Notes with a rather long name that must wrap on a phone"]


def test_legend_fits_a_phone_and_says_not_offered_in_words(shop, live_server, phone):
    phone.goto(f"{live_server}/apps/backup-pro")
    overflow = phone.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    chips = phone.locator(".legend--full .chip")
    assert chips.count() == 5
    texts = [re.sub(r"\s+", " ", t).strip() for t in chips.all_inner_texts()]
    assert texts[3] == "Professional support Offered"
    assert texts[0] == "Public forum (casual) Not offered"
    for index in range(5):
        box = chips.nth(index).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390


def test_catalog_rows_fit_a_phone(shop, live_server, phone):
    phone.goto(f"{live_server}/apps")
    overflow = phone.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    hidden_status = phone.locator(".legend--compact .chip__status").first
    assert hidden_status.inner_text() in (": offered", ": not offered")


def test_skip_link_is_the_first_stop_for_keyboard_users(shop, live_server, page):
    page.goto(f"{live_server}/apps")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused == "Skip to content"
