"""One inbound message: authenticate it, thread it, then append, open, hold, quarantine or refuse.

The From header proves nothing, so a message is trusted only when it arrives at a live reply
address (``support+r-<token>@…``, ``replytokens``; it is then the token's user who writes, on the
token's ticket), or when our own mail server vouches for its From domain with a trusted
``Authentication-Results`` header (``catalog.mail.authresults``). Mail that threads to a ticket
(Message-IDs, or a reference in the subject) without either is quarantined: kept for staff,
never on the ticket, and the sender is told politely how to reply. With authentication, only a
participant of the ticket may append; anyone else gets a polite refusal, worded the same whether
or not the reference exists. Automatic mail and our own mail coming back are never answered.
Functions flush; the caller (``ingest``) commits.
"""

from datetime import datetime

from sqlalchemy import func
from sqlalchemy import select

from catalog.accounts.models import User
from catalog.extensions import db
from catalog.mail.authresults import verdict
from catalog.mail.inbound import InboundMessage
from catalog.mail.inbound import parse_message
from catalog.mail.matching import candidate_message_ids
from catalog.mail.matching import reference_in_subject
from catalog.support.tickets.models import Ticket
from catalog.support.tickets.permissions import ticket_role
from catalog.ticketmail import replytokens
from catalog.ticketmail import settings
from catalog.ticketmail.models import InboundMail
from catalog.ticketmail.models import TicketMailId
from catalog.ticketmail.newrequest import open_from_mail
from catalog.ticketmail.outcome import Outcome
from catalog.ticketmail.refusals import NOT_A_PARTICIPANT
from catalog.ticketmail.refusals import quarantine
from catalog.ticketmail.refusals import refuse
from catalog.ticketmail.storing import append

MAX_IDS = 100
"""Message-IDs looked up per message (In-Reply-To and the newest References)."""


def receive(raw: bytes, now: datetime, envelope_recipients: tuple[str, ...] = ()) -> Outcome:
    """Handle one raw message; raises ``MailParseError`` only when it is not a message at all."""
    message = parse_message(raw, settings.parse_limits())
    message_id = settings.storable_id(message.message_id)
    if db.session.scalar(select(InboundMail.id).where(InboundMail.message_id == message_id)):
        return Outcome("duplicate", f"{message_id} was received before")
    outcome = decide(message, now, envelope_recipients, raw)
    db.session.add(
        InboundMail(
            message_id=message_id,
            from_address=message.from_address,
            subject=(message.subject or "")[:1000],
            outcome=outcome.status,
            detail=outcome.detail[:2000],
            received_at=now,
            ticket_id=outcome.ticket.id if outcome.ticket else None,
            excerpt=outcome.excerpt,
        )
    )
    db.session.flush()
    return outcome


def decide(
    message: InboundMessage, now: datetime, envelope_recipients: tuple[str, ...], raw: bytes = b""
) -> Outcome:
    """Route the parsed message to its ticket, a new request, the quarantine or a refusal."""
    ignored = ignored_because(message)
    if ignored is not None:
        return ignored
    addresses = (*envelope_recipients, *message.to, *message.cc)
    token, user, ticket, role = replytokens.live_token(replytokens.tokens_in(addresses), now)
    if token is not None:
        return append(ticket, user, role, message, now)
    vouch = verdict(
        message.authentication_results, settings.trusted_authserv_ids(), message.from_address
    )
    ticket, reference = find_ticket(message)
    stray_token = replytokens.looks_like_token(addresses)
    if ticket is None and reference is None and not stray_token:
        return open_from_mail(message, sender_of(message), now, addresses, vouch, raw)
    if not vouch.vouched:
        why = "a reply address that is unknown or revoked" if stray_token else "no reply address"
        return quarantine(message, f"not authenticated: {why}, and {vouch.reason}", now, ticket)
    return from_vouched_sender(message, ticket, reference, now)


def ignored_because(message: InboundMessage) -> Outcome | None:
    """Mail never answered: loops, automatic mail, no usable sender."""
    if message.is_loop:
        return Outcome("ignored", "our own mail came back (loop header)")
    if message.is_auto_reply:
        return Outcome("ignored", f"automatic mail: {message.auto_reply_reason}")
    if (
        not message.from_address
        or message.from_address == settings.from_address().addr_spec.lower()
    ):
        return Outcome("ignored", "no usable sender address")
    return None


def from_vouched_sender(
    message: InboundMessage, ticket: Ticket | None, reference: str | None, now: datetime
) -> Outcome:
    """Our mail server vouches for the From address: its account appends if it participates."""
    sender = sender_of(message)
    role = ticket_role(sender, ticket) if sender is not None and ticket is not None else None
    if role is None:
        named = reference or (ticket.reference if ticket is not None else "a request")
        return refuse(message, NOT_A_PARTICIPANT.format(reference=named), now)
    return append(ticket, sender, role, message, now)


def sender_of(message: InboundMessage) -> User | None:
    """The active account with the From address, if any."""
    user = db.session.scalar(select(User).where(func.lower(User.email) == message.from_address))
    return user if user is not None and user.active else None


def find_ticket(message: InboundMessage) -> tuple[Ticket | None, str | None]:
    """(ticket, reference written in the subject): by Message-IDs first, then by the subject."""
    ids = [settings.storable_id(mid) for mid in candidate_message_ids(message)][:MAX_IDS]
    if ids:
        known = dict(
            db.session.execute(
                select(TicketMailId.message_id, TicketMailId.ticket_id).where(
                    TicketMailId.message_id.in_(ids)
                )
            ).all()
        )
        for mid in ids:
            if mid in known:
                return db.session.get(Ticket, known[mid]), None
    reference = reference_in_subject(message.subject, settings.reference_prefixes())
    if reference is None:
        return None, None
    number = int(reference.rsplit("-", 1)[1])
    return db.session.scalar(select(Ticket).where(Ticket.number == number)), reference
