"""Mail about no ticket: open a new request through the router, or refuse with the reason.

Only a known, active customer can open a request by mail. The request is a minor question
(severity 3) about the app the mail names clearly (``guess``); the router then decides the
channel exactly as in the request wizard. When it would not make a ticket here (a forum, the
developer's own site), the refusal says where to go instead.
"""

from datetime import datetime

from flask import current_app

from catalog.accounts.models import CUSTOMER
from catalog.accounts.models import User
from catalog.mail.inbound import InboundMessage
from catalog.support.tickets.operations import TicketError
from catalog.support.tickets.operations import open_ticket
from catalog.support.wizard.intake import assess
from catalog.ticketmail.guess import guess_app
from catalog.ticketmail.outcome import Outcome
from catalog.ticketmail.refusals import NO_APP
from catalog.ticketmail.refusals import UNKNOWN_SENDER
from catalog.ticketmail.refusals import new_request_hint
from catalog.ticketmail.refusals import refuse
from catalog.ticketmail.storing import allowed_files
from catalog.ticketmail.storing import remember
from catalog.ticketmail.storing import stored_text
from catalog.ticketmail.storing import title_of

SEVERITY = 3
KIND = "question"


def open_from_mail(
    message: InboundMessage, sender: User | None, now: datetime, recipients: tuple[str, ...]
) -> Outcome:
    """Open a request for a known customer's mail, or refuse it with an explanation."""
    if sender is None or sender.role != CUSTOMER:
        return refuse(message, UNKNOWN_SENDER, now, hint=new_request_hint())
    app = guess_app(message.subject, recipients)
    if app is None:
        return refuse(message, NO_APP, now, hint=new_request_hint())
    intake = assess(app, sender, SEVERITY, KIND, now)
    if not intake.makes_ticket:
        return refuse(
            message,
            f"Requests about {app.name} are not handled as tickets here: {intake.decision.reason}",
            now,
            hint=new_request_hint(),
        )
    files, notes = allowed_files(message)
    try:
        ticket = open_ticket(
            intake,
            sender,
            title_of(message),
            stored_text(message, notes),
            now,
            current_app.config["TICKET_REF_PREFIX"],
            files,
        )
    except TicketError as error:
        return refuse(message, str(error), now, hint=new_request_hint())
    remember(ticket, message, ticket.messages[0].id, now)
    return Outcome("opened", f"opened {ticket.reference} for {app.name}", ticket)
