"""The support business run from the browser, end to end, as its people would (issue 12).

An admin creates a plan and an organisation and invites a user; the user signs up through the
invitation, becomes a named contact under a new subscription and files a professional incident
whose due times come from the new plan. A second customer without a subscription is told why,
compares the plans, requests one; staff accept it, and the next request of that customer goes to
professional support.
"""

import re
from datetime import date
from datetime import timedelta
from urllib.parse import urlparse

from sqlalchemy import select

from catalog.extensions import db
from catalog.support.tickets.models import Ticket
from tests.browser.test_wizard_browser import log_in
from tests.conftest import PASSWORD
from tests.conftest import read_mail
from tests.support.conftest import PRO_APP

PLAN = "Gold Assist"


def log_out(page) -> None:
    """Log out through the header's button."""
    page.get_by_role("button", name="Log out").click()
    page.wait_for_load_state()


def create_plan(page, base: str) -> None:
    """The admin creates a plan: severity 2 answered within 2 business hours."""
    page.goto(f"{base}/operator/plans")
    page.get_by_role("link", name="Create a plan").click()
    page.locator("#name").fill(PLAN)
    page.locator("#slug").fill("gold-assist")
    page.locator("#description").fill("Two-hour answers for the teams that run production.")
    page.locator("#incidents_per_month").fill("10")
    for severity in "123":
        page.locator(f"#first_response_{severity}").fill("2")
        page.locator(f"#first_response_{severity}_unit").select_option("hours")
    page.locator("#named_contacts").fill("3")
    page.locator("#price").fill("450")
    page.get_by_role("button", name="Create the plan").click()
    page.wait_for_load_state()
    assert PLAN in page.locator("main").inner_text()


def create_organisation_and_invite(page, base: str, app) -> str:
    """The admin creates an organisation and invites a member; returns the invitation link."""
    page.goto(f"{base}/operator/organisations/new")
    page.locator("#name").fill("Acme Robotics")
    page.locator("#domains").fill("acme-robotics.example")
    page.locator("#timezone").fill("Europe/Prague")
    page.get_by_role("button", name="Add the organisation").click()
    page.wait_for_url(re.compile(r"/operator/organisations/\d+$"))
    assert "Acme Robotics" in page.locator("main").inner_text()
    invite = page.locator("form", has=page.get_by_role("button", name=re.compile("invit", re.I)))
    invite.get_by_label("E-mail").fill("alice@acme-robotics.example")
    invite.get_by_role("button", name=re.compile("invit", re.I)).click()
    page.wait_for_load_state()
    letters = [m for m in read_mail(app) if "alice@acme-robotics.example" in str(m["To"])]
    assert letters, "the invitation went out through the outbox"
    text = letters[-1].get_body(("plain",)).get_content()
    return re.search(r"https?://\S+/account/join/\S+", text).group(0)


def choose(page, select: str, words: str) -> None:
    """Select the option of a menu whose text contains ``words``."""
    options = page.locator(f"{select} option").all_inner_texts()
    page.locator(select).select_option(label=next(o for o in options if words in o))


def subscribe_with_contact(page, base: str) -> None:
    """The admin subscribes the organisation to the new plan with Alice as named contact."""
    page.goto(f"{base}/operator/organisations")
    page.get_by_role("link", name="Acme Robotics").click()
    page.get_by_role("link", name="Add a subscription").click()
    choose(page, "#plan_id", PLAN)
    if not page.locator("#starts_on").input_value():
        page.locator("#starts_on").fill(date.today().isoformat())
    page.locator("#ends_on").fill((date.today() + timedelta(days=364)).isoformat())
    choose(page, "#contacts", "Alice")
    page.get_by_role("button", name="Add the subscription").click()
    page.wait_for_url(re.compile(r"/operator/subscriptions/\d+$"))
    main = page.locator("main").inner_text()
    assert PLAN in main and "Alice" in main


