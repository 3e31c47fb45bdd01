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
