"""The web side of search: read the request's parameters, search as the user, link the hits.

Everything here is lenient: an unknown sort, a page that is not a number or a filter that is
too long falls back to a default; the engine itself never fails on malformed query text.
"""

from dataclasses import dataclass

from flask import current_app
from flask import url_for

from catalog.forum import permissions
from catalog.forum import queries
from catalog.forum.models import Section
from catalog.marketplace.models import App
from catalog.search import engine as search
from catalog.search.engine.resultcache import ResultCache

SORTS = {"relevance": "Best match", "date": "Newest first"}
TYPES = {"thread": "Questions", "reply": "Replies", "article": "Articles", "app": "Apps"}
FILTERS = ("type", "app", "section")
MAX_FILTER_CHARS = 80


@dataclass(frozen=True)
class SearchParams:
    """What a search page or API call asked for."""

    q: str = ""
    type: str = ""
    app: str = ""
    section: str = ""
    sort: str = "relevance"
    page: int = 1
    per_page: int = 10

    @property
    def filters(self) -> dict[str, str]:
        """The filters that are set."""
        return {name: getattr(self, name) for name in FILTERS if getattr(self, name)}

    def args(self, **changes) -> dict:
        """Query arguments for a link to this search with ``changes``; defaults left out."""
        values = {"q": self.q, **self.filters, "sort": self.sort, "page": self.page} | changes
        return {
            k: v
            for k, v in values.items()
            if v and not (k == "sort" and v == "relevance") and not (k == "page" and v == 1)
        }


def _number(value, default: int, low: int, high: int) -> int:
    """A bounded integer from a query argument; ``default`` when it is not one."""
    text = str(value or "")
    return (
        min(high, max(low, int(text)))
        if text.isascii() and text.isdigit() and len(text) < 7
        else default
    )


def parse_params(args, max_per_page: int = 50, default_per_page: int = 10) -> SearchParams:
    """Search parameters from request arguments, never failing."""
    text = {name: str(args.get(name, "") or "")[:MAX_FILTER_CHARS] for name in FILTERS}
    if text["type"] not in TYPES:
        text["type"] = ""
    sort = args.get("sort", "relevance")
    return SearchParams(
        q=str(args.get("q", "") or "")[:4096],
        sort=sort if sort in SORTS else "relevance",
        page=_number(args.get("page"), 1, 1, search.MAX_PAGE),
        per_page=_number(
            args.get("per_page"), min(default_per_page, max_per_page), 1, max_per_page
        ),
        **text,
    )


def index_folder() -> str:
    """The configured index folder."""
    return current_app.config["SEARCH_INDEX_DIR"]


def result_cache() -> ResultCache:
    """This process's cache of result pages (``SEARCH_RESULT_CACHE_SIZE`` of them, 0: off).

    Kept on the app, which each gunicorn worker creates after the fork.
    """
    cache = current_app.extensions.get("search_result_cache")
    if cache is None:
        size = current_app.config["SEARCH_RESULT_CACHE_SIZE"]
        cache = current_app.extensions["search_result_cache"] = ResultCache(size)
    return cache


def find(user, params: SearchParams, facets: bool = True) -> search.SearchResults:
    """Search as ``user`` (only what their visibility allows); SearchUnavailable if no index.

    ``facets=False`` skips the counts by app, section and type (a caller that does not show
    them saves a pass over the matches).
    """
    return search.search(
        index_folder(),
        params.q,
        permissions.visibilities_for(user),
        filters=params.filters,
        sort=params.sort,
        page=params.page,
        per_page=params.per_page,
        facets=facets,
        cache=result_cache(),
    )


def hit_url(hit: search.Hit) -> str:
    """Where a hit leads: the thread (at the reply), the article or the app page."""
    kind, _, number = hit.id.partition(":")
    if kind == "thread":
        return url_for("forum.thread", thread_id=int(number))
    if kind == "reply":
        return url_for("forum.post_link", post_id=int(number))
    if kind == "article":
        return url_for("forum.article", article_id=int(number))
    return url_for("marketplace.app_detail", slug=hit.app)


def facet_labels(results: search.SearchResults) -> dict[str, dict[str, str]]:
    """Display names for the facet values (slugs) of ``results``."""
    facets = results.facets or {}
    return {
        "type": TYPES,
        "app": queries.names_by_slug(App, facets.get("app", {})),
        "section": queries.names_by_slug(Section, facets.get("section", {})),
    }


def hit_dict(hit: search.Hit) -> dict:
    """A hit as JSON: safe HTML title and snippet, and a link."""
    return {
        "id": hit.id,
        "type": hit.type,
        "title": hit.title,
        "title_html": hit.title_html,
        "snippet_html": hit.snippet,
        "url": hit_url(hit),
        "app": hit.app or None,
        "section": hit.section or None,
        "accepted": hit.accepted,
        "created": hit.created.isoformat(),
    }
