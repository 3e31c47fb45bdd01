"""An OR of words scored by how many of them a document has, that still skips like an AND.

Whoosh 2.7.4's own ``Or(scale=…)`` cannot serve (see ``ranking``'s docstring).
:class:`CoordinatedOr` scores a document by the sum of its words' scores times
``(share of the query's words it has) ** strength``.  That factor is at most 1,
so a sum of the words' best possible scores remains an upper bound, and
Whoosh's top-k collector keeps skipping blocks that cannot reach the top.

It goes further while the collector runs: once the k-th best score is known
(``replace(minquality)``), a word becomes *required* when no document without
it could reach that score even with every other word — its missing share
costs too much.  The matcher then intersects the required words' postings (and
adds the others where present) instead of visiting the union: after the first
few results a two-word question costs about what ``a AND b`` costs.
"""

from whoosh import query as wq
from whoosh.matching import AndMaybeMatcher
from whoosh.matching import IntersectionMatcher
from whoosh.matching import NullMatcher
from whoosh.matching import UnionMatcher
from whoosh.matching import WrappingMatcher
from whoosh.util import make_binary_tree


class CoordinatedOr(wq.Or):
    """An OR of words whose score is scaled by the share of the words a document has."""

    JOINT = " cOR "

    def __init__(self, subqueries, boost=1.0, strength=3.0, by_idf=False, **_):
        super().__init__(subqueries, boost=boost)
        self.strength = strength
        self.by_idf = by_idf

    def __eq__(self, other):
        return (
            super().__eq__(other)
            and self.strength == other.strength
            and self.by_idf == other.by_idf
        )

    def __hash__(self):
        return super().__hash__() ^ hash((self.strength, self.by_idf))

    def apply(self, fn):
        """Apply ``fn`` to the words, keeping the settings (Whoosh's version drops them)."""
        subqueries = [fn(q) for q in self.subqueries]
        return CoordinatedOr(subqueries, self.boost, self.strength, self.by_idf)

    def normalize(self):
        """Normalize like an OR, keeping the class and the settings."""
        norm = wq.CompoundQuery.normalize(self)
        if isinstance(norm, CoordinatedOr):
            norm.strength, norm.by_idf = self.strength, self.by_idf
        return norm

    def _matcher(self, subs, searcher, context):
        """The words' matchers under a :class:`CoordinationMatcher`."""
        matchers = [q.matcher(searcher, context) for q in subs]
        weights = [1.0] * len(subs)
        if self.by_idf:
            for number, matcher in enumerate(matchers):
                terms = [m.term() for m in matcher.term_matchers()]
                weights[number] = max((searcher.idf(*term) for term in terms), default=0.0)
        words = [(n, m) for n, m in enumerate(matchers) if m.is_active()]
        if not words:
            return NullMatcher()
        return CoordinationMatcher(words, weights, self.strength, self.boost)


def _tree(words, required, minor=frozenset()):
    """Intersect the required words' matchers, OR the others (added where present).

    Without required words, a document needs one word outside ``minor``: those
    words' union leads, the minor words are added where present.
    """
    need = [m for n, m in words if n in required]
    rest = [m for n, m in words if n not in required]
    if not need and minor:
        lead = [m for n, m in words if n not in minor]
        extra = [m for n, m in words if n in minor]
        return AndMaybeMatcher(
            make_binary_tree(UnionMatcher, lead), make_binary_tree(UnionMatcher, extra)
        )
    optional = make_binary_tree(UnionMatcher, rest) if rest else None
    if not need:
        return optional
    core = make_binary_tree(IntersectionMatcher, need)
    return AndMaybeMatcher(core, optional) if optional is not None else core


