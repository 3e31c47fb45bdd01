"""Placeholders of the authorisation matrix for the desk pages (issue 13)."""

from catalog.accounts.models import User
from catalog.extensions import db
from catalog.support.tickets.models import Ticket
from tests.support.conftest import subscribe
from tests.support.tickets import make_ticket

CUSTOMER = "customer@example.com"


def placeholders(app) -> dict:
    """Values for the symbolic URL arguments of these endpoints.

    ``counted_ticket_ref`` makes, each time, a professional ticket of the customer's
    organisation under its subscription, so returning it to the quota passes for staff.
    """
    with app.app_context():
        # The matrix's plain customer by address: "the first customer" differs per database.
        customer = db.session.scalar(db.select(User).where(User.email == CUSTOMER))
        customer_id, email = customer.id, customer.email
    subscription = {}

    def counted():
        reference = make_ticket(app, customer_id)
        if "id" not in subscription:
            subscription["id"] = subscribe(app, email)
        with app.app_context():
            ticket = db.session.scalar(db.select(Ticket).where(Ticket.reference == reference))
            ticket.subscription_id = subscription["id"]
            db.session.commit()
        return reference

    return {"counted_ticket_ref": counted}
