"""Placeholders of the authorisation matrix for the console pages."""


def placeholders(app) -> dict:
    """Symbolic URL arguments of the console endpoints, and the objects behind them."""
    return {}
