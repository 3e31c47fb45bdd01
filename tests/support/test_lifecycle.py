"""The ticket lifecycle table, checked for every status pair, actor and channel."""

from itertools import product

import pytest

from catalog.support.tickets.lifecycle import STATUSES
from catalog.support.tickets.lifecycle import TRANSITIONS
from catalog.support.tickets.lifecycle import moves
from catalog.support.tickets.lifecycle import refusal

ACTORS = ("customer", "agent", "system")
CHANNELS = ("isv", "professional", "consulting")
ALLOWED = {
    ("new", "triaged", "agent"),
    ("new", "closed", "customer"),
    ("triaged", "awaiting_approval", "agent"),
    ("triaged", "in_progress", "agent"),
    ("triaged", "closed", "customer"),
    ("awaiting_approval", "in_progress", "customer"),
    ("awaiting_approval", "triaged", "customer"),
    ("awaiting_approval", "triaged", "agent"),
    ("awaiting_approval", "closed", "customer"),
    ("in_progress", "workaround_provided", "agent"),
    ("in_progress", "resolved", "agent"),
    ("workaround_provided", "in_progress", "agent"),
    ("workaround_provided", "in_progress", "customer"),
    ("workaround_provided", "resolved", "agent"),
    ("resolved", "closed", "customer"),
    ("resolved", "closed", "system"),
    ("resolved", "in_progress", "customer"),
    ("resolved", "in_progress", "agent"),
}


@pytest.mark.parametrize(
    "channel,current,target,actor,approved",
    list(product(CHANNELS, STATUSES, STATUSES, ACTORS, (False, True))),
)
def test_only_listed_transitions_are_allowed(channel, current, target, actor, approved):
    expected = (current, target, actor) in ALLOWED
    if (
        channel == "consulting"
        and target == "in_progress"
        and (current == "triaged" or (current == "awaiting_approval" and not approved))
    ):
        expected = False
    if channel == "consulting" and target == "workaround_provided":
        expected = False  # custom work is delivered, not worked around
    problem = refusal(channel, current, target, actor, quote_approved=approved)
    assert (problem is None) == expected
    if problem is not None:
        assert problem.endswith(".")


def test_the_table_and_the_expectation_agree():
    assert {(s, t, a) for (s, t), actors in TRANSITIONS.items() for a in actors} == ALLOWED


def test_consulting_work_never_starts_without_an_approved_quote():
    assert (
        refusal("consulting", "triaged", "in_progress", "agent")
        == "Consulting work starts only after the customer approves a quote."
    )
    assert (
        refusal("consulting", "awaiting_approval", "in_progress", "customer", quote_approved=True)
        is None
    )


def test_closed_is_final_and_resolved_can_be_reopened():
    assert all(moves(c, "closed", a) == [] for c in CHANNELS for a in ACTORS)
    assert "in_progress" in [m.target for m in moves("isv", "resolved", "customer")]
