"""Routing a support request to one channel, and saying why for every channel.

The rules, first match wins:

1. custom or open-ended work goes to ``consulting`` when the app offers it, as a quote. When it
   does not, the request is routed like any other and the reason says so (the seeds count feature
   and modification requests as ordinary support requests);
2. ``professional`` when the app offers it, the customer's active plan covers it for this app,
   the user is a named contact and incidents are left this month. A question counts as an
   incident, as incident analysis and usage questions do in the seeds' plans;
3. ``isv``: a ticket here, or the developer's own support link when it is external;
4. ``forum_dedicated``: a new thread in the app's section;
5. ``forum_casual``: the public forum link;
6. otherwise no channel, said plainly.

Severity does not change the channel (it sets the clock later); for a critical request that can
only reach a forum, the reason warns that forums carry no response time.
"""

from dataclasses import dataclass
from enum import StrEnum

from catalog.channels import CHANNEL_KEYS

CHANNEL_ORDER = CHANNEL_KEYS
ROUTING_ORDER = ("consulting", "professional", "isv", "forum_dedicated", "forum_casual")
SEVERITIES = (1, 2, 3)


class Subscription(StrEnum):
    """The requesting user's standing under their organisation's subscription."""

    NONE = "none"
    ACTIVE = "active"
    LAPSED = "lapsed"
    QUOTA_USED = "quota_used"
    NOT_NAMED_CONTACT = "not_named_contact"


class Kind(StrEnum):
    """What the customer asks for."""

    QUESTION = "question"
    INCIDENT = "incident"
    CUSTOM = "custom"


class Outcome(StrEnum):
    """What the customer gets from the chosen channel."""

    QUOTE = "quote"
    TICKET = "ticket"
    EXTERNAL_LINK = "external_link"
    FORUM_THREAD = "forum_thread"
    FORUM_LINK = "forum_link"
    NONE = "none"


@dataclass(frozen=True)
class RoutingRequest:
    """Everything the router looks at: the app's channels, the customer, the request."""

    offered: frozenset[str]
    subscription: Subscription = Subscription.NONE
    plan_covers_professional: bool = False
    isv_external: bool = False
    severity: int = 3
    kind: Kind = Kind.QUESTION

    def __post_init__(self) -> None:
        """Normalise strings to enums and refuse unknown channels or severities."""
        object.__setattr__(self, "offered", frozenset(self.offered))
        object.__setattr__(self, "subscription", Subscription(self.subscription))
        object.__setattr__(self, "kind", Kind(self.kind))
        unknown = sorted(self.offered - set(CHANNEL_ORDER))
        if unknown:
            raise ValueError(f"Unknown support channel(s): {', '.join(unknown)}.")
        if self.severity not in SEVERITIES or isinstance(self.severity, bool):
            raise ValueError(f"Severity must be 1, 2 or 3, not {self.severity!r}.")


@dataclass(frozen=True)
class ChannelVerdict:
    """Whether one channel was chosen, and why (or why not)."""

    channel: str
    chosen: bool
    reason: str


@dataclass(frozen=True)
class RoutingDecision:
    """The chosen channel (None when there is none), what it yields, and every channel's verdict."""

    channel: str | None
    outcome: Outcome
    reason: str
    verdicts: tuple[ChannelVerdict, ...]

    def verdict(self, channel: str) -> ChannelVerdict:
        """The verdict on one channel."""
        return next(verdict for verdict in self.verdicts if verdict.channel == channel)


def route(request: RoutingRequest) -> RoutingDecision:
    """Choose the channel for a request and explain the choice for all five channels."""
    channel, outcome, reason = _choose(request)
    if request.kind is Kind.CUSTOM and channel != "consulting":
        reason = f"{_CUSTOM_FALLS_THROUGH} {reason}"
    if request.severity == 1 and outcome in (Outcome.FORUM_THREAD, Outcome.FORUM_LINK):
        reason += " Forums carry no response time, which matters for a critical problem."
    verdicts = tuple(_verdict(request, key, channel, reason) for key in CHANNEL_ORDER)
    return RoutingDecision(channel, outcome, reason, verdicts)


