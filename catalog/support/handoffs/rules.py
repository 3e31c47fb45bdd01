"""Which moves between channels a request may make, who may start them, and what they change.

Pure Python. A request keeps its one reference through every move. Parties are named by where
they stand on the request: the ``customer`` (the thread's author, or a member of the requesting
organisation), the app's ``isv`` members, and the operator's ``staff``. A party either makes a
move itself (``direct``: it sees the new channel's reason and due times and confirms) or
proposes it (``propose``: the customer sees the same preview and accepts or declines).

Clock policies: ``start`` (the new channel's clocks start on acceptance), ``restart`` (new clocks
under the new channel's terms from acceptance; the old ones are kept on the hand-off), ``carry``
(the clocks of the channel the request came from earlier come back with their first start, the
time away not counted) and ``stop`` (no clocks: a consulting quote governs).
"""

from dataclasses import dataclass

FORUM = "forum_dedicated"
ISV = "isv"
PROFESSIONAL = "professional"
CONSULTING = "consulting"
CUSTOMER, ISV_MEMBER, STAFF = "customer", "isv", "staff"
START, RESTART, CARRY, STOP = "start", "restart", "carry", "stop"
CLAIM, RETURN, NO_QUOTA = "claim", "return", "none"

CHANNEL_NAMES = {
    FORUM: "the dedicated forum",
    ISV: "the developer",
    PROFESSIONAL: "professional support",
    CONSULTING: "consulting",
}
CLOCK_WORDS = {
    START: "The developer's first-response clock starts when the move is accepted.",
    RESTART: "The clocks restart under the new channel's terms when the move is accepted; "
    "the old channel's clocks are kept in the ticket's history.",
    CARRY: "The professional clocks of the earlier move come back with their first start; "
    "the time spent in consulting is not counted.",
    STOP: "No service-level clocks run: the consulting quote sets the dates. The old clocks "
    "are kept in the ticket's history.",
}

PLAN_DOES_NOT_ALLOW = "The customer's plan does not let professional support take it now."

CLOCK_SHORT = {
    START: "the developer's clock started",
    RESTART: "clocks restarted",
    CARRY: "the earlier professional clocks carried on",
    STOP: "no clocks (the quote sets the dates)",
}


@dataclass(frozen=True)
class Rule:
    """One allowed move: who makes or proposes it, and what happens to the clocks and quota."""

    source: str
    target: str
    direct: frozenset[str]
    propose: frozenset[str]
    clocks: str
    quota: str
    customer_accepts: bool = True
    needs_consulting: bool = False
    needs_isv: bool = False
    needs_professional: bool = False
    before_quote_approval: bool = False
    why: str = ""


_C, _I, _S = frozenset({CUSTOMER}), frozenset({ISV_MEMBER}), frozenset({STAFF})
_NOBODY = frozenset()

RULES: dict[tuple[str, str], Rule] = {
    (FORUM, ISV): Rule(
        FORUM,
        ISV,
        direct=_C,
        propose=_I | _S,
        clocks=START,
        quota=NO_QUOTA,
        needs_isv=True,
        why="The thread needs the developer's attention, so it becomes a ticket with the "
        "developer's response targets.",
    ),
    (ISV, PROFESSIONAL): Rule(
        ISV,
        PROFESSIONAL,
        direct=_C,
        propose=_I | _S,
        clocks=RESTART,
        quota=CLAIM,
        needs_professional=True,
        why="The operator's professional support takes the ticket over under your plan.",
    ),
    (PROFESSIONAL, ISV): Rule(
        PROFESSIONAL,
        ISV,
        direct=_NOBODY,
        propose=_S,
        clocks=RESTART,
        quota=RETURN,
        needs_isv=True,
        why="The defect is the developer's to fix, so the ticket goes to the developer with "
        "the developer's response targets.",
    ),
    (PROFESSIONAL, CONSULTING): Rule(
        PROFESSIONAL,
        CONSULTING,
        direct=_NOBODY,
        propose=_S,
        clocks=STOP,
        quota=RETURN,
        needs_consulting=True,
        why="The request proves to be custom work, so the operator's consultants send a quote "
        "for you to approve before work starts.",
    ),
    (CONSULTING, PROFESSIONAL): Rule(
        CONSULTING,
        PROFESSIONAL,
        direct=_C,
        propose=_S,
        clocks=CARRY,
        quota=CLAIM,
        needs_professional=True,
        before_quote_approval=True,
        why="The request goes back to professional support under your plan.",
    ),
    (ISV, CONSULTING): Rule(
        ISV,
        CONSULTING,
        direct=_NOBODY,
        propose=_I | _S,
        clocks=STOP,
        quota=NO_QUOTA,
        needs_consulting=True,
        why="The request is custom work, so the operator's consultants send a quote for you "
        "to approve before work starts.",
    ),
}


