"""Where the plan comparison lives, for pages that link to it."""

from flask import current_app
from flask import url_for

COMPARISON_ENDPOINT = "plans.compare"


def comparison_url() -> str:
    """The plan comparison page (``/plans`` until its endpoint is registered)."""
    if COMPARISON_ENDPOINT in current_app.view_functions:
        return url_for(COMPARISON_ENDPOINT)
    return "/plans"