def professional_blocker(request: RoutingRequest) -> str | None:
    """Why professional support cannot take this request, or None when it can."""
    if "professional" not in request.offered:
        return _NOT_OFFERED
    if request.subscription is Subscription.NONE:
        return "Your organisation has no support subscription."
    if request.subscription is Subscription.LAPSED:
        return "Your organisation's subscription has lapsed or has not started yet."
    if not request.plan_covers_professional:
        return "Your subscription plan does not cover professional support for this app."
    if request.subscription is Subscription.QUOTA_USED:
        return "Your organisation has used all of this month's incidents."
    if request.subscription is Subscription.NOT_NAMED_CONTACT:
        return "You are not a named support contact of your organisation."
    return None


def _choose(request: RoutingRequest) -> tuple[str | None, Outcome, str]:
    """Apply the rules in order: the channel, the outcome and the reason sentence."""
    offered = request.offered
    if request.kind is Kind.CUSTOM and "consulting" in offered:
        return "consulting", Outcome.QUOTE, _CHOSEN["consulting"]
    if professional_blocker(request) is None:
        return "professional", Outcome.TICKET, _professional_reason(request)
    if "isv" in offered and request.isv_external:
        return "isv", Outcome.EXTERNAL_LINK, _CHOSEN["isv_external"]
    if "isv" in offered:
        return "isv", Outcome.TICKET, _CHOSEN["isv"]
    if "forum_dedicated" in offered:
        return "forum_dedicated", Outcome.FORUM_THREAD, _CHOSEN["forum_dedicated"]
    if "forum_casual" in offered:
        return "forum_casual", Outcome.FORUM_LINK, _CHOSEN["forum_casual"]
    if not offered:
        return None, Outcome.NONE, "This app offers no support channel."
    return None, Outcome.NONE, "None of this app's support channels can take this request."


def _professional_reason(request: RoutingRequest) -> str:
    """Why the request becomes a professional incident."""
    if request.kind is Kind.QUESTION:
        return _CHOSEN["professional"] + " A question counts as one of this month's incidents."
    return _CHOSEN["professional"]


def _verdict(request: RoutingRequest, key: str, chosen: str | None, reason: str) -> ChannelVerdict:
    """One channel's verdict: chosen, not offered, unusable, or not needed."""
    if key == chosen:
        return ChannelVerdict(key, True, reason)
    if key not in request.offered:
        return ChannelVerdict(key, False, _NOT_OFFERED)
    if key == "consulting":
        return ChannelVerdict(key, False, _CONSULTING_IS_FOR_CUSTOM_WORK)
    if key == "professional" and _ranks_before(key, chosen):
        return ChannelVerdict(key, False, professional_blocker(request))
    return ChannelVerdict(key, False, _NOT_NEEDED[chosen])


def _ranks_before(key: str, chosen: str | None) -> bool:
    """Whether ``key`` comes before the chosen channel in the routing rules."""
    return chosen is None or ROUTING_ORDER.index(key) < ROUTING_ORDER.index(chosen)


_NOT_OFFERED = "Not offered for this app."
_CUSTOM_FALLS_THROUGH = "Consulting is not offered for this app, so custom work is routed as usual."
_CONSULTING_IS_FOR_CUSTOM_WORK = (
    "Consulting is for custom or open-ended work, and this request is not custom work."
)
_CHOSEN = {
    "consulting": "Custom work goes to the operator's consultants, who send a quote (rate, "
    "estimate and completion date) for you to approve before work starts.",
    "professional": "Your subscription covers professional support for this app, you are a "
    "named contact and incidents are left this month, so this becomes a professional incident "
    "with your plan's response targets.",
    "isv": "The developer takes support tickets for this app, so this becomes a ticket with the "
    "developer's response targets.",
    "isv_external": "The developer handles support on its own service, so you are sent to the "
    "developer's support contact.",
    "forum_dedicated": "No ticket channel is open to you for this app, so your request becomes a "
    "new thread in the app's dedicated forum section, where the developer makes a best effort.",
    "forum_casual": "No ticket channel or dedicated forum is open to you for this app, so you are "
    "sent to the public forum, which the developer reads now and then without any commitment.",
}
_NOT_NEEDED = {
    "consulting": "Not needed: custom work goes to consulting.",
    "professional": "Not needed: your professional support covers this request.",
    "isv": "Not needed: the developer takes support requests for this app.",
    "forum_dedicated": "Not needed: the app's dedicated forum section comes first.",
}
