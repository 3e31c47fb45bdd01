"""Staff on an ISV ticket are observers: they read it and its queue, and never write on it."""

import pytest
from sqlalchemy import select

from catalog.accounts.models import User
from catalog.extensions import db
from catalog.support.tickets.lifecycle import OBSERVER
from catalog.support.tickets.models import Ticket
from catalog.support.tickets.models import TicketMessage
from catalog.support.tickets.operations import TicketError
from catalog.support.tickets.operations import reply
from catalog.support.tickets.permissions import ticket_role
from catalog.ticketmail.models import MailOutbox
from tests.conftest import user_id
from tests.support.conftest import ISV_APP
from tests.support.tickets import make_ticket


@pytest.fixture
def isv_ticket(app, apps):
    """An ISV ticket of the customer's organisation (Contoso develops the app)."""
    return make_ticket(app, user_id(app, apps["customer"]), channel="isv", app_slug=ISV_APP)


@pytest.mark.parametrize("who", ["staff", "admin"])
def test_operator_staff_read_an_isv_ticket_without_any_form(
    app, client, auth, apps, isv_ticket, who
):
    auth.login(apps[who])
    response = client.get(f"/support/tickets/{isv_ticket}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "It broke." in html
    for action in ("/reply", "/status", "/classify", "/quotes", "/assign", "/retriage"):
        assert f'action="/support/tickets/{isv_ticket}{action}' not in html
    assert client.get(f"/support/tickets/{isv_ticket}/attachments/1").data == b"log"


WRITES = [
    ("reply", {"body": "Let me answer."}),
    ("status", {"target": "triaged"}),
    ("classify", {"classification": "product"}),
    ("quotes", {"rate": "150", "hours": "4", "completion_on": "2031-01-31"}),
    ("assign", {"assignee": "me"}),
    ("retriage", {"severity": "1", "kind": "incident", "reason": "Down."}),
    ("not-an-incident", {"reason": "Billing."}),
]


@pytest.mark.parametrize("path, data", WRITES, ids=[path for path, _ in WRITES])
def test_every_write_on_an_isv_ticket_is_403_for_an_observer(
    app, client, auth, apps, isv_ticket, path, data
):
    auth.login(apps["staff"])
    response = auth.post(f"/support/tickets/{isv_ticket}/{path}", data)
    assert response.status_code == 403
    with app.app_context():
        ticket = db.session.scalar(select(Ticket).where(Ticket.reference == isv_ticket))
        assert (ticket.status, ticket.severity, ticket.assignee_id) == ("new", 2, None)
        assert len(ticket.messages) == 1 and ticket.events == []


def test_an_observer_cannot_write_through_the_operation_either(app, apps, isv_ticket):
    """The mail path (``ticketmail.storing.append``) ends in ``reply``: it refuses an observer."""
    with app.app_context():
        staff = db.session.get(User, user_id(app, apps["staff"]))
        ticket = db.session.scalar(select(Ticket).where(Ticket.reference == isv_ticket))
        role = ticket_role(staff, ticket)
        assert role == OBSERVER
        with pytest.raises(TicketError):
            reply(ticket, staff, role, "By mail.", [], ticket.created_at)
        db.session.rollback()
        assert db.session.scalar(select(db.func.count(TicketMessage.id))) == 1


def test_observers_are_not_mailed_as_agents(app, client, auth, apps, isv_ticket):
    auth.login(apps["customer"])
    auth.post(f"/support/tickets/{isv_ticket}/reply", {"body": "Any news?"})
    with app.app_context():
        rows = list(db.session.scalars(select(MailOutbox)))
    assert rows and all(apps["staff"] not in row.recipients for row in rows)
    assert any(apps["isv_b"] in row.recipients for row in rows)


def test_staff_queue_lists_isv_tickets_read_only_under_their_channel(
    app, client, auth, apps, isv_ticket
):
    auth.login(apps["staff"])
    assert isv_ticket not in client.get("/support/tickets").get_data(as_text=True)
    assert isv_ticket in client.get("/support/tickets?channel=isv").get_data(as_text=True)
