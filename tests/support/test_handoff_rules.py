"""The hand-off table: which moves exist, who makes or proposes them, the clocks and the quota."""

from pathlib import Path

import pytest

from catalog.support.handoffs import rules
from catalog.support.handoffs.rules import CONSULTING
from catalog.support.handoffs.rules import CUSTOMER
from catalog.support.handoffs.rules import FORUM
from catalog.support.handoffs.rules import ISV
from catalog.support.handoffs.rules import ISV_MEMBER
from catalog.support.handoffs.rules import PROFESSIONAL
from catalog.support.handoffs.rules import STAFF
from catalog.support.handoffs.rules import Facts
from tests.test_boundaries import FORBIDDEN
from tests.test_boundaries import _imports

CHANNELS = (FORUM, ISV, PROFESSIONAL, CONSULTING)
PARTIES = (CUSTOMER, ISV_MEMBER, STAFF)
OPEN = Facts(offers_consulting=True, isv_tickets=True)

# (from, to): (who moves it directly, who proposes it, clocks, quota)
TABLE = {
    (FORUM, ISV): ({CUSTOMER}, {ISV_MEMBER, STAFF}, "start", "none"),
    (ISV, PROFESSIONAL): ({CUSTOMER}, {ISV_MEMBER, STAFF}, "restart", "claim"),
    (PROFESSIONAL, ISV): (set(), {STAFF}, "restart", "return"),
    (PROFESSIONAL, CONSULTING): (set(), {STAFF}, "stop", "return"),
    (CONSULTING, PROFESSIONAL): ({CUSTOMER}, {STAFF}, "carry", "claim"),
    (ISV, CONSULTING): (set(), {ISV_MEMBER, STAFF}, "stop", "none"),
}
PAIRS = [(source, target) for source in CHANNELS for target in CHANNELS if source != target]


def test_the_rules_module_imports_neither_flask_nor_the_database():
    path = Path(rules.__file__)
    assert not (_imports(path) & FORBIDDEN)


@pytest.mark.parametrize("pair", PAIRS, ids="→".join)
def test_every_pair_is_allowed_exactly_as_the_table_says(pair):
    found = rules.rule(*pair)
    if pair not in TABLE:
        assert found is None
        for party in PARTIES:
            for mode in ("direct", "propose"):
                sentence = rules.refusal(*pair, party, mode, OPEN)
                assert sentence.startswith("A request cannot move from")
        return
    direct, propose, clocks, quota = TABLE[pair]
    assert (set(found.direct), set(found.propose)) == (direct, propose)
    assert (found.clocks, found.quota, found.customer_accepts) == (clocks, quota, True)


@pytest.mark.parametrize("pair", sorted(TABLE), ids="→".join)
@pytest.mark.parametrize("party", PARTIES)
@pytest.mark.parametrize("mode", ("direct", "propose"))
def test_only_the_named_parties_may_start_a_move(pair, party, mode):
    direct, propose, _, _ = TABLE[pair]
    allowed = party in (direct if mode == "direct" else propose)
    assert (rules.refusal(*pair, party, mode, OPEN) is None) is allowed


@pytest.mark.parametrize("pair", sorted(TABLE), ids="→".join)
def test_only_the_customer_accepts_and_a_closed_request_never_moves(pair):
    assert rules.refusal(*pair, CUSTOMER, "accept", OPEN) is None
    assert rules.refusal(*pair, STAFF, "accept", OPEN) is not None
    closed = Facts(closed=True, offers_consulting=True, isv_tickets=True)
    assert "closed" in rules.refusal(*pair, CUSTOMER, "accept", closed)


@pytest.mark.parametrize(
    "pair, facts, words",
    [
        ((PROFESSIONAL, CONSULTING), Facts(), "does not offer consulting"),
        ((PROFESSIONAL, ISV), Facts(), "does not take support tickets here"),
        ((FORUM, ISV), Facts(), "does not take support tickets here"),
        ((ISV, CONSULTING), Facts(), "does not offer consulting"),
        ((ISV, PROFESSIONAL), Facts(professional_blocker="No incidents left."), "No incidents"),
        (
            (CONSULTING, PROFESSIONAL),
            Facts(professional_blocker="Your plan does not cover this app."),
            "does not cover",
        ),
        ((CONSULTING, PROFESSIONAL), Facts(quote_approved=True), "quote was approved"),
    ],
)
def test_a_move_is_refused_with_a_sentence_when_its_condition_fails(pair, facts, words):
    assert words in rules.refusal(*pair, CUSTOMER, "accept", facts)


def test_professional_conditions_do_not_hold_back_moves_out_of_professional():
    blocked = Facts(isv_tickets=True, professional_blocker="No subscription.")
    assert rules.refusal(PROFESSIONAL, ISV, CUSTOMER, "accept", blocked) is None


@pytest.mark.parametrize(
    "source, party, facts, expected",
    [
        (ISV, CUSTOMER, OPEN, [(PROFESSIONAL, "direct")]),
        (ISV, STAFF, OPEN, [(PROFESSIONAL, "propose"), (CONSULTING, "propose")]),
        (ISV, ISV_MEMBER, Facts(), [(PROFESSIONAL, "propose")]),
        (PROFESSIONAL, CUSTOMER, OPEN, []),
        (PROFESSIONAL, STAFF, Facts(isv_tickets=True), [(ISV, "propose")]),
        (PROFESSIONAL, STAFF, Facts(), []),
        (CONSULTING, CUSTOMER, OPEN, [(PROFESSIONAL, "direct")]),
        (CONSULTING, CUSTOMER, Facts(quote_approved=True), []),
        (FORUM, CUSTOMER, OPEN, [(ISV, "direct")]),
        (FORUM, ISV_MEMBER, OPEN, [(ISV, "propose")]),
        (ISV, STAFF, Facts(closed=True, offers_consulting=True, isv_tickets=True), []),
    ],
)
def test_offered_moves_per_party(source, party, facts, expected):
    assert rules.offered(source, party, facts) == expected


@pytest.mark.parametrize(
    "pair, earlier, policy",
    [
        ((CONSULTING, PROFESSIONAL), True, "carry"),
        ((CONSULTING, PROFESSIONAL), False, "restart"),
        ((ISV, PROFESSIONAL), True, "restart"),
        ((FORUM, ISV), False, "start"),
        ((PROFESSIONAL, CONSULTING), True, "stop"),
    ],
)
def test_carry_falls_back_to_restart_without_earlier_professional_clocks(pair, earlier, policy):
    assert rules.clock_policy(*pair, earlier) == policy
    assert rules.CLOCK_WORDS[policy]


@pytest.mark.parametrize(
    "quota, limit, left, words",
    [
        ("claim", 5, 3, "Uses one of this month's 5 incidents; 3 will be left."),
        ("claim", 5, -1, "Would use one of this month's 5 incidents, and none is left."),
        ("claim", None, None, "Counts as a professional incident; your plan has no monthly limit."),
        ("return", 5, 4, "The incident it counted as goes back to this month's quota."),
        ("none", None, None, "Does not use a professional incident."),
    ],
)
def test_quota_effect_in_words(quota, limit, left, words):
    assert rules.quota_words(quota, limit, left) == words
