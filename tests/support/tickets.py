"""Tickets made directly in the database, for tests that need one without the wizard."""

from datetime import date
from datetime import timedelta
from decimal import Decimal

from catalog.accounts.models import Organisation
from catalog.accounts.models import User
from catalog.db import utcnow
from catalog.extensions import db
from catalog.marketplace.models import App
from catalog.support.tickets import quotes
from catalog.support.tickets.models import Attachment
from catalog.support.tickets.models import Ticket
from catalog.support.tickets.models import TicketMessage
from catalog.support.tickets.references import format_reference
from catalog.support.tickets.references import issue_number
from tests.conftest import APP_A

CONSULTING_TERMS = {
    "source": "consulting",
    "name": "Consulting",
    "rate_min": "100.00",
    "rate_max": "200.00",
    "calendar": None,
    "targets": {},
}
PLAN_TERMS = {"source": "plan", "name": "Level 2", "calendar": None, "targets": {}}


def make_ticket(
    app,
    requester_id: int,
    channel: str = "professional",
    app_slug: str = APP_A,
    status: str = "new",
) -> str:
    """A ticket of the requester's organisation (created if missing); returns its reference."""
    with app.app_context():
        user = db.session.get(User, requester_id)
        if user.organisation is None:
            user.organisation = Organisation(name=f"{user.name} Ltd")
        number = issue_number(utcnow())
        ticket = Ticket(
            number=number,
            reference=format_reference("SUP", number),
            channel=channel,
            severity=2,
            kind="incident",
            title="Test ticket",
            status=status,
            requester=user,
            organisation=user.organisation,
            app=db.session.scalar(db.select(App).where(App.slug == app_slug)),
            terms_snapshot=CONSULTING_TERMS if channel == "consulting" else PLAN_TERMS,
        )
        message = TicketMessage(ticket=ticket, author=user, body="It broke.")
        db.session.add_all(
            [
                ticket,
                message,
                Attachment(
                    message=message,
                    filename="log.txt",
                    content_type="text/plain",
                    size=3,
                    data=b"log",
                ),
            ]
        )
        db.session.commit()
        return ticket.reference


def quoted_ticket(app, requester_id: int, staff_id: int) -> tuple[str, int]:
    """A consulting ticket with a proposed quote; returns (reference, quote id)."""
    reference = make_ticket(app, requester_id, "consulting")
    with app.app_context():
        ticket = db.session.scalar(db.select(Ticket).where(Ticket.reference == reference))
        quote = quotes.propose(
            ticket,
            db.session.get(User, staff_id),
            Decimal("150"),
            Decimal("4"),
            date.today() + timedelta(days=30),
            "",
            utcnow(),
        )
        db.session.commit()
        return reference, quote.id


def ticket_placeholders(app, customer_id: int) -> dict:
    """Symbolic URL arguments for the authorisation matrix.

    The callables among them make a fresh ticket each time.
    """
    reference = make_ticket(app, customer_id)
    with app.app_context():
        attachment_id = db.session.scalar(
            db.select(Attachment.id)
            .join(TicketMessage)
            .join(Ticket)
            .where(Ticket.reference == reference)
        )
        staff_id = db.session.scalar(db.select(User.id).where(User.role == "staff"))
    last_quote = {}

    def quoted():
        last_quote["ref"], last_quote["id"] = quoted_ticket(app, customer_id, staff_id)
        return last_quote["ref"]

    return {
        "ticket_ref": reference,
        "attachment_id": attachment_id,
        "fresh_ticket_ref": lambda: make_ticket(app, customer_id),
        "fresh_consulting_ref": lambda: make_ticket(app, customer_id, "consulting"),
        "quoted_ref": quoted,
        "quote_id": lambda: last_quote["id"],
    }
