"""Placeholders of the authorisation matrix for the requests pages."""


def placeholders(app) -> dict:
    """Symbolic URL arguments of the requests endpoints, and the objects behind them."""
    return {}
