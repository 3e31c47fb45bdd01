"""Models of support: plans and subscriptions, tickets and everything that hangs off a ticket."""
from catalog.support.models.plans import IncidentUsage
from catalog.support.models.plans import NamedContact
from catalog.support.models.plans import Plan
from catalog.support.models.plans import Subscription
from catalog.support.models.tickets import Attachment
from catalog.support.models.tickets import ConsultingQuote
from catalog.support.models.tickets import Deflection
from catalog.support.models.tickets import Ticket
from catalog.support.models.tickets import TicketClock
from catalog.support.models.tickets import TicketEvent
from catalog.support.models.tickets import TicketMessage
from catalog.support.models.tickets import TicketNumber
from catalog.support.models.tickets import TicketPause

__all__ = [
    "Attachment",
    "ConsultingQuote",
    "Deflection",
    "IncidentUsage",
    "NamedContact",
    "Plan",
    "Subscription",
    "Ticket",
    "TicketClock",
    "TicketEvent",
    "TicketMessage",
    "TicketNumber",
    "TicketPause",
]
