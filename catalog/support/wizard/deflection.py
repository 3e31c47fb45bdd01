"""Suggestions shown before a request is submitted: matching articles and solved threads.

They come from the knowledge forum's search (``catalog.search.web.suggestions.suggest_for``), which
respects the user's visibility and returns nothing while the index is unavailable, so the
wizard then simply says it found no suggestions.
"""

from dataclasses import dataclass

from catalog.search.web.suggestions import suggest_for

MAX_SUGGESTIONS = 5


@dataclass(frozen=True)
class Suggestion:
    """An article or solved thread that may answer the request."""

    kind: str
    ref: str
    title: str
    url: str
    snippet: str = ""


def suggestions(user, title: str, text: str, app_slug: str | None = None) -> list[Suggestion]:
    """Matching articles and solved threads, best first; those about the request's app lead."""
    hits = suggest_for(user, title, text, limit=2 * MAX_SUGGESTIONS)
    hits.sort(
        key=lambda hit: hit.get("app") != app_slug
    )  # stable: keeps the ranking within each group
    return [
        Suggestion(
            kind="article" if hit["type"] == "article" else "thread",
            ref=hit["id"],
            title=hit["title"],
            url=hit["url"],
        )
        for hit in hits[:MAX_SUGGESTIONS]
    ]
