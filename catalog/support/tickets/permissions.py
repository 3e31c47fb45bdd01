"""Who stands where on a ticket: the requesting organisation, the agent, an observer, or nobody.

Plain attribute reads, no queries: the same rule filters the queues (``queries``) and guards the
ticket page, so a ticket outside a user's queue is a 404, never a 403 that confirms it exists.
Operator staff see ISV tickets as observers: they read them (internal notes included) but no
transition, reply, quote or classification names that role, and no mail goes to them as agents.
"""

from catalog.support.tickets.lifecycle import AGENT
from catalog.support.tickets.lifecycle import CUSTOMER
from catalog.support.tickets.lifecycle import OBSERVER

OPERATOR_TICKET_CHANNELS = ("professional", "consulting")
WRITING_ROLES = frozenset({CUSTOMER, AGENT})


def ticket_role(user, ticket) -> str | None:
    """``customer``, ``agent``, ``observer`` or None (may not see the ticket at all)."""
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
        return AGENT if ticket.channel in OPERATOR_TICKET_CHANNELS else OBSERVER
    return None


def may_write(role: str | None) -> bool:
    """Whether a role on the ticket may add to it (reply, by page or by mail)."""
    return role in WRITING_ROLES


def sees_internal(role: str | None) -> bool:
    """Whether a role on the ticket reads its internal notes (the agent side and observers)."""
    return role in (AGENT, OBSERVER)


def sees_note(user, role: str | None, message) -> bool:
    """Whether the viewer reads this message: every public one; an internal note if their role
    reads notes, but a developer's members only their own vendor's notes (a ticket that moved
    from the operator to the developer keeps the staff's notes the operator's)."""
    if not message.internal:
        return True
    if not sees_internal(role):
        return False
    if user.role != "isv":
        return True
    author = message.author
    return author is not None and author.role == "isv" and author.vendor_id == user.vendor_id
