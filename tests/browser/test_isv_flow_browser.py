"""An ISV member, in a real browser, changes its support terms and sees them published."""

import re
import time

from tests.conftest import APP_A
from tests.conftest import PASSWORD


def test_isv_goes_from_login_to_published_versioned_terms_within_a_minute(world, live_server, page):
    started = time.monotonic()
    page.goto(f"{live_server}/")
    page.get_by_role("link", name="Log in").click()
    page.get_by_label("E-mail").fill(world["isv_a"])
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="ISV portal").first.click()
    page.get_by_role("link", name=re.compile(r"^Edit ")).first.click()

    preview = page.locator(".preview .chip--isv")
    assert "chip--off" in preview.get_attribute("class")
    page.get_by_label("Developer support: we take support requests for this app").check()
    assert "chip--off" not in preview.get_attribute("class"), (
        "the live preview follows the checkbox"
    )

    page.get_by_label("Support e-mail").fill("help@northwind.example")
    page.get_by_label("Time zone of your hours").fill("Europe/Prague")
    page.get_by_label("Monday").fill("09:00-12:00, 13:00-17:00")
    page.get_by_label("Severity 1 (critical)").fill("120")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()

    page.goto(f"{live_server}/apps/{APP_A}")
    terms = page.locator("#terms-isv").inner_text()
    assert "help@northwind.example" in terms
    assert "Monday: 09:00–12:00, 13:00–17:00" in terms
    assert "Severity 1: 2 h of business time" in terms
    chip = page.locator(".legend--full .chip--isv")
    assert "chip--off" not in chip.get_attribute("class")
    elapsed = time.monotonic() - started
    assert elapsed < 60

    page.goto(f"{live_server}/apps/{APP_A}/history")
    history = page.locator("main").inner_text()
    assert "help@northwind.example" in history
