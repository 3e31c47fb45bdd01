"""Frozen copies of the terms a ticket was opened under, so later edits never rewrite history.

Pure Python: reads attributes of plan-like and terms-like objects and returns plain dicts that
``clocks.clock_specs`` understands (``calendar``, ``targets``, ``around_the_clock``; snapshots
taken before plans listed their 24×7 severities say ``sev1_24x7`` instead).
"""

from typing import Any

from catalog.businesstime.engine import Calendar
from catalog.businesstime.engine import validate_calendar_dict
from catalog.support.plans import describe

# An ISV that publishes no hours is taken at its word around the clock, in UTC.
ISV_DEFAULT_CALENDAR = Calendar.twenty_four_seven("UTC").to_dict()


def plan_snapshot(plan: Any, subscription: Any) -> dict:
    """The plan and subscription behind a professional ticket."""
    return {
        "source": "plan",
        "plan": plan.slug,
        "name": plan.name,
        "incidents_per_month": plan.incidents_per_month,
        "contact_methods": describe.contact_methods(plan),
        "named_contacts": plan.named_contacts,
        "best_effort": plan.best_effort,
        "around_the_clock": sorted(plan.around_the_clock or []),
        "calendar": dict(plan.calendar),
        "targets": {severity: dict(values) for severity, values in (plan.targets or {}).items()},
        "subscription": {
            "id": subscription.id,
            "starts_on": subscription.starts_on.isoformat(),
            "ends_on": subscription.ends_on.isoformat() if subscription.ends_on else None,
        },
    }


def isv_snapshot(terms: Any) -> dict:
    """The developer's terms behind an ISV ticket: first-response targets on its hours."""
    minutes = terms.isv_response_minutes or {}
    return {
        "source": "isv",
        "name": "Developer support terms",
        "scope": terms.isv_scope or "",
        "conditions": terms.isv_conditions or "",
        "languages": list(terms.isv_languages or []),
        "contact_email": terms.isv_contact_email,
        "calendar": isv_calendar(terms.isv_hours),
        "around_the_clock": [],
        "targets": {severity: {"first_response": value} for severity, value in minutes.items()},
    }


def consulting_snapshot(coverage: Any) -> dict:
    """The operator's consulting range behind a consulting ticket (no service-level clocks)."""
    return {
        "source": "consulting",
        "name": "Consulting",
        "rate_min": str(coverage.rate_min) if coverage.rate_min is not None else None,
        "rate_max": str(coverage.rate_max) if coverage.rate_max is not None else None,
        "calendar": None,
        "targets": {},
    }


def isv_calendar(hours: dict | None) -> dict:
    """The developer's hours as a calendar the engine accepts, or around the clock in UTC."""
    if hours and not validate_calendar_dict(hours):
        return dict(hours)
    return ISV_DEFAULT_CALENDAR
