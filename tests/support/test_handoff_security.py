"""Hand-offs under attack: moves raced by another request, and what a move may carry along."""

from datetime import timedelta

import pytest
from sqlalchemy import update

from catalog.extensions import db
from catalog.support.handoffs import assess
from catalog.support.handoffs import operations
from catalog.support.handoffs import queries
from catalog.support.handoffs.operations import HandoffError
from catalog.support.plans.models import IncidentUsage
from catalog.support.tickets.models import Ticket
from tests.support.conftest import WEDNESDAY
from tests.support.conftest import subscribe
from tests.support.test_handoffs import _isv_ticket
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
