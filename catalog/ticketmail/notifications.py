"""Which ticket events tell whom what, and the outbox rows that carry them.

Events of one transaction are grouped per ticket and audience, so a quote (triaged, quote
proposed, awaiting approval: three events) is one e-mail, not three. The first event in
``PRIORITY`` names the subject; every event is a line of the body.
"""

from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.message import EmailMessage
from zoneinfo import ZoneInfo

from sqlalchemy import select

from catalog.accounts import notifications as user_notifications
from catalog.extensions import db
from catalog.links import external_url
from catalog.mail.outbound import Notification
from catalog.mail.outbound import compose_notification
from catalog.support.tickets.lifecycle import AGENT
from catalog.support.tickets.lifecycle import CUSTOMER
from catalog.support.tickets.lifecycle import STATUSES
from catalog.support.tickets.models import TicketEvent
from catalog.support.tickets.models import TicketMessage
from catalog.support.tickets.permissions import ticket_role
from catalog.support.wizard.presenting import event_text
from catalog.ticketmail import recipients
from catalog.ticketmail import replytokens
from catalog.ticketmail import settings
from catalog.ticketmail.models import MailOutbox
from catalog.ticketmail.models import TicketMailId
from catalog.viewertime import moment_in
from catalog.viewertime import site_zone_name
from catalog.viewertime import zone_name_for

# Headers up to RFC 5322's hard limit of 998 characters stay on one line: Python's folding at
# 78 breaks long subjects right after "Subject:", which some readers keep as a leading space.
RAW_POLICY = policy.default.clone(max_line_length=998)
PRIORITY = (
    "moved",
    "handoff_proposed",
    "created",
    "quote_proposed",
    "replied",
    "quote_approved",
    "quote_declined",
    "status_changed",
    "retriaged",
    "incident_returned",
    "assigned",
    "clock_breached",
    "clock_warning",
    "handoff_declined",
    "handoff_withdrawn",
)
UTC_ZONE = ZoneInfo("UTC")
FOR_AGENTS_ONLY = {"clock_warning", "clock_breached"}


@dataclass(frozen=True)
class Audience:
    """One side of one ticket, told about some events; ``actor_id`` is left out of it."""

    ticket_id: int
    side: str
    exclude: int | None


def actor_side(event: TicketEvent) -> str | None:
    """The side of the ticket the event's actor stands on (None: the system)."""
    if event.actor is None:
        return None
    role = event.detail.get("role") or ticket_role(event.actor, event.ticket)
    return role or (CUSTOMER if event.actor.role == "customer" else AGENT)


def audiences(event: TicketEvent) -> list[Audience]:
    """Who hears of an event: the other side of its actor (both sides for a new request)."""
    if event.action not in PRIORITY:
        return []
    ticket_id = event.ticket_id
    if event.action == "created":
        return [Audience(ticket_id, AGENT, event.actor_id), Audience(ticket_id, CUSTOMER, None)]
    if event.action in FOR_AGENTS_ONLY:
        return [Audience(ticket_id, AGENT, None)]
    if event.action == "moved":
        return moved_audiences(event)
    if event.action == "assigned":  # the new assignee only, never the customer
        return [Audience(ticket_id, recipients.ASSIGNEE, event.actor_id)]
    if event.detail.get("internal"):  # an internal note: the agent side's own
        return [Audience(ticket_id, AGENT, event.actor_id)]
    side = actor_side(event)
    other = CUSTOMER if side in (None, AGENT) else AGENT
    return [Audience(ticket_id, other, event.actor_id)]


def moved_audiences(event: TicketEvent) -> list[Audience]:
    """A move is told to the customer side, the new channel's agents and the old channel's."""
    ticket_id, actor = event.ticket_id, event.actor_id
    told = [Audience(ticket_id, CUSTOMER, actor), Audience(ticket_id, AGENT, actor)]
    if _agents_of(event.detail.get("from_channel")) != _agents_of(event.ticket.channel):
        told.append(Audience(ticket_id, recipients.FORMER + event.detail["from_channel"], actor))
    return told


