"""Writes of hand-offs: propose, accept, decline, withdraw, and the move itself. Flush only.

A move keeps the ticket (and its reference); it changes the channel, the terms, the clocks as
the move's policy says (``rules``) and the month's quota, keeps what it replaced on the
``Handoff`` row, and records a ``moved`` event that the outbox tells every party about.
"""

from datetime import datetime
from datetime import timedelta

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import update

from catalog.accounts.models import User
from catalog.extensions import db
from catalog.forum.models import Thread
from catalog.support.handoffs import rules
from catalog.support.handoffs.assess import Preview
from catalog.support.handoffs.queries import opening_text
from catalog.support.handoffs.queries import pending
from catalog.support.plans.entitlement import claim_incident
from catalog.support.plans.entitlement import give_back_incident
from catalog.support.plans.models import Subscription
from catalog.support.tickets.models import Handoff
from catalog.support.tickets.models import Ticket
from catalog.support.tickets.models import TicketClock
from catalog.support.tickets.models import TicketPause
from catalog.support.tickets.operations import TicketError
from catalog.support.tickets.operations import add_message
from catalog.support.tickets.operations import ensure_organisation
from catalog.support.tickets.operations import record
from catalog.support.tickets.references import format_reference
from catalog.support.tickets.references import issue_number


class HandoffError(TicketError):
    """A move the rules, the quota or the proposal's state do not allow; the message says why."""


# Each proposal mails the customer (a thread's author by letter): a few a day per request, so
# re-proposing cannot become a way to mail someone without end.
MAX_PROPOSALS_A_DAY = 5


def thread_reference(thread, now: datetime, prefix: str) -> str:
    """The thread's support reference, issuing a number now if it has none yet."""
    if thread.reference is None:
        thread.support_number = issue_number(now)
        thread.reference = format_reference(prefix, thread.support_number)
    return thread.reference


def propose(
    user,
    party: str,
    target: str,
    reason: str,
    facts,
    now: datetime,
    *,
    ticket=None,
    thread=None,
    prefix: str = "SUP",
) -> Handoff:
    """Propose moving a ticket (or a thread, to the developer); an older proposal is withdrawn.

    A thread gets its support reference now, so the letter about the proposal can name it.
    """
    source = ticket.channel if ticket is not None else rules.FORUM
    problem = rules.refusal(source, target, party, "propose", facts)
    if problem:
        raise HandoffError(problem)
    if _proposed_since(ticket, thread, now - timedelta(days=1)) >= MAX_PROPOSALS_A_DAY:
        raise HandoffError("This request was already proposed to move often today; try tomorrow.")
    if ticket is None:
        thread_reference(thread, now, prefix)
    older = pending(ticket=ticket, thread=thread)
    if older is not None:
        _decide(older, "withdrawn", user, now)
    handoff = Handoff(
        reference=ticket.reference if ticket is not None else thread.reference,
        ticket=ticket,
        thread_id=thread.id if thread is not None else ticket.forum_thread_id,
        source_channel=source,
        target_channel=target,
        status="proposed",
        reason=reason.strip(),
        clock_policy=rules.RULES[(source, target)].clocks,
        proposed_by_id=user.id,
        proposed_at=now,
    )
    db.session.add(handoff)
    db.session.flush()
    if ticket is not None:
        record(ticket, user, "handoff_proposed", now, role="agent", **_words(handoff))
    return handoff


def _proposed_since(ticket, thread, since: datetime) -> int:
    """How many moves were proposed (or made) for the ticket or the thread since ``since``."""
    where = Handoff.ticket_id == ticket.id if ticket is not None else Handoff.thread_id == thread.id
    statement = select(func.count(Handoff.id)).where(where, Handoff.proposed_at > since)
    return db.session.scalar(statement) or 0


def accept(
    handoff: Handoff, user, preview: Preview, now: datetime, thread=None, prefix: str = "SUP"
) -> Ticket:
    """The customer accepts a proposal they saw previewed; the move happens now."""
    problem = rules.refusal(
        handoff.source_channel, handoff.target_channel, rules.CUSTOMER, "accept", preview.facts
    )
    if problem:
        raise HandoffError(problem)
    _decide(handoff, "accepted", user, now)
    if handoff.ticket is None:
        handoff.ticket = _ticket_from_thread(thread, preview, now, prefix)
    else:
        _move(handoff.ticket, preview, handoff, now)
    _record_move(handoff, user, now)
    db.session.flush()
    return handoff.ticket


