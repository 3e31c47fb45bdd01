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
EXCERPT_CHARS = 4000
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
    "Your message is not about a request we know, and it was not sent to the address of an app "
    "(support+app-slug@…), so we did not open a request."
)
NOT_AUTHENTICATED = (
    "Your message mentions a request, but we could not confirm that it comes from you, so it "
    "was not added. Please answer the notification e-mail itself: its reply address is yours "
    "alone. Or add your message on the request's page."
)
ANSWERED = ("bounced", "quarantined", "held")
"""Outcomes that may have sent an answer, counted against ``MAX_PER_DAY``."""


def new_request_hint() -> str:
    """Where to file a request instead."""
    link = external_url("support.new_request")
    return f"Please file your request through our request form: {link}"


def _recent_refusals(address: str, now: datetime) -> int:
    """Refusals sent to ``address`` in the last day."""
    statement = select(func.count(InboundMail.id)).where(
        InboundMail.from_address == address,
        InboundMail.outcome.in_(ANSWERED),
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
    if not answer(message, reason, now, hint):
        return Outcome(
            "refused", f"{reason} (no answer: {MAX_PER_DAY} refusals sent to this address today)"
        )
    return Outcome("bounced", reason, ticket)


def quarantine(
    message: InboundMessage, reason: str, now: datetime, ticket: Ticket | None = None
) -> Outcome:
    """Keep the message out of every ticket, for staff to see, and tell the sender politely."""
    answered = answer(message, NOT_AUTHENTICATED, now, tickets_hint())
    note = "" if answered else f" (no answer: {MAX_PER_DAY} answers sent to this address today)"
    return Outcome("quarantined", reason + note, ticket, excerpt_of(message))


def excerpt_of(message: InboundMessage) -> str:
    """The start of the message's text, for the quarantine page."""
    text = message.text or message.text_note or ""
    return text[:EXCERPT_CHARS]


def tickets_hint() -> str:
    """Where the sender's requests are, to add a message there."""
    link = external_url("support.tickets")
    return f"Your requests: {link}"


def answer(message: InboundMessage, reason: str, now: datetime, hint: str | None) -> bool:
    """Queue the polite answer unless the address had its daily share; True when queued."""
    if _recent_refusals(message.from_address, now) >= MAX_PER_DAY:
        return False
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
    return True
