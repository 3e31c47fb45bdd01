"""Mail about no ticket: open a new request, hold it for confirmation, or refuse it.

Only a known, active customer can open a request by mail, and only about an app named by its
app address (``guess``); mail that names no app is listed for the operator's triage. The
request is a minor question (severity 3); the router then decides the channel exactly as in the
request wizard. A request whose sender our mail server did not vouch for (no trusted
``Authentication-Results``) is held: the account's own address gets a confirmation link, and
only following it opens the ticket and uses the quota. Held requests expire.
"""

from datetime import datetime
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import update

from catalog.accounts.models import CUSTOMER
from catalog.accounts.models import User
from catalog.extensions import db
from catalog.links import external_url
from catalog.mail.authresults import Verdict
from catalog.mail.inbound import InboundMessage
from catalog.mail.inbound import parse_message
from catalog.mail.outbound import Refusal
from catalog.mail.outbound import compose_refusal
from catalog.marketplace.models import App
from catalog.support.tickets.models import Ticket
from catalog.support.tickets.operations import TicketError
from catalog.support.tickets.operations import open_ticket
from catalog.support.wizard.intake import assess
from catalog.ticketmail import replytokens
from catalog.ticketmail import settings
from catalog.ticketmail.guess import guess_app
from catalog.ticketmail.models import HeldRequest
from catalog.ticketmail.notifications import enqueue
from catalog.ticketmail.outcome import Outcome
from catalog.ticketmail.refusals import NO_APP
from catalog.ticketmail.refusals import UNKNOWN_SENDER
from catalog.ticketmail.refusals import answer
from catalog.ticketmail.refusals import excerpt_of
from catalog.ticketmail.refusals import new_request_hint
from catalog.ticketmail.refusals import refuse
from catalog.ticketmail.storing import allowed_files
from catalog.ticketmail.storing import remember
from catalog.ticketmail.storing import stored_text
from catalog.ticketmail.storing import title_of

SEVERITY = 3
KIND = "question"
MAX_HELD_PER_USER = 5
"""Unconfirmed requests one account may have waiting at a time."""
TOO_MANY_HELD = (
    "Several requests you sent by e-mail are still waiting for your confirmation; please "
    "confirm those first (see the e-mails we sent you)."
)


def open_from_mail(
    message: InboundMessage,
    sender: User | None,
    now: datetime,
    recipients: tuple[str, ...],
    vouch: Verdict,
    raw: bytes = b"",
) -> Outcome:
    """Open (or hold) a request for a known customer's mail, or refuse it with the reason."""
    if sender is None or sender.role != CUSTOMER:
        return refuse(message, UNKNOWN_SENDER, now, hint=new_request_hint())
    app = guess_app(message.subject, recipients)
    if app is None:
        return triage(message, now)
    intake = assess(app, sender, SEVERITY, KIND, now)
    if not intake.makes_ticket:
        return refuse(
            message,
            f"Requests about {app.name} are not handled as tickets here: {intake.decision.reason}",
            now,
            hint=new_request_hint(),
        )
    if not vouch.vouched:
        return hold(message, sender, app, raw, now, vouch.reason)
    return open_request(message, sender, app, now)


def triage(message: InboundMessage, now: datetime) -> Outcome:
    """Mail that names no app: listed for the operator's triage, the sender pointed to the form."""
    answered = answer(message, NO_APP, now, new_request_hint())
    note = "" if answered else " (no answer: daily limit for this address)"
    return Outcome(
        "triage",
        "names no app (no app address): for the operator to triage" + note,
        excerpt=excerpt_of(message),
    )


def open_request(message: InboundMessage, sender: User, app: App, now: datetime) -> Outcome:
    """Open the ticket now (the sender is authenticated)."""
    intake = assess(app, sender, SEVERITY, KIND, now)
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


def _waiting(user: User, now: datetime) -> int:
    """Unconfirmed, unexpired requests of the user."""
    return db.session.scalar(
        select(func.count(HeldRequest.id)).where(
            HeldRequest.user_id == user.id,
            HeldRequest.confirmed_at.is_(None),
            HeldRequest.expires_at > now,
        )
    )


