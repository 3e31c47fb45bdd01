"""Placeholders of the authorisation matrix for the profile pages (issue 13)."""

from catalog.accounts import tokens
from catalog.accounts.models import User
from catalog.accounts.models import UserNotification
from catalog.db import utcnow
from catalog.extensions import db

CUSTOMER = "customer@example.com"


def _customer():
    """The matrix's customer (``world["customer"]``)."""
    return db.session.scalar(db.select(User).where(User.email == CUSTOMER))


def placeholders(app) -> dict:
    """Values for the symbolic URL arguments of these endpoints.

    ``own_email_change_token`` makes the customer's pending change one to their own address, so
    confirming it changes nothing the other rows of the matrix depend on (their login).
    ``customer_notification_id`` is a fresh row of the customer's list each time.
    """

    def email_change_token():
        with app.app_context():
            customer = _customer()
            customer.pending_email = customer.email
            token = tokens.email_change_token(customer, customer.email)
            db.session.commit()
            return token

    def notification_id():
        with app.app_context():
            row = UserNotification(
                user_id=_customer().id,
                kind="replied",
                title="New reply",
                link="/support/tickets",
                created_at=utcnow(),
            )
            db.session.add(row)
            db.session.commit()
            return row.id

    return {
        "own_email_change_token": email_change_token,
        "customer_notification_id": notification_id,
    }