def _agents_of(channel: str | None) -> str:
    """Who answers in a channel: the developer, or the operator's staff."""
    return "developer" if channel in ("isv", "forum_dedicated") else "operator"


def group(events: list[TicketEvent]) -> dict[Audience, list[TicketEvent]]:
    """The events each audience hears of, in timeline order."""
    grouped: dict[Audience, list[TicketEvent]] = {}
    for event in sorted(events, key=lambda e: e.id):
        for audience in audiences(event):
            grouped.setdefault(audience, []).append(event)
    return grouped


def _lead(events: list[TicketEvent]) -> TicketEvent:
    """The event that names the e-mail."""
    return min(events, key=lambda e: PRIORITY.index(e.action))


def _who(event: TicketEvent) -> str:
    """The actor's name, or the system."""
    return event.actor.name if event.actor else "The support system"


def headline(event: TicketEvent, side: str) -> tuple[str, str]:
    """(subject words, headline) for the lead event."""
    title, detail = event.ticket.title, event.detail
    if event.action == "created":
        if side == CUSTOMER:
            return (
                f"Request received: {title}",
                f"We received your request {event.ticket.reference}",
            )
        return f"New request: {title}", f"New request from {_who(event)}"
    if event.action == "moved":
        target = detail.get("target_name", "")
        return (
            f"Moved to {target}: {title}",
            f"{event.ticket.reference} moved from {detail.get('source_name', '')} to {target}",
        )
    if event.action == "handoff_proposed":
        return (
            f"Move proposed: {title}",
            f"{_who(event)} proposes moving the request to {detail.get('target_name', '')}",
        )
    if event.action == "quote_proposed":
        return f"Quote waiting for your approval: {title}", "A quote is waiting for your approval"
    if event.action == "replied" and detail.get("internal"):
        return f"Internal note: {title}", f"{_who(event)} added an internal note"
    if event.action == "replied":
        return f"New reply: {title}", f"{_who(event)} replied"
    if event.action == "status_changed":
        status = STATUSES.get(detail.get("target"), detail.get("target", ""))
        return f"{status}: {title}", f"{_who(event)} moved the ticket to {status}"
    if event.action == "clock_breached":
        return f"Overdue: {title}", f"The {detail.get('target', '')} target is overdue"
    if event.action == "clock_warning":
        return (
            f"Due soon: {title}",
            f"The {detail.get('target', '')} target is due soon (80 % of the time used)",
        )
    if event.action == "assigned":
        return f"Assigned to you: {title}", f"{_who(event)} gave you {event.ticket.reference}"
    if event.action == "retriaged":
        return (
            f"New due times: {title}",
            f"{_who(event)} changed the {detail.get('change', 'severity or kind')}",
        )
    words = event.action.replace("_", " ").capitalize()
    return f"{words}: {title}", f"{_who(event)} {event_text(event)}"


def _message_text(event: TicketEvent, side: str = CUSTOMER) -> str | None:
    """The text of the message written with a ``created`` or ``replied`` event.

    Internal notes are read only for the agent side: a customer's mail never carries one.
    """
    if event.action not in ("created", "replied"):
        return None
    statement = (
        select(TicketMessage.body)
        .where(
            TicketMessage.ticket_id == event.ticket_id,
            TicketMessage.author_id == event.actor_id,
            TicketMessage.created_at == event.at,
        )
        .order_by(TicketMessage.id.desc())
    )
    if side != AGENT:
        statement = statement.where(TicketMessage.internal.is_(False))
    return db.session.scalar(statement)


def body(events: list[TicketEvent], side: str = CUSTOMER, zone: ZoneInfo = UTC_ZONE) -> str:
    """The messages written, then one line per event at its time in ``zone`` (the reader's)
    (internal notes for the agent side only)."""
    texts = [text for text in (_message_text(event, side) for event in events) if text]
    lines = [
        f"- {moment_in(event.at, zone)}: {_who(event)} {event_text(event, zone)}"
        for event in events
    ]
    return "\n\n".join(texts + ["\n".join(lines)])


