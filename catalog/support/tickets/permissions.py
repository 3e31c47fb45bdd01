"""Who stands where on a ticket: the requesting organisation, the agent, or nobody.

Plain attribute reads, no queries: the same rule filters the queues (``queries``) and guards the
ticket page, so a ticket outside a user's queue is a 404, never a 403 that confirms it exists.
"""

from catalog.support.tickets.lifecycle import AGENT
from catalog.support.tickets.lifecycle import CUSTOMER

OPERATOR_TICKET_CHANNELS = ("professional", "consulting")


def ticket_role(user, ticket) -> str | None:
    """``customer``, ``agent`` or None (may not see the ticket at all)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if user.role == "customer":
        return (
            CUSTOMER
            if user.organisation_id is not None and user.organisation_id == ticket.organisation_id
            else None
        )
    if user.role == "isv":
        return AGENT if ticket.channel == "isv" and ticket.app.vendor_id == user.vendor_id else None
    if user.is_operator:
        return AGENT if ticket.channel in OPERATOR_TICKET_CHANNELS else None
    return None
