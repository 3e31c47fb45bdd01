"""In a real browser: a forum thread escalated to the developer and then to professional support
keeps its reference, shows the customer the new due times before they accept, and ends with every
party notified through the outbox. axe checks the hand-off pages on the way."""

import re

from catalog.accounts.models import User
from catalog.db import utcnow
from catalog.extensions import db
from catalog.forum import operations as forum_operations
from catalog.forum.sections import ensure_app_section
from catalog.marketplace.models import App
from catalog.support.handoffs.operations import thread_reference
from catalog.ticketmail.models import MailOutbox
from tests.browser.test_accessibility import axe
from tests.browser.test_accessibility import axe_page  # noqa: F401 (a fixture)
from tests.browser.test_wizard_browser import log_in
from tests.support.conftest import PRO_APP
from tests.support.conftest import subscribe

TITLE = "Export hangs at 99 %"
TEXT = "Every export of more than 1,000 rows stops at 99 % and never finishes."


def _thread(app, email: str) -> tuple[int, str]:
    """A thread opened as a support request in PRO_APP's dedicated section, with its reference."""
    with app.app_context():
        now = utcnow()
        found = db.session.scalar(db.select(App).where(App.slug == PRO_APP))
        author = db.session.scalar(db.select(User).where(User.email == email))
        thread = forum_operations.start_thread(
            ensure_app_section(found, now), author, TITLE, TEXT, now
        )
        reference = thread_reference(thread, now, "SUP")
        db.session.commit()
        return thread.id, reference


def _subjects_to(app, email: str) -> list[str]:
    """The subjects of the outbox rows addressed to ``email``."""
    with app.app_context():
        rows = db.session.scalars(db.select(MailOutbox).order_by(MailOutbox.id))
        return [row.subject for row in rows if email in row.recipients]


def test_a_thread_escalated_to_the_developer_then_to_professional_support_keeps_its_reference(
    app,
    apps,
    live_server,
    axe_page,  # noqa: F811
):
    thread_id, reference = _thread(app, apps["customer"])
    subscribe(app, apps["customer"])
    page = axe_page
    log_in(page, live_server, apps["customer"])

    page.goto(f"{live_server}/forum/t/{thread_id}")
    page.get_by_role("link", name="Ask the developer: make this a ticket").click()
    assert "If the request moves to the developer" in page.locator("main").inner_text()
    assert reference in page.locator("main").inner_text()
    found = axe(page)
    page.get_by_role("button", name="Move to the developer").click()
    page.wait_for_url(re.compile(rf"/support/tickets/{reference}$"))
    assert TEXT in page.locator("main").inner_text()

    page.get_by_role("link", name="Move to professional support").click()
    preview = page.locator(".handoff-preview").inner_text()
    assert re.search(r"First response:\s+due \w{3} \d{1,2} \w{3} \d{4} \d{2}:\d{2}", preview)
    assert "Uses one of this month's 5 incidents; 4 will be left." in preview
    assert "The clocks restart under the new channel's terms" in preview
    found += axe(page)
    page.get_by_role("button", name="Move to professional support").click()
    page.wait_for_url(re.compile(rf"/support/tickets/{reference}$"))
    main = page.locator("main").inner_text()
    assert "Moved from the developer to professional support" in main
    assert "Moved from the dedicated forum to the developer" in main
    found += axe(page)

    page.goto(f"{live_server}/forum/t/{thread_id}")
    assert f"Escalated to the developer as {reference}" in page.locator("main").inner_text()
    assert found == []

    moved = f"Moved to professional support: {TITLE}"
    assert any(moved in subject for subject in _subjects_to(app, apps["staff"]))
    assert any(moved in subject for subject in _subjects_to(app, apps["isv_a"]))
    assert any(
        f"Moved to the developer: {TITLE}" in subject
        for subject in _subjects_to(app, apps["isv_a"])
    )


def test_the_proposal_page_fits_a_phone_and_declining_asks_to_confirm(
    app, apps, live_server, phone
):
    thread_id, reference = _thread(app, apps["customer"])
    log_in(phone, live_server, apps["isv_a"])
    phone.goto(f"{live_server}/forum/t/{thread_id}")
    phone.get_by_role("link", name="Propose a ticket with the developer").click()
    phone.get_by_label("Why should the request move?").fill("We need your logs; " + "x" * 300)
    phone.get_by_role("button", name="Propose the move").click()
    phone.wait_for_url(re.compile(rf"/forum/t/{thread_id}$"))
    assert "proposed moving this thread" in phone.locator("main").inner_text()
    assert any(reference in subject for subject in _subjects_to(app, apps["customer"]))
    phone.context.clear_cookies()

    log_in(phone, live_server, apps["customer"])
    phone.goto(f"{live_server}/forum/t/{thread_id}")
    phone.get_by_role("link", name="See the terms, then accept or decline").click()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert "First response" in phone.locator(".handoff-preview").inner_text()
    decline = phone.get_by_role("button", name="Yes, decline the move")
    assert not decline.is_visible()  # behind the Decline… step
    phone.get_by_text("Decline…").click()
    decline.click()
    phone.wait_for_url(re.compile(rf"/forum/t/{thread_id}$"))
    main = phone.locator("main").inner_text()
    assert "proposed moving" not in main and "Ask the developer: make this a ticket" in main
    assert any("Move declined" in subject for subject in _subjects_to(app, apps["isv_a"]))
