"""Searching the index: full searches for the result page and quick suggestions.

Both entry points take the index folder and the visibilities the caller may
see (``("public",)`` for anonymous users, ``("public", "customers")`` for
signed-in customers, all three for staff).  Documents outside them never
contribute a hit, a facet count or a "did you mean" word.

Searchers are cached per process *and thread* (opening one costs ~90 ms at 100k
documents) and checked every :data:`REFRESH_SECONDS` for new commits or a
swapped-in rebuild; a forked worker never reuses its parent's searcher.

Snippets and ``title_html`` are safe HTML: every piece of indexed text goes
through :class:`SafeHtmlFormatter`, which escapes it; only our ``<mark>`` tags
are added.  Wrap them with ``markupsafe.Markup`` in templates, nothing else.
"""

import dataclasses
import html
import os
import threading
import time

from whoosh import query as wq
from whoosh import sorting
from whoosh.highlight import ContextFragmenter
from whoosh.highlight import Highlighter
from whoosh.highlight import HtmlFormatter
from whoosh.highlight import WholeFragmenter

from catalog.search.engine import counting
from catalog.search.engine.errors import SearchUnavailable
from catalog.search.engine.index import current_path
from catalog.search.engine.index import open_index
from catalog.search.engine.query import bound_prefixes
from catalog.search.engine.query import parse
from catalog.search.engine.query import plain_query
from catalog.search.engine.schema import TEXT_ANALYZER
from catalog.search.engine.schema import VISIBILITIES
from catalog.search.engine.schema import from_timestamp

REFRESH_SECONDS = 1.0
MAX_PER_PAGE = 50
MAX_PAGE = 100
DID_YOU_MEAN_BELOW = 3
SNIPPET_CHARS = 200
SUGGEST_TERMS = 12
_local = threading.local()


@dataclasses.dataclass(frozen=True)
class Hit:
    """One result: stored fields, score and safe-HTML title and snippet."""

    id: str
    type: str
    title: str
    app: str
    section: str
    parent: str
    accepted: bool
    created: object
    score: float
    title_html: str
    snippet: str


