"""Deflection: suggestions shown before a request is submitted, and the ones that solved it.

They come from the knowledge forum's search (``catalog.search.web.suggestions.suggest_for``), which
respects the user's visibility and returns nothing while the index is unavailable, so the
wizard then simply says it found no suggestions.
"""

from dataclasses import dataclass

from catalog.extensions import db
from catalog.search.web.suggestions import suggest_for
from catalog.support.tickets.models import Deflection

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


def record_solved(user, app, title: str, kind: str, ref: str) -> Deflection:
    """A suggestion solved the user's problem: note it (flush only; nothing is filed)."""
    found = Deflection(
        user_id=user.id, app_id=app.id, title=title, suggestion_kind=kind, suggestion_ref=ref
    )
    db.session.add(found)
    db.session.flush()
    return found
