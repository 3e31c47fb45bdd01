"""Hand-offs under attack: moves raced by another request, and what a move may carry along."""

import html
from datetime import timedelta

import pytest
from sqlalchemy import update

from catalog.db import utcnow
from catalog.extensions import db
from catalog.forum.models import Post
from catalog.forum.models import Thread
from catalog.support.handoffs import assess
from catalog.support.handoffs import operations
from catalog.support.handoffs import queries
from catalog.support.handoffs import rules
from catalog.support.handoffs.operations import HandoffError
from catalog.support.handoffs.rules import CUSTOMER
from catalog.support.handoffs.rules import ISV
from catalog.support.handoffs.rules import ISV_MEMBER
from catalog.support.handoffs.rules import PROFESSIONAL
from catalog.support.handoffs.rules import STAFF
from catalog.support.handoffs.rules import Facts
from catalog.support.plans.models import IncidentUsage
from catalog.support.plans.models import NamedContact
from catalog.support.tickets.lifecycle import AGENT
from catalog.support.tickets.models import Ticket
from catalog.support.tickets.operations import reply
from tests.support.conftest import WEDNESDAY
from tests.support.conftest import subscribe
from tests.support.test_handoffs import _accept
from tests.support.test_handoffs import _isv_ticket
from tests.support.test_handoffs import _move
from tests.support.test_handoffs import _propose
from tests.support.test_handoffs import _thread
from tests.support.test_handoffs import _ticket
from tests.support.test_handoffs import _user


def _used(subscription_id: int) -> int:
    used = db.session.scalar(
        db.select(IncidentUsage.used).where(IncidentUsage.subscription_id == subscription_id)
    )
    return used or 0


def test_a_move_made_meanwhile_elsewhere_is_refused_and_claims_no_second_incident(app, apps):
    reference = _isv_ticket(app, apps["customer"], WEDNESDAY)
    subscription = subscribe(app, apps["customer"])
    later = WEDNESDAY + timedelta(hours=1)
    with app.app_context():
        ticket = _ticket(reference)
        user = _user(apps["customer"])
        shown = assess.preview(queries.ticket_subject(ticket), "professional", user, later)
        # A second tab's move committed after this request read the ticket as an ISV ticket.
        db.session.execute(
            update(Ticket)
            .where(Ticket.id == ticket.id)
            .values(channel="professional")
            .execution_options(synchronize_session=False)
        )
        with pytest.raises(HandoffError, match="moved meanwhile"):
            operations.move(user, "professional", shown, later, ticket=ticket)
        assert _used(subscription) == 0
        db.session.rollback()


def _escalate(thread_id: int, email: str, now) -> Ticket:
    thread = db.session.get(Thread, thread_id)
    user = _user(email)
    shown = assess.preview(queries.thread_subject(thread), "isv", user, now)
    return operations.move(user, "isv", shown, now, thread=thread, prefix="SUP")


def test_a_thread_escalated_meanwhile_elsewhere_is_refused_not_a_server_error(app, apps):
    thread_id = _thread(app, apps["customer"])
    with app.app_context():
        _escalate(thread_id, apps["customer"], utcnow())
        db.session.commit()
        # A second tab read the thread before the first tab's ticket existed.
        with pytest.raises(HandoffError, match="escalated meanwhile"):
            _escalate(thread_id, apps["customer"], utcnow())
        db.session.rollback()
        assert (
            db.session.scalar(
                db.select(db.func.count(Ticket.id)).where(Ticket.forum_thread_id == thread_id)
            )
            == 1
        )


def test_a_hidden_opening_post_is_not_copied_into_the_escalated_ticket(app, apps):
    thread_id = _thread(app, apps["customer"])
    with app.app_context():
        opening = db.session.scalar(db.select(Post).where(Post.thread_id == thread_id))
        opening.hidden = True  # a moderator hid it
        db.session.commit()
        ticket = _escalate(thread_id, apps["customer"], utcnow())
        db.session.commit()
        assert [message.body for message in ticket.messages] == ["Export hangs"]


def test_staff_internal_notes_stay_the_operators_when_the_ticket_moves_to_the_developer(
    app, client, auth, apps
):
    reference = _isv_ticket(app, apps["customer"], WEDNESDAY)
    subscribe(app, apps["customer"])
    with app.app_context():
        ticket = _ticket(reference)
        isv_note = reply(
            ticket, _user(apps["isv_a"]), AGENT, "Developer aside.", [], WEDNESDAY, internal=True
        )
        _move(app, reference, apps["customer"], "professional", WEDNESDAY + timedelta(hours=1))
        staff_note = reply(
            _ticket(reference),
            _user(apps["staff"]),
            AGENT,
            "Operator aside: their contract ends soon.",
            [("aside.txt", "text/plain", b"operator only")],
            WEDNESDAY + timedelta(hours=2),
            internal=True,
        )
        handoff = _propose(reference, apps["staff"], "staff", "isv", WEDNESDAY + timedelta(hours=3))
        _accept(handoff, apps["customer"], WEDNESDAY + timedelta(hours=4))
        db.session.commit()
        attachment_id = staff_note.attachments[0].id
        assert isv_note.id and _ticket(reference).channel == "isv"
    auth.login(apps["isv_a"])
    page = client.get(f"/support/tickets/{reference}").get_data(as_text=True)
    assert "Developer aside." in page
    assert "Operator aside" not in page and "aside.txt" not in page
    download = client.get(f"/support/tickets/{reference}/attachments/{attachment_id}")
    assert download.status_code == 404
    auth.logout()
    auth.login(apps["staff"])  # the operator's staff observe the ISV ticket: they read both
    page = client.get(f"/support/tickets/{reference}").get_data(as_text=True)
    assert "Developer aside." in page and "Operator aside" in page


