"""Quoted phrases that keep the gaps left by stop words.

The index drops stop words without renumbering the other words' positions
(``schema.WordAnalyzer``), so "Reset your password" is stored as reset@0,
password@2.  Whoosh 2.7.4's ``Phrase`` forgets the gap in the query: it looks
for the phrase's words next to each other, and ``"reset your password"`` finds
nothing.  :class:`OffsetPhrase` carries each word's offset from the first one,
taken from the analyzer's positions over the quoted text, and
:class:`OffsetPhraseMatcher` intersects the words' postings and keeps a
document only where the words stand at exactly those offsets (``"…"~N`` allows
up to N - 1 extra positions between neighbours, in order).  So ``"refund
request"`` still does not match "refund is not a request".
"""

import bisect

from whoosh import query as wq
from whoosh.matching import IntersectionMatcher
from whoosh.matching import NullMatcher
from whoosh.matching import WrappingMatcher
from whoosh.qparser import plugins
from whoosh.qparser.syntax import attach
from whoosh.util import make_binary_tree


class OffsetPhrase(wq.Phrase):
    """A phrase whose words must stand at given offsets from the first word.

    ``offsets`` defaults to 0, 1, 2 …: adjacent words, as Whoosh's ``Phrase``.
    """

    def __init__(self, fieldname, words, slop=1, boost=1.0, char_ranges=None, offsets=None):
        super().__init__(fieldname, list(words), slop, boost, char_ranges)
        self.offsets = list(offsets) if offsets is not None else list(range(len(self.words)))

    def __eq__(self, other):
        return super().__eq__(other) and self.offsets == getattr(other, "offsets", None)

    def __hash__(self):
        return super().__hash__() ^ hash(tuple(self.offsets))

    def __repr__(self):
        return f"OffsetPhrase({self.fieldname!r}, {self.words!r}, offsets={self.offsets!r})"

    def normalize(self):
        """One word is a term; more keep their offsets (Whoosh's version drops them)."""
        if len(self.words) < 2:
            return super().normalize()
        return OffsetPhrase(
            self.fieldname, self.words, self.slop, self.boost, self.char_ranges, self.offsets
        )

    def replace(self, fieldname, oldtext, newtext):
        """Replace a word, keeping the offsets."""
        words = [
            newtext if fieldname == self.fieldname and word == oldtext else word
            for word in self.words
        ]
        return OffsetPhrase(
            self.fieldname, words, self.slop, self.boost, self.char_ranges, self.offsets
        )

    def matcher(self, searcher, context=None):
        """Intersect the words' postings; keep documents where the offsets hold."""
        if self.fieldname not in searcher.schema or not self.words:
            return NullMatcher()
        field = searcher.schema[self.fieldname]
        reader = searcher.reader()
        matchers = []
        for word in self.words:
            term = wq.Term(self.fieldname, word)
            if (self.fieldname, field.to_bytes(word)) not in reader:
                return NullMatcher()
            matchers.append(term.matcher(searcher, context))
        matcher = OffsetPhraseMatcher(matchers, self.offsets, self.slop, self.boost)
        return matcher if matcher.is_active() else NullMatcher()


def offsets_hold(positions, offsets, slop=1):
    """True if one position per word puts the words at ``offsets`` (gaps may grow by slop - 1)."""
    starts = set(positions[0])
    if slop <= 1:
        for word_positions, offset in zip(positions[1:], offsets[1:], strict=True):
            starts &= {p - offset for p in word_positions}
            if not starts:
                return False
        return True
    # A word may follow the previous one's reached position q when 0 < p - q < gap + slop: only
    # the nearest reached q below p matters, found by bisection (comparing every pair cost
    # 30 s of CPU for a sloppy phrase of one word repeated through a 20,000-character post).
    reached = sorted(starts)
    for n in range(1, len(offsets)):
        gap = offsets[n] - offsets[n - 1]
        following = []
        for p in sorted(set(positions[n])):
            below = bisect.bisect_left(reached, p)
            if below and reached[below - 1] > p - gap - slop:
                following.append(p)
        reached = following
        if not reached:
            return False
    return True


class OffsetPhraseMatcher(WrappingMatcher):
    """The intersection of a phrase's words, limited to documents where their offsets hold."""

    def __init__(self, matchers, offsets, slop=1, boost=1.0):
        super().__init__(make_binary_tree(IntersectionMatcher, matchers), boost)
        self._matchers = matchers
        self._offsets = offsets
        self._slop = slop
        self._find()

    def copy(self):
        """Return an independent matcher positioned like this one."""
        return OffsetPhraseMatcher(
            [m.copy() for m in self._matchers], self._offsets, self._slop, self.boost
        )

    def replace(self, minquality=0):
        """Finished means null; otherwise stay as is (the phrase check is not narrowed)."""
        return self if self.is_active() else NullMatcher()

    def _holds(self):
        positions = [m.value_as("positions") for m in self._matchers]
        return offsets_hold(positions, self._offsets, self._slop)

    def _find(self):
        """Move to the first document at or after the current one where the offsets hold."""
        child = self.child
        while child.is_active() and not self._holds():
            child.next()

    def next(self):
        """Move to the next document where the phrase holds."""
        self.child.next()
        self._find()

    def skip_to(self, docnum):
        """Move to the first document at or after ``docnum`` where the phrase holds."""
        self.child.skip_to(docnum)
        self._find()

    def supports_block_quality(self):
        """No block skipping: a block's best document may not hold the phrase."""
        return False

    def spans(self):
        """Whoosh's highlighter does not need spans from us: its marks come from the terms."""
        return []


class OffsetPhrasePlugin(plugins.PhrasePlugin):
    """The parser's ``"quoted phrase"`` plugin, producing :class:`OffsetPhrase` queries."""

    class PhraseNode(plugins.PhrasePlugin.PhraseNode):
        """A quoted phrase that remembers its words' positions in the quoted text."""

        def query(self, parser):
            """Analyze the text with the field's analyzer, positions kept."""
            fieldname = self.fieldname or parser.fieldname
            if fieldname not in parser.schema or not parser.schema[fieldname].analyzer:
                return super().query(parser)
            field = parser.schema[fieldname]
            start = self.textstartchar
            words, offsets, chars = [], [], []
            for token in field.tokenize(self.text, mode="query", chars=True, positions=True):
                words.append(token.text)
                offsets.append(token.pos)
                chars.append((start + token.startchar, start + token.endchar))
            offsets = [pos - offsets[0] for pos in offsets] if offsets else []
            query = OffsetPhrase(fieldname, words, self.slop, self.boost, chars, offsets)
            return attach(query, self)

    class PhraseTagger(plugins.PhrasePlugin.PhraseTagger):
        """Tags quoted text as our PhraseNode."""

        def create(self, parser, match):
            """Return the node for one quoted phrase and its optional ``~slop``."""
            slop = int(match.group("slop")) if match.group("slop") else 1
            return OffsetPhrasePlugin.PhraseNode(match.group("text"), match.start("text"), slop)

    def taggers(self, parser):
        """The one tagger, at the priority Whoosh's phrase plugin uses."""
        return [(self.PhraseTagger(self.expr), 0)]
