"""What a search returns: hits and a page of results, with safe-HTML titles and snippets.

Snippets and ``title_html`` are safe HTML: every piece of indexed text goes
through :class:`SafeHtmlFormatter`, which escapes it; only our ``<mark>`` tags
are added.  Wrap them with ``markupsafe.Markup`` in templates, nothing else.
"""

import dataclasses
import html

from whoosh.highlight import Highlighter
from whoosh.highlight import HtmlFormatter
from whoosh.highlight import WholeFragmenter

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


def to_hit(hit, highlight):
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
        snippet=snippet or plain_snippet(body),
    )


def plain_snippet(body):
    """Return the escaped start of ``body`` as a snippet."""
    if len(body) <= SNIPPET_CHARS:
        return html.escape(body, quote=True)
    return html.escape(body[:SNIPPET_CHARS].rsplit(" ", 1)[0], quote=True) + " …"