def move(
    user,
    target: str,
    preview: Preview,
    now: datetime,
    *,
    ticket=None,
    thread=None,
    prefix: str = "SUP",
) -> Ticket:
    """The customer moves their own request after seeing the preview; returns the ticket."""
    source = ticket.channel if ticket is not None else rules.FORUM
    problem = rules.refusal(source, target, rules.CUSTOMER, "direct", preview.facts)
    if problem:
        raise HandoffError(problem)
    older = pending(ticket=ticket, thread=thread)
    if older is not None:
        _decide(older, "withdrawn", user, now)
    if ticket is None:
        thread_reference(thread, now, prefix)
    handoff = Handoff(
        reference=ticket.reference if ticket is not None else thread.reference,
        ticket=ticket,
        thread_id=thread.id if thread is not None else ticket.forum_thread_id,
        source_channel=source,
        target_channel=target,
        status="accepted",
        reason=preview.reason,
        clock_policy=preview.policy,
        proposed_by_id=user.id,
        proposed_at=now,
        decided_by_id=user.id,
        decided_at=now,
    )
    db.session.add(handoff)
    if ticket is None:
        handoff.ticket = _ticket_from_thread(thread, preview, now, prefix)
    else:
        _move(ticket, preview, handoff, now)
    _record_move(handoff, user, now)
    db.session.flush()
    return handoff.ticket


def decline(handoff: Handoff, user, now: datetime) -> None:
    """The customer declines a proposal; nothing moves."""
    _decide(handoff, "declined", user, now)
    if handoff.ticket is not None:
        record(handoff.ticket, user, "handoff_declined", now, role="customer", **_words(handoff))
    db.session.flush()


def withdraw(handoff: Handoff, user, now: datetime) -> None:
    """The proposer takes a pending proposal back."""
    if handoff.proposed_by_id != user.id:
        raise HandoffError("Only whoever proposed the move may withdraw it.")
    _decide(handoff, "withdrawn", user, now)
    if handoff.ticket is not None:
        record(handoff.ticket, user, "handoff_withdrawn", now, role="agent", **_words(handoff))
    db.session.flush()


def _decide(handoff: Handoff, status: str, user, now: datetime) -> None:
    """Settle a pending proposal once: a second decision at the same moment is refused."""
    settled = db.session.execute(
        update(Handoff)
        .where(Handoff.id == handoff.id, Handoff.status == "proposed")
        .values(status=status, decided_by_id=user.id, decided_at=now)
        .execution_options(synchronize_session=False)
    )
    if settled.rowcount != 1:
        raise HandoffError("This proposal was already decided or withdrawn.")
    db.session.refresh(handoff)


def _words(handoff: Handoff) -> dict:
    """The event detail that names a move in words."""
    return {
        "handoff": handoff.id,
        "from_channel": handoff.source_channel,
        "to_channel": handoff.target_channel,
        "source_name": rules.CHANNEL_NAMES[handoff.source_channel],
        "target_name": rules.CHANNEL_NAMES[handoff.target_channel],
        "policy": handoff.clock_policy,
        "clocks": rules.CLOCK_SHORT[handoff.clock_policy],
        "note": handoff.reason,
    }


def _record_move(handoff: Handoff, user, now: datetime) -> None:
    """The timeline line of a move: who, why, from where to where, and the clocks."""
    ticket = handoff.ticket
    record(
        ticket,
        user,
        "moved",
        now,
        role="customer",
        proposed_by=handoff.proposed_by.name if handoff.proposed_by else "",
        terms=(ticket.terms_snapshot or {}).get("name", ""),
        due={clock.target: clock.due_at.isoformat() for clock in ticket.clocks if clock.due_at},
        **_words(handoff),
    )


def _ticket_from_thread(thread, preview: Preview, now: datetime, prefix: str) -> Ticket:
    """Escalate a dedicated-forum thread: an ISV ticket under the thread's reference."""
    # Two tabs may escalate at once: lock the thread's row first (the conversation continues
    # on the ticket, so it stays locked), then look again for a ticket the other one made.
    db.session.execute(
        update(Thread)
        .where(Thread.id == thread.id)
        .values(locked=True)
        .execution_options(synchronize_session=False)
    )
    if db.session.scalar(select(Ticket.id).where(Ticket.forum_thread_id == thread.id)):
        raise HandoffError("This thread was escalated meanwhile; its ticket carries on.")
    author = db.session.get(User, thread.author_id)
    ensure_organisation(author)
    thread_reference(thread, now, prefix)
    ticket = Ticket(
        number=thread.support_number,
        reference=thread.reference,
        app=thread.section.app,
        channel=rules.ISV,
        severity=3,
        kind="question",
        title=thread.title,
        status="new",
        requester=author,
        organisation_id=author.organisation_id,
        subscription_id=None,
        terms_snapshot=preview.snapshot,
        routing_reason=preview.reason,
        forum_thread_id=thread.id,
        created_at=now,
        last_activity_at=now,
    )
    db.session.add(ticket)
    _add_clocks(ticket, preview)
    add_message(ticket, author, opening_text(thread), [], now)
    record(ticket, author, "created", now, channel=rules.ISV, reason=preview.reason)
    # The conversation continues on the ticket; two open places would split the answers.
    thread.locked = True
    return ticket


