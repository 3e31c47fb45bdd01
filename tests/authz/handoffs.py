"""Placeholders of the authorisation matrix for hand-offs between channels (issue 13)."""


def placeholders(app) -> dict:
    """Values for the symbolic URL arguments of these endpoints."""
    return {}
