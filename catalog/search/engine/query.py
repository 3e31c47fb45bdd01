"""Turning what a user typed into a safe, bounded Whoosh query.

:func:`parse` never raises.  It understands AND / OR / NOT, parentheses,
"phrases" and the field filters ``title:``, ``body:``, ``app:``, ``section:``
and ``type:``; anything it cannot make sense of falls back to a plain search
for the words of the input (``fallback=True``).  Words without an operator are
OR-ed and ranked by how many of them a document has; quoted phrases, ``AND``
groups and field filters are required (:func:`ranking.natural`).  Input is cut to
:data:`MAX_QUERY_CHARS` characters and :data:`MAX_QUERY_TERMS` words
(``truncated=True``, so the UI can say so).

Wildcards: only a trailing ``*`` after at least :data:`MIN_PREFIX_CHARS`
characters is a prefix search, and :func:`bound_prefixes` expands it to at most
:data:`MAX_PREFIX_TERMS` of the most frequent matching terms (Whoosh's own
expansion unions every matching term and takes seconds to minutes on ``co*``).
Shorter prefixes and ``?`` / inner ``*`` wildcards search the literal letters.
"""

import dataclasses
import heapq
import itertools
import re
import unicodedata

from whoosh import query as wq
from whoosh.fields import Schema
from whoosh.qparser import MultifieldParser
from whoosh.qparser import OrGroup
from whoosh.qparser import plugins

from catalog.search.engine import ranking
from catalog.search.engine.phrases import OffsetPhrasePlugin
from catalog.search.engine.schema import TEXT_ANALYZER
from catalog.search.engine.schema import build_schema

MAX_QUERY_CHARS = 256
MAX_QUERY_TERMS = 32
MIN_PREFIX_CHARS = 4
MAX_PREFIX_TERMS = 32
PREFIX_SCAN_LIMIT = 5000
TEXT_FIELDS = ("title", "body")
FILTER_FIELDS = ("app", "section", "type")
OPERATORS = frozenset({"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"})
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_WORD_RE = re.compile(r"\w+")


@dataclasses.dataclass(frozen=True)
class ParsedQuery:
    """A user query turned into a Whoosh query, plus what the UI should know."""

    query: wq.Query
    text: str
    words: tuple
    truncated: bool = False
    fallback: bool = False


class NaturalGroup(OrGroup):
    """The parser's default group: words OR-ed with coordination, the rest required."""

    qclass = staticmethod(ranking.natural)


def _parser():
    """Build the one parser: our fields only, no ranges, boosts or ``*:*``."""
    full = build_schema()
    schema = Schema(**{name: full[name] for name in TEXT_FIELDS + FILTER_FIELDS})
    parser = MultifieldParser(list(TEXT_FIELDS), schema=schema, group=NaturalGroup)
    for plugin_class in (plugins.RangePlugin, plugins.BoostPlugin, plugins.EveryPlugin):
        parser.remove_plugin_class(plugin_class)
    parser.remove_plugin_class(plugins.PhrasePlugin)
    parser.add_plugin(OffsetPhrasePlugin())  # phrases keep the gaps of stop words
    return parser


_PARSER = _parser()


def clean(text):
    """Return ``(text, truncated)``: control characters removed, cut to the limits."""
    text = unicodedata.normalize("NFKC", str(text or ""))
    text = _CONTROL_RE.sub(" ", text).strip()
    truncated = len(text) > MAX_QUERY_CHARS
    text = text[:MAX_QUERY_CHARS]
    parts = text.split()
    if len(parts) > MAX_QUERY_TERMS:
        truncated = True
        text = " ".join(parts[:MAX_QUERY_TERMS])
    return text, truncated


def parse(text):
    """Parse user input into a :class:`ParsedQuery`; never raises."""
    text, truncated = clean(text)
    words = tuple(w for w in _WORD_RE.findall(text) if w not in OPERATORS)
    try:
        query = _safe(_PARSER.parse(text, normalize=False))
    except Exception:  # Any parser surprise means: search the plain words.
        query = None
    if query is None:
        return ParsedQuery(plain_query(words), text, words, truncated, fallback=True)
    return ParsedQuery(query, text, words, truncated)


def plain_query(words):
    """Return the given words OR-ed with coordination over title and body (NullQuery if none)."""
    clauses = []
    for word in words:
        for token in TEXT_ANALYZER(word.lower()):
            clauses.append(wq.Or([wq.Term(field, token.text) for field in TEXT_FIELDS]))
    if not clauses:
        return wq.NullQuery
    return ranking.weight_title(ranking.natural(clauses[:MAX_QUERY_TERMS])).normalize()


def _safe(query):
    """Return ``query`` with wildcards tamed, or None if it should fall back."""
    if query is None or query is wq.NullQuery:
        return None
    query = query.accept(_tame_wildcard)
    leaves = list(query.leaves()) if query.is_leaf() is False else [query]
    if not leaves or any(not _valid_leaf(leaf) for leaf in leaves):
        return None
    if not _has_positive(query):
        return None  # "NOT x" alone would scan every document.
    return ranking.weight_title(query).normalize()


def _valid_leaf(leaf):
    """True if a leaf searches one of our fields for a non-empty text."""
    if isinstance(leaf, wq.Phrase):
        return leaf.fieldname in TEXT_FIELDS and bool(leaf.words)
    if isinstance(leaf, (wq.Term, wq.Prefix)):
        return leaf.fieldname in TEXT_FIELDS + FILTER_FIELDS and bool(leaf.text)
    return False


def _has_positive(query):
    """True if the query has at least one clause that is not negated."""
    if isinstance(query, wq.Not):
        return False
    if query.is_leaf():
        return True
    if isinstance(query, wq.AndNot):
        return _has_positive(query.a)
    return any(_has_positive(child) for child in query.children())


def _tame_wildcard(query):
    """Keep long trailing-``*`` prefixes; make every other wildcard a literal term."""
    if not isinstance(query, (wq.Wildcard, wq.Prefix)):
        return query
    raw = query.text.lower()
    if isinstance(query, wq.Wildcard):
        stripped = raw.rstrip("*")
        if stripped and "*" not in stripped and "?" not in stripped:
            raw = stripped
        else:
            raw = ""
    if query.fieldname in TEXT_FIELDS and len(raw) >= MIN_PREFIX_CHARS and raw.isalnum():
        stemmed = next(iter(t.text for t in TEXT_ANALYZER(raw, removestops=False)), raw)
        prefix = stemmed if raw.startswith(stemmed) else raw
        return wq.Prefix(query.fieldname, prefix, boost=query.boost)
    words = [t.text for t in TEXT_ANALYZER(query.text.replace("*", " ").replace("?", " "))]
    if query.fieldname not in TEXT_FIELDS or not words:
        return wq.Term(query.fieldname, "")  # invalid: parse() falls back
    return wq.And([wq.Term(query.fieldname, word) for word in words])


def bound_prefixes(query, reader):
    """Replace each Prefix in ``query`` by an OR of its most frequent expansions."""

    def expand(node):
        if not isinstance(node, wq.Prefix):
            return node
        terms = itertools.islice(reader.iter_prefix(node.fieldname, node.text), PREFIX_SCAN_LIMIT)
        best = heapq.nlargest(MAX_PREFIX_TERMS, terms, key=lambda item: item[1].doc_frequency())
        if not best:
            return wq.NullQuery
        return wq.Or(
            [wq.Term(node.fieldname, text.decode("utf-8")) for text, _ in best], boost=node.boost
        )

    return query.accept(expand).normalize()