@dataclass(frozen=True)
class Facts:
    """What the rules look at besides the channels and the party."""

    closed: bool = False
    offers_consulting: bool = False
    isv_tickets: bool = False
    professional_blocker: str | None = None
    quote_approved: bool = False


def rule(source: str, target: str) -> Rule | None:
    """The rule for a move, or None when the move is not allowed at all."""
    return RULES.get((source, target))


def refusal(source: str, target: str, party: str, mode: str, facts: Facts) -> str | None:
    """Why ``party`` may not make (``direct``), propose or accept a move now; None: it may.

    Only the customer accepts a proposal, and only while the move is still allowed.
    """
    found = rule(source, target)
    if found is None:
        return (
            f"A request cannot move from {CHANNEL_NAMES.get(source, source)} "
            f"to {CHANNEL_NAMES.get(target, target)}."
        )
    if facts.closed:
        return "A closed request cannot move; open a new request instead."
    allowed = {"direct": found.direct, "propose": found.propose, "accept": _C}[mode]
    if party not in allowed:
        verb = {"direct": "make", "propose": "propose", "accept": "accept"}[mode]
        return f"You may not {verb} the move to {CHANNEL_NAMES[target]} here."
    if found.needs_isv and not facts.isv_tickets:
        return "The developer does not take support tickets here for this app."
    if found.needs_consulting and not facts.offers_consulting:
        return "The operator does not offer consulting for this app."
    if found.needs_professional and facts.professional_blocker:
        # The developer is another company: it learns that the plan does not allow it, not why.
        return PLAN_DOES_NOT_ALLOW if party == ISV_MEMBER else facts.professional_blocker
    if found.before_quote_approval and facts.quote_approved:
        return "A quote was approved, so the work stays with consulting."
    return None


def offered(source: str, party: str, facts: Facts) -> list[tuple[str, str]]:
    """The (target, mode) pairs ``party`` may start from ``source``, direct moves first."""
    found = []
    for (rule_source, target), item in RULES.items():
        if rule_source != source:
            continue
        for mode, parties in (("direct", item.direct), ("propose", item.propose)):
            if party in parties and refusal(source, target, party, mode, facts) is None:
                found.append((target, mode))
    return sorted(found, key=lambda pair: pair[1] != "direct")


def clock_policy(source: str, target: str, earlier_clocks_kept: bool = True) -> str:
    """The clock policy of a move; ``carry`` falls back to ``restart`` without earlier clocks."""
    policy = RULES[(source, target)].clocks
    return RESTART if policy == CARRY and not earlier_clocks_kept else policy


def quota_words(quota: str, limit: int | None, left: int | None) -> str:
    """The quota effect in words; ``left`` counts the incidents left after this move."""
    if quota == CLAIM:
        if limit is None:
            return "Counts as a professional incident; your plan has no monthly limit."
        if left is not None and left < 0:
            return f"Would use one of this month's {limit} incidents, and none is left."
        return f"Uses one of this month's {limit} incidents; {left} will be left."
    if quota == RETURN:
        return "The incident it counted as goes back to this month's quota."
    return "Does not use a professional incident."
