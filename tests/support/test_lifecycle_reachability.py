"""Every move the lifecycle table allows is offered on the real ticket page, and nothing else.

For each channel and status, the ticket page is rendered for the customer, the agent and (on an
ISV ticket) an operator observer. The page's forms are read: a status button reaches its
``target``; a quote's Approve reaches In progress and its Decline reaches Triaged; the staff's
quote form reaches Awaiting approval (from New it first marks the ticket triaged). The set of
statuses reached must equal what ``lifecycle.refusal`` allows that role from that status.
"""

from datetime import timedelta
from decimal import Decimal
from html.parser import HTMLParser

import pytest

from catalog.accounts.models import User
from catalog.db import utcnow
from catalog.extensions import db
from catalog.support.tickets import quotes
from catalog.support.tickets.lifecycle import DESTRUCTIVE
from catalog.support.tickets.lifecycle import STATUSES
from catalog.support.tickets.lifecycle import moves
from catalog.support.tickets.lifecycle import note_problem
from catalog.support.tickets.lifecycle import quote_move
from catalog.support.tickets.lifecycle import refusal
from catalog.support.tickets.models import Ticket
from tests.support.conftest import ISV_APP
from tests.support.conftest import PRO_APP
from tests.support.tickets import make_ticket

CHANNEL_APPS = {"isv": ISV_APP, "professional": PRO_APP, "consulting": PRO_APP}
# Who stands where on each channel's ticket: role on the ticket → account in ``world``.
SIDES = {
    "isv": {"customer": "customer", "agent": "isv_b", "observer": "staff"},
    "professional": {"customer": "customer", "agent": "staff"},
    "consulting": {"customer": "customer", "agent": "staff"},
}


