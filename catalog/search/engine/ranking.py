"""How a search for plain words is scored: BM25F, coordination and a title phrase boost.

Users type questions, and an answer rarely holds every word of one, so plain
words are OR-ed (:func:`natural`), and a document is scored by

    BM25F(words over title and body) × (share of the words it has) ** coordination
    + phrase_boost × BM25F(title) when the words appear in order, near each other, in the title.

The title phrase bonus is a re-rank (:func:`rerank`) of the best
:data:`RERANK_TOP` hits, not part of the query: as an optional clause it read
the title positions of every scored document and lowered the score bound the
word matchers skip by (two-word queries on a 20k synthetic index: 5.2× the CPU of
``a AND b``, against 2× without it).

Words such as "how", "do", "my" (:data:`QUESTION_WORDS`) are left out of plain
words, like the index's stop words: with coordination they would otherwise earn
credit in nearly every document.

Why our own coordination (``coordination.py``): Whoosh 2.7.4's ``Or(scale=…)``
adds ``(matched - 1) / (terms - scale) ** 2`` to the score (a few hundredths,
against BM25 scores of 5–30), counts field terms rather than words
(``title:refund`` and ``body:refund`` are two "terms" once ``normalize()``
flattens the nested ORs), and multiplies every score by ``(terms - 1) / terms``
(zero for one term).  Ours keeps Whoosh's top-k skipping and, once the k-th
score is known, intersects the words a top document must have.

:data:`SETTINGS` were chosen on the *dev* halves of the real-text known-item
sets (``benchmarks/tune_ranking.py``; the grid and figures are in
``benchmarks/README.md``): coordination is what matters there; B, K1, the title
weight and the phrase boost changed dev MRR@10 by less than one query's worth,
so they keep Whoosh's defaults and plain values.
"""

import dataclasses

from whoosh import query as wq

from catalog.search.engine import bm25
from catalog.search.engine.coordination import CoordinatedOr
from catalog.search.engine.phrases import offsets_hold
from catalog.search.engine.schema import TEXT_ANALYZER

TEXT_FIELDS = ("title", "body")
# Words of a question that say nothing about its subject.  The index's stop list (Whoosh's,
# 34 words) lacks them; as plain query words they would earn coordination credit in almost
# every document.  They still count inside quoted phrases, and alone ("how") they are searched.
_QUESTION_TEXT = """how what which who whom whose why where do does did doing i me my myself
our ours he him his she her hers they them their theirs its was were been being has had having
would should could"""
QUESTION_WORDS = frozenset(_QUESTION_TEXT.split())
# How many of the best hits the title phrase bonus may reorder (the search collects at least so
# many when a query has plain words to look for together).
RERANK_TOP = 30


@dataclasses.dataclass(frozen=True)
class Settings:
    """The tunable parts of the ranking (see the module docstring)."""

    b: float = 0.75
    k1: float = 1.2
    title_b: float = 0.75
    title_weight: float = 1.0
    coordination: float = 3.0
    coordinate_by_idf: bool = False
    phrase_boost: float = 1.0
    phrase_slop: int = 3
    phrase_max_words: int = 8
    drop_question_words: bool = True


SETTINGS = Settings()


def weighting(settings=None):
    """Return the BM25F weighting model every searcher is opened with."""
    settings = settings or SETTINGS
    return bm25.BM25F(B=settings.b, K1=settings.k1, title_B=settings.title_b)


def is_word(query):
    """True for a plain word: an OR-tree of terms or prefixes over both title and body.

    ``title:refund`` (one field) is a filter, not a word; ``a OR b`` is one word
    that either text satisfies.
    """
    fields = set()

    def walk(node):
        if isinstance(node, (wq.Term, wq.Prefix, wq.Wildcard)):
            fields.add(node.fieldname)
            return node.fieldname in TEXT_FIELDS
        if type(node) in (wq.Or, CoordinatedOr):
            return all(walk(child) for child in node.children())
        return False

    return walk(query) and fields == set(TEXT_FIELDS)