def file_professional_incident(page, base: str) -> dict[str, str]:
    """Go through the wizard for the professional app; return the due times shown."""
    page.goto(f"{base}/apps/{PRO_APP}")
    page.get_by_role("link", name=re.compile(r"^Get support for ")).click()
    page.get_by_label("Title").fill("Robot arm controller stops syncing")
    page.get_by_label("What happened?").fill(
        "Since 09:00 the controller loses its sync every hour."
    )
    page.get_by_role("button", name="Continue").click()
    page.get_by_label(re.compile(r"^2 — Major")).check()
    page.get_by_label(re.compile(r"^Something is broken")).check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name=re.compile(r"Continue")).click()
    return {
        heading.split(": due ")[0]: heading.split(": due ")[1]
        for heading in page.locator("[id^=due-] h3").all_inner_texts()
    }


def test_an_operator_sets_up_a_customer_and_a_second_customer_requests_a_plan(
    app, apps, live_server, page
):
    app.config["MAIL_SEND_IN_REQUEST"] = True
    page.set_default_timeout(10_000)
    base = live_server

    log_in(page, base, apps["admin"])
    create_plan(page, base)
    link = create_organisation_and_invite(page, base, app)
    log_out(page)

    # Alice signs up through the invitation (the link is built from SITE_URL).
    page.goto(base + urlparse(link).path)
    page.get_by_label("Your name").fill("Alice Novak")
    page.get_by_label("New password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat the new password").fill(PASSWORD)
    page.get_by_role("button", name="Create my account and join").click()
    page.wait_for_load_state()
    assert "Acme Robotics" in page.locator("body").inner_text()
    log_out(page)

    log_in(page, base, apps["admin"])
    subscribe_with_contact(page, base)
    log_out(page)

    log_in(page, base, "alice@acme-robotics.example")
    shown = file_professional_incident(page, base)
    decision = page.get_by_role("heading", name=re.compile(r"^Your request goes to: ")).inner_text()
    assert decision == "Your request goes to: Professional support", page.locator(
        "main"
    ).inner_text()
    assert "First response" in shown
    assert "2 h of business time" in page.locator("main").inner_text(), "the new plan's target"
    page.get_by_role("button", name="Submit the request").click()
    page.wait_for_url(re.compile(r"/support/tickets/SUP-\d+$"))
    with app.app_context():
        ticket = db.session.scalar(select(Ticket).order_by(Ticket.id.desc()))
        assert ticket.terms_snapshot["name"] == PLAN
        assert ticket.terms_snapshot["targets"]["2"]["first_response"] == 120
        db.session.remove()
    log_out(page)

    # Bob has no subscription: the wizard says why and offers the plans.
    log_in(page, base, apps["customer"])
    file_professional_incident(page, base)
    review = page.locator("main").inner_text()
    assert (
        "Professional support"
        not in page.get_by_role("heading", name=re.compile(r"^Your request goes to: ")).inner_text()
    )
    assert re.search(r"no support (plan|subscription)", review, re.I), review
    page.get_by_role("link", name="Compare the support plans").click()
    page.wait_for_url(re.compile(r"/plans$"))
    assert PLAN in page.get_by_role("table").inner_text()
    page.get_by_role("link", name=re.compile(f"Request {PLAN}")).click()
    # Bob belongs to no organisation yet: accepting the request creates the one he names.
    page.get_by_label(re.compile("Organisation")).fill("Bobcat Logistics")
    page.get_by_role("button", name="Send the request").click()
    page.wait_for_load_state()
    assert re.search("pending|received|we will", page.locator("main").inner_text(), re.I)
    log_out(page)

    log_in(page, base, apps["staff"])
    page.goto(f"{base}/operator/plan-requests")
    page.get_by_role("row", name=re.compile(PLAN)).get_by_role("link").first.click()
    page.get_by_role("button", name="Accept and subscribe").click()
    page.wait_for_load_state()
    assert re.search("accepted", page.locator("body").inner_text(), re.I)
    log_out(page)

    log_in(page, base, apps["customer"])
    file_professional_incident(page, base)
    decision = page.get_by_role("heading", name=re.compile(r"^Your request goes to: ")).inner_text()
    assert decision == "Your request goes to: Professional support"
    assert "2 h of business time" in page.locator("main").inner_text(), "the new plan's target"
    page.goto(f"{base}/account/organisation")
    assert "Bobcat Logistics" in page.locator("main").inner_text()
