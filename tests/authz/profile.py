"""Placeholders of the authorisation matrix for the profile pages (issue 13)."""


def placeholders(app) -> dict:
    """Values for the symbolic URL arguments of these endpoints."""
    return {}
