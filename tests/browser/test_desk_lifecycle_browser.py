"""In a real browser: a dedicated-forum request becomes a thread with the typed text, a request
for the casual forum is copied to the clipboard, and a consulting quote goes from staff to the
customer's approval and work starts. axe checks the new pages on the way."""

import re
from datetime import timedelta

from catalog.db import utcnow
from tests.browser.test_accessibility import axe
from tests.browser.test_accessibility import axe_page  # noqa: F401 (a fixture)
from tests.browser.test_wizard_browser import log_in
from tests.conftest import add_apps
from tests.conftest import app_record
from tests.conftest import user_id
from tests.support.conftest import FORUM_APP
from tests.support.conftest import PRO_APP
from tests.support.tickets import make_ticket

DEDICATED_APP = "dedicated-app"
TITLE = "Wiki pages lose their images"
TEXT = "After the upgrade to 2.3 every page shows broken image icons."


def describe(page, severity: str = "3", kind: str = "A question") -> None:
    """Fill the describe and classify steps, and pass the suggestions."""
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("What happened?").fill(TEXT)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label(re.compile(rf"^{severity} — ")).check()
    page.get_by_label(re.compile(rf"^{kind}")).check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name=re.compile(r"Continue")).click()


def test_a_dedicated_forum_request_becomes_a_thread_with_the_typed_text(
    app,
    apps,
    live_server,
    axe_page,  # noqa: F811
):
    add_apps(app, app_record(DEDICATED_APP, support={"dedicated_forum": True}))
    page = axe_page
    log_in(page, live_server, apps["customer"])
    page.goto(f"{live_server}/apps/{DEDICATED_APP}")
    page.get_by_role("link", name=re.compile(r"^Get support for ")).click()
    describe(page)

    heading = page.get_by_role("heading", name=re.compile(r"^Post this as a new thread in "))
    assert heading.inner_text() == "Post this as a new thread in Dedicated App"
    shown = page.get_by_role("group", name="The thread as it will be posted").inner_text()
    assert TITLE in shown and TEXT in shown
    found = axe(page)
    page.get_by_role("button", name="Post the thread").click()

    page.wait_for_url(re.compile(r"/forum/t/\d+$"))
    assert re.search(r"Your request is thread SUP-\d{6}\.", page.locator(".flashes").inner_text())
    assert page.get_by_role("heading", level=1).inner_text() == TITLE
    assert TEXT in page.locator(".posts").inner_text()
    reference = re.search(r"SUP-\d{6}", page.locator(".thread-reference").inner_text()).group(0)
    assert "your request" in page.locator(".thread-reference").inner_text()
    found += axe(page)
    thread_url = page.url
    page.goto(f"{live_server}/support/tickets?ref={reference}")
    assert page.url == thread_url, "the reference leads back to the thread"
    assert found == []


def test_a_casual_forum_request_is_copied_to_the_clipboard(app, apps, live_server, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, bypass_csp=True)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    page = context.new_page()
    log_in(page, live_server, apps["customer"])
    page.goto(f"{live_server}/support/new?app={FORUM_APP}")
    describe(page)
    box = page.get_by_label("Title and description")
    assert TITLE in box.input_value() and TEXT in box.input_value()
    page.get_by_role("button", name="Copy your request").click()
    page.wait_for_function("document.getElementById('request-copy-status').textContent !== ''")
    assert page.locator("#request-copy-status").inner_text().startswith("Copied")
    assert TEXT in page.evaluate("navigator.clipboard.readText()")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert axe(page) == []
    context.close()


def test_a_consulting_quote_is_approved_by_the_customer_and_work_starts(
    app,
    apps,
    live_server,
    axe_page,  # noqa: F811
):
    reference = make_ticket(app, user_id(app, apps["customer"]), "consulting", PRO_APP)
    page = axe_page
    log_in(page, live_server, apps["staff"])
    page.goto(f"{live_server}/support/tickets/{reference}")
    page.get_by_role("button", name="Mark triaged").click()
    page.get_by_label("Hourly rate (EUR)").fill("150")
    page.get_by_label("Estimated hours").fill("4")
    done_by = utcnow().date() + timedelta(days=30)
    page.get_by_label("Completion date").fill(done_by.isoformat())
    page.get_by_label("What the work covers").fill("Upgrade and migrate the wiki.")
    found = axe(page)
    page.get_by_role("button", name="Send the quote").click()
    assert "Quote sent" in page.locator(".flashes").inner_text()
    page.get_by_role("button", name="Log out").click()

    log_in(page, live_server, apps["customer"])
    page.goto(f"{live_server}/support/tickets/{reference}")
    quote = page.locator(".quote").inner_text()
    day = f"{done_by:%a} {done_by.day} {done_by:%b %Y}"
    assert f"4 h × €150.00 = €600.00 (EUR), done by {day}" in quote
    assert "as the customer should read it" not in page.locator("main").inner_text()
    page.get_by_text("Decline or send back…").click()  # the confirmation opens, nothing is sent
    found += axe(page)
    page.get_by_role("button", name="Approve the quote and start work").click()

    assert "Quote approved; work starts now." in page.locator(".flashes").inner_text()
    assert "In progress" in page.locator(".app-page__meta").inner_text()
    timeline = page.locator("main").inner_text()
    assert "approved the quote" in timeline
    assert "from Awaiting customer approval to In progress" in timeline
    assert found == []
