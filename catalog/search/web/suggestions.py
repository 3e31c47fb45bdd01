"""Deflection for the request wizard: articles and solved threads that match a draft request.

``suggest_for(user, title, text)`` is the function to import; it is fast enough to call while
the user types (no highlighting, facets or spelling) and respects the user's visibility, so a
staff-only article is never suggested to anyone else. When the index is unavailable it returns
an empty list, so a page that shows suggestions keeps working.
"""

from catalog.forum import permissions
from catalog.search import engine as search
from catalog.search.web.finder import hit_url
from catalog.search.web.finder import index_folder

MAX_DRAFT_CHARS = 4000
DEFAULT_LIMIT = 5


def find_suggestions(user, title: str, text: str, limit: int = DEFAULT_LIMIT) -> list[dict]:
    """Suggestions as dicts (id, type, title, url, accepted); SearchUnavailable if no index."""
    hits = search.suggest(
        index_folder(),
        (title or "")[:MAX_DRAFT_CHARS],
        (text or "")[:MAX_DRAFT_CHARS],
        permissions.visibilities_for(user),
        limit=limit,
    )
    return [
        {
            "id": hit.id,
            "type": hit.type,
            "title": hit.title,
            "url": hit_url(hit),
            "accepted": hit.accepted,
            "app": hit.app or None,
        }
        for hit in hits
    ]


def suggest_for(user, title: str, text: str, limit: int = DEFAULT_LIMIT) -> list[dict]:
    """Top matching articles and solved threads for a draft request; [] if search is down."""
    try:
        return find_suggestions(user, title, text, limit)
    except search.SearchUnavailable:
        return []
