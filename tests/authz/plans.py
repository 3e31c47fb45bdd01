"""Placeholders of the authorisation matrix for the plans pages."""


def placeholders(app) -> dict:
    """Symbolic URL arguments of the plans endpoints, and the objects behind them."""
    return {}
