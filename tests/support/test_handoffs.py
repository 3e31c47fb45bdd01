"""Hand-offs through operations and the web: each move, the clocks and quota, notices, rights."""

import html
import json
import re
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from zoneinfo import ZoneInfo

from catalog.accounts.models import User
from catalog.db import utcnow
from catalog.extensions import db
from catalog.forum import operations as forum_operations
from catalog.forum.models import Thread
from catalog.forum.sections import ensure_app_section
from catalog.marketplace.models import App
from catalog.support.handoffs import assess
from catalog.support.handoffs import operations
from catalog.support.handoffs import queries
from catalog.support.handoffs.operations import HandoffError
from catalog.support.plans.models import IncidentUsage
from catalog.support.plans.models import Subscription
from catalog.support.tickets import clocks
from catalog.support.tickets.models import Handoff
from catalog.support.tickets.models import Ticket
from catalog.support.tickets.operations import open_ticket
from catalog.support.wizard.intake import assess as route_request
from catalog.ticketmail.models import MailOutbox
from tests.conftest import make_user
from tests.support.conftest import ISV_APP
from tests.support.conftest import PRO_APP
from tests.support.conftest import WEDNESDAY
from tests.support.conftest import customer
from tests.support.conftest import subscribe

SHOWN_RE = re.compile(r'name="shown" type="hidden" value="([^"]*)"|value="([^"]*)" name="shown"')


def _user(email: str) -> User:
    return db.session.scalar(db.select(User).where(User.email == email))


def _ticket(reference: str) -> Ticket:
    return db.session.scalar(db.select(Ticket).where(Ticket.reference == reference))


def _app(slug: str) -> App:
    return db.session.scalar(db.select(App).where(App.slug == slug))


def _isv_ticket(app, email: str, now: datetime, slug: str = PRO_APP) -> str:
    """An ISV ticket opened through the router (the customer has no plan yet)."""
    with app.app_context():
        user = _user(email)
        intake = route_request(_app(slug), user, 2, "incident", now)
        assert intake.decision.channel == "isv"
        reference = open_ticket(intake, user, "Sync fails", "It fails.", now, "SUP").reference
        db.session.commit()
        return reference


def _move(app, reference: str, email: str, target: str, now: datetime) -> Ticket:
    """The customer's own move, as the view makes it (preview, then move)."""
    ticket = _ticket(reference)
    user = _user(email)
    shown = assess.preview(queries.ticket_subject(ticket), target, user, now)
    return operations.move(user, target, shown, now, ticket=ticket)


def _accept(handoff: Handoff, email: str, now: datetime) -> Ticket:
    """The customer accepts a proposal after seeing its preview."""
    user = _user(email)
    subject = queries.ticket_subject(handoff.ticket)
    shown = assess.preview(subject, handoff.target_channel, user, now)
    return operations.accept(handoff, user, shown, now)


def _propose(reference: str, email: str, party: str, target: str, now: datetime) -> Handoff:
    ticket = _ticket(reference)
    found, _ = assess.facts(queries.ticket_subject(ticket), ticket.requester, now)
    return operations.propose(_user(email), party, target, "Because.", found, now, ticket=ticket)


def _usage(subscription_id: int) -> int:
    return db.session.scalar(
        db.select(IncidentUsage.used).where(IncidentUsage.subscription_id == subscription_id)
    )


def _mail_to(address: str) -> list[str]:
    rows = db.session.scalars(db.select(MailOutbox).order_by(MailOutbox.id))
    return [row.subject for row in rows if address in row.recipients]


def test_isv_ticket_moved_to_professional_keeps_its_reference_restarts_clocks_and_claims_quota(
    app, apps
):
    reference = _isv_ticket(app, apps["customer"], WEDNESDAY)
    subscription = subscribe(app, apps["customer"])
    later = WEDNESDAY + timedelta(hours=2)
    with app.app_context():
        isv_due = _ticket(reference).clocks[0].due_at
        # Severity 2: 8 business hours on Prague office hours from Wed 10:00 → Thu 10:00.
        assert isv_due == datetime(2026, 3, 5, 9, 0, tzinfo=UTC)
        ticket = _move(app, reference, apps["customer"], "professional", later)
        db.session.commit()
        ticket = _ticket(reference)
        assert (ticket.channel, ticket.status, ticket.reference) == (
            "professional",
            "new",
            reference,
        )
        assert ticket.subscription_id == subscription and ticket.terms_snapshot["name"] == "Level 2"
        assert {clock.started_at for clock in ticket.clocks} == {later}
        expected = {
            spec.target: clocks.preview(spec, later).due
            for spec in clocks.clock_specs(ticket.terms_snapshot, 2)
        }
        assert {clock.target: clock.due_at for clock in ticket.clocks} == expected
        move = ticket.handoffs[0]
        assert (move.source_channel, move.target_channel, move.clock_policy) == (
            "isv",
            "professional",
            "restart",
        )
        assert move.previous_snapshot["source"] == "isv"
        assert move.previous_clocks[0]["due_at"] == isv_due.isoformat()
        assert _usage(subscription) == 1
        event = ticket.events[-1]
        assert (event.action, event.detail["from_channel"]) == ("moved", "isv")
        # Every party: the customer, the new agents (staff) and the old ones (the developer).
        assert any("Moved to professional support" in s for s in _mail_to(apps["staff"]))
        assert any("Moved to professional support" in s for s in _mail_to(apps["isv_a"]))