class Forms(HTMLParser):
    """The forms of a page: each form's action, hidden values and submit buttons' values."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self.ids: list[str] = []

    def handle_starttag(self, tag, attrs):
        """Note forms, their hidden inputs and buttons, and every element id."""
        attrs = dict(attrs)
        if "id" in attrs and attrs.get("type") != "hidden":  # WTForms ids every CSRF field alike
            self.ids.append(attrs["id"])
        if tag == "form":
            self.forms.append({"action": attrs.get("action", ""), "hidden": {}, "buttons": []})
        elif self.forms and tag == "input" and attrs.get("type") == "hidden":
            self.forms[-1]["hidden"][attrs.get("name")] = attrs.get("value")
        elif self.forms and tag == "button":
            self.forms[-1]["buttons"].append((attrs.get("name"), attrs.get("value")))


def reached(html: str, reference: str, status: str) -> tuple[set[str], list[str]]:
    """The statuses the page's forms move the ticket to, and the page's element ids."""
    parser = Forms()
    parser.feed(html)
    targets = set()
    for form in parser.forms:
        action = form["action"]
        if action == f"/support/tickets/{reference}/status":
            targets |= {value for name, value in form["buttons"] if name == "target"}
        elif action.startswith(f"/support/tickets/{reference}/quotes/"):
            decision = form["hidden"].get("decision")
            targets.add({"approve": "in_progress", "decline": "triaged"}[decision])
        elif action == f"/support/tickets/{reference}/quotes":
            targets.add("triaged" if status == "new" else "awaiting_approval")
    return targets, parser.ids


def allowed(channel: str, status: str, role: str) -> set[str]:
    """What the table lets ``role`` do; an open quote is what makes consulting approval possible."""
    quote_open = channel == "consulting" and status == "awaiting_approval"
    return {
        target
        for target in STATUSES
        if refusal(channel, status, target, role, quote_approved=quote_open) is None
    }


def ticket_in(app, world, channel: str, status: str) -> str:
    """A ticket of the world's customer in ``status``; a consulting one awaiting approval has a
    proposed quote, as the quote form is the only way there."""
    with app.app_context():
        customer_id = db.session.scalar(db.select(User.id).where(User.email == world["customer"]))
    if not (channel == "consulting" and status == "awaiting_approval"):
        return make_ticket(app, customer_id, channel, CHANNEL_APPS[channel], status)
    reference = make_ticket(app, customer_id, channel, CHANNEL_APPS[channel], "triaged")
    with app.app_context():
        ticket = db.session.scalar(db.select(Ticket).where(Ticket.reference == reference))
        staff = db.session.scalar(db.select(User).where(User.email == world["staff"]))
        quotes.propose(
            ticket,
            staff,
            Decimal("150"),
            Decimal("4"),
            utcnow().date() + timedelta(days=30),
            "",
            utcnow(),
        )
        db.session.commit()
    return reference


@pytest.mark.parametrize("channel", sorted(CHANNEL_APPS))
@pytest.mark.parametrize("status", list(STATUSES))
def test_every_allowed_move_is_on_the_page_and_no_other(app, auth, apps, channel, status):
    reference = ticket_in(app, apps, channel, status)
    for role, account in SIDES[channel].items():
        auth.login(apps[account])
        response = auth._client.get(f"/support/tickets/{reference}")
        assert response.status_code == 200
        targets, ids = reached(response.get_data(as_text=True), reference, status)
        assert targets == allowed(channel, status, role), (channel, status, role)
        assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
        auth.logout()


def test_the_customer_approves_a_consulting_quote_and_work_starts(app, auth, apps):
    reference = ticket_in(app, apps, "consulting", "awaiting_approval")
    auth.login(apps["customer"])
    html = auth._client.get(f"/support/tickets/{reference}").get_data(as_text=True)
    assert "Approve the quote and start work" in html and "Decline this quote" in html
    assert "as the customer should read it" not in html
    quote_id = html.split(f"/support/tickets/{reference}/quotes/")[1].split('"')[0]
    answer = auth.post(f"/support/tickets/{reference}/quotes/{quote_id}", {"decision": "approve"})
    assert answer.status_code == 302
    html = auth._client.get(f"/support/tickets/{reference}").get_data(as_text=True)
    assert "In progress" in html and "approved the quote" in html


def test_a_declined_quote_goes_back_to_triage_with_the_customers_words(app, auth, apps):
    reference = ticket_in(app, apps, "consulting", "awaiting_approval")
    auth.login(apps["customer"])
    html = auth._client.get(f"/support/tickets/{reference}").get_data(as_text=True)
    quote_id = html.split(f"/support/tickets/{reference}/quotes/")[1].split('"')[0]
    auth.post(
        f"/support/tickets/{reference}/quotes/{quote_id}",
        {"decision": "decline", "decline_note": "Four hours is too many."},
    )
    with app.app_context():
        ticket = db.session.scalar(db.select(Ticket).where(Ticket.reference == reference))
        assert ticket.status == "triaged" and ticket.quotes[0].status == "declined"
    html = auth._client.get(f"/support/tickets/{reference}").get_data(as_text=True)
    assert "declined the quote: Four hours is too many." in html


def test_staff_cannot_ask_to_approve_a_consulting_estimate_without_a_quote(app, auth, apps):
    reference = ticket_in(app, apps, "consulting", "triaged")
    auth.login(apps["staff"])
    answer = auth.post(
        f"/support/tickets/{reference}/status", {"target": "awaiting_approval", "note": "4 h"}
    )
    assert answer.status_code == 400
    assert "send a quote" in answer.get_data(as_text=True)


def test_an_estimate_for_approval_needs_its_words(app, auth, apps):
    reference = ticket_in(app, apps, "professional", "triaged")
    auth.login(apps["staff"])
    answer = auth.post(f"/support/tickets/{reference}/status", {"target": "awaiting_approval"})
    assert answer.status_code == 400
    assert "Write the estimate the customer is asked to approve." in answer.get_data(as_text=True)
    auth.post(
        f"/support/tickets/{reference}/status",
        {"target": "awaiting_approval", "note": "Two days to patch."},
    )
    auth.logout()
    auth.login(apps["customer"])
    html = auth._client.get(f"/support/tickets/{reference}").get_data(as_text=True)
    assert "The estimate to approve" in html and "Two days to patch." in html
    assert "Approve and start work" in html


def test_a_quote_dated_in_the_past_is_refused_next_to_the_date(app, auth, apps):
    reference = ticket_in(app, apps, "consulting", "triaged")
    auth.login(apps["staff"])
    yesterday = (utcnow() - timedelta(days=2)).date().isoformat()
    answer = auth.post(
        f"/support/tickets/{reference}/quotes",
        {"rate": "150", "hours": "4", "completion_on": yesterday, "quote_note": "Upgrade"},
    )
    html = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert 'id="completion_on-error"' in html and "cannot be in the past" in html
    assert "Upgrade</textarea>" in html
    with app.app_context():
        ticket = db.session.scalar(db.select(Ticket).where(Ticket.reference == reference))
        assert ticket.quotes == [] and ticket.status == "triaged"


@pytest.mark.parametrize(
    "channel,current,target,actor,expected",
    [
        ("consulting", "triaged", "awaiting_approval", "agent", True),
        ("consulting", "awaiting_approval", "in_progress", "customer", True),
        ("consulting", "awaiting_approval", "triaged", "customer", True),
        ("consulting", "awaiting_approval", "triaged", "agent", False),
        ("professional", "triaged", "awaiting_approval", "agent", False),
        ("isv", "awaiting_approval", "in_progress", "customer", False),
    ],
)
def test_quote_moves_are_the_consulting_approval_steps(channel, current, target, actor, expected):
    assert quote_move(channel, current, target, actor) is expected


def test_withdrawing_is_the_destructive_move_and_agents_write_what_they_deliver():
    assert {m.target for m in moves("isv", "new", "customer") if m.destructive} == {"closed"}
    assert not any(m.destructive for m in moves("isv", "resolved", "customer"))
    assert {(s, "closed") for s in ("new", "triaged", "awaiting_approval")} == DESTRUCTIVE
    assert note_problem("awaiting_approval", "agent", " ") is not None
    assert note_problem("awaiting_approval", "customer", "") is None
    assert note_problem("in_progress", "agent", "") is None


def test_a_consulting_ticket_is_neither_classified_nor_worked_around(app, auth, apps):
    reference = ticket_in(app, apps, "consulting", "in_progress")
    auth.login(apps["staff"])
    html = auth._client.get(f"/support/tickets/{reference}").get_data(as_text=True)
    assert "Classify the incident" not in html and "Record a workaround" not in html
    assert "Record the resolution" in html
    classified = auth.post(f"/support/tickets/{reference}/classify", {"classification": "product"})
    worked_around = auth.post(
        f"/support/tickets/{reference}/status",
        {"target": "workaround_provided", "note": "Use the old export."},
    )
    assert (classified.status_code, worked_around.status_code) == (400, 400)
    with app.app_context():
        ticket = db.session.scalar(db.select(Ticket).where(Ticket.reference == reference))
        assert (ticket.classification, ticket.status) == (None, "in_progress")