def natural(subqueries, boost=1.0, settings=None, **_):
    """Combine a group of clauses the way a question is read.

    Plain words are OR-ed with coordination; everything else (``AND``, quoted
    phrases, field filters) is required; ``NOT`` clauses exclude.  Used as the
    query parser's default group and for the fallback of plain words.
    """
    settings = settings or SETTINGS
    words, required, excluded = [], [], []
    for sub in subqueries:
        if isinstance(sub, wq.Not):
            excluded.append(sub.query)
        elif is_word(sub):
            words.append(sub)
        else:
            required.append(sub)
    if settings.drop_question_words:
        words = [w for w in words if _stem_of(w) not in _QUESTION_STEMS] or words
    parts = list(required)
    if words:
        core = (
            CoordinatedOr(words, strength=settings.coordination, by_idf=settings.coordinate_by_idf)
            if len(words) > 1
            else words[0]
        )
        parts.append(core)
    if not parts:
        return wq.And([wq.Not(q) for q in excluded])  # "NOT x" alone: parse() falls back
    query = parts[0] if len(parts) == 1 else wq.And(parts)
    if excluded:
        query = wq.AndNot(query, excluded[0] if len(excluded) == 1 else wq.Or(excluded))
    if boost != 1.0:
        query = query.with_boost(boost)
    return query


_QUESTION_STEMS = frozenset(token.text for token in TEXT_ANALYZER(" ".join(QUESTION_WORDS)))


def _stem_of(word):
    """Return the one stem a plain word searches for, or None (prefixes, OR of words)."""
    texts = {leaf.text for leaf in word.leaves() if isinstance(leaf, wq.Term)}
    if len(texts) == 1 and all(isinstance(leaf, wq.Term) for leaf in word.leaves()):
        return texts.pop()
    return None


def weight_title(query, settings=None):
    """Return ``query`` with every title clause weighted ``title_weight`` times a body one."""
    weight = (settings or SETTINGS).title_weight

    def reweigh(node):
        if isinstance(node, (wq.Term, wq.Prefix, wq.Phrase)) and node.fieldname == "title":
            node = node.copy()
            node.boost *= weight
        return node

    return query.accept(reweigh) if weight != 1.0 else query


def title_phrases(query, settings=None):
    """Return the stems of each group of 2..phrase_max_words plain words in ``query``.

    A group is a :class:`CoordinatedOr` that is not negated; prefixes and ``a OR b``
    words have no single stem and are left out, as the old phrase clause did.
    """
    settings = settings or SETTINGS
    if settings.phrase_boost <= 0:
        return []
    found = []

    def walk(node):
        if isinstance(node, wq.Not):
            return
        if isinstance(node, wq.AndNot):
            walk(node.a)
        elif isinstance(node, CoordinatedOr):
            stems = [s for s in map(_stem_of, node.children()) if s is not None]
            if 2 <= len(stems) <= settings.phrase_max_words:
                found.append(stems)
        elif not node.is_leaf():
            for child in node.children():
                walk(child)

    walk(query)
    return found


def rerank(results, query, settings=None):
    """Add the title phrase bonus to the best RERANK_TOP hits of ``results`` and re-sort them.

    A hit whose title holds a group's words in order, each within ``phrase_slop``
    positions of the one before, gains ``phrase_boost × title_weight ×`` the
    words' BM25F title scores (what the optional ``Phrase`` clause added).
    Positions and scores come from the title postings, one matcher per word
    skipping through the hits in document order.  Deterministic, so cached pages
    stay right; totals and facets do not change.
    """
    settings = settings or SETTINGS
    top = results.top_n[:RERANK_TOP]
    phrases = title_phrases(query, settings) if len(top) > 1 else []
    if not phrases:
        return
    docnums = sorted(doc for _, doc in top)
    bonus = dict.fromkeys(docnums, 0.0)
    weight = settings.phrase_boost * settings.title_weight
    for stems in phrases:
        for doc, score in _phrase_scores(results.searcher, stems, docnums, settings.phrase_slop):
            bonus[doc] += weight * score
    if any(bonus.values()):
        rescored = [(score + bonus[doc], doc) for score, doc in top]
        rescored.sort(key=lambda item: (-item[0], item[1]))
        results.top_n[: len(top)] = rescored


def _phrase_scores(searcher, stems, docnums, slop):
    """Yield ``(docnum, title score of the stems)`` for the docnums whose title holds the phrase."""
    reader = searcher.reader()
    found = {doc: [] for doc in docnums}
    for stem in stems:
        if ("title", stem) not in reader:
            return
        matcher = searcher.postings("title", stem)
        for doc in docnums:
            if not matcher.is_active():
                break
            if matcher.id() < doc:
                matcher.skip_to(doc)
            if matcher.is_active() and matcher.id() == doc:
                found[doc].append((matcher.value_as("positions"), matcher.score()))
    offsets = list(range(len(stems)))
    for doc, rows in found.items():
        if len(rows) == len(stems) and offsets_hold([p for p, _ in rows], offsets, slop):
            yield doc, sum(score for _, score in rows)