def test_professional_to_consulting_returns_the_incident_and_back_carries_the_clocks(app, apps):
    reference = _isv_ticket(app, apps["customer"], WEDNESDAY)
    subscription = subscribe(app, apps["customer"])
    with app.app_context():
        _move(app, reference, apps["customer"], "professional", WEDNESDAY)
        db.session.commit()
        professional = {c.target: (c.started_at, c.due_at) for c in _ticket(reference).clocks}
        to_consulting = _propose(reference, apps["staff"], "staff", "consulting", WEDNESDAY)
        db.session.commit()
        away_from = WEDNESDAY + timedelta(hours=1)
        _accept(to_consulting, apps["customer"], away_from)
        db.session.commit()
        ticket = _ticket(reference)
        assert (ticket.channel, ticket.kind, ticket.clocks) == ("consulting", "custom", [])
        assert _usage(subscription) == 0 and ticket.counts_as_incident is False
        assert {row["target"] for row in to_consulting.previous_clocks} == set(professional)

        back_at = away_from + timedelta(days=1)
        _move(app, reference, apps["customer"], "professional", back_at)
        db.session.commit()
        ticket = _ticket(reference)
        back = ticket.handoffs[-1]
        assert (ticket.channel, back.clock_policy) == ("professional", "carry")
        assert _usage(subscription) == 1 and ticket.counts_as_incident is True
        for clock in ticket.clocks:
            started, due = professional[clock.target]
            assert clock.started_at == started  # the original start comes back
            spec = clocks.ClockSpec(clock.target, clock.minutes, clock.calendar)
            assert clock.due_at == clocks.schedule(spec, started, [(away_from, back_at)])[1]
            assert clock.due_at > due  # the day in consulting was not counted


def test_professional_to_isv_returns_the_incident(app, apps):
    reference = _isv_ticket(app, apps["customer"], WEDNESDAY)
    subscription = subscribe(app, apps["customer"])
    with app.app_context():
        _move(app, reference, apps["customer"], "professional", WEDNESDAY)
        handoff = _propose(reference, apps["staff"], "staff", "isv", WEDNESDAY)
        ticket = _accept(handoff, apps["customer"], WEDNESDAY + timedelta(hours=1))
        db.session.commit()
        assert ticket.channel == "isv" and ticket.subscription_id is None
        assert _usage(subscription) == 0
        assert ticket.clocks[0].started_at == WEDNESDAY + timedelta(hours=1)


def test_no_incident_left_refuses_the_move_with_a_sentence(app, client, auth, apps):
    reference = _isv_ticket(app, apps["customer"], utcnow())
    subscription_id = subscribe(app, apps["customer"])
    with app.app_context():
        plan = db.session.get(Subscription, subscription_id).plan
        month = utcnow().astimezone(ZoneInfo(plan.calendar["timezone"])).strftime("%Y-%m")
        # Five incidents were claimed this month (the usage row is what claims count on).
        db.session.add(IncidentUsage(subscription_id=subscription_id, month=month, used=5))
        db.session.commit()
    auth.login(apps["customer"])
    # The preview counts the claimed incidents too: it says so and offers no move.
    page = client.get(f"/support/tickets/{reference}/move/professional").get_data(as_text=True)
    assert "Your organisation has used all of this month&#39;s incidents." in page
    assert "none is left" in page and SHOWN_RE.search(page) is None
    # A forged confirmation is refused (the router's refusal, re-run on the post).
    response = auth.post(f"/support/tickets/{reference}/move/professional", {"shown": "forged"})
    assert response.status_code in (400, 409)
    assert "used all of this month" in response.get_data(as_text=True)
    with app.app_context():
        assert _ticket(reference).channel == "isv" and _ticket(reference).handoffs == []
        assert _usage(subscription_id) == 5


