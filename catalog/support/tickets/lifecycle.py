"""The ticket lifecycle as a table: which status may follow which, and who may move it there.

Pure Python. Actors are roles *on the ticket*: the ``customer`` (a member of the requesting
organisation), the ``agent`` (the developer for ISV tickets, operator staff for professional and
consulting tickets) and the ``system`` (the quiet-period auto-close).

A consulting ticket never starts work without an approved quote: ``awaiting_approval`` →
``in_progress`` is the customer's approval of the quote, and ``triaged`` → ``in_progress`` is
refused for consulting.
"""

from dataclasses import dataclass

STATUSES = {
    "new": "New",
    "triaged": "Triaged",
    "awaiting_approval": "Awaiting customer approval",
    "in_progress": "In progress",
    "workaround_provided": "Workaround provided",
    "resolved": "Resolved",
    "closed": "Closed",
}
OPEN_STATUSES = frozenset(STATUSES) - {"resolved", "closed"}
CUSTOMER, AGENT, SYSTEM = "customer", "agent", "system"
# Operator staff looking at an ISV ticket: they read it, never move it (no transition names them).
OBSERVER = "observer"

_C, _A, _S = frozenset({CUSTOMER}), frozenset({AGENT}), frozenset({SYSTEM})

# (from, to) → who may make the move.
TRANSITIONS: dict[tuple[str, str], frozenset[str]] = {
    ("new", "triaged"): _A,
    ("new", "closed"): _C,  # withdrawn by the customer
    ("triaged", "awaiting_approval"): _A,
    ("triaged", "in_progress"): _A,
    ("triaged", "closed"): _C,
    ("awaiting_approval", "in_progress"): _C,  # the customer approves the estimate or quote
    ("awaiting_approval", "triaged"): _C | _A,  # declined, or withdrawn to be re-estimated
    ("awaiting_approval", "closed"): _C,
    ("in_progress", "workaround_provided"): _A,
    ("in_progress", "resolved"): _A,
    ("workaround_provided", "in_progress"): _A | _C,  # the workaround did not hold
    ("workaround_provided", "resolved"): _A,
    ("resolved", "closed"): _C | _S,  # confirmed, or quiet for long enough
    ("resolved", "in_progress"): _C | _A,  # reopened
}

ACTION_LABELS = {
    ("new", "triaged"): "Mark triaged",
    ("new", "closed"): "Withdraw the request",
    ("triaged", "awaiting_approval"): "Ask the customer to approve the estimate",
    ("triaged", "in_progress"): "Start work",
    ("triaged", "closed"): "Withdraw the request",
    ("awaiting_approval", "in_progress"): "Approve and start work",
    ("awaiting_approval", "triaged"): "Send back for a new estimate",
    ("awaiting_approval", "closed"): "Withdraw the request",
    ("in_progress", "workaround_provided"): "Record a workaround",
    ("in_progress", "resolved"): "Record the resolution",
    ("workaround_provided", "in_progress"): "The workaround does not hold: resume work",
    ("workaround_provided", "resolved"): "Record the resolution",
    ("resolved", "closed"): "Confirm and close",
    ("resolved", "in_progress"): "Reopen",
}


# Labels that read differently on the agent's side of the same move.
AGENT_LABELS = {
    ("awaiting_approval", "triaged"): "Take the estimate back to revise it",
}
# Moves that end a request the customer has not seen resolved: the page asks to confirm them.
DESTRUCTIVE = frozenset({("new", "closed"), ("triaged", "closed"), ("awaiting_approval", "closed")})
# What a move must carry in its note, by target (the agent writes it for the customer).
NOTE_REQUIRED = {
    "awaiting_approval": "Write the estimate the customer is asked to approve.",
    "workaround_provided": "Describe the workaround for the customer.",
    "resolved": "Describe the resolution for the customer.",
}


@dataclass(frozen=True)
class Move:
    """A transition an actor may offer on a ticket page."""

    target: str
    label: str
    destructive: bool = False


def refusal(
    channel: str, current: str, target: str, actor: str, quote_approved: bool = False
) -> str | None:
    """Why ``actor`` may not move a ``channel`` ticket from ``current`` to ``target``; None: may."""
    allowed = TRANSITIONS.get((current, target))
    if allowed is None:
        return (
            f"A ticket cannot go from {STATUSES.get(current, current)} "
            f"to {STATUSES.get(target, target)}."
        )
    if actor not in allowed:
        return (
            f"Only the {' or the '.join(sorted(allowed))} may move a ticket "
            f"to {STATUSES[target]} from {STATUSES[current]}."
        )
    if (
        channel == "consulting"
        and target == "in_progress"
        and (current == "triaged" or (current == "awaiting_approval" and not quote_approved))
    ):
        return "Consulting work starts only after the customer approves a quote."
    if channel == "consulting" and target == "workaround_provided":
        return "Consulting work is delivered, not worked around: record the resolution."
    return None


# Consulting moves made through the quote, not a status button: staff ask for approval by
# sending a quote (an estimate without one left the customer nothing to approve), and the
# customer approves or declines the quote itself.
QUOTE_MOVES = {
    ("triaged", "awaiting_approval"): AGENT,
    ("awaiting_approval", "in_progress"): CUSTOMER,
    ("awaiting_approval", "triaged"): CUSTOMER,
}


def quote_move(channel: str, current: str, target: str, actor: str) -> bool:
    """Whether ``actor`` makes this consulting move through the quote, not a status button."""
    return channel == "consulting" and QUOTE_MOVES.get((current, target)) == actor


def note_problem(target: str, actor: str, note: str) -> str | None:
    """Why an agent's move needs a note it lacks (None when the note is enough)."""
    if actor != AGENT or note.strip():
        return None
    return NOTE_REQUIRED.get(target)


def moves(channel: str, current: str, actor: str) -> list[Move]:
    """The status buttons ``actor`` may offer from ``current`` (quote moves have their own)."""
    return [
        Move(
            target,
            (AGENT_LABELS if actor == AGENT else {}).get(
                (source, target), ACTION_LABELS[(source, target)]
            ),
            (source, target) in DESTRUCTIVE,
        )
        for (source, target) in TRANSITIONS
        if source == current
        and not quote_move(channel, current, target, actor)
        and refusal(channel, current, target, actor, quote_approved=False) is None
    ]
