"""A customer, in a real browser, goes from an app's "Get support" button to a ticket."""

import re
import time

from tests.conftest import PASSWORD
from tests.support.conftest import PRO_APP
from tests.support.conftest import subscribe


def log_in(page, base: str, email: str) -> None:
    """Log in through the login page."""
    page.goto(f"{base}/account/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()


def test_named_contact_files_a_professional_incident_with_the_due_times_shown(
    app, apps, live_server, page
):
    subscribe(app, apps["customer"], plan="level-2")
    started = time.monotonic()
    log_in(page, live_server, apps["customer"])
    page.goto(f"{live_server}/apps/{PRO_APP}")
    page.get_by_role("link", name=re.compile(r"^Get support for ")).click()

    assert "Step 2 of 5" in page.locator("main").inner_text(), "the app page chose the app already"
    page.get_by_label("Title").fill("Nightly export stops halfway")
    page.get_by_label("What happened?").fill(
        "Since this morning the nightly export stops at 50 % with a timeout."
    )
    page.get_by_role("button", name="Continue").click()

    page.get_by_label(re.compile(r"^2 — Major")).check()
    page.get_by_label(re.compile(r"^Something is broken")).check()
    page.get_by_role("button", name="Continue").click()

    page.get_by_role("button", name=re.compile(r"Continue")).click()  # no suggestion helped

    decision = page.get_by_role("heading", name=re.compile(r"^Your request goes to: ")).inner_text()
    assert decision == "Your request goes to: Professional support"
    shown = {
        heading.split(": due ")[0]: heading.split(": due ")[1]
        for heading in page.locator("[id^=due-] h3").all_inner_texts()
    }
    assert "First response" in shown
    page.get_by_role("button", name="Submit the request").click()

    page.wait_for_url(re.compile(r"/support/tickets/SUP-\d+$"))
    assert re.search(r"Your request is ticket SUP-\d+\.", page.locator(".flashes").inner_text())
    # Both pages say the due time the same way, in the service window's zone and the viewer's.
    clocks = {
        re.sub(r"\s+", " ", text).split(": due ")[0]: re.sub(r"\s+", " ", text)
        .split(": due ")[1]
        .strip()
        for text in page.locator(".clock").all_inner_texts()
        if ": due " in text
    }
    assert clocks == shown, "the ticket keeps the due times shown before submitting"
    assert time.monotonic() - started < 30, "well under the two minutes a customer may spend"