def test_customer_sees_the_new_due_times_before_moving_and_a_changed_preview_is_shown_again(
    app, client, auth, apps
):
    reference = _isv_ticket(app, apps["customer"], utcnow())
    subscribe(app, apps["customer"])
    auth.login(apps["customer"])
    page = client.get(f"/support/tickets/{reference}/move/professional").get_data(as_text=True)
    assert "First response" in page and "Uses one of this month's 5 incidents; 4 will be left." in (
        html.unescape(page)
    )
    stale = json.dumps({"target": "professional", "due": {}})
    response = auth.post(f"/support/tickets/{reference}/move/professional", {"shown": stale})
    assert response.status_code == 409 and "changed since the page was shown" in (
        response.get_data(as_text=True)
    )
    shown = html.unescape(SHOWN_RE.search(page).group(1) or SHOWN_RE.search(page).group(2))
    response = auth.post(f"/support/tickets/{reference}/move/professional", {"shown": shown})
    assert response.status_code == 302
    with app.app_context():
        assert _ticket(reference).channel == "professional"
    page = client.get(f"/support/tickets/{reference}").get_data(as_text=True)
    assert "Moved from the developer to professional support" in page


def test_proposal_is_accepted_declined_or_withdrawn_and_a_new_one_withdraws_the_old(
    app, client, auth, apps
):
    reference = _isv_ticket(app, apps["customer"], utcnow())
    auth.login(apps["isv_a"])
    response = auth.post(f"/support/tickets/{reference}/move/consulting", {"reason": ""})
    assert response.status_code == 400 and "Say why" in response.get_data(as_text=True)
    response = auth.post(f"/support/tickets/{reference}/move/consulting", {"reason": "Custom."})
    assert response.status_code == 302
    response = auth.post(f"/support/tickets/{reference}/move/consulting", {"reason": "Again."})
    with app.app_context():
        first, second = _ticket(reference).handoffs
        assert (first.status, second.status) == ("withdrawn", "proposed")
        assert any("Move proposed" in s for s in _mail_to(apps["customer"]))
    auth.logout()
    auth.login(apps["customer"])
    page = client.get(f"/support/handoffs/{second.id}").get_data(as_text=True)
    assert "Again." in page and "quote sets the dates" in html.unescape(page)
    assert auth.post(f"/support/handoffs/{second.id}/withdraw").status_code == 403
    assert auth.post(f"/support/handoffs/{second.id}/decline").status_code == 302
    with app.app_context():
        assert db.session.get(Handoff, second.id).status == "declined"
        assert _ticket(reference).channel == "isv"
        assert any("Declined" in s or "declined" in s for s in _mail_to(apps["isv_a"]))
    auth.logout()
    auth.login(apps["isv_a"])
    auth.post(f"/support/tickets/{reference}/move/consulting", {"reason": "Third."})
    with app.app_context():
        third = _ticket(reference).handoffs[-1].id
    assert auth.post(f"/support/handoffs/{third}/withdraw").status_code == 302
    with app.app_context():
        assert db.session.get(Handoff, third).status == "withdrawn"


def test_staff_take_over_an_isv_ticket_and_a_closed_ticket_cannot_move(app, client, auth, apps):
    reference = _isv_ticket(app, apps["customer"], utcnow())
    subscribe(app, apps["customer"])
    auth.login(apps["staff"])
    page = client.get(f"/support/tickets/{reference}").get_data(as_text=True)
    assert "Take over into professional support" in page  # staff observe ISV tickets
    response = auth.post(f"/support/tickets/{reference}/move/professional", {"reason": "Ours."})
    assert response.status_code == 302
    with app.app_context():
        _ticket(reference).status = "closed"
        db.session.commit()
    page = client.get(f"/support/tickets/{reference}/move/professional").get_data(as_text=True)
    assert "A closed request cannot move" in page


def test_other_organisations_and_vendors_get_404(app, client, auth, apps):
    reference = _isv_ticket(app, apps["customer"], utcnow())
    with app.app_context():
        handoff = _propose(reference, apps["staff"], "staff", "consulting", utcnow())
        db.session.commit()
        handoff_id = handoff.id
    customer(app, "other@example.com")
    for email in ("other@example.com", apps["isv_b"]):
        auth.login(email)
        assert client.get(f"/support/tickets/{reference}/move/professional").status_code == 404
        assert client.get(f"/support/handoffs/{handoff_id}").status_code == 404
        assert auth.post(f"/support/handoffs/{handoff_id}/accept").status_code == 404
        auth.logout()
    auth.login(apps["customer"])
    assert client.get(f"/support/tickets/{reference}/move/forum_casual").status_code == 404
    assert client.get(f"/support/tickets/{reference}/move/consulting").status_code == 403


