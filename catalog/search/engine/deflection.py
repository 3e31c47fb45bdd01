"""Deflection: articles and solved threads matching a draft request, cheap enough per keystroke."""

from whoosh import query as wq

from catalog.search.engine.results import to_hit
from catalog.search.engine.schema import TEXT_ANALYZER
from catalog.search.engine.searcher import get_searcher
from catalog.search.engine.searcher import visible_filter

SUGGEST_TERMS = 12


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
    visible = visible_filter(entry, allowed_visibilities)
    if visible is not None:
        allow = allow & visible
    results = entry.searcher.search(query, limit=max(1, min(int(limit), 20)), filter=allow)
    return [to_hit(hit, highlight=False) for hit in results]


def _answers(entry):
    """Return the cached document set of articles and solved threads."""
    query = wq.Or(
        [wq.Term("type", "article"), wq.And([wq.Term("type", "thread"), wq.Term("accepted", True)])]
    )
    return entry.docs("answers", query)
