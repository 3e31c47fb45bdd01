"""Placeholders of the authorisation matrix for hand-offs between channels (issue 13).

An app of vendor A that takes ISV tickets here and has a dedicated section with a thread by the
customer; a professional ticket of the customer's organisation on it that staff propose to move
to the developer (each callable makes a fresh one).
"""

import json

from catalog.accounts.models import User
from catalog.db import utcnow
from catalog.extensions import db
from catalog.forum import operations as forum_operations
from catalog.forum.sections import ensure_app_section
from catalog.marketplace.models import App
from catalog.support.handoffs import operations
from catalog.support.handoffs.assess import facts
from catalog.support.handoffs.queries import ticket_subject
from catalog.support.tickets.models import Ticket
from tests.conftest import add_apps
from tests.conftest import app_record
from tests.support.tickets import make_ticket

ESCALATION_APP = "handoff-app"
# What the customer is shown for professional → developer there (no response targets: no clocks).
SHOWN = json.dumps(
    {
        "target": "isv",
        "policy": "restart",
        "quota": "The incident it counted as goes back to this month's quota.",
        "due": {},
    }
)


def _user(role: str) -> User:
    """The first user of a role."""
    return db.session.scalar(db.select(User).where(User.role == role).order_by(User.id))


def proposal(app) -> int:
    """A fresh professional ticket with staff's pending proposal to move it to the developer."""
    with app.app_context():
        customer_id = _user("customer").id
    reference = make_ticket(app, customer_id, app_slug=ESCALATION_APP)
    with app.app_context():
        ticket = db.session.scalar(db.select(Ticket).where(Ticket.reference == reference))
        found, _ = facts(ticket_subject(ticket), ticket.requester, utcnow())
        handoff = operations.propose(
            _user("staff"),
            "staff",
            "isv",
            "The defect is the developer's.",
            found,
            utcnow(),
            ticket=ticket,
        )
        db.session.commit()
        return handoff.id


def escalation_thread(app) -> int:
    """A thread by the customer in the section of an app of vendor A with ISV tickets here."""
    add_apps(
        app,
        app_record(
            ESCALATION_APP,
            support={"dedicated_forum": True, "isv": {"contact_email": "help@northwind.example"}},
        ),
    )
    with app.app_context():
        found = db.session.scalar(db.select(App).where(App.slug == ESCALATION_APP))
        section = ensure_app_section(found, utcnow())
        thread = forum_operations.start_thread(
            section, _user("customer"), "Sync stops at night", "Nothing syncs after 2 am.", utcnow()
        )
        db.session.commit()
        return thread.id


def placeholders(app) -> dict:
    """Values for the symbolic URL arguments of these endpoints."""
    thread_id = escalation_thread(app)
    with app.app_context():
        customer_id = _user("customer").id
    return {
        "handoff_thread_id": thread_id,
        "handoff_ticket_ref": lambda: make_ticket(app, customer_id, app_slug=ESCALATION_APP),
        "handoff_id": lambda: proposal(app),
    }
