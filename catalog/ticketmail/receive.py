"""One inbound message: thread it to a ticket, check the sender, then append, open or refuse.

Threading follows docs/product.md#e-mail-threading: the Message-IDs in In-Reply-To/References
against the ones we recorded, then a reference in the subject (any prefix ever used). Only a
participant of the ticket may append; anyone else gets a polite refusal, worded the same whether
or not the reference exists. Automatic mail and our own mail coming back are never answered.
Functions flush; the caller (``ingest``) commits.
"""

from datetime import datetime

from sqlalchemy import func
from sqlalchemy import select

from catalog.accounts.models import User
from catalog.extensions import db
from catalog.mail.inbound import InboundMessage
from catalog.mail.inbound import parse_message
from catalog.mail.matching import candidate_message_ids
from catalog.mail.matching import reference_in_subject
from catalog.support.tickets.models import Ticket
from catalog.support.tickets.permissions import ticket_role
from catalog.ticketmail import settings
from catalog.ticketmail.models import InboundMail
from catalog.ticketmail.models import TicketMailId
from catalog.ticketmail.newrequest import open_from_mail
from catalog.ticketmail.outcome import Outcome
from catalog.ticketmail.refusals import NOT_A_PARTICIPANT
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
    outcome = decide(message, now, envelope_recipients)
    db.session.add(
        InboundMail(
            message_id=message_id,
            from_address=message.from_address,
            subject=(message.subject or "")[:1000],
            outcome=outcome.status,
            detail=outcome.detail[:2000],
            received_at=now,
            ticket_id=outcome.ticket.id if outcome.ticket else None,
        )
    )
    db.session.flush()
    return outcome


def decide(message: InboundMessage, now: datetime, envelope_recipients: tuple[str, ...]) -> Outcome:
    """Route the parsed message to its ticket, a new request, or a refusal."""
    if message.is_loop:
        return Outcome("ignored", "our own mail came back (loop header)")
    if message.is_auto_reply:
        return Outcome("ignored", f"automatic mail: {message.auto_reply_reason}")
    if (
        not message.from_address
        or message.from_address == settings.from_address().addr_spec.lower()
    ):
        return Outcome("ignored", "no usable sender address")
    sender = sender_of(message)
    ticket, reference = find_ticket(message)
    if ticket is None and reference is None:
        return open_from_mail(
            message, sender, now, (*envelope_recipients, *message.to, *message.cc)
        )
    role = ticket_role(sender, ticket) if sender is not None and ticket is not None else None
    if role is None:
        return refuse(
            message, NOT_A_PARTICIPANT.format(reference=reference or ticket.reference), now
        )
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
