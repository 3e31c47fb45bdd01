"""The router, checked on every combination of channels, subscription, severity and kind."""

from itertools import combinations
from itertools import product

import pytest

from catalog.support.wizard.routing import ChannelVerdict
from catalog.support.wizard.routing import RoutingRequest
from catalog.support.wizard.routing import route

KEYS = ("forum_casual", "forum_dedicated", "isv", "professional", "consulting")
STATES = ("none", "active", "lapsed", "quota_used", "not_named_contact")
KINDS = ("question", "incident", "custom")


def channel_sets():
    """All 32 subsets of the five channels, each ISV subset with an external and a local ISV."""
    for size in range(len(KEYS) + 1):
        for subset in combinations(KEYS, size):
            for external in (False, True) if "isv" in subset else (False,):
                yield frozenset(subset), external


def expected(offered, external, state, covers, kind):
    """The rules of docs/product.md#routing-a-request written out plainly: (channel, outcome)."""
    if kind == "custom" and "consulting" in offered:
        return "consulting", "quote"
    if "professional" in offered and state == "active" and covers:
        return "professional", "ticket"
    if "isv" in offered:
        return "isv", "external_link" if external else "ticket"
    if "forum_dedicated" in offered:
        return "forum_dedicated", "forum_thread"
    if "forum_casual" in offered:
        return "forum_casual", "forum_link"
    return None, "none"


CASES = [
    (offered, external, state, covers, severity, kind)
    for (offered, external), state, covers, severity, kind in product(
        channel_sets(), STATES, (True, False), (1, 2, 3), KINDS
    )
]


def case_id(case):
    """A readable test id such as ``isv+professional|active|covered|sev1|incident``."""
    offered, external, state, covers, severity, kind = case
    channels = "+".join(key for key in KEYS if key in offered) or "nothing"
    return "|".join(
        [
            channels + ("(external)" if external else ""),
            state,
            "covered" if covers else "uncovered",
            f"sev{severity}",
            kind,
        ]
    )


def test_the_table_is_complete():
    assert len({offered for offered, _ in channel_sets()}) == 32
    assert len(CASES) == 48 * 5 * 2 * 3 * 3


@pytest.mark.parametrize("case", CASES, ids=[case_id(case) for case in CASES])
def test_every_combination_routes_as_the_rules_say(case):
    offered, external, state, covers, severity, kind = case
    decision = route(RoutingRequest(offered, state, covers, external, severity, kind))
    assert (decision.channel, decision.outcome) == expected(offered, external, state, covers, kind)
    assert decision.reason
    assert [verdict.channel for verdict in decision.verdicts] == list(KEYS)
    assert [v.channel for v in decision.verdicts if v.chosen] == [decision.channel] * (
        decision.channel is not None
    )
    for verdict in decision.verdicts:
        assert verdict.reason.strip() and verdict.reason.endswith("."), verdict
        if verdict.channel not in offered:
            assert verdict.reason == "Not offered for this app."


# --- the reasons, read as a customer would -------------------------------------------------

EVERYTHING = frozenset(KEYS)


def decide(
    offered=EVERYTHING, state="active", covers=True, external=False, severity=2, kind="incident"
):
    """Route one request with sensible defaults."""
    return route(RoutingRequest(offered, state, covers, external, severity, kind))


def reasons(decision):
    """Each channel's reason by key."""
    return {verdict.channel: verdict.reason for verdict in decision.verdicts}


def test_entitled_incident_goes_to_professional_and_says_why_not_the_others():
    decision = decide()
    assert decision.reason.startswith("Your subscription covers professional support")
    assert reasons(decision) == {
        "forum_casual": "Not needed: your professional support covers this request.",
        "forum_dedicated": "Not needed: your professional support covers this request.",
        "isv": "Not needed: your professional support covers this request.",
        "professional": decision.reason,
        "consulting": "Consulting is for custom or open-ended work, "
        "and this request is not custom work.",
    }


def test_question_counts_as_an_incident():
    assert decide(kind="question").reason.endswith(
        "A question counts as one of this month's incidents."
    )


@pytest.mark.parametrize(
    "state, covers, why",
    [
        ("none", True, "Your organisation has no support subscription."),
        ("lapsed", True, "Your organisation's subscription has lapsed or has not started yet."),
        (
            "active",
            False,
            "Your subscription plan does not cover professional support for this app.",
        ),
        ("quota_used", True, "Your organisation has used all of this month's incidents."),
        ("not_named_contact", True, "You are not a named support contact of your organisation."),
    ],
)
def test_why_professional_support_was_not_used(state, covers, why):
    decision = decide(state=state, covers=covers)
    assert decision.channel == "isv"
    assert decision.verdict("professional") == ChannelVerdict("professional", False, why)
    assert decision.verdict("forum_casual").reason == (
        "Not needed: the developer takes support requests for this app."
    )


def test_custom_work_gets_a_quote_from_consulting():
    decision = decide(kind="custom")
    assert decision.outcome == "quote"
    assert "quote" in decision.reason
    assert decision.verdict("professional").reason == "Not needed: custom work goes to consulting."


def test_custom_work_without_consulting_falls_through_and_says_so():
    decision = decide(offered={"isv", "forum_casual"}, kind="custom", state="none")
    assert decision.channel == "isv"
    assert decision.reason.startswith("Consulting is not offered for this app, so custom work")
    assert decision.verdict("consulting").reason == "Not offered for this app."


def test_external_isv_support_is_a_link():
    decision = decide(offered={"isv"}, external=True, state="none")
    assert decision.outcome == "external_link"
    assert "developer's support contact" in decision.reason


def test_dedicated_forum_is_preferred_to_the_public_forum():
    decision = decide(offered={"forum_dedicated", "forum_casual"}, state="none")
    assert decision.outcome == "forum_thread"
    assert decision.verdict("forum_casual").reason == (
        "Not needed: the app's dedicated forum section comes first."
    )


def test_critical_request_reaching_only_a_forum_is_warned():
    decision = decide(offered={"forum_casual"}, severity=1, state="none")
    assert decision.channel == "forum_casual"
    assert decision.reason.endswith(
        "Forums carry no response time, which matters for a critical problem."
    )
    assert "critical" not in decide(offered={"forum_casual"}, severity=2).reason


def test_app_without_channels_says_so():
    decision = decide(offered=set())
    assert (decision.channel, decision.outcome) == (None, "none")
    assert decision.reason == "This app offers no support channel."


def test_channels_offered_but_none_usable():
    decision = decide(offered={"professional", "consulting"}, state="lapsed")
    assert decision.channel is None
    assert decision.reason == "None of this app's support channels can take this request."
    assert "lapsed" in decision.verdict("professional").reason


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"offered": {"phone"}}, "Unknown support channel(s): phone."),
        ({"severity": 4}, "Severity must be 1, 2 or 3"),
        ({"severity": True}, "Severity must be 1, 2 or 3"),
        ({"subscription": "gold"}, "'gold' is not a valid Subscription"),
        ({"kind": "bug"}, "'bug' is not a valid Kind"),
    ],
)
def test_bad_requests_are_refused(changes, message):
    with pytest.raises(ValueError) as raised:
        RoutingRequest(**({"offered": {"isv"}} | changes))
    assert message in str(raised.value)