def _move(ticket: Ticket, preview: Preview, handoff: Handoff, now: datetime) -> None:
    """Change the ticket's channel, terms, clocks and quota as the preview showed."""
    # Two tabs may move the same ticket at once: only the one that finds it still in the
    # channel its preview left from moves it (and claims or returns an incident).
    moved = db.session.execute(
        update(Ticket)
        .where(Ticket.id == ticket.id, Ticket.channel == preview.source)
        .values(channel=preview.target)
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount != 1:
        raise HandoffError("The request moved meanwhile; its page shows where it is now.")
    if preview.quota == rules.CLAIM:
        if not claim_incident(preview.standing.subscription, now):
            raise HandoffError("Your organisation has no professional incident left this month.")
        ticket.counts_as_incident = True
    elif preview.quota == rules.RETURN:
        return_incident(ticket, now)
    handoff.previous_snapshot = ticket.terms_snapshot
    handoff.previous_clocks = _kept_clocks(ticket, now)
    if ticket.open_pause is not None:
        ticket.open_pause.ended_at = now
    away = preview.policy == rules.CARRY and preview.clocks
    if away:
        earlier = _earlier_move(ticket)
        ticket.pauses.append(TicketPause(started_at=earlier.decided_at, ended_at=now))
    for clock in list(ticket.clocks):
        db.session.delete(clock)
    db.session.flush()
    db.session.expire(ticket, ["clocks"])
    if (preview.source == rules.ISV) != (preview.target == rules.ISV):
        ticket.assignee = None  # the other side works it now; they choose who
    ticket.channel = preview.target
    ticket.terms_snapshot = preview.snapshot or {}
    ticket.subscription_id = (
        preview.standing.subscription.id if preview.target == rules.PROFESSIONAL else None
    )
    ticket.status = "new"
    ticket.routing_reason = preview.reason
    if preview.target == rules.CONSULTING:
        ticket.kind = "custom"
    elif ticket.kind == "custom":
        ticket.kind = "incident"
    _add_clocks(ticket, preview)


def _earlier_move(ticket: Ticket) -> Handoff:
    """The accepted move from professional support into consulting a carry returns from."""
    return [
        item
        for item in ticket.handoffs
        if item.status == "accepted"
        and (item.source_channel, item.target_channel) == (rules.PROFESSIONAL, rules.CONSULTING)
    ][-1]


def _add_clocks(ticket: Ticket, preview: Preview) -> None:
    """The clocks the preview showed, stored as shown."""
    for shown in preview.clocks:
        db.session.add(
            TicketClock(
                ticket=ticket,
                target=shown.spec.target,
                minutes=shown.spec.minutes,
                calendar=shown.spec.calendar,
                started_at=shown.started_at,
                warn_at=shown.warn,
                due_at=shown.due,
                met_at=shown.met_at,
            )
        )


def _kept_clocks(ticket: Ticket, now: datetime) -> list[dict]:
    """The ticket's clocks and the pauses that held them, as JSON for the hand-off row."""
    pauses = [(pause.started_at, pause.ended_at or now) for pause in ticket.pauses]
    return [
        {
            "target": clock.target,
            "minutes": clock.minutes,
            "calendar": clock.calendar,
            "started_at": clock.started_at.isoformat(),
            "due_at": clock.due_at.isoformat() if clock.due_at else None,
            "met_at": clock.met_at.isoformat() if clock.met_at else None,
            "breached": clock.breached,
            "pauses": [
                [start.isoformat(), end.isoformat()]
                for start, end in pauses
                if end > clock.started_at
            ],
        }
        for clock in ticket.clocks
    ]


def return_incident(ticket: Ticket, now: datetime) -> None:
    """Give the incident a professional ticket counted as back to its month's quota."""
    if not ticket.counts_as_incident or ticket.subscription_id is None:
        return
    give_back_incident(ticket, db.session.get(Subscription, ticket.subscription_id))