def test_the_developer_proposing_professional_support_learns_nothing_of_the_customers_plan(
    app, client, auth, apps
):
    reference = _isv_ticket(app, apps["customer"], utcnow())
    subscribe(app, apps["customer"])
    auth.login(apps["isv_a"])
    page = client.get(f"/support/tickets/{reference}/move/professional").get_data(as_text=True)
    assert "Propose moving the request to professional support" in page
    assert "Level 2" not in page and "incidents" not in page
    with app.app_context():  # a customer without a plan: the developer is not told why
        db.session.execute(db.delete(NamedContact))
        db.session.commit()
    page = client.get(f"/support/tickets/{reference}/move/professional").get_data(as_text=True)
    page = html.unescape(page)
    assert "named support contact" not in page and "Your organisation" not in page
    assert "The customer's plan does not let professional support take it now." in page


@pytest.mark.parametrize("party", [CUSTOMER, STAFF])
def test_the_customer_and_staff_are_told_why_professional_support_cannot_take_it(party):
    blocked = Facts(professional_blocker="You are not a named support contact.")
    words = rules.refusal(
        ISV, PROFESSIONAL, party, "direct" if party == CUSTOMER else "propose", blocked
    )
    assert words == "You are not a named support contact."


def test_the_developer_is_told_only_that_the_plan_does_not_allow_it():
    blocked = Facts(professional_blocker="You are not a named support contact.")
    words = rules.refusal(ISV, PROFESSIONAL, ISV_MEMBER, "propose", blocked)
    assert words == "The customer's plan does not let professional support take it now."


def _race_to_move(uri: str, reference: str, email: str, barrier, results) -> None:
    """Read the ticket and its preview (every racer sees an ISV ticket), wait, then move it."""
    from catalog import create_app

    options = {"connect_args": {"timeout": 60}} if uri.startswith("sqlite") else {}
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": uri, "SECRET_KEY": "x", "SQLALCHEMY_ENGINE_OPTIONS": options}
    )
    with app.app_context():
        ticket, user = _ticket(reference), _user(email)
        when = WEDNESDAY + timedelta(hours=1)
        shown = assess.preview(queries.ticket_subject(ticket), "professional", user, when)
        barrier.wait(timeout=60)
        try:
            operations.move(user, "professional", shown, when, ticket=ticket)
            db.session.commit()
            results.put("moved")
        except HandoffError:
            db.session.rollback()
            results.put("refused")
        db.engine.dispose()


def test_three_tabs_moving_one_ticket_at_once_move_it_once_and_claim_one_incident(app, apps):
    import multiprocessing

    reference = _isv_ticket(app, apps["customer"], WEDNESDAY)
    subscription = subscribe(app, apps["customer"])
    with app.app_context():
        uri = app.config["SQLALCHEMY_DATABASE_URI"]
        db.engine.dispose()
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(3), context.Queue()
    racers = [
        context.Process(
            target=_race_to_move, args=(uri, reference, apps["customer"], barrier, results)
        )
        for _ in range(3)
    ]
    for racer in racers:
        racer.start()
    for racer in racers:
        racer.join(timeout=120)
    assert [racer.exitcode for racer in racers] == [0] * 3
    assert sorted(results.get(timeout=5) for _ in range(3)) == ["moved", "refused", "refused"]
    with app.app_context():
        assert _used(subscription) == 1
        assert len(_ticket(reference).handoffs) == 1


def test_proposals_on_one_request_are_bounded_a_day_so_the_customer_is_not_mailed_without_end(
    app, apps
):
    reference = _isv_ticket(app, apps["customer"], WEDNESDAY)
    with app.app_context():
        for hour in range(operations.MAX_PROPOSALS_A_DAY):
            _propose(
                reference, apps["isv_a"], "isv", "consulting", WEDNESDAY + timedelta(hours=hour)
            )
        db.session.commit()
        with pytest.raises(HandoffError, match="already proposed"):
            _propose(reference, apps["isv_a"], "isv", "consulting", WEDNESDAY + timedelta(hours=9))
        db.session.rollback()
        later = _propose(
            reference, apps["isv_a"], "isv", "consulting", WEDNESDAY + timedelta(hours=25)
        )
        assert later.status == "proposed"
        db.session.rollback()


def test_a_move_to_the_other_agent_side_leaves_the_ticket_unassigned(app, apps):
    reference = _isv_ticket(app, apps["customer"], WEDNESDAY)
    subscribe(app, apps["customer"])
    with app.app_context():
        _ticket(reference).assignee = _user(apps["isv_a"])
        db.session.commit()
        ticket = _move(app, reference, apps["customer"], "professional", WEDNESDAY)
        db.session.commit()
        # The developer's member no longer sees the ticket; staff pick who works it now.
        assert ticket.assignee is None
