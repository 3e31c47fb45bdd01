"""Staff work a professional ticket in a real browser: new severity, new due times, quota back."""

import re

from sqlalchemy import select

from catalog.accounts.models import User
from catalog.db import utcnow
from catalog.extensions import db
from catalog.marketplace.models import App
from catalog.support.plans.models import Plan
from catalog.support.tickets.operations import open_ticket
from catalog.support.wizard.intake import assess
from tests.browser.test_wizard_browser import log_in
from tests.support.conftest import PRO_APP
from tests.support.conftest import subscribe


def _open_professional(app, email: str) -> str:
    """A severity-3 question under Level 2, whose severity 1 runs around the clock."""
    subscribe(app, email, plan="level-2")
    with app.app_context():
        plan = db.session.scalar(select(Plan).where(Plan.slug == "level-2"))
        plan.around_the_clock = ["1"]
        user = db.session.scalar(select(User).where(User.email == email))
        target = db.session.scalar(select(App).where(App.slug == PRO_APP))
        intake = assess(target, user, 3, "question", utcnow())
        assert intake.decision.channel == "professional"
        ticket = open_ticket(intake, user, "Export stops", "At 50 %.", utcnow(), "SUP")
        db.session.commit()
        return ticket.reference


def _clocks(page) -> list[str]:
    return [re.sub(r"\s+", " ", text) for text in page.locator(".clock").all_inner_texts()]


def _used_this_month(page) -> str:
    row = page.locator("tr", has_text="(this month)")
    return row.locator("td").nth(1).inner_text()


def test_staff_raise_the_severity_and_return_the_incident_to_the_organisation(
    app, apps, live_server, browser
):
    reference = _open_professional(app, apps["customer"])
    customer = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    log_in(customer, live_server, apps["customer"])
    customer.goto(f"{live_server}/account/organisation")
    assert _used_this_month(customer) == "1"

    staff = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    log_in(staff, live_server, apps["staff"])
    staff.goto(f"{live_server}/support/tickets/{reference}")
    before = _clocks(staff)
    staff.locator("summary", has_text="Change severity or kind").click()
    staff.get_by_label("Severity", exact=True).select_option("1")
    staff.get_by_label("Kind", exact=True).select_option("incident")
    staff.get_by_label("Why the severity or kind changes").fill(
        "Production exports are down for every user."
    )
    staff.get_by_role("button", name="Save severity and kind").click()
    staff.wait_for_load_state()
    assert "the due times were computed again" in staff.locator(".flashes").inner_text()
    after = _clocks(staff)
    assert after != before and len(after) == len(before)
    timeline = staff.locator("#timeline-heading + ol").inner_text()
    assert "severity 3 → 1" in timeline and "Production exports are down" in timeline
    assert staff.evaluate("document.documentElement.scrollWidth") <= 390

    staff.locator("summary", has_text="Not one of this month's incidents").click()
    staff.get_by_label("Why it is not one of this month's incidents").fill(
        "It was a billing question."
    )
    staff.get_by_role("button", name="Return the incident to the quota").click()
    staff.wait_for_load_state()
    assert "Not counted as one of the month's incidents" in staff.locator("main").inner_text()

    customer.goto(f"{live_server}/account/organisation")
    assert _used_this_month(customer) == "0"
    customer.goto(f"{live_server}/support/tickets/{reference}")
    assert "due times now" in customer.locator("#timeline-heading + ol").inner_text()
    customer.context.close()
    staff.context.close()


def test_the_desk_pages_have_no_serious_accessibility_violations(app, apps, live_server, browser):
    from tests.browser.test_accessibility import AXE
    from tests.browser.test_accessibility import axe
    from tests.conftest import make_user
    from tests.conftest import user_id
    from tests.support.conftest import ISV_APP
    from tests.support.tickets import make_ticket

    assert AXE.exists()
    make_user(app, "colleague@example.com", "staff")
    reference = _open_professional(app, apps["customer"])
    isv = make_ticket(app, user_id(app, apps["customer"]), "isv", ISV_APP)
    found = []
    for width in (1280, 390):
        page = browser.new_context(
            viewport={"width": width, "height": 900}, bypass_csp=True
        ).new_page()
        log_in(page, live_server, apps["staff"])
        page.goto(f"{live_server}/support/tickets?channel=any&sort=newest")
        page.locator("summary", has_text="Filter and sort").click()
        found += axe(page)
        page.goto(f"{live_server}/support/tickets?severity=9")  # the 400 page with its message
        found += axe(page)
        page.goto(f"{live_server}/support/tickets/{reference}")
        for summary in page.locator(".ticket-work summary").all():
            summary.click()
        found += axe(page)
        page.goto(f"{live_server}/support/tickets/{isv}")  # read-only: an observer
        found += axe(page)
        page.context.close()
    assert found == [], "\n".join(found)