class CoordinationMatcher(WrappingMatcher):
    """Scores the words' matchers by ``sum × (share of words matched) ** strength``.

    ``words`` is a list of ``(word number, matcher)``; ``weights`` is each
    word's weight in the share (1, or its idf).
    """

    def __init__(self, words, weights, strength, boost=1.0, required=frozenset(), minor=()):
        super().__init__(_tree(words, required, minor), boost)
        self._words = words
        self._weights = weights
        self._total = sum(weights) or 1.0
        self._strength = strength
        self._required = frozenset(required)
        self._minor = frozenset(minor)
        self._limit = None

    def __repr__(self):
        return (
            f"CoordinationMatcher({self.child!r}, required={sorted(self._required)}, "
            f"minor={sorted(self._minor)})"
        )

    def _like(self, words, required, minor=()):
        return CoordinationMatcher(
            words, self._weights, self._strength, self.boost, required, minor
        )

    def copy(self):
        """Return an independent matcher positioned like this one."""
        return self._like([(n, m.copy()) for n, m in self._words], self._required, self._minor)

    def replace(self, minquality=0):
        """Drop finished words, narrow each word, and require the words a top document needs.

        A document scores at most its words' best scores added up, so word n
        must bring at least ``limit - (the others' best)``; each word's own
        ``replace`` uses that floor (e.g. a title OR body union becomes an AND
        when neither field alone can bring it), as Whoosh's union does.
        """
        limit = minquality / self.boost if minquality else 0
        if limit == self._limit and all(m.is_active() for _, m in self._words):
            return self  # the collector asks every few documents; nothing can have changed
        active = [(n, m) for n, m in self._words if m.is_active()]
        best = {n: m.max_quality() for n, m in active} if limit else {}
        total = sum(best.values())
        words = []
        for n, matcher in active:
            floor = limit - (total - best[n]) if limit else 0
            matcher = matcher.replace(max(0, floor))
            if matcher.is_active():
                words.append((n, matcher))
        alive = {n for n, _ in words}
        if not words or not self._required <= alive:
            return NullMatcher()
        required = set(self._required)
        minor = frozenset()
        if limit and self._strength and len(words) > 1:
            required |= self._needed(words, limit)
            if not required:
                minor = self._minor_words(words, limit)
        same = len(words) == len(self._words) and all(
            new is old for (_, new), (_, old) in zip(words, self._words, strict=True)
        )
        if same and required == self._required and minor == self._minor:
            self._limit = limit
            return self
        replaced = self._like(words, frozenset(required), minor)
        replaced._limit = limit
        return replaced

    def _minor_words(self, words, limit):
        """Return the weakest words that cannot bring a document above ``limit`` on their own.

        A document with only words of a set S scores at most (S's best scores)
        × (S's share) ** strength, and both grow with S; so the weakest words
        are added while that bound stays below the limit.  At least one word
        must remain outside the set.
        """
        minor, total, weight = set(), 0.0, 0.0
        for quality, n in sorted((m.max_quality(), n) for n, m in words)[:-1]:
            total += quality
            weight += self._weights[n]
            if total * min(1.0, weight / self._total) ** self._strength >= limit:
                break
            minor.add(n)
        return frozenset(minor)

    def _needed(self, words, limit):
        """Return the words without which no document can score above ``limit``.

        Without word n a document scores at most (the other words' best scores)
        × (the other words' share) ** strength: both grow with more words.
        """
        best = {n: m.max_quality() for n, m in words}
        total = sum(best.values())
        weight = sum(self._weights[n] for n in best)
        needed = set()
        for n, quality in best.items():
            share = min(1.0, (weight - self._weights[n]) / self._total)
            if (total - quality) * share**self._strength < limit:
                needed.add(n)
        return needed

    def next(self):
        """Move on; True when the child entered a new block (Whoosh's wrapper drops this,
        and without it the collector never checks block quality, so it never skips)."""
        return self.child.next()

    def matched_words(self):
        """Return the numbers of the query's words the current document has.

        Every word's matcher stands on the current document or after it (a
        union, an intersection and an AND-maybe all keep them so), which is
        cheaper to ask than walking the tree's ``matching_terms``.
        """
        doc = self.child.id()
        return [n for n, m in self._words if m.is_active() and m.id() == doc]

    def score(self):
        """Return the words' score scaled by the coordination factor."""
        share = sum(self._weights[n] for n in self.matched_words()) / self._total
        return self.child.score() * self.boost * min(1.0, share) ** self._strength
