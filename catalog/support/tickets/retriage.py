"""The desk's writes on a ticket's handling: assignment, severity and kind, the month's quota.

Each function flushes and records a timeline event; the caller commits. A new severity takes its
targets from the ticket's own ``terms_snapshot`` and counts from the ticket's start, so a later
edit of the plan or the ISV's terms never changes what the ticket was promised.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from catalog.businesstime.engine import CalendarError
from catalog.businesstime.explain import stamp
from catalog.extensions import db
from catalog.support.plans.entitlement import give_back_incident
from catalog.support.plans.models import Subscription
from catalog.support.tickets import clocks
from catalog.support.tickets.lifecycle import AGENT
from catalog.support.tickets.models import Ticket
from catalog.support.tickets.models import TicketClock
from catalog.support.tickets.operations import TicketError
from catalog.support.tickets.operations import record
from catalog.support.tickets.operations import reschedule

KINDS = {
    "question": "Question",
    "incident": "Incident",
    "custom": "Custom work",
}


def assign(ticket: Ticket, user, assignee, now: datetime) -> None:
    """Give the ticket to ``assignee`` (None: nobody); the new assignee is told by mail."""
    if (assignee.id if assignee else None) == ticket.assignee_id:
        raise TicketError(
            f"{assignee.name} already works this ticket." if assignee else "Nobody works it yet."
        )
    ticket.assignee = assignee
    record(
        ticket,
        user,
        "assigned",
        now,
        role=AGENT,
        assignee_id=assignee.id if assignee else None,
        assignee=assignee.name if assignee else "nobody",
    )
    db.session.flush()


def retriage(
    ticket: Ticket, user, severity: int, kind: str, reason: str, now: datetime
) -> list[TicketClock]:
    """Change severity or kind for ``reason``; re-time the clocks from the ticket's start.

    Met clocks stay met; a target the new severity lacks is removed, one it gains is added
    (already met if what it measures already happened); pauses still count. Returns the clocks.
    """
    if severity == ticket.severity and kind == ticket.kind:
        raise TicketError("Choose another severity or kind; this is what the ticket has now.")
    if ticket.status == "closed":
        raise TicketError("This ticket is closed; its severity and kind stay as they were.")
    old_severity, old_kind = ticket.severity, ticket.kind
    ticket.severity, ticket.kind = severity, kind
    _retime(ticket, now)
    record(
        ticket,
        user,
        "retriaged",
        now,
        role=AGENT,
        change=_change_words(old_severity, severity, old_kind, kind),
        due_text=due_words(ticket),
        due=due_moments(ticket),
        note=reason,
    )
    db.session.flush()
    return list(ticket.clocks)


def _retime(ticket: Ticket, now: datetime) -> None:
    """Set the clocks to the targets the ticket's snapshot gives its (new) severity."""
    specs = {
        spec.target: spec for spec in clocks.clock_specs(ticket.terms_snapshot, ticket.severity)
    }
    start = min((clock.started_at for clock in ticket.clocks), default=ticket.created_at)
    for clock in list(ticket.clocks):
        if clock.target not in specs:
            ticket.clocks.remove(clock)
            db.session.delete(clock)
        elif clock.met_at is None:
            spec = specs[clock.target]
            clock.minutes, clock.calendar = spec.minutes, spec.calendar
            clock.warned = clock.breached = False
    have = {clock.target for clock in ticket.clocks}
    for target, spec in specs.items():
        if target not in have:
            ticket.clocks.append(
                TicketClock(
                    target=target,
                    minutes=spec.minutes,
                    calendar=spec.calendar,
                    started_at=start,
                    met_at=already_met(ticket, target),
                )
            )
    db.session.flush()  # the removed clocks go before a re-added target's row is written
    reschedule(ticket)
    for clock in ticket.clocks:
        if clock.met_at is not None and clock.due_at is None:  # gained, and met already
            try:
                clock.warn_at, clock.due_at = clocks.schedule(
                    clocks.ClockSpec(clock.target, clock.minutes, clock.calendar),
                    clock.started_at,
                    [(row.started_at, row.ended_at) for row in ticket.pauses],
                )
            except CalendarError:  # no due time computable: shown as met, without one
                clock.warn_at = clock.due_at = None


def already_met(ticket: Ticket, target: str) -> datetime | None:
    """When what a newly gained target measures already happened, from the timeline."""
    for event in ticket.events:
        detail = event.detail or {}
        if (
            target == "first_response"
            and event.action == "replied"
            and detail.get("role") == AGENT
            and not detail.get("internal")
        ):
            return event.at
        if (
            target == "workaround"
            and event.action == "status_changed"
            and detail.get("target") in ("workaround_provided", "resolved")
        ):
            return event.at
    if target in ("first_response", "resolution") and ticket.resolved_at is not None:
        return ticket.resolved_at
    return None


def _change_words(old_severity: int, severity: int, old_kind: str, kind: str) -> str:
    """ "severity 3 → 1 and kind question → incident", naming only what changed."""
    parts = []
    if old_severity != severity:
        parts.append(f"severity {old_severity} → {severity}")
    if old_kind != kind:
        parts.append(f"kind {KINDS.get(old_kind, old_kind).lower()} → {KINDS[kind].lower()}")
    return " and ".join(parts)


def due_moments(ticket: Ticket) -> list[dict]:
    """The ticket's clocks as stored facts (target, met/paused/due, the UTC instant, the calendar's
    zone), so each reader's timeline and mail can word them in their own zone."""
    return [
        {
            "target": clock.target,
            "state": "met" if clock.met_at else ("paused" if clock.due_at is None else "due"),
            "at": clock.due_at.isoformat() if clock.due_at and not clock.met_at else None,
            "zone": clock.calendar["timezone"],
        }
        for clock in ticket.clocks
    ]


def due_words(ticket: Ticket) -> str:
    """The ticket's due times in words, each in its calendar's zone (for the timeline and mail)."""
    parts = []
    for clock in ticket.clocks:
        label = clocks.TARGETS[clock.target]
        if clock.met_at is not None:
            parts.append(f"{label} met")
        elif clock.due_at is None:
            parts.append(f"{label} paused")
        else:
            local = clock.due_at.astimezone(ZoneInfo(clock.calendar["timezone"]))
            parts.append(f"{label} due {stamp(local)}")
    return "; ".join(parts) or "no response-time targets"


def not_an_incident(ticket: Ticket, user, reason: str, now: datetime) -> None:
    """Return a professional ticket to its month's quota: it no longer counts as an incident.

    The month is the one its incident was claimed in (``entitlement.give_back_incident``).
    """
    if ticket.channel != "professional" or ticket.subscription_id is None:
        raise TicketError("Only a professional ticket counts against the month's incidents.")
    if not ticket.counts_as_incident:
        raise TicketError("This ticket was already returned to the month's incidents.")
    month = give_back_incident(ticket, db.session.get(Subscription, ticket.subscription_id))
    record(ticket, user, "incident_returned", now, role=AGENT, month=month, note=reason)
    db.session.flush()
