"""Writes on tickets. Each function flushes and records a timeline event; the caller commits."""

from datetime import datetime

from catalog.accounts.models import Organisation
from catalog.businesstime.engine import CalendarError
from catalog.extensions import db
from catalog.support.plans.entitlement import claim_incident
from catalog.support.tickets import clocks
from catalog.support.tickets.lifecycle import AGENT
from catalog.support.tickets.lifecycle import CUSTOMER
from catalog.support.tickets.lifecycle import refusal
from catalog.support.tickets.models import Attachment
from catalog.support.tickets.models import Ticket
from catalog.support.tickets.models import TicketClock
from catalog.support.tickets.models import TicketEvent
from catalog.support.tickets.models import TicketMessage
from catalog.support.tickets.models import TicketPause
from catalog.support.tickets.permissions import may_write
from catalog.support.tickets.references import format_reference
from catalog.support.tickets.references import issue_number
from catalog.support.wizard.intake import Intake


class TicketError(ValueError):
    """A change the lifecycle or the ticket's terms do not allow; the message says why."""


class QuotaTaken(TicketError):
    """The incident the routing counted on was taken by a concurrent request."""


def record(ticket: Ticket, actor, action: str, now: datetime, **detail) -> TicketEvent:
    """Add a line to the ticket's timeline (``actor`` None means the system)."""
    event = TicketEvent(
        ticket=ticket, actor_id=actor.id if actor else None, action=action, detail=detail, at=now
    )
    db.session.add(event)
    ticket.last_activity_at = now
    return event


def open_ticket(
    intake: Intake,
    user,
    title: str,
    text: str,
    now: datetime,
    prefix: str,
    files: list | None = None,
) -> Ticket:
    """Create the ticket a request was routed to, with the clocks shown before submitting.

    ``files`` are the request's (already checked) attachments, as for ``add_message``.
    """
    if not intake.makes_ticket:
        raise TicketError("This request does not become a ticket here.")
    if intake.decision.channel == "professional" and not claim_incident(
        intake.standing.subscription, now
    ):
        raise QuotaTaken(
            "Your organisation's last professional incident of this month was taken a moment ago."
        )
    number = issue_number(now)
    ensure_organisation(user)
    ticket = Ticket(
        number=number,
        reference=format_reference(prefix, number),
        app=intake.app,
        channel=intake.decision.channel,
        severity=intake.severity,
        kind=str(intake.kind),
        title=title,
        status="new",
        requester=user,
        organisation_id=user.organisation_id,
        subscription_id=intake.standing.subscription.id
        if intake.decision.channel == "professional"
        else None,
        terms_snapshot=intake.snapshot,
        routing_reason=intake.decision.reason,
        created_at=now,
        last_activity_at=now,
    )
    db.session.add(ticket)
    for shown in intake.previews:
        db.session.add(
            TicketClock(
                ticket=ticket,
                target=shown.spec.target,
                minutes=shown.spec.minutes,
                calendar=shown.spec.calendar,
                started_at=intake.start,
                warn_at=shown.warn,
                due_at=shown.due,
            )
        )
    add_message(ticket, user, text, files or [], now)
    record(ticket, user, "created", now, channel=ticket.channel, reason=intake.decision.reason)
    db.session.flush()
    return ticket


def ensure_organisation(user) -> None:
    """Give a customer without an organisation one of their own, so the ticket has an owner."""
    if user.organisation_id is None:
        user.organisation = Organisation(name=f"{user.name} (personal)")
        db.session.add(user.organisation)
        db.session.flush()


def add_message(
    ticket: Ticket, author, body: str, files: list[tuple[str, str, bytes]], now: datetime
) -> TicketMessage:
    """Add a message with its (already checked) attachments: (filename, content type, bytes)."""
    message = TicketMessage(ticket=ticket, author=author, body=body, created_at=now)
    db.session.add(message)
    for filename, content_type, data in files:
        db.session.add(
            Attachment(
                message=message,
                filename=filename,
                content_type=content_type,
                size=len(data),
                data=data,
            )
        )
    return message


