"""The desk's pages on the demo requests read as a newcomer expects (issue 13's review walk):
channels by name, a quote's rate with its currency, a proposed move offered once, a move's
reason and clock words in one sentence."""

import re

import pytest
from sqlalchemy import select

from catalog.accounts.cli import DEMO_PASSWORD
from catalog.extensions import db
from catalog.forum.models import Thread
from catalog.support.tickets.models import Ticket


@pytest.fixture
def demo(app, runner):
    """The demo world with its issue-13 requests."""
    result = runner.invoke(args=["load-demo"])
    assert result.exit_code == 0, result.output


def _reference(app, **where) -> str:
    """The reference of the one demo ticket matching ``where`` (column = value)."""
    with app.app_context():
        statement = select(Ticket.reference).filter_by(**where)
        return db.session.scalars(statement).one()


def _page(client, url: str) -> str:
    """The page's text as served."""
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_queue_and_the_ticket_name_the_channel_not_its_key(app, client, auth, demo):
    auth.login("staff@example.com", DEMO_PASSWORD)
    queue = _page(client, "/support/tickets?channel=any")
    assert "· Developer / ISV support ·" in queue
    assert "· Professional support ·" in queue
    assert not re.search(r"· (isv|professional|consulting) ·", queue)
    reference = _reference(app, channel="isv", forum_thread_id=None)
    page = _page(client, f"/support/tickets/{reference}")
    assert "Bare-Metal Restore · Developer / ISV support · severity 3" in page


def test_the_timeline_says_a_quotes_rate_in_the_currency_and_its_day_in_words(
    app, client, auth, demo
):
    auth.login("customer@example.com", DEMO_PASSWORD)
    reference = _reference(app, status="awaiting_approval")
    page = _page(client, f"/support/tickets/{reference}")
    assert "sent a quote: 12 h at €150.00 per hour, done by " in page
    assert "at 150 per hour" not in page
    assert not re.search(r"done by \d{4}-\d\d-\d\d", page)


def test_a_proposed_take_over_is_not_offered_again_while_it_waits(app, client, auth, demo):
    reference = _escalated(app)
    auth.login("staff@example.com", DEMO_PASSWORD)
    page = _page(client, f"/support/tickets/{reference}")
    assert "Take over into professional support" in page
    response = auth.post(
        f"/support/tickets/{reference}/move/professional", {"reason": "The plan covers it."}
    )
    assert response.status_code == 302
    page = _page(client, f"/support/tickets/{reference}")
    assert "Waiting for the customer — withdraw…" in page
    assert "Take over into professional support" not in page


def test_a_moves_reason_and_its_clock_words_read_as_one_sentence(app, client, auth, demo):
    auth.login("customer@example.com", DEMO_PASSWORD)
    page = _page(client, f"/support/tickets/{_escalated(app)}")
    assert "response targets; the developer&#39;s clock started." in page
    assert ".;" not in page


def _escalated(app) -> str:
    """The demo's request thread that was moved to the developer."""
    with app.app_context():
        statement = select(Ticket.reference).where(Ticket.forum_thread_id.is_not(None))
        return db.session.scalars(statement).one()


def test_an_escalated_request_thread_no_longer_promises_only_a_best_effort(app, client, auth, demo):
    with app.app_context():
        threads = db.session.execute(
            select(Thread.id, Thread.reference).where(Thread.reference.is_not(None))
        ).all()
    escalated = _escalated(app)
    auth.login("customer@example.com", DEMO_PASSWORD)
    for thread_id, reference in threads:
        page = _page(client, f"/forum/t/{thread_id}")
        assert "this is <em>your</em> request" in page
        promise = "no response time applies" in page
        assert promise == (reference != escalated), reference
