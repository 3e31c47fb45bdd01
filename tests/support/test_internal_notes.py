"""Internal notes: the agent side reads them; the customer never sees, downloads or gets one."""

import io

from sqlalchemy import select

from catalog.accounts.models import User
from catalog.db import utcnow
from catalog.extensions import db
from catalog.marketplace.models import App
from catalog.support.tickets.models import Ticket
from catalog.support.tickets.operations import open_ticket
from catalog.support.wizard.intake import assess
from catalog.ticketmail.models import MailOutbox
from tests.support.conftest import ISV_APP

SECRET = "Customer pays late, check the invoice zebra-42 first."


def _open(app, email: str) -> str:
    """An ISV ticket opened the way the wizard does (first-response clock running)."""
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        target = db.session.scalar(select(App).where(App.slug == ISV_APP))
        intake = assess(target, user, 3, "question", utcnow())
        reference = open_ticket(intake, user, "Backups stopped", "Since Monday.", utcnow(), "SUP")
        db.session.commit()
        return reference.reference


def _ticket(reference: str) -> Ticket:
    return db.session.scalar(select(Ticket).where(Ticket.reference == reference))


def _note(auth, reference: str, **extra):
    return auth.post(
        f"/support/tickets/{reference}/reply",
        {"body": SECRET, "internal": "y", **extra},
        content_type="multipart/form-data",
    )


def test_a_note_is_shown_to_the_developer_and_staff_and_hidden_from_the_customer(
    app, client, auth, apps
):
    reference = _open(app, apps["customer"])
    auth.login(apps["isv_b"])
    assert _note(auth, reference).status_code == 302
    page = client.get(f"/support/tickets/{reference}").get_data(as_text=True)
    assert SECRET in page and "Internal note" in page and "added an internal note" in page
    auth.logout()
    auth.login(apps["staff"])  # an observer of the ISV ticket reads the note
    assert SECRET in client.get(f"/support/tickets/{reference}").get_data(as_text=True)
    auth.logout()
    auth.login(apps["customer"])
    page = client.get(f"/support/tickets/{reference}").get_data(as_text=True)
    assert SECRET not in page and "internal note" not in page.lower()


def test_a_notes_attachment_is_404_for_the_customer(app, client, auth, apps):
    reference = _open(app, apps["customer"])
    auth.login(apps["isv_b"])
    _note(auth, reference, attachments=[(io.BytesIO(b"secret log"), "trace.txt")])
    with app.app_context():
        ticket = _ticket(reference)
        attachment_id = ticket.messages[-1].attachments[0].id
        assert ticket.messages[-1].internal is True
    url = f"/support/tickets/{reference}/attachments/{attachment_id}"
    assert client.get(url).data == b"secret log"
    auth.logout()
    auth.login(apps["customer"])
    assert client.get(url).status_code == 404
    assert "trace.txt" not in client.get(f"/support/tickets/{reference}").get_data(as_text=True)


def test_a_note_does_not_meet_the_first_response_clock_nor_pause_it(app, client, auth, apps):
    reference = _open(app, apps["customer"])
    auth.login(apps["isv_b"])
    _note(auth, reference, wait_on_customer="y")
    with app.app_context():
        ticket = _ticket(reference)
        assert ticket.clocks[0].met_at is None and ticket.open_pause is None
    auth.post(f"/support/tickets/{reference}/reply", {"body": "Which version?"})
    with app.app_context():
        assert _ticket(reference).clocks[0].met_at is not None


def test_a_note_is_mailed_to_the_agent_side_only_and_no_customer_mail_carries_its_text(
    app, client, auth, apps
):
    from tests.conftest import make_user

    make_user(app, "second@contoso.example", "isv", "contoso")
    reference = _open(app, apps["customer"])
    auth.login(apps["isv_b"])
    _note(auth, reference)
    auth.post(f"/support/tickets/{reference}/reply", {"body": "Which version?"})
    with app.app_context():
        rows = list(db.session.scalars(select(MailOutbox).order_by(MailOutbox.id)))
        to_customer = [row for row in rows if apps["customer"] in row.recipients]
        to_colleague = [row for row in rows if "second@contoso.example" in row.recipients]
    assert to_customer and all(b"zebra-42" not in row.raw for row in to_customer)
    assert any(b"zebra-42" in row.raw for row in to_colleague)
    assert any("Internal note" in row.subject for row in to_colleague)
    assert not any("Internal note" in row.subject for row in to_customer)


def test_a_customer_cannot_write_an_internal_note(app, client, auth, apps):
    reference = _open(app, apps["customer"])
    auth.login(apps["customer"])
    _note(auth, reference)
    with app.app_context():
        message = _ticket(reference).messages[-1]
        assert message.body == SECRET and message.internal is False  # an ordinary reply
