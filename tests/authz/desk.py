"""Placeholders of the authorisation matrix for the desk pages (issue 13)."""


def placeholders(app) -> dict:
    """Values for the symbolic URL arguments of these endpoints."""
    return {}
