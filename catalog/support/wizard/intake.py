"""Assess a request before it is submitted: the routing decision, the terms and the due times.

The wizard, the route API and ticket creation all call ``assess``, so the due time a customer
sees before submitting is computed by the same code, from the same start, as the one stored.
"""

from dataclasses import dataclass
from datetime import datetime

from catalog.legend import offered_keys
from catalog.marketplace.models import App
from catalog.support.plans.entitlement import Standing
from catalog.support.plans.entitlement import standing as standing_of
from catalog.support.tickets import clocks
from catalog.support.tickets import snapshots
from catalog.support.wizard.routing import Outcome
from catalog.support.wizard.routing import RoutingDecision
from catalog.support.wizard.routing import RoutingRequest
from catalog.support.wizard.routing import route


@dataclass(frozen=True)
class Intake:
    """Everything decided about a request before it becomes a ticket."""

    app: App
    severity: int
    kind: str
    start: datetime
    standing: Standing
    decision: RoutingDecision
    snapshot: dict | None
    previews: tuple[clocks.ClockPreview, ...]
    unreachable: tuple[clocks.Unreachable, ...] = ()

    @property
    def makes_ticket(self) -> bool:
        """Whether submitting creates a ticket here (professional, ISV or consulting)."""
        return self.decision.outcome in (Outcome.TICKET, Outcome.QUOTE)


def assess(app: App, user, severity: int, kind: str, start: datetime) -> Intake:
    """Route a request for ``app`` by ``user`` and compute its clocks from ``start``."""
    standing = standing_of(user, start)
    decision = route(routing_request(app, standing, severity, kind))
    snapshot = _snapshot(app, decision, standing)
    specs = clocks.clock_specs(snapshot, severity) if snapshot else []
    shown = [clocks.preview_or_reason(spec, start) for spec in specs]
    previews = tuple(item for item in shown if isinstance(item, clocks.ClockPreview))
    unreachable = tuple(item for item in shown if isinstance(item, clocks.Unreachable))
    return Intake(app, severity, kind, start, standing, decision, snapshot, previews, unreachable)


def routing_request(app: App, standing: Standing, severity: int, kind: str) -> RoutingRequest:
    """The router's view of a request: the app's channels and the requester's standing."""
    terms = app.terms
    return RoutingRequest(
        offered=offered_keys(terms, app.coverage),
        subscription=standing.state,
        plan_covers_professional=standing.covers(app),
        isv_external=bool(terms and terms.isv_contact_url),
        severity=severity,
        kind=kind,
    )


def _snapshot(app: App, decision: RoutingDecision, standing: Standing) -> dict | None:
    """The terms a ticket in the chosen channel runs under (None when no ticket is made)."""
    if decision.outcome is Outcome.QUOTE:
        return snapshots.consulting_snapshot(app.coverage)
    if decision.outcome is not Outcome.TICKET:
        return None
    if decision.channel == "professional":
        return snapshots.plan_snapshot(standing.plan, standing.subscription)
    return snapshots.isv_snapshot(app.terms)
