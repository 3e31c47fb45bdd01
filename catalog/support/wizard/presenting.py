"""Turn an intake (decision and clocks) into what pages and the API show."""

from dataclasses import dataclass
from datetime import date
from datetime import datetime
from zoneinfo import ZoneInfo

from catalog.businesstime.explain import stamp
from catalog.channels import CHANNELS
from catalog.channels import Channel
from catalog.legend import offered_keys
from catalog.support.planrequests import queries as plan_request_queries
from catalog.support.plans.entitlement import local_day
from catalog.support.plans.entitlement import month_bounds
from catalog.support.tickets.clocks import TARGETS
from catalog.support.tickets.lifecycle import STATUSES
from catalog.support.wizard.intake import Intake
from catalog.support.wizard.routing import RoutingDecision
from catalog.support.wizard.routing import Subscription as State
from catalog.templating import format_money
from catalog.viewertime import due_in_both
from catalog.viewertime import format_day


@dataclass(frozen=True)
class VerdictEntry:
    """A legend chip for the decision page: struck through only when the app does not offer the
    channel; the chosen one is marked in words (and by its row), the others say "not chosen"."""

    channel: Channel
    offered: bool
    note: str
    chosen: bool = False

    @property
    def status_text(self) -> str:
        """Words that carry what the colour and the strike show."""
        if self.chosen:
            return "chosen"
        return "offered, not chosen" if self.offered else "not offered"


def verdict_entries(
    decision: RoutingDecision, offered: frozenset[str] | None = None
) -> tuple[VerdictEntry, ...]:
    """The five channels in legend order, each with the router's verdict.

    ``offered`` is the app's offered channels (without it, only the chosen one counts as offered).
    """
    entries = []
    for channel in CHANNELS:
        verdict = decision.verdict(channel.key)
        is_offered = verdict.chosen or (offered is not None and channel.key in offered)
        entries.append(VerdictEntry(channel, is_offered, verdict.reason, verdict.chosen))
    return tuple(entries)


# The standings in which the customer is told why professional support cannot take the request
# and what would change that; the plans are offered only to those who have no running one.
WAY_IN_STATES = (State.NONE, State.LAPSED, State.NOT_NAMED_CONTACT, State.QUOTA_USED)
REQUESTING_STATES = (State.NONE, State.LAPSED)


@dataclass(frozen=True)
class WayIn:
    """Why professional support cannot take a request, and the facts of the way to it."""

    state: State
    has_organisation: bool = True
    plan_name: str = ""
    plans: tuple = ()
    contacts: tuple[str, ...] = ()
    admins: tuple[str, ...] = ()
    starts_on: date | None = None
    ended_on: date | None = None
    renews_on: date | None = None
    limit: int | None = None

    @property
    def can_request(self) -> bool:
        """Whether the customer is offered to request a plan."""
        return self.state in REQUESTING_STATES


def way_in(intake: Intake, user) -> WayIn | None:
    """What to tell a customer whose request could have gone to professional support (or None)."""
    state = intake.standing.state
    if (
        state not in WAY_IN_STATES
        or intake.decision.channel in ("professional", "consulting")
        or "professional" not in offered_keys(intake.app.terms, intake.app.coverage)
    ):
        return None
    subscription = intake.standing.subscription
    if subscription is None:
        return WayIn(
            state,
            has_organisation=user.organisation_id is not None,
            plans=tuple(plan_request_queries.offered_plans(intake.app)),
        )
    plan = subscription.plan
    if state is State.LAPSED:
        upcoming = local_day(subscription, intake.start) < subscription.starts_on
        return WayIn(
            state,
            plan_name=plan.name,
            plans=tuple(plan_request_queries.offered_plans(intake.app)),
            starts_on=subscription.starts_on if upcoming else None,
            ended_on=None if upcoming else subscription.ends_on,
        )
    if state is State.NOT_NAMED_CONTACT:
        return WayIn(
            state,
            plan_name=plan.name,
            contacts=tuple(plan_request_queries.contact_names(subscription)),
            admins=tuple(plan_request_queries.admin_names(subscription.organisation_id)),
        )
    _, following = month_bounds(intake.start, plan.calendar["timezone"])
    return WayIn(
        state, plan_name=plan.name, renews_on=following.date(), limit=plan.incidents_per_month
    )


def shown_fingerprint(intake: Intake) -> dict:
    """What the customer saw before submitting: channel, outcome and every due time."""
    return {
        "channel": intake.decision.channel,
        "outcome": str(intake.decision.outcome),
        "due": {shown.spec.target: shown.due.isoformat() for shown in intake.previews},
        "unreachable": [item.spec.target for item in intake.unreachable],
    }