def reply(
    ticket: Ticket,
    user,
    role: str,
    body: str,
    files: list,
    now: datetime,
    wait_on_customer: bool = False,
    internal: bool = False,
) -> TicketMessage:
    """A reply: an agent's first one meets the first-response target; a customer's ends a pause.

    An ``internal`` note is the agent side's only: it is no answer to the customer, so it meets
    no clock and pauses nothing, and its event is told to the agent side alone.
    """
    if not may_write(role):
        raise TicketError("Only the customer or the agent working this ticket may write on it.")
    if internal and role != AGENT:
        raise TicketError("Only the agent side writes internal notes.")
    if ticket.status == "closed":
        raise TicketError("This ticket is closed; open a new request instead.")
    message = add_message(ticket, user, body, files, now)
    message.internal = internal
    detail = {"internal": True} if internal else {}
    record(ticket, user, "replied", now, role=role, attachments=len(files), **detail)
    if internal:
        db.session.flush()
        return message
    if role == AGENT:
        meet(ticket, "first_response", now)
        if wait_on_customer:
            pause(ticket, user, now)
    elif role == CUSTOMER and ticket.open_pause is not None:
        resume(ticket, user, now)
    db.session.flush()
    return message


def meet(ticket: Ticket, target: str, now: datetime) -> None:
    """Mark a target as met now, unless it already was."""
    for clock in ticket.clocks:
        if clock.target == target and clock.met_at is None:
            clock.met_at = now


def _pause_pairs(ticket: Ticket) -> list[clocks.Pause]:
    """The ticket's pauses as (start, end) pairs."""
    return [(row.started_at, row.ended_at) for row in ticket.pauses]


def reschedule(ticket: Ticket) -> None:
    """Recompute the warning and due instants of every unmet clock from its pauses."""
    pauses = _pause_pairs(ticket)
    for clock in ticket.clocks:
        if clock.met_at is None:
            spec = clocks.ClockSpec(clock.target, clock.minutes, clock.calendar)
            try:
                clock.warn_at, clock.due_at = clocks.schedule(spec, clock.started_at, pauses)
            except CalendarError:  # terms stored before the bounds: no due time can be computed
                clock.warn_at, clock.due_at = None, None


def pause(ticket: Ticket, user, now: datetime) -> None:
    """Start waiting on the customer: the clocks stop until the customer answers."""
    if ticket.open_pause is not None:
        return
    ticket.pauses.append(TicketPause(started_at=now))
    reschedule(ticket)
    record(ticket, user, "waiting_on_customer", now)


def resume(ticket: Ticket, user, now: datetime) -> None:
    """Stop waiting on the customer: the clocks run again and their due times move on."""
    current = ticket.open_pause
    if current is None:
        return
    current.ended_at = now
    reschedule(ticket)
    record(
        ticket,
        user,
        "clock_resumed",
        now,
        due={c.target: c.due_at.isoformat() for c in ticket.clocks if c.due_at},
    )


def change_status(
    ticket: Ticket, user, role: str, target: str, now: datetime, note: str = ""
) -> None:
    """Move the ticket along the lifecycle, recording what the move carries (estimate, fix …)."""
    approved = any(quote.status == "approved" for quote in ticket.quotes)
    problem = refusal(ticket.channel, ticket.status, target, role, quote_approved=approved)
    if problem:
        raise TicketError(problem)
    if target in ("workaround_provided", "resolved") and not note.strip():
        raise TicketError("Describe the workaround or the resolution for the customer.")
    source, ticket.status = ticket.status, target
    _apply_status(ticket, source, target, note.strip(), now)
    record(ticket, user, "status_changed", now, source=source, target=target, note=note.strip())
    db.session.flush()


def _apply_status(ticket: Ticket, source: str, target: str, note: str, now: datetime) -> None:
    """Set what a status carries and meet (or reopen) the matching clocks."""
    if target in ("triaged", "awaiting_approval") and note:
        ticket.estimate = note
    if target == "workaround_provided":
        ticket.workaround = note
        meet(ticket, "workaround", now)
    if target == "resolved":
        ticket.resolution, ticket.resolved_at = note, now
        for name in ("first_response", "workaround", "resolution"):
            meet(ticket, name, now)
    if source == "resolved" and target == "in_progress":
        ticket.resolved_at = None
        for clock in ticket.clocks:
            if clock.target == "resolution":
                clock.met_at = None
    if target == "closed":
        ticket.closed_at = now


def classify(ticket: Ticket, user, classification: str, now: datetime) -> None:
    """Record whether the incident is product-, application- or environment-related."""
    ticket.classification = classification
    record(ticket, user, "classified", now, classification=classification)
    db.session.flush()
