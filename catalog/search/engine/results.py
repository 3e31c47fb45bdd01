"""What a search returns: hits and a page of results, with safe-HTML titles and snippets.

Snippets and ``title_html`` are safe HTML: every piece of indexed text goes
through :class:`SafeHtmlFormatter`, which escapes it; only our ``<mark>`` tags
are added.  Wrap them with ``markupsafe.Markup`` in templates, nothing else.
"""

import dataclasses
import html

from whoosh.highlight import FIRST
from whoosh.highlight import BasicFragmentScorer
from whoosh.highlight import ContextFragmenter
from whoosh.highlight import Highlighter
from whoosh.highlight import HtmlFormatter
from whoosh.highlight import WholeFragmenter
from whoosh.highlight import set_matched_filter
from whoosh.highlight import top_fragments

from catalog.search.engine.schema import from_timestamp

MAX_PER_PAGE = 50
MAX_PAGE = 100
SNIPPET_CHARS = 200


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


class PageHighlights:
    """Highlights for one page of results, marking the query's own words.

    Whoosh's ``hit.highlights`` looks the query's terms up in the index again for
    every hit and field (``results.query_terms(expand=True)``: ~1 ms each); here
    they are looked up once per field for the whole page.  The text is then
    re-tokenised and marked as Whoosh does (adjacent marks merged) and formatted
    by :class:`SafeHtmlFormatter`, which escapes it.
    """

    def __init__(self, results):
        self.results = results
        self.formatter = SafeHtmlFormatter()
        self.title_fragmenter = WholeFragmenter()
        self.body_fragmenter = ContextFragmenter(maxchars=SNIPPET_CHARS, surround=60)
        self._words = {}

    def words(self, fieldname):
        """The query's words in ``fieldname`` (as indexed), looked up once."""
        if fieldname not in self._words:
            field = self.results.searcher.schema[fieldname]
            terms = self.results.query_terms(expand=True, fieldname=fieldname)
            self._words[fieldname] = frozenset(field.from_bytes(term[1]) for term in terms)
        return self._words[fieldname]

    def mark(self, fieldname, text, fragmenter, top):
        """Safe HTML of the best ``top`` fragments of ``text`` with the words marked."""
        analyzer = self.results.searcher.schema[fieldname].analyzer
        tokens = analyzer(text, positions=True, chars=True, mode="index", removestops=False)
        tokens = set_matched_filter(tokens, self.words(fieldname))
        tokens = Highlighter._merge_matched_tokens(tokens)
        fragments = fragmenter.fragment_tokens(text, tokens)
        best = top_fragments(fragments, top, BasicFragmentScorer(), FIRST, minscore=1)
        return self.formatter.format(best)

    def title(self, text):
        """The whole title, words marked."""
        return self.mark("title", text, self.title_fragmenter, 1)

    def snippet(self, text):
        """The body's best two fragments, words marked."""
        return self.mark("body", text, self.body_fragmenter, 2)


def to_hit(hit, highlight=None):
    """Turn a Whoosh hit into a plain Hit with safe HTML title and snippet.

    ``highlight`` is the page's :class:`PageHighlights` (None or False: no marks).
    """
    fields = hit.fields()
    title = fields.get("title", "")
    body = fields.get("body", "")
    title_html = snippet = ""
    if highlight:
        title_html = highlight.title(title)
        snippet = highlight.snippet(body)
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
        snippet=snippet or plain_snippet(body),
    )


def plain_snippet(body):
    """Return the escaped start of ``body`` as a snippet."""
    if len(body) <= SNIPPET_CHARS:
        return html.escape(body, quote=True)
    return html.escape(body[:SNIPPET_CHARS].rsplit(" ", 1)[0], quote=True) + " …"
