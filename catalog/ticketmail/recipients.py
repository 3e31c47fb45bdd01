"""The participants on each side of a ticket, as the addresses notifications go to.

The customer side is the requester and the named support contacts of the ticket's
subscription (the organisation's watchers). The agent side is the vendor's ISV members for ISV
tickets, and operator staff for professional and consulting tickets (admins when there is no
staff). Deactivated accounts get nothing.
"""

from sqlalchemy import select

from catalog.accounts.models import ADMIN
from catalog.accounts.models import ISV
from catalog.accounts.models import STAFF
from catalog.accounts.models import User
from catalog.extensions import db
from catalog.support.plans.models import Subscription
from catalog.support.tickets.lifecycle import CUSTOMER
from catalog.support.tickets.models import Ticket

# The agent side of the channel a moved ticket left (``FORMER + "isv"``): told of the move.
FORMER = "former_agent:"
# The colleague a ticket was just assigned to: told of the assignment, nobody else is.
ASSIGNEE = "assignee"


def customer_side(ticket: Ticket) -> list[User]:
    """The requester and the named contacts of the ticket's subscription."""
    people = [ticket.requester]
    if ticket.subscription_id is not None:
        subscription = db.session.get(Subscription, ticket.subscription_id)
        people += [contact.user for contact in subscription.contacts]
    return people


def agent_side(ticket: Ticket, channel: str | None = None) -> list[User]:
    """The developer's members (ISV tickets) or the operator's staff (the other channels).

    ``channel`` names another channel than the ticket's: the one a moved ticket left.
    """
    if (channel or ticket.channel) in ("isv", "forum_dedicated"):
        return list(
            db.session.scalars(
                select(User).where(User.role == ISV, User.vendor_id == ticket.app.vendor_id)
            )
        )
    for role in (STAFF, ADMIN):
        staff = list(
            db.session.scalars(select(User).where(User.role == role, User.active.is_(True)))
        )
        if staff:
            return staff
    return []


def people(ticket: Ticket, side: str, exclude: int | None = None) -> list[User]:
    """The active people of one side (``customer``, ``agent``, or ``FORMER`` + a channel)."""
    if side.startswith(FORMER):
        found = agent_side(ticket, side.removeprefix(FORMER))
    elif side == ASSIGNEE:
        found = [ticket.assignee] if ticket.assignee is not None else []
    else:
        found = customer_side(ticket) if side == CUSTOMER else agent_side(ticket)
    unique: dict[str, User] = {}
    for user in found:
        if user.active and user.id != exclude:
            unique.setdefault(user.email, user)
    return list(unique.values())


def addresses(ticket: Ticket, side: str, exclude: int | None = None) -> list[str]:
    """The e-mail addresses of one side (``customer`` or ``agent``), without ``exclude``'s."""
    people = customer_side(ticket) if side == CUSTOMER else agent_side(ticket)
    return list(dict.fromkeys(user.email for user in people if user.active and user.id != exclude))