def ticket_link(reference: str) -> str:
    """The ticket page's absolute URL on SITE_URL (never the request's Host)."""
    return external_url("support.ticket", reference=reference)


def thread_of(ticket_id: int) -> tuple[str, ...]:
    """The Message-IDs already in the ticket's thread, oldest first."""
    statement = (
        select(TicketMailId.message_id)
        .where(TicketMailId.ticket_id == ticket_id)
        .order_by(TicketMailId.id)
    )
    return tuple(db.session.scalars(statement))


def queue(
    audience: Audience, events: list[TicketEvent], now: datetime, thread: tuple[str, ...]
) -> list[MailOutbox]:
    """A notification row for each person of the audience, and an e-mail (with its own reply
    address) for those whose preferences want one now."""
    ticket = events[0].ticket
    people = recipients.people(ticket, audience.side, audience.exclude)
    if not people:
        return []
    lead = _lead(events)
    subject, title = headline(lead, audience.side)
    link = ticket_link(ticket.reference)
    texts: dict[str, str] = {}  # one body per time zone among the readers
    rows = []
    path = user_notifications.site_path("support.ticket", reference=ticket.reference)
    for person in people:
        user_notifications.add(
            person, lead.action, f"{ticket.reference} · {subject}", path, now, ticket_id=ticket.id
        )
        if not user_notifications.mails_now(person, lead.action):
            continue
        zone = zone_name_for(person, site_zone_name())
        if zone not in texts:
            texts[zone] = body(events, audience.side, ZoneInfo(zone))
        text = texts[zone]
        note = Notification(
            reference=ticket.reference,
            subject=subject,
            recipients=(person.email,),
            headline=title,
            body=text,
            author=_who(lead),
            link=link,
            thread=thread,
            reply_to=replytokens.reply_address(replytokens.issue(person, ticket.id, now)),
        )
        rows.append(add_to_outbox("notification", note, ticket.id, now))
    return rows


def add_to_outbox(
    kind: str, note: Notification, ticket_id: int | None, now: datetime
) -> MailOutbox:
    """Compose ``note`` and add it to the outbox."""
    message, message_id = compose_notification(
        note, sender=settings.from_address(), domain=settings.message_id_domain(), now=now
    )
    return enqueue(kind, message, message_id, list(note.recipients), ticket_id, now)


def enqueue(
    kind: str,
    message: EmailMessage,
    message_id: str,
    to: list[str],
    ticket_id: int | None,
    now: datetime,
) -> MailOutbox:
    """Add a composed message to the outbox; its Message-ID joins the ticket's thread."""
    row = MailOutbox(
        kind=kind,
        ticket_id=ticket_id,
        recipients=to,
        subject=str(message["Subject"]),
        message_id=message_id,
        raw=message.as_bytes(policy=RAW_POLICY),
        next_attempt_at=now,
        created_at=now,
    )
    db.session.add(row)
    if ticket_id is not None:
        db.session.add(
            TicketMailId(
                ticket_id=ticket_id, message_id=message_id, direction="out", created_at=now
            )
        )
    return row


def queue_for_events(events: list[TicketEvent], now: datetime) -> list[MailOutbox]:
    """Queue the e-mails a transaction's events call for; mark the events notified."""
    grouped = group(events)
    # The thread as it stood before this transaction: sibling e-mails to the other side are
    # not something a recipient has seen, so they are not what the reply answers.
    threads = {
        ticket_id: thread_of(ticket_id)
        for ticket_id in {audience.ticket_id for audience in grouped}
    }
    rows = [
        row
        for audience, items in grouped.items()
        for row in queue(audience, items, now, threads[audience.ticket_id])
    ]
    for event in events:
        if event.action in PRIORITY:
            event.notified_at = now
    return rows
