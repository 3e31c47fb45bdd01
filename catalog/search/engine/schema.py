"""The Whoosh schema of the knowledge-forum index and the document it stores.

A :class:`Document` is the one shape every indexed object (thread, reply,
article, app) is turned into before it reaches Whoosh; the web layer builds
them from its models, this package never imports Flask or SQLAlchemy.

Fields:

* ``id`` unique ("thread:42"), ``type``, ``app`` (slug or ""), ``section``,
  ``visibility`` (public / customers / staff), ``parent`` (stored only: the
  thread a reply belongs to, so a result can link to it).
* ``title`` and ``body``: stemmed, positions kept for phrases.  Stop words are
  dropped *without renumbering*, so the phrase "refund request" does not match
  "refund is not a request".  Titles weigh :data:`TITLE_BOOST` times a body.
* ``words``: the unstemmed, stop-word-free words of title and body, used only
  for "did you mean" (spelling on stems suggests "subscript").
* ``accepted`` (an accepted answer / solved thread), ``created`` (sortable).

Articles and accepted answers are ranked higher with an index-time document
boost (:func:`document_boost`), which costs nothing at query time.

The small *answers* index beside it (:func:`build_answers_schema`) holds only
what deflection may suggest (:func:`is_answer`: articles and solved threads),
so suggestions never visit, let alone score, the other documents.
"""

import dataclasses
import datetime
import functools
import re

from whoosh.analysis import STOP_WORDS
from whoosh.analysis import Token
from whoosh.analysis import Tokenizer
from whoosh.columns import NumericColumn
from whoosh.fields import BOOLEAN
from whoosh.fields import COLUMN
from whoosh.fields import ID
from whoosh.fields import STORED
from whoosh.fields import TEXT
from whoosh.fields import Schema
from whoosh.lang.porter import stem as porter_stem

DOC_TYPES = ("thread", "reply", "article", "app")
VISIBILITIES = ("public", "customers", "staff")
TITLE_BOOST = 3.0
ARTICLE_BOOST = 1.5
ACCEPTED_BOOST = 1.5
STORED_BODY_CHARS = 8000
ANSWER_STORED_BODY_CHARS = 400
MAX_WORD_CHARS = 40

_WORD_RE = re.compile(r"\w+(?:\.?\w+)*")
_stem = functools.lru_cache(maxsize=200_000)(porter_stem)


class WordAnalyzer(Tokenizer):
    """Tokenize, lowercase, drop stop words (keeping positions) and stem, in one pass.

    Equivalent to ``StemmingAnalyzer`` with ``StopFilter(renumber=False)`` but
    about twice as fast, because it does not chain four generators per token.
    With ``stem=False`` and no stop list it feeds the spelling field.
    """

    is_morph = True

    def __init__(self, stem=True, stoplist=STOP_WORDS, minsize=2, maxsize=MAX_WORD_CHARS):
        self.stem = stem
        self.stoplist = frozenset(stoplist)
        self.minsize = minsize
        self.maxsize = maxsize

    def __eq__(self, other):
        return type(self) is type(other) and self.__dict__ == other.__dict__

    def __call__(
        self,
        value,
        positions=False,
        chars=False,
        keeporiginal=False,
        removestops=True,
        start_pos=0,
        start_char=0,
        tokenize=True,
        mode="",
        **kwargs,
    ):
        """Yield Whoosh tokens for ``value`` (one reused Token object, as Whoosh does)."""
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            words = [(0, value, 0, len(value))]
        else:
            words = (
                (pos, m.group(0), m.start(), m.end())
                for pos, m in enumerate(_WORD_RE.finditer(value))
            )
        stoplist, minsize, maxsize = self.stoplist, self.minsize, self.maxsize
        stem = self.stem and not kwargs.get("no_morph")
        for pos, word, start, end in words:
            text = word.lower()
            stopped = text in stoplist or not minsize <= len(text) <= maxsize
            if stopped and removestops:
                continue
            token.stopped = stopped
            token.boost = 1.0
            if keeporiginal:
                token.original = word
            token.text = _stem(text) if stem else text
            if positions:
                token.pos = start_pos + pos
            if chars:
                token.startchar = start_char + start
                token.endchar = start_char + end
            yield token


TEXT_ANALYZER = WordAnalyzer()
SPELLING_ANALYZER = WordAnalyzer(stem=False, stoplist=STOP_WORDS, minsize=3)