@dataclasses.dataclass(frozen=True)
class SearchResults:
    """A page of results with total, facet counts and the query's notices."""

    query: str
    hits: list
    total: int
    total_is_exact: bool
    page: int
    per_page: int
    facets: dict
    did_you_mean: str | None = None
    truncated: bool = False
    fallback: bool = False
    facets_sampled: bool = False

    @property
    def pages(self):
        """Number of pages the total spans (capped at MAX_PAGE)."""
        return min(MAX_PAGE, max(1, -(-self.total // self.per_page)))


class SafeHtmlFormatter(HtmlFormatter):
    """Whoosh's HtmlFormatter, escaping quotes too and marking terms with <mark>."""

    template = "<%(tag)s>%(t)s</%(tag)s>"

    def __init__(self):
        super().__init__(tagname="mark", between=" … ")

    def _text(self, text):
        return html.escape(text, quote=True)


class _Cached:
    """A searcher with the build path it came from and its visibility filters."""

    def __init__(self, folder):
        self.path = current_path(folder)
        self.searcher = open_index(folder).searcher()
        self.checked = time.monotonic()
        self.pid = os.getpid()
        self.filters = {}

    def fresh(self, folder):
        """Return self if still current, else a refreshed or reopened searcher."""
        if time.monotonic() - self.checked < REFRESH_SECONDS:
            return self
        if current_path(folder) != self.path:
            self.close()  # A rebuild was swapped in; this cache is per thread.
            return _Cached(folder)
        self.checked = time.monotonic()
        if not self.searcher.up_to_date():
            # Not searcher.refresh(): without mmap it leaves segment files open (ResourceWarning).
            old, self.searcher = self.searcher, open_index(folder).searcher()
            old.close()
            self.filters = {}
        return self

    def close(self):
        """Close the searcher's files (once)."""
        searcher, self.searcher = getattr(self, "searcher", None), None
        if searcher is not None:
            searcher.close()

    def __del__(self):
        # A thread that ends (a threaded dev server makes one per request) drops its cache:
        # close the files then, rather than leave them to the garbage collector.
        self.close()

    def docs(self, key, query):
        """Return the cached set of document numbers matching a filter query."""
        if key not in self.filters:
            self.filters[key] = set(self.searcher.docs_for_query(query))
        return self.filters[key]


def get_searcher(folder):
    """Return this thread's cached searcher entry for ``folder`` (SearchUnavailable if none)."""
    cache = getattr(_local, "cache", None)
    if cache is None:
        cache = _local.cache = {}
    key = os.path.abspath(folder)
    entry = cache.get(key)
    try:
        if entry is None or entry.pid != os.getpid():
            if entry is not None:
                entry.close()  # the parent's files, duplicated by fork
            entry = _Cached(folder)
        else:
            entry = entry.fresh(folder)
    except SearchUnavailable:
        _drop(cache, key)
        raise
    except Exception as exc:
        _drop(cache, key)
        raise SearchUnavailable(f"cannot open the search index: {exc!r}") from exc
    cache[key] = entry
    return entry


def _drop(cache, key):
    """Forget and close a cached searcher whose index went away."""
    entry = cache.pop(key, None)
    if entry is not None:
        entry.close()


def _visible(entry, allowed):
    """Return the filter for ``allowed`` visibilities (None when everything is allowed)."""
    allowed = frozenset(allowed) & frozenset(VISIBILITIES)
    if allowed == frozenset(VISIBILITIES):
        return None
    if not allowed:
        return set()
    query = wq.Or([wq.Term("visibility", v) for v in sorted(allowed)])
    return entry.docs(("visibility", allowed), query)


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
):
    """Search ``folder`` for the user input ``q``; return :class:`SearchResults`.

    ``filters`` maps app / section / type to a slug; ``sort`` is "relevance" or
    "date" (newest first).  ``facets=True`` counts every match by app, section
    and type (and makes ``total`` exact) but costs a full pass over the
    matches; without it ``total`` is exact only when it fits in the page,
    otherwise Whoosh's upper-bound estimate (``total_is_exact=False``).
    "Did you mean" runs only below DID_YOU_MEAN_BELOW results.  Malformed input
    never raises; a missing or damaged index raises SearchUnavailable.
    """
    entry = get_searcher(folder)
    parsed = parse(q)
    page = min(max(1, int(page)), MAX_PAGE)
    per_page = min(max(1, int(per_page)), MAX_PER_PAGE)
    allow = _visible(entry, allowed_visibilities)
    try:
        results, sampled = _run(entry, parsed.query, filters, allow, sort, page * per_page, facets)
    except SearchUnavailable:
        raise
    except Exception:  # A query Whoosh chokes on: search the plain words instead.
        parsed = dataclasses.replace(parsed, query=plain_query(parsed.words), fallback=True)
        try:
            results, sampled = _run(
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
    total, exact = _total(results, {} if sampled else counts, page * per_page)
    start = (page - 1) * per_page
    hits = [_hit(hit, highlight) for hit in results[start : start + per_page]]
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


def _total(results, counts, limit):
    """Return (total, exact) without re-running the query.

    ``len(results)`` re-runs a filtered query just to count it (tens of ms);
    the type facet already counted every match, and fewer hits than the limit
    means all were collected.  Otherwise Whoosh's estimate (an upper bound).
    """
    if counts:
        return sum(counts["type"].values()), True
    scored = results.scored_length()
    if scored < limit:
        return scored, True
    # Not results.estimated_length(): it calls len() whenever a filter is set.
    return max(scored, results.q.estimate_size(results.searcher.reader())), False


def _run(entry, query, filters, allow, sort, limit, facets):
    """Run the Whoosh search: (results, facets sampled?); (None, False) when nothing can match."""
    if query is wq.NullQuery:
        return None, False
    reader = entry.searcher.reader()
    query = _with_filters(bound_prefixes(query, reader), filters)
    if query is wq.NullQuery:
        return None, False
    sampled = facets and counting.too_broad(query, reader)
    kwargs = {
        "limit": max(limit, counting.FACET_SAMPLE) if sampled else limit,
        "filter": allow,
        "terms": True,
    }
    if sort == "date":
        kwargs["sortedby"] = sorting.FieldFacet("created", reverse=True)
    if facets and not sampled:
        kwargs["groupedby"] = counting.grouped_by()
    results = entry.searcher.search(query, **kwargs)
    results.formatter = SafeHtmlFormatter()
    results.fragmenter = ContextFragmenter(maxchars=SNIPPET_CHARS, surround=60)
    return results, sampled


def _hit(hit, highlight):
    """Turn a Whoosh hit into a plain Hit with safe HTML title and snippet."""
    fields = hit.fields()
    title = fields.get("title", "")
    body = fields.get("body", "")
    title_html = snippet = ""
    if highlight:
        whole = Highlighter(fragmenter=WholeFragmenter(), formatter=hit.results.formatter)
        title_html = whole.highlight_hit(hit, "title", text=title, top=1)
        snippet = hit.highlights("body", text=body, top=2)
    created = hit.searcher.reader().column_reader("created")[hit.docnum]
    return Hit(
        id=fields["id"],
        type=fields.get("type", ""),
        title=title,
        app=fields.get("app", ""),
        section=fields.get("section", ""),
        parent=fields.get("parent", ""),
        accepted=bool(fields.get("accepted")),
        created=from_timestamp(created),
        score=hit.score or 0.0,
        title_html=title_html or html.escape(title, quote=True),
        snippet=snippet or _plain_snippet(body),
    )


def _plain_snippet(body):
    """Return the escaped start of ``body`` as a snippet."""
    if len(body) <= SNIPPET_CHARS:
        return html.escape(body, quote=True)
    return html.escape(body[:SNIPPET_CHARS].rsplit(" ", 1)[0], quote=True) + " …"


def did_you_mean(entry, words, allow):
    """Return a corrected query built only from words visible docs contain, or None."""
    reader = entry.searcher.reader()
    corrected, changed = [], False
    for word in words:
        low = word.lower()
        # A word in the dictionary is not corrected (not even if only staff use it).
        if len(low) < 4 or low.isdigit() or ("words", low) in reader:
            corrected.append(low)
            continue
        best = _best_correction(entry, reader, low, allow)
        changed = changed or best is not None
        corrected.append(best or low)
    if not changed or not _visible_count(entry, corrected, allow):
        return None
    return " ".join(corrected)


def _best_correction(entry, reader, word, allow):
    """Return the closest, most common visible correction of ``word``, or None."""
    for distance in (1, 2):
        candidates = set(reader.terms_within("words", word, distance, prefix=1)) - {word}
        ranked = sorted(candidates, key=lambda c: (-_doc_frequency(reader, c), c))
        for candidate in ranked[:10]:
            if _visible_count(entry, [candidate], allow):
                return candidate
    return None


def _doc_frequency(reader, word):
    """Return how many documents' bodies contain the stem of ``word``."""
    stems = [t.text for t in TEXT_ANALYZER(word)]
    return reader.doc_frequency("body", stems[0]) if stems else 0


def _visible_count(entry, words, allow):
    """Return 1 if a document the caller may see matches all ``words``, else 0."""
    query = plain_query(words)
    if query is wq.NullQuery:
        return 0
    return 1 if not entry.searcher.search(query, limit=1, filter=allow).is_empty() else 0


def suggest(folder, title, text, allowed_visibilities, limit=5):
    """Return up to ``limit`` Hits among articles and solved threads for a draft request.

    Uses the rarest (most telling) words of the draft; meant to be called
    while the user types, so it skips highlighting, facets and spelling.
    """
    entry = get_searcher(folder)
    reader = entry.searcher.reader()
    draft = f"{title or ''} {title or ''} {text or ''}"[:4000]
    stems = {t.text for t in TEXT_ANALYZER(draft)}
    frequencies = (
        (reader.doc_frequency("body", s) + reader.doc_frequency("title", s), s) for s in stems
    )
    chosen = sorted((df, s) for df, s in frequencies if df)[:SUGGEST_TERMS]
    if not chosen:
        return []
    query = wq.Or([wq.Term(field, s) for _, s in chosen for field in ("title", "body")])
    allow = _answers(entry)
    visible = _visible(entry, allowed_visibilities)
    if visible is not None:
        allow = allow & visible
    results = entry.searcher.search(query, limit=max(1, min(int(limit), 20)), filter=allow)
    return [_hit(hit, highlight=False) for hit in results]


def _answers(entry):
    """Return the cached document set of articles and solved threads."""
    query = wq.Or(
        [wq.Term("type", "article"), wq.And([wq.Term("type", "thread"), wq.Term("accepted", True)])]
    )
    return entry.docs("answers", query)