def test_moves_need_a_csrf_token(app, client, auth, apps):
    reference = _isv_ticket(app, apps["customer"], utcnow())
    app.config["WTF_CSRF_ENABLED"] = True
    auth.login(apps["isv_a"])
    response = client.post(f"/support/tickets/{reference}/move/consulting", data={"reason": "x"})
    assert response.status_code == 400
    with app.app_context():
        assert _ticket(reference).handoffs == []


def _thread(app, email: str, slug: str = PRO_APP) -> int:
    with app.app_context():
        section = ensure_app_section(_app(slug), utcnow())
        thread = forum_operations.start_thread(
            section, _user(email), "Export hangs", "The export hangs at 99 %.", utcnow()
        )
        db.session.commit()
        return thread.id


def test_thread_escalated_by_its_author_becomes_an_isv_ticket_under_the_threads_reference(
    app, client, auth, apps
):
    thread_id = _thread(app, apps["customer"])
    auth.login(apps["customer"])
    page = client.get(f"/forum/t/{thread_id}").get_data(as_text=True)
    assert f"/support/threads/{thread_id}/escalate" in page
    page = client.get(f"/support/threads/{thread_id}/escalate").get_data(as_text=True)
    shown = html.unescape(SHOWN_RE.search(page).group(1) or SHOWN_RE.search(page).group(2))
    response = auth.post(f"/support/threads/{thread_id}/escalate", {"shown": shown})
    assert response.status_code == 302
    with app.app_context():
        thread = db.session.get(Thread, thread_id)
        ticket = _ticket(thread.reference)
        assert (ticket.channel, ticket.forum_thread_id, ticket.number) == (
            "isv",
            thread_id,
            thread.support_number,
        )
        assert ticket.messages[0].body == "The export hangs at 99 %." and thread.locked
        assert ticket.title == "Export hangs" and ticket.clocks
        assert any("Moved to the developer" in s for s in _mail_to(apps["isv_a"]))
    page = client.get(f"/forum/t/{thread_id}").get_data(as_text=True)
    assert (
        "Escalated to the developer as" in page and f"/support/tickets/{ticket.reference}" in page
    )
    auth.logout()
    auth.login(apps["isv_b"])  # another vendor reads the thread but gets no link to the ticket
    page = client.get(f"/forum/t/{thread_id}").get_data(as_text=True)
    assert ticket.reference in page and f"/support/tickets/{ticket.reference}" not in page


def test_developer_proposes_escalating_a_thread_and_its_author_is_mailed_and_accepts(
    app, client, auth, apps
):
    thread_id = _thread(app, apps["customer"])
    make_user(app, "dev2@northwind.example", "isv", "northwind-software")
    auth.login(apps["isv_a"])
    response = auth.post(f"/support/threads/{thread_id}/escalate", {"reason": "Needs a log."})
    assert response.status_code == 302
    with app.app_context():
        handoff = db.session.scalar(db.select(Handoff).where(Handoff.thread_id == thread_id))
        thread = db.session.get(Thread, thread_id)
        assert handoff.ticket_id is None and handoff.reference == thread.reference
        assert any(thread.reference in s for s in _mail_to(apps["customer"]))
        handoff_id = handoff.id
    auth.logout()
    auth.login(apps["customer"])
    page = client.get(f"/support/handoffs/{handoff_id}").get_data(as_text=True)
    shown = html.unescape(SHOWN_RE.search(page).group(1) or SHOWN_RE.search(page).group(2))
    assert auth.post(f"/support/handoffs/{handoff_id}/accept", {"shown": shown}).status_code == 302
    with app.app_context():
        ticket = db.session.get(Handoff, handoff_id).ticket
        assert ticket.reference == db.session.get(Thread, thread_id).reference
        assert ticket.requester.email == apps["customer"]


def test_a_thread_of_an_app_without_isv_tickets_here_cannot_be_escalated(app, client, auth, apps):
    thread_id = _thread(app, apps["customer"], slug=ISV_APP)
    with app.app_context():
        terms = _app(ISV_APP).terms
        terms.isv_contact_url = "https://vendor.example/support"
        db.session.commit()
    auth.login(apps["customer"])
    assert client.get(f"/support/threads/{thread_id}/escalate").status_code == 404


def test_accepting_twice_is_refused(app, apps):
    reference = _isv_ticket(app, apps["customer"], WEDNESDAY)
    with app.app_context():
        handoff = _propose(reference, apps["staff"], "staff", "consulting", WEDNESDAY)
        db.session.commit()
        operations.decline(handoff, _user(apps["customer"]), WEDNESDAY)
        try:
            operations.decline(handoff, _user(apps["customer"]), WEDNESDAY)
        except HandoffError as error:
            assert "already decided" in str(error)
        else:
            raise AssertionError("a second decision went through")
        db.session.rollback()
