"""Deflection: articles and solved threads matching a draft request, cheap enough per keystroke.

Suggestions search the build's small *answers* index (articles and solved
threads only, see :mod:`catalog.search.engine.index`), so no other document is
ever visited.  The query is an OR of at most :data:`SUGGEST_TERMS` of the
draft's most telling words — highest idf in the answers index, the title's
words counting :data:`TITLE_WEIGHT` times — and the top-k collector runs with
Whoosh's block-max skipping (``optimize=True``; no ``terms=True``, no
grouping), so it stops scoring blocks that cannot enter the top ``limit``.
The visibility filter is a cached document set of the small index.

A typed search (the search box) may end in an unfinished word: ``partial``
is completed from the answers index's own words, at most :data:`PREFIX_TERMS`
of the most common ones among the first :data:`PREFIX_SCAN` that start with
it, so "quarant" already finds "quarantine".  Completions and draft words
are taken only if some live answer the caller may see has them, so a word of
hidden (or deleted) answers only neither takes nor reveals a slot.  Their order
still comes from Whoosh's frequencies, which count every answer.

A build made before the answers index existed has none: suggestions are then
empty (logged once per process) until ``flask --app catalog search reindex``.
"""

import itertools
import logging
import math

from whoosh import query as wq

from catalog.search.engine.results import to_hit
from catalog.search.engine.schema import TEXT_ANALYZER
from catalog.search.engine.schema import VISIBILITIES
from catalog.search.engine.searcher import get_searcher
from catalog.search.engine.searcher import hidden_docs

SUGGEST_TERMS = 5
MIN_TERMS = 3
MAX_POSTINGS = 4000
MAX_DRAFT_STEMS = 200
TITLE_WEIGHT = 2.0
MAX_LIMIT = 20
MIN_PREFIX_CHARS = 3
PREFIX_TERMS = 3
PREFIX_SCAN = 200
log = logging.getLogger(__name__)
_warned = set()


def suggest(folder, title, text, allowed_visibilities, limit=5, partial=""):
    """Return up to ``limit`` Hits among articles and solved threads for a draft request.

    Meant to be called while the user types: no highlighting, facets or spelling.
    ``partial`` is a word still being typed, completed from the index's words.
    """
    entry = get_searcher(folder)
    if entry.answers is None:
        _warn_no_answers(entry.path)
        return []
    if not set(allowed_visibilities) & set(VISIBILITIES):
        return []
    reader = entry.answers.reader()
    hidden = hidden_docs(entry, allowed_visibilities, answers=True)
    query = _or(
        draft_query(reader, title, text, hidden=hidden), completions(reader, partial, hidden)
    )
    if query is None:
        return []
    limit = max(1, min(int(limit), MAX_LIMIT))
    results = entry.answers.search(query, limit=limit, mask=hidden, optimize=True)
    return [to_hit(hit, highlight=False) for hit in results]


def draft_query(reader, title, text, terms=SUGGEST_TERMS, hidden=None):
    """Return the OR query of the draft's ``terms`` most telling stems, or None if none is known.

    Stems are chosen by their idf in ``reader`` (the answers index), times
    :data:`TITLE_WEIGHT` when the draft's title has them; a title stem's clauses
    are boosted by :data:`TITLE_WEIGHT` too (BM25 already weighs by idf).

    The cost of a search is the number of postings it reads, so after the first
    :data:`MIN_TERMS` words a word is only taken while the postings of the words
    taken stay within :data:`MAX_POSTINGS`: a common word adds little to the
    ranking and most of the cost.

    A word that no answer the caller may see has (``hidden``: the mask; :func:`seen`) is never
    chosen, so it cannot push a visible one out.
    """
    title_stems = _stems(title or "")
    stems = dict.fromkeys(title_stems)
    stems.update(dict.fromkeys(_stems(text or "")))
    total = max(1, reader.doc_count())
    weighted = []
    for stem in list(stems)[:MAX_DRAFT_STEMS]:
        postings = reader.doc_frequency("title", stem) + reader.doc_frequency("body", stem)
        if postings:
            boost = TITLE_WEIGHT if stem in title_stems else 1.0
            weighted.append((math.log(1 + total / postings) * boost, boost, stem, postings))
    chosen, budget = [], MAX_POSTINGS
    for row in sorted(weighted, key=lambda row: (-row[0], row[2])):
        if len(chosen) == terms:
            break
        if (len(chosen) < MIN_TERMS or row[3] <= budget) and _seen_anywhere(reader, row[2], hidden):
            chosen.append(row)
            budget -= row[3]
    if not chosen:
        return None
    return wq.Or(
        [
            wq.Term(field, stem, boost=boost)
            for _, boost, stem, _ in chosen
            for field in ("title", "body")
        ]
    )


def completions(reader, partial, hidden=None):
    """Return an OR of the commonest indexed words starting with ``partial``, or None.

    Only a word some document the caller may see has is taken (:func:`seen`), so a
    staff-only title never takes a visitor's completion, nor tells by that that it exists.
    """
    prefix = (partial or "").lower()
    if len(prefix) < MIN_PREFIX_CHARS or not prefix.isalnum():
        return None
    found = []
    for number, (text, info) in enumerate(reader.iter_prefix("title", prefix)):
        if number == PREFIX_SCAN:
            break
        found.append((-info.doc_frequency(), text.decode("utf-8")))
    # Checked in order, only until enough are found: a check opens the word's postings.
    seen_words = (word for _, word in sorted(found) if seen(reader, "title", word, hidden))
    words = list(itertools.islice(seen_words, PREFIX_TERMS))
    if not words:
        return None
    return wq.Or([wq.Term(field, word) for word in words for field in ("title", "body")])


def seen(reader, field, word, hidden=None):
    """Whether a live document the caller may see has ``word`` in ``field``.

    Whoosh's document frequency also counts hidden documents and deleted ones (an edited or
    removed answer's old copy, until a merge), so a word only those have must not be taken:
    it would take a slot from a visible word and, by that, tell that a hidden answer has it.
    The live postings are read only past hidden documents (at most as many as are hidden).
    """
    if not reader.doc_frequency(field, word):
        return False
    if not hidden and not reader.has_deletions():
        return True
    postings = reader.postings(field, word)  # live documents only
    hidden = hidden or frozenset()
    while postings.is_active():
        if postings.id() not in hidden:
            return True
        postings.next()
    return False


def _seen_anywhere(reader, stem, hidden):
    """Whether a document the caller may see has ``stem`` in its body or title."""
    return seen(reader, "body", stem, hidden) or seen(reader, "title", stem, hidden)


def _or(*queries):
    """OR the queries that are not None (None if all are)."""
    queries = [q for q in queries if q is not None]
    if not queries:
        return None
    return queries[0] if len(queries) == 1 else wq.Or(queries)


def _stems(text):
    """Return the draft's stems in order of first appearance (a dict used as an ordered set)."""
    return dict.fromkeys(token.text for token in TEXT_ANALYZER(text[:8000]))


def _warn_no_answers(path):
    """Log once per build that it has no answers index (it predates it)."""
    if path not in _warned:
        _warned.add(path)
        log.warning(
            "search index at %s has no answers index: no suggestions until "
            "`flask --app catalog search reindex`",
            path,
        )