def build_schema():
    """Return a fresh Whoosh schema for the forum index."""
    return Schema(
        id=ID(unique=True, stored=True),
        type=ID(stored=True, sortable=True),
        app=ID(stored=True, sortable=True),
        section=ID(stored=True, sortable=True),
        visibility=ID(stored=True),
        parent=STORED(),
        title=TEXT(analyzer=TEXT_ANALYZER, stored=True, field_boost=TITLE_BOOST),
        body=TEXT(analyzer=TEXT_ANALYZER, stored=True),
        words=_unscored(TEXT(analyzer=SPELLING_ANALYZER, phrase=False)),
        accepted=BOOLEAN(stored=True),
        # A column only (sorting, display): indexing a datetime writes 16 terms per document.
        created=COLUMN(NumericColumn("q")),
    )


def build_answers_schema():
    """Return the schema of the answers index: the forum schema without the spelling field."""
    schema = build_schema()
    schema.remove("words")
    return schema


def _unscored(field):
    """Return ``field`` without per-document lengths (spelling needs only its terms)."""
    field.scorable = False
    return field


@dataclasses.dataclass(frozen=True)
class Document:
    """One searchable object, in the shape the index stores it."""

    id: str
    type: str
    title: str
    body: str
    section: str = ""
    app: str = ""
    visibility: str = "public"
    accepted: bool = False
    created: datetime.datetime | None = None
    parent: str = ""

    def __post_init__(self):
        if self.type not in DOC_TYPES:
            raise ValueError(f"unknown document type {self.type!r}")
        if self.visibility not in VISIBILITIES:
            raise ValueError(f"unknown visibility {self.visibility!r}")


def document_boost(doc):
    """Return the index-time boost: articles and accepted answers rank higher."""
    boost = 1.0
    if doc.type == "article":
        boost *= ARTICLE_BOOST
    if doc.accepted:
        boost *= ACCEPTED_BOOST
    return boost


def to_timestamp(when):
    """Return ``when`` as whole seconds since the epoch (naive datetimes are UTC)."""
    if when is None:
        return 0
    if when.tzinfo is None:
        when = when.replace(tzinfo=datetime.UTC)
    return int(when.timestamp())


def from_timestamp(seconds):
    """Return the timezone-aware UTC datetime of a stored timestamp."""
    return datetime.datetime.fromtimestamp(seconds, datetime.UTC)


def spelling_words(doc, seen=None):
    """Return the distinct lowercased words of ``doc`` for the spelling field.

    With a ``seen`` set (a full rebuild), words already given to an earlier
    document are left out and added to ``seen``: the spelling field is only a
    dictionary, and this keeps it from doubling the postings of the index.
    """
    words = set(_WORD_RE.findall(f"{doc.title}\n{doc.body}".lower()))
    if seen is not None:
        words -= seen
        seen |= words
    return " ".join(words)


def to_fields(doc, seen_words=None):
    """Return the keyword arguments for ``writer.update_document`` of ``doc``.

    ``seen_words`` is the set :func:`spelling_words` shares across a rebuild.
    """
    fields = _stored_and_scored(doc)
    fields["words"] = spelling_words(doc, seen_words)
    return fields


def _stored_and_scored(doc):
    """Return the fields both indexes store for ``doc`` (all but the spelling words)."""
    return {
        "id": doc.id,
        "type": doc.type,
        "app": doc.app or "",
        "section": doc.section or "",
        "visibility": doc.visibility,
        "parent": doc.parent or "",
        "title": doc.title,
        "body": doc.body,
        "_stored_body": doc.body[:STORED_BODY_CHARS],
        "accepted": bool(doc.accepted),
        "created": to_timestamp(doc.created),
        "_boost": document_boost(doc),
    }


def is_answer(doc):
    """True for what deflection may suggest: an article, or a thread with an accepted answer."""
    return doc.type == "article" or (doc.type == "thread" and bool(doc.accepted))


def to_answer_fields(doc):
    """Return the keyword arguments to store ``doc`` in the answers index.

    No spelling words, and only the start of the body is stored (a suggestion
    shows a title and at most a short snippet).
    """
    fields = _stored_and_scored(doc)
    fields["_stored_body"] = doc.body[:ANSWER_STORED_BODY_CHARS]
    return fields