def hold(
    message: InboundMessage, sender: User, app: App, raw: bytes, now: datetime, why: str
) -> Outcome:
    """Keep the request and mail the account a link that confirms it."""
    db.session.execute(
        delete(HeldRequest).where(HeldRequest.expires_at <= now, HeldRequest.confirmed_at.is_(None))
    )
    if _waiting(sender, now) >= MAX_HELD_PER_USER:
        return refuse(message, TOO_MANY_HELD, now)
    token = replytokens.new_token()
    expires = now + timedelta(hours=settings.held_request_hours())
    db.session.add(
        HeldRequest(
            token_hash=replytokens.digest(token),
            user_id=sender.id,
            app_id=app.id,
            subject=(message.subject or "")[:1000],
            raw=raw,
            created_at=now,
            expires_at=expires,
        )
    )
    db.session.flush()
    send_confirmation(sender, message, token, expires, now)
    return Outcome(
        "held", f"held for confirmation by its sender ({why}) until {expires:%Y-%m-%d %H:%M} UTC"
    )


def confirm_link(token: str) -> str:
    """The absolute link that confirms a held request (on SITE_URL, never a request's Host)."""
    return external_url("ticketmail.confirm_request", token=token)


def send_confirmation(
    user: User, message: InboundMessage, token: str, expires: datetime, now: datetime
) -> None:
    """Mail the account's own address the link that confirms the request."""
    note = Refusal(
        recipient=user.email,
        reason=(
            "We could not confirm that you sent it, so it is waiting. If you sent it, open this "
            "link and confirm it (before "
            f"{expires:%Y-%m-%d %H:%M} UTC): {confirm_link(token)}"
        ),
        original_subject=message.subject,
        hint="If you did not send it, ignore this e-mail: nothing will be opened.",
        lead="Please confirm your request",
        opening="we received a request by e-mail from your address:",
    )
    composed, message_id = compose_refusal(
        note, sender=settings.from_address(), domain=settings.message_id_domain(), now=now
    )
    enqueue("confirmation", composed, message_id, [user.email], None, now)


def held_by_token(token: str) -> HeldRequest | None:
    """The held request with this token, if any."""
    if not token or len(token) > 64:
        return None
    return db.session.scalar(
        select(HeldRequest).where(HeldRequest.token_hash == replytokens.digest(token))
    )


ALREADY_CONFIRMED = "This request is already being confirmed; please reload the page."


def claim(held: HeldRequest, now: datetime) -> bool:
    """Mark the held request confirmed, atomically; True for the one caller whose update matched.

    A concurrent confirmation waits on the row (or the database lock) until the first one ends,
    then matches nothing, so only one ticket is ever opened.
    """
    claimed = db.session.execute(
        update(HeldRequest)
        .where(HeldRequest.id == held.id, HeldRequest.confirmed_at.is_(None))
        .values(confirmed_at=now)
        .execution_options(synchronize_session=False)
    )
    return claimed.rowcount == 1


def confirmed_ticket(held: HeldRequest) -> Ticket:
    """The ticket another confirmation opened (read afresh); ``TicketError`` if there is none."""
    ticket_id = db.session.scalar(select(HeldRequest.ticket_id).where(HeldRequest.id == held.id))
    if ticket_id is None:
        raise TicketError(ALREADY_CONFIRMED)
    return db.session.get(Ticket, ticket_id)


def confirm(held: HeldRequest, user: User, now: datetime) -> Ticket:
    """Open the held request as its sender's ticket (once); ``TicketError`` when it cannot."""
    if held.ticket_id is not None:
        return db.session.get(Ticket, held.ticket_id)
    if held.expires_at <= now:
        raise TicketError(
            "This request waited too long for its confirmation; please send it again."
        )
    if not claim(held, now):
        return confirmed_ticket(held)
    message = parse_message(held.raw, settings.parse_limits())
    app = db.session.get(App, held.app_id)
    intake = assess(app, user, SEVERITY, KIND, now)
    if not intake.makes_ticket:
        raise TicketError(f"Requests about {app.name} are no longer handled as tickets here.")
    files, notes = allowed_files(message)
    ticket = open_ticket(
        intake,
        user,
        title_of(message),
        stored_text(message, notes),
        now,
        current_app.config["TICKET_REF_PREFIX"],
        files,
    )
    remember(ticket, message, ticket.messages[0].id, now)
    held.confirmed_at, held.ticket_id = now, ticket.id
    db.session.flush()
    return ticket
