"""The preview of a move: the new channel's reason, its due times, the clock policy, the quota.

The customer sees this before accepting, and ``operations`` stores exactly these clocks: the due
times are computed by the same code the wizard uses (``intake``, ``routing``, ``snapshots``,
``clocks.preview_or_reason``), from the same instant.
"""

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from catalog.support.handoffs import rules
from catalog.support.plans.entitlement import Standing
from catalog.support.plans.entitlement import standing as standing_of
from catalog.support.tickets import clocks
from catalog.support.tickets import snapshots
from catalog.support.wizard import routing
from catalog.support.wizard.intake import routing_request


@dataclass(frozen=True)
class NewClock:
    """A clock the move would leave on the ticket: its start and due time."""

    spec: clocks.ClockSpec
    started_at: datetime
    warn: datetime | None
    due: datetime | None
    met_at: datetime | None = None

    @property
    def local_due(self) -> datetime | None:
        """The due time in its calendar's zone (as the ticket page shows stored clocks)."""
        return self.due.astimezone(ZoneInfo(self.spec.calendar["timezone"])) if self.due else None


@dataclass(frozen=True)
class Subject:
    """What moves: a ticket, or a forum thread that has none yet (plain facts, no session)."""

    source: str
    app: object
    requester: object
    severity: int
    kind: str
    closed: bool = False
    quote_approved: bool = False
    earlier_clocks: tuple[dict, ...] = ()
    away_since: datetime | None = None


@dataclass(frozen=True)
class Preview:
    """What a move would do, as shown to the customer before they accept it."""

    source: str
    target: str
    reason: str
    policy: str
    quota: str
    quota_text: str
    snapshot: dict | None
    clocks: tuple[NewClock, ...]
    unreachable: tuple[clocks.Unreachable, ...]
    standing: Standing
    facts: rules.Facts

    @property
    def policy_text(self) -> str:
        """The clock policy in words."""
        return rules.CLOCK_WORDS[self.policy]

    @property
    def terms_name(self) -> str:
        """The name of the terms the new channel runs under (plan name, or the developer's)."""
        return (self.snapshot or {}).get("name", "")

    def fingerprint(self) -> dict:
        """What the customer saw: target, policy, quota and every due time."""
        return {
            "target": self.target,
            "policy": self.policy,
            "quota": self.quota_text,
            "due": {c.spec.target: c.due.isoformat() if c.due else None for c in self.clocks},
        }


def facts(subject: Subject, customer, now: datetime) -> tuple[rules.Facts, Standing]:
    """The facts the move rules need, and the customer's standing behind them."""
    standing = standing_of(customer, now)
    request = routing_request(subject.app, standing, subject.severity, _router_kind(subject.kind))
    found = rules.Facts(
        closed=subject.closed,
        offers_consulting="consulting" in request.offered,
        isv_tickets="isv" in request.offered and not request.isv_external,
        professional_blocker=routing.professional_blocker(request),
        quote_approved=subject.quote_approved,
    )
    return found, standing


def preview(subject: Subject, target: str, customer, now: datetime) -> Preview:
    """The preview of moving ``subject`` to ``target`` for ``customer``, accepted at ``now``."""
    found, standing = facts(subject, customer, now)
    kind = "custom" if target == rules.CONSULTING else _router_kind(subject.kind)
    request = routing_request(subject.app, standing, subject.severity, kind)
    decision = routing.route(request)
    item = rules.rule(subject.source, target)
    reason = decision.reason if decision.channel == target else (item.why if item else "")
    snapshot = _snapshot(subject.app, target, standing)
    policy = rules.clock_policy(subject.source, target, bool(subject.earlier_clocks))
    if item is not None and policy == rules.CARRY:
        shown, unreachable = _carried(subject, now), ()
    else:
        shown, unreachable = _started(snapshot, subject.severity, now)
    quota = item.quota if item else rules.NO_QUOTA
    return Preview(
        subject.source,
        target,
        reason,
        policy,
        quota,
        _quota_text(quota, standing),
        snapshot,
        shown,
        unreachable,
        standing,
        found,
    )


def _router_kind(kind: str) -> str:
    """A custom request leaving consulting is routed as an incident."""
    return "incident" if kind == "custom" else kind


def _snapshot(app, target: str, standing: Standing) -> dict | None:
    """The terms the ticket runs under in the new channel."""
    if target == rules.PROFESSIONAL:
        return (
            snapshots.plan_snapshot(standing.plan, standing.subscription)
            if standing.subscription
            else None
        )
    if target == rules.CONSULTING:
        return snapshots.consulting_snapshot(app.coverage)
    return snapshots.isv_snapshot(app.terms) if app.terms else None


def _started(snapshot: dict | None, severity: int, now: datetime):
    """New clocks from ``now`` under the snapshot, and the targets that cannot be computed."""
    if snapshot is None:
        return (), ()
    shown = [clocks.preview_or_reason(spec, now) for spec in clocks.clock_specs(snapshot, severity)]
    started = tuple(
        NewClock(item.spec, now, item.warn, item.due)
        for item in shown
        if isinstance(item, clocks.ClockPreview)
    )
    return started, tuple(item for item in shown if isinstance(item, clocks.Unreachable))


def _carried(subject: Subject, now: datetime) -> tuple[NewClock, ...]:
    """The earlier professional clocks, their time away (``away_since`` → now) not counted."""
    away = [(subject.away_since, now)] if subject.away_since else []
    carried = []
    for row in subject.earlier_clocks:
        spec = clocks.ClockSpec(row["target"], row["minutes"], row["calendar"])
        started = datetime.fromisoformat(row["started_at"])
        met = datetime.fromisoformat(row["met_at"]) if row.get("met_at") else None
        warn, due = clocks.schedule(spec, started, away + list(_pairs(row)))
        carried.append(NewClock(spec, started, warn, due, met))
    return tuple(carried)


def _pairs(row: dict) -> list[tuple[datetime, datetime]]:
    """The closed pauses stored with an earlier clock."""
    return [
        (datetime.fromisoformat(start), datetime.fromisoformat(end))
        for start, end in row.get("pauses") or []
    ]


def _quota_text(quota: str, standing: Standing) -> str:
    """The quota effect in words for this customer's plan."""
    plan = standing.plan
    limit = plan.incidents_per_month if plan else None
    left = None if limit is None else limit - standing.used - 1  # below 0: none is left
    return rules.quota_words(quota, limit, left)
