"""Polite refusals of inbound mail, queued in the outbox like any notification.

A refusal goes only to a usable sender address, never to automatic mail (the caller ignores
that first), and at most ``MAX_PER_DAY`` times a day to one address, so a forged sender or a
misconfigured robot cannot turn us into a source of backscatter.
"""

from datetime import datetime
from datetime import timedelta

from sqlalchemy import func
from sqlalchemy import select

from catalog.extensions import db
from catalog.links import external_url
from catalog.mail.inbound import InboundMessage
from catalog.mail.outbound import Refusal
from catalog.mail.outbound import compose_refusal
from catalog.support.tickets.models import Ticket
from catalog.ticketmail import settings
from catalog.ticketmail.models import InboundMail
from catalog.ticketmail.notifications import enqueue
from catalog.ticketmail.outcome import Outcome

MAX_PER_DAY = 5
NOT_A_PARTICIPANT = (
    "Your message mentions {reference}, but it was sent from an address that does not take part "
    "in that request, so it was not added. Please write from the address of your account with "
    "us, or ask the person who opened the request to forward it."
)
UNKNOWN_SENDER = (
    "Your message is not about a request we know, and it was sent from an address that has no "
    "customer account with us, so we could not open a request for it."
)
NO_APP = (
    "Your message is not about a request we know, and we could not tell which app it concerns, "
    "so we did not open a request."
)


def new_request_hint() -> str:
    """Where to file a request instead."""
    link = external_url("support.new_request")
    return f"Please file your request through our request form: {link}"


def _recent_refusals(address: str, now: datetime) -> int:
    """Refusals sent to ``address`` in the last day."""
    statement = select(func.count(InboundMail.id)).where(
        InboundMail.from_address == address,
        InboundMail.outcome == "bounced",
        InboundMail.received_at > now - timedelta(days=1),
    )
    return db.session.scalar(statement)


def refuse(
    message: InboundMessage,
    reason: str,
    now: datetime,
    hint: str | None = None,
    ticket: Ticket | None = None,
) -> Outcome:
    """Queue a polite refusal to the sender (within the daily limit); nothing is stored."""
    if _recent_refusals(message.from_address, now) >= MAX_PER_DAY:
        return Outcome(
            "refused", f"{reason} (no answer: {MAX_PER_DAY} refusals sent to this address today)"
        )
    refusal = Refusal(
        recipient=message.from_address,
        reason=reason,
        original_subject=message.subject,
        original_message_id=None if message.message_id_synthesized else message.message_id,
        hint=hint,
    )
    composed, message_id = compose_refusal(
        refusal, sender=settings.from_address(), domain=settings.message_id_domain(), now=now
    )
    enqueue("refusal", composed, message_id, [message.from_address], None, now)
    return Outcome("bounced", reason, ticket)
