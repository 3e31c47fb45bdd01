"""Account and business letters (invitations, decisions on plan requests) through the outbox.

A letter is written into ``mail_outbox`` in the request's transaction, so it goes out only if
the change it announces commits, and the sender retries it like any notification. Plain text
only: what it says is built from templates that escape nothing, because nothing is HTML.
"""

from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime

from flask import current_app
from sqlalchemy import inspect

from catalog.extensions import db
from catalog.mail.ids import make_message_id
from catalog.mail.outbound import header_text
from catalog.ticketmail import settings
from catalog.ticketmail.events import PENDING_ROWS
from catalog.ticketmail.models import MailOutbox
from catalog.ticketmail.notifications import enqueue


def compose_letter(to: str, subject: str, text: str, now: datetime) -> tuple[EmailMessage, str]:
    """A plain-text message from the configured sender; returns it with its Message-ID."""
    message_id = make_message_id(settings.message_id_domain())
    message = EmailMessage()
    message["Subject"] = header_text(subject)
    message["From"] = settings.from_address()
    message["To"] = Address(addr_spec=header_text(to))
    message["Date"] = format_datetime(now)
    message["Message-ID"] = message_id
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(text)
    return message, message_id


def queue_letter(kind: str, to: str, subject: str, text: str, now: datetime) -> MailOutbox:
    """Add a letter to the outbox in the current transaction (it flushes, never commits).

    ``kind`` names the letter in the outbox ("invitation", "plan-request" …); like ticket mail,
    the row is offered to the in-request sender after the commit.
    """
    if len(kind) > 20:
        raise ValueError("an outbox kind is at most 20 characters")
    message, message_id = compose_letter(to, subject, text, now)
    row = enqueue(kind, message, message_id, [to], None, now)
    db.session.flush()
    db.session.info.setdefault(PENDING_ROWS, []).append(inspect(row).identity[0])
    current_app.logger.info("letter %s to %s queued: %s", kind, to, subject)
    return row
