"""Store an inbound message on a ticket: its new text, its allowed attachments, its Message-ID."""

from datetime import datetime
from pathlib import PurePath

from flask import current_app
from sqlalchemy import select

from catalog.accounts.models import User
from catalog.extensions import db
from catalog.mail.inbound import InboundMessage
from catalog.mail.matching import strip_quoted
from catalog.mail.matching import strip_reply_prefixes
from catalog.support.tickets.models import Ticket
from catalog.support.tickets.operations import TicketError
from catalog.support.tickets.operations import reply
from catalog.ticketmail import settings
from catalog.ticketmail.models import TicketMailId
from catalog.ticketmail.outcome import Outcome
from catalog.ticketmail.refusals import refuse


def allowed_files(message: InboundMessage) -> tuple[list[tuple[str, str, bytes]], list[str]]:
    """Attachments of a type tickets accept, and a note for each one left out."""
    extensions = set(current_app.config["TICKET_ATTACHMENT_EXTENSIONS"])
    kept, notes = (
        [],
        [f"{d.filename} ({d.size:,} bytes): {d.reason}" for d in message.dropped_attachments],
    )
    for item in message.attachments:
        if PurePath(item.filename).suffix.lower().lstrip(".") in extensions:
            kept.append((item.filename[-200:], item.content_type, item.content))
        else:
            notes.append(f"{item.filename}: this type of file cannot be attached")
    return kept, notes


def stored_text(message: InboundMessage, notes: list[str]) -> str:
    """The new text of the message, with a line for each attachment not kept."""
    text = strip_quoted(message.text)
    if message.text_note:
        text = f"{text}\n\n[{message.text_note}]" if text else f"[{message.text_note}]"
    text = text or "(no text)"
    if notes:
        text += "\n\n" + "\n".join(f"[Attachment not kept: {note}]" for note in notes)
    return text


def append(
    ticket: Ticket, sender: User, role: str, message: InboundMessage, now: datetime
) -> Outcome:
    """Add the message to the ticket as a reply of the sender."""
    files, notes = allowed_files(message)
    try:
        added = reply(ticket, sender, role, stored_text(message, notes), files, now)
    except TicketError as error:
        return refuse(message, f"{error} ({ticket.reference})", now, ticket=ticket)
    remember(ticket, message, added.id, now)
    return Outcome("stored", f"added to {ticket.reference}", ticket)


def remember(
    ticket: Ticket, message: InboundMessage, ticket_message_id: int, now: datetime
) -> None:
    """Record the message's id in the ticket's thread (later replies to it thread here)."""
    message_id = settings.storable_id(message.message_id)
    if db.session.scalar(select(TicketMailId.id).where(TicketMailId.message_id == message_id)):
        return
    db.session.add(
        TicketMailId(
            ticket_id=ticket.id,
            message_id=message_id,
            direction="in",
            ticket_message_id=ticket_message_id,
            created_at=now,
        )
    )
    db.session.flush()


def title_of(message: InboundMessage) -> str:
    """A ticket title from the subject, without reply prefixes."""
    return (strip_reply_prefixes(message.subject) or "Request sent by e-mail")[:200]
