"""The result page's search: ranked, filtered, paged, with facets and "did you mean".

Takes the index folder and the visibilities the caller may see (``("public",)``
for anonymous users, ``("public", "customers")`` for signed-in customers, all
three for staff).
"""

import dataclasses

from whoosh import query as wq
from whoosh import sorting

from catalog.search.engine import counting
from catalog.search.engine import ranking
from catalog.search.engine.errors import SearchUnavailable
from catalog.search.engine.query import bound_prefixes
from catalog.search.engine.query import parse
from catalog.search.engine.query import plain_query
from catalog.search.engine.resultcache import cache_key
from catalog.search.engine.results import MAX_PAGE
from catalog.search.engine.results import MAX_PER_PAGE
from catalog.search.engine.results import PageHighlights
from catalog.search.engine.results import SearchResults
from catalog.search.engine.results import to_hit
from catalog.search.engine.searcher import get_searcher
from catalog.search.engine.searcher import hidden_docs
from catalog.search.engine.spelling import did_you_mean

DID_YOU_MEAN_BELOW = 3
COUNT_AHEAD_PAGES = 10


def _with_filters(query, filters):
    """AND the app/section/type filters into ``query`` (cheap: skips along postings)."""
    terms = [
        wq.Term(field, str(value))
        for field, value in sorted((filters or {}).items())
        if field in counting.FACETS and value
    ]
    return wq.And([query] + terms) if terms else query


def search(
    folder,
    q,
    allowed_visibilities,
    filters=None,
    sort="relevance",
    page=1,
    per_page=10,
    highlight=True,
    facets=True,
    cache=None,
):
    """Search ``folder`` for the user input ``q``; return :class:`SearchResults`.

    ``filters`` maps app / section / type to a slug; ``sort`` is "relevance" or
    "date" (newest first).  ``facets=True`` counts the matches by app, section
    and type within the budget of :mod:`counting` (exact up to
    FACET_EXACT_LIMIT matches, a full pass over them; else among the best
    FACET_SAMPLE); without it no match beyond the page is scored and ``total``
    is exact only when it fits in the page, otherwise Whoosh's upper-bound
    estimate (``total_is_exact=False``).  "Did you mean" runs only below
    DID_YOU_MEAN_BELOW results.  ``cache``, a :class:`ResultCache`, answers a
    repeated search of the same index generation from memory.  Malformed input
    never raises; a missing or damaged index raises SearchUnavailable.
    """
    entry = get_searcher(folder)
    page = min(max(1, int(page)), MAX_PAGE)
    per_page = min(max(1, int(per_page)), MAX_PER_PAGE)
    asked = (filters, sort, page, per_page, highlight, facets)
    key = cache_key(entry, q, allowed_visibilities, *asked) if cache is not None else None
    found = cache.get(key) if key else None
    if found is None:
        found = _search(entry, q, allowed_visibilities, *asked)
        if key:
            cache.put(key, found)
    return found


def _search(entry, q, allowed_visibilities, filters, sort, page, per_page, highlight, facets):
    """The uncached search of :func:`search`, on the cached searcher ``entry``."""
    parsed = parse(q)
    allow = hidden_docs(entry, allowed_visibilities)
    limit = page * per_page
    try:
        results, sampled, limit = _run(entry, parsed.query, filters, allow, sort, limit, facets)
    except SearchUnavailable:
        raise
    except Exception:  # A query Whoosh chokes on: search the plain words instead.
        parsed = dataclasses.replace(parsed, query=plain_query(parsed.words), fallback=True)
        try:
            results, sampled, limit = _run(
                entry, parsed.query, filters, allow, sort, page * per_page, facets
            )
        except Exception as exc:
            raise SearchUnavailable(f"search failed: {exc!r}") from exc
    if results is None:
        return SearchResults(
            parsed.text,
            [],
            0,
            True,
            page,
            per_page,
            {name: {} for name in counting.FACETS} if facets else {},
            truncated=parsed.truncated,
            fallback=parsed.fallback,
        )
    if not facets:
        counts = {}
    else:
        counts = counting.sampled_counts(results) if sampled else counting.exact_counts(results)
    total, exact = _total(results, {} if sampled else counts, limit, allow, per_page)
    start = (page - 1) * per_page
    marks = PageHighlights(results) if highlight else None
    hits = [to_hit(hit, marks) for hit in results[start : start + per_page]]
    suggestion = None
    if total < DID_YOU_MEAN_BELOW and parsed.words:
        suggestion = did_you_mean(entry, parsed.words, allow)
    return SearchResults(
        parsed.text,
        hits,
        total,
        exact,
        page,
        per_page,
        counts,
        suggestion,
        parsed.truncated,
        parsed.fallback,
        facets_sampled=sampled,
    )


def _total(results, counts, limit, hidden, per_page):
    """Return (total, exact) without re-running the query.

    ``len(results)`` re-runs a filtered query just to count it (tens of ms);
    the type facet already counted every match, and fewer hits than the limit
    means all were collected.  Otherwise the visible matches are counted
    without scoring, but only :data:`COUNT_AHEAD_PAGES` pages beyond this one
    ("110+ results" on the first page: enough to page on, and a tenth of the
    cost of counting a thousand).  Never Whoosh's estimate: it counts
    documents the caller may not see.
    """
    if counts:
        return sum(counts["type"].values()), True
    scored = results.scored_length()
    if scored < limit:
        return scored, True
    cap = limit + COUNT_AHEAD_PAGES * per_page
    counted = counting.visible_count(results.searcher, results.q, hidden, cap)
    return max(scored, counted), counted < cap


def _run(entry, query, filters, allow, sort, limit, facets):
    """Run the Whoosh search: (results, facets sampled?, hits asked for).

    ``(None, False, limit)`` when nothing can match.  Sorted by relevance, the
    best hits are re-ranked by the title phrase bonus (:func:`ranking.rerank`),
    so at least RERANK_TOP are collected when the query has words to look for.
    """
    if query is wq.NullQuery:
        return None, False, limit
    reader = entry.searcher.reader()
    query = _with_filters(bound_prefixes(query, reader), filters)
    if query is wq.NullQuery:
        return None, False, limit
    rerank = sort != "date" and bool(ranking.title_phrases(query))
    if rerank:
        limit = max(limit, ranking.RERANK_TOP)
    sampled = facets and counting.too_broad(entry.searcher, query, allow)
    # No ``terms=True``: highlights use the query's own terms (the same words in a hit's text),
    # and a TermsCollector would visit every term matcher of every collected document.
    kwargs = {"limit": max(limit, counting.FACET_SAMPLE) if sampled else limit, "mask": allow}
    if sort == "date":
        kwargs["sortedby"] = sorting.FieldFacet("created", reverse=True)
    if facets and not sampled:
        kwargs["groupedby"] = counting.grouped_by()
    results = entry.searcher.search(query, **kwargs)
    if rerank:
        ranking.rerank(results, query)
    return results, sampled, limit
