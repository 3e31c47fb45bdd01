"""Letters about a thread's escalation: a thread has no ticket yet to notify through."""

from datetime import datetime

from catalog.links import external_url
from catalog.support.tickets.models import Handoff
from catalog.ticketmail.letters import queue_letter


def tell_author(handoff: Handoff, thread, author, now: datetime) -> None:
    """Mail the thread's author a proposal to escalate it (no ticket yet to notify through)."""
    if author is None or not author.active:
        return
    link = external_url("support.handoff", handoff_id=handoff.id)
    text = (
        f'{handoff.proposed_by.name} proposes that your forum thread "{thread.title}" becomes '
        f"a ticket with the developer, under the reference {handoff.reference}.\n\n"
        f"Why: {handoff.reason}\n\n"
        f"See the developer's response targets, then accept or decline: {link}\n"
    )
    queue_letter(
        "handoff",
        author.email,
        f"[{handoff.reference}] Move your thread to the developer?",
        text,
        now,
    )


def tell_proposer(handoff: Handoff, thread, now: datetime) -> None:
    """Mail the proposer that the thread's author declined the escalation."""
    proposer = handoff.proposed_by
    if proposer is None or not proposer.active:
        return
    link = external_url("forum.thread", thread_id=thread.id)
    text = (
        f'The author of "{thread.title}" declined the move to the developer\'s support; '
        f"the thread stays in the forum.\n\n{link}\n"
    )
    queue_letter("handoff", proposer.email, f"[{handoff.reference}] Move declined", text, now)