def decision_json(intake: Intake) -> dict:
    """The decision with every channel's verdict and the clocks, for ``/api/v1/route``."""
    decision = intake.decision
    return {
        "app": intake.app.slug,
        "severity": intake.severity,
        "kind": str(intake.kind),
        "channel": decision.channel,
        "outcome": str(decision.outcome),
        "reason": decision.reason,
        "verdicts": [
            {"channel": v.channel, "chosen": v.chosen, "reason": v.reason}
            for v in decision.verdicts
        ],
        "subscription": str(intake.standing.state),
        "arrived": intake.start.isoformat(),
        "targets": [
            {
                "target": shown.spec.target,
                "label": shown.spec.label,
                "minutes": shown.spec.minutes,
                "around_the_clock": shown.spec.around_the_clock,
                "due": shown.due.isoformat(),
                "explanation": shown.explanation.lines(),
            }
            for shown in intake.previews
        ]
        + [
            {
                "target": item.spec.target,
                "label": item.spec.label,
                "minutes": item.spec.minutes,
                "around_the_clock": item.spec.around_the_clock,
                "due": None,
                "explanation": [item.reason],
            }
            for item in intake.unreachable
        ],
    }


_EVENTS = {
    "created": "opened the request",
    "replied": "replied",
    "status_changed": "moved the ticket from {source} to {target}",
    "waiting_on_customer": "is waiting on the customer: the clocks are paused",
    "clock_resumed": "the customer answered: the clocks run again",
    "classified": "classified the incident as {classification}-related",
    "quote_proposed": "sent a quote: {hours} h at {rate} per hour, done by {completion_on}",
    "quote_approved": "approved the quote",
    "quote_declined": "declined the quote",
    "clock_warning": "{target} clock: 80 % of the time used",
    "clock_breached": "{target} clock: overdue",
    # the desk's work on a ticket (issue 13)
    "assigned": "assigned the ticket to {assignee}",
    "retriaged": "changed the {change}; due times now: {due_text}",
    "incident_returned": "returned the ticket to {month}'s incidents: it does not count",
    # hand-offs between channels (issue 13)
    "moved": "moved the request from {source_name} to {target_name} ({clocks}; terms: {terms})",
    "handoff_proposed": "proposed moving the request to {target_name}",
    "handoff_declined": "declined moving the request to {target_name}",
    "handoff_withdrawn": "withdrew the proposal to move the request to {target_name}",
}


def _due_words(moments: list, zone: ZoneInfo | None) -> str:
    """Stored clock facts (``retriage.due_moments``) in words for a reader in ``zone``."""
    parts = []
    for moment in moments[:3]:  # a ticket has at most three targets
        label = TARGETS.get(moment.get("target"), "Target")
        if moment.get("state") != "due" or not moment.get("at"):
            parts.append(f"{label} {'met' if moment.get('state') == 'met' else 'paused'}")
            continue
        local = datetime.fromisoformat(moment["at"]).astimezone(ZoneInfo(moment["zone"]))
        parts.append(f"{label} due {due_in_both(local, zone) if zone else stamp(local)}")
    return "; ".join(parts) or "no response-time targets"


def _quote_words(detail: dict) -> dict:
    """A quote's rate in the site's currency and its day as people read them (€150.00, 31 Dec
    2026), not as stored ("150", "2026-12-31")."""
    words = {}
    if "rate" in detail:
        words["rate"] = format_money(detail["rate"])
    try:
        words["completion_on"] = format_day(date.fromisoformat(detail["completion_on"]))
    except (KeyError, TypeError, ValueError):
        pass
    return words


def event_text(event, zone: ZoneInfo | None = None) -> str:
    """One timeline line in words, e.g. "moved the ticket from New to Triaged".

    Due times it names are in their service window's zone, and also in ``zone`` (the reader's)
    where that reads otherwise.
    """
    detail = dict(event.detail or {})
    if event.action == "retriaged" and isinstance(detail.get("due"), list):
        detail["due_text"] = _due_words(detail["due"], zone)
    for key in ("source", "target"):
        if key in detail:
            detail[key] = STATUSES.get(detail[key], detail[key]).replace("_", " ")
    if event.action == "quote_proposed":
        detail.update(_quote_words(detail))
    try:
        text = _EVENTS.get(event.action, event.action.replace("_", " ")).format(**detail)
    except (KeyError, IndexError):
        text = event.action.replace("_", " ")
    if event.action == "replied" and detail.get("internal"):
        text = "added an internal note"
    note = (event.detail or {}).get("note")
    return f"{text}: {note}" if note else text
