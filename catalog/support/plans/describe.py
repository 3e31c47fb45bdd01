"""Plans in words: contact methods, targets and 24×7 severities as people read them; pure.

Reads attributes of plan-like objects (a ``Plan`` row or a ticket's snapshot values), so the
comparison page, the plan pages and the snapshots all say the same thing.
"""

from typing import Any

NEXT_RELEASE = "next_release"
BUSINESS_DAY_MINUTES = 8 * 60


def contact_methods(plan: Any) -> list[str]:
    """The plan's contact methods with their limits, e.g. "Chat with up to 3 experts"."""
    methods = ["Knowledge forum"]
    if plan.web_portal:
        methods.append("Web portal")
    if plan.email:
        methods.append("E-mail")
    if plan.phone:
        methods.append("Phone")
    if plan.chat_experts:
        experts = "expert" if plan.chat_experts == 1 else "experts"
        methods.append(f"Chat with up to {plan.chat_experts} {experts}")
    if plan.remote_session:
        methods.append("Remote session")
    return methods


def target_text(value: Any) -> str:
    """A target as the seeds state it: "3 business days", "12 business hours", "next release"."""
    if value == NEXT_RELEASE:
        return "Next scheduled release"
    if value is None:
        return "No commitment"
    minutes = int(value)
    if minutes % BUSINESS_DAY_MINUTES == 0:
        days = minutes // BUSINESS_DAY_MINUTES
        return f"{days} business day{'s' if days != 1 else ''}"
    if minutes % 60 == 0:
        hours = minutes // 60
        return f"{hours} business hour{'s' if hours != 1 else ''}"
    return f"{minutes} business minutes"


def is_clock(value: Any) -> bool:
    """Whether a stored target is a time a clock runs for (not "no commitment" or a release)."""
    return isinstance(value, int) and not isinstance(value, bool)


DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_SHORT = dict(zip(DAY_NAMES, ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"), strict=True))


def window_text(calendar: dict | None) -> str:
    """A service window in words: "Mon–Fri 09:00–17:00 Europe/Prague, holidays of CZ", "24×7"."""
    calendar = calendar or {}
    zone = calendar.get("timezone", "")
    if calendar.get("always_open"):
        return "24×7"
    runs = _day_runs(calendar.get("windows") or {})
    text = "; ".join(f"{days} {hours}" for days, hours in runs) or "Closed"
    extras = [zone] if zone else []
    text = " ".join([text, *extras])
    if calendar.get("country"):
        region = calendar["country"] + (
            f"-{calendar['subdivision']}" if calendar.get("subdivision") else ""
        )
        text += f", holidays of {region}"
    return text


def _day_runs(windows: dict) -> list[tuple[str, str]]:
    """Consecutive weekdays with the same hours: [("Mon–Fri", "09:00–17:00")]."""
    runs: list[tuple[list[str], str]] = []
    for day in DAY_NAMES:
        spans = windows.get(day)
        if not spans:
            continue
        hours = ", ".join(f"{start}–{end}" for start, end in spans)
        previous = runs[-1] if runs else None
        if previous and previous[1] == hours and _follows(previous[0][-1], day):
            previous[0].append(day)
        else:
            runs.append(([day], hours))
    return [(_days_text(days), hours) for days, hours in runs]


def _follows(earlier: str, day: str) -> bool:
    """Whether ``day`` comes right after ``earlier`` in the week."""
    return DAY_NAMES.index(day) == DAY_NAMES.index(earlier) + 1


def _days_text(days: list[str]) -> str:
    """["mon", "tue", "wed"] → "Mon–Wed"; ["sat"] → "Sat"; two days → "Sat, Sun"."""
    if len(days) == 1:
        return DAY_SHORT[days[0]]
    if len(days) == 2:
        return f"{DAY_SHORT[days[0]]}, {DAY_SHORT[days[1]]}"
    return f"{DAY_SHORT[days[0]]}–{DAY_SHORT[days[-1]]}"


def incidents_text(limit: int | None) -> str:
    """Incidents per month in words: "Unlimited", "2 a month"."""
    return "Unlimited" if limit is None else f"{limit} a month"


def covers(plan: Any, app: Any) -> bool:
    """Whether the plan's professional support covers ``app`` (which must offer it itself).

    All apps the operator supports professionally, or the chosen apps, or the apps of the chosen
    categories.
    """
    if plan is None or not plan.covers_professional:
        return False
    if plan.covers_all_apps:
        return True
    if any(chosen.id == app.id for chosen in plan.apps):
        return True
    return any(category.id == app.category_id for category in plan.categories)
