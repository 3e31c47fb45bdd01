"""Turn an intake (decision and clocks) into what pages and the API show."""

from dataclasses import dataclass

from catalog.channels import CHANNELS
from catalog.channels import Channel
from catalog.support.tickets.lifecycle import STATUSES
from catalog.support.wizard.intake import Intake
from catalog.support.wizard.routing import RoutingDecision


@dataclass(frozen=True)
class VerdictEntry:
    """A legend chip for the decision page: the chosen channel in colour, the others grey."""

    channel: Channel
    offered: bool
    note: str

    @property
    def status_text(self) -> str:
        """Words that carry what the colour shows."""
        return "chosen" if self.offered else "not chosen"


def verdict_entries(decision: RoutingDecision) -> tuple[VerdictEntry, ...]:
    """The five channels in legend order, each with the router's verdict."""
    return tuple(
        VerdictEntry(
            channel, decision.verdict(channel.key).chosen, decision.verdict(channel.key).reason
        )
        for channel in CHANNELS
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
}


def event_text(event) -> str:
    """One timeline line in words, e.g. "moved the ticket from New to Triaged"."""
    detail = dict(event.detail or {})
    for key in ("source", "target"):
        if key in detail:
            detail[key] = STATUSES.get(detail[key], detail[key]).replace("_", " ")
    try:
        text = _EVENTS.get(event.action, event.action.replace("_", " ")).format(**detail)
    except (KeyError, IndexError):
        text = event.action.replace("_", " ")
    note = (event.detail or {}).get("note")
    return f"{text}: {note}" if note else text
