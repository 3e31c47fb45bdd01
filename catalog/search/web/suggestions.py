"""Deflection for the request wizard and search-as-you-type: articles and solved threads.

``suggest_for(user, title, text)`` is the function to import; it is fast enough to call while
the user types (no highlighting, facets or spelling) and respects the user's visibility, so a
staff-only article is never suggested to anyone else. When the index is unavailable it returns
an empty list, so a page that shows suggestions keeps working.

``read_request(args)`` reads the suggestion endpoint's query string: a draft request
(``title`` and ``text``, from the wizard) or a typed search (``q``, from the search box), each
capped so a keystroke never sends the whole of a long draft.
"""

from dataclasses import dataclass

from catalog.forum import permissions
from catalog.search import engine as search
from catalog.search.web.finder import hit_url
from catalog.search.web.finder import index_folder

MAX_DRAFT_CHARS = 4000
DEFAULT_LIMIT = 5
# What the endpoint accepts; the wizard's title field holds 200 characters, and the scripts
# send at most the first part of a description (a GET line must stay well under 4 KB).
MAX_CHARS = {"q": 200, "title": 200, "text": 1500}


class BadSuggestRequest(ValueError):
    """The suggestion endpoint's query string cannot be answered; the message says why."""


@dataclass(frozen=True)
class SuggestRequest:
    """What to suggest for: a draft's title and text (a typed search is a title alone)."""

    title: str
    text: str
    partial: str = ""


def read_request(args) -> SuggestRequest:
    """The draft or search of a query string; BadSuggestRequest if too long or both kinds."""
    too_long = [name for name, most in MAX_CHARS.items() if len(args.get(name, "")) > most]
    if too_long:
        limits = (f"{name} (at most {MAX_CHARS[name]} characters)" for name in too_long)
        raise BadSuggestRequest("Too long: " + ", ".join(limits))
    # An empty parameter counts as absent: a form may send every field, filled or not.
    if args.get("q") and (args.get("title") or args.get("text")):
        raise BadSuggestRequest("Give either q (a search) or title and text (a draft), not both.")
    if args.get("q"):
        # A typed search's last word may be unfinished ("quarant"): it is completed as well.
        words = args["q"].split()
        return SuggestRequest(args["q"], "", words[-1] if words else "")
    return SuggestRequest(args.get("title", ""), args.get("text", ""))


def find_suggestions(
    user, title: str, text: str, limit: int = DEFAULT_LIMIT, partial: str = ""
) -> list[dict]:
    """Suggestions as dicts (id, type, title, url, accepted); SearchUnavailable if no index.

    ``partial`` is the unfinished last word of a typed search, completed from indexed words.
    """
    if not (title or "").strip() and not (text or "").strip():
        return []
    hits = search.suggest(
        index_folder(),
        (title or "")[:MAX_DRAFT_CHARS],
        (text or "")[:MAX_DRAFT_CHARS],
        permissions.visibilities_for(user),
        limit=limit,
        partial=partial,
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
