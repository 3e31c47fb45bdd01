"""Suggestions shown before a request is submitted, from the forum and search when installed.

The forum/search feature provides ``suggest_for(user, title, text)``; until it is installed
this returns no suggestions and the wizard says so. A suggestion is read as a mapping or object
with ``kind`` ("article" or "thread"), ``ref`` (a stable id), ``title``, ``url`` and optionally
``snippet``.
"""
import importlib
from dataclasses import dataclass

PROVIDERS = ("catalog.search.suggest", "catalog.search", "catalog.forum.suggest", "catalog.forum")
MAX_SUGGESTIONS = 5


@dataclass(frozen=True)
class Suggestion:
    """An article or solved thread that may answer the request."""

    kind: str
    ref: str
    title: str
    url: str
    snippet: str = ""


def _provider():
    """The installed ``suggest_for`` function, or None."""
    for name in PROVIDERS:
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        function = getattr(module, "suggest_for", None)
        if callable(function):
            return function
    return None


def _read(item) -> Suggestion:
    """A provider's suggestion as our dataclass."""
    get = item.get if isinstance(item, dict) else lambda key, default="": getattr(item, key, default)
    return Suggestion(str(get("kind", "article")), str(get("ref", "")), str(get("title", "")), str(get("url", "")), str(get("snippet", "") or ""))


def suggestions(user, title: str, text: str) -> list[Suggestion]:
    """Matching articles and solved threads, best first (empty when no provider is installed)."""
    provider = _provider()
    if provider is None:
        return []
    return [_read(item) for item in list(provider(user, title, text))[:MAX_SUGGESTIONS]]
