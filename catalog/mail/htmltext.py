"""Readable plain text from an HTML mail body, with the standard library's ``html.parser``.

Script, style, head and title content is dropped; block elements become line breaks; list items
get ``- ``; links keep their target in parentheses; ``<blockquote>`` content is prefixed with
``> `` per level so that quoted history can be recognised later like plain-text quoting.
"""

import re
from html.parser import HTMLParser

_SKIP = {"script", "style", "head", "title", "template", "noscript"}
_BLOCK = {
    "address",
    "article",
    "aside",
    "blockquote",
    "br",
    "dd",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "li",
    "main",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "table",
    "tr",
    "ul",
}
_PARAGRAPH = {
    "blockquote",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "ol",
    "p",
    "pre",
    "table",
    "ul",
}
_VOID = {"br", "hr", "img", "meta", "link", "input", "col", "area", "base", "wbr", "source"}


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self._line: list[str] = []
        self._skip: list[str] = []
        self._quote_depth = 0
        self._pre_depth = 0
        self._href: str | None = None
        self._link_text: list[str] = []

    def _break(self, force: bool = False) -> None:
        """End the current line; an empty one is kept only when ``force`` (``<br>``, ``<pre>``)."""
        text = "".join(self._line)
        if not self._pre_depth:
            text = re.sub(r"\s+", " ", text).strip()
        if text or force:
            self.lines.append(("> " * self._quote_depth + text).rstrip())
        self._line = []

    def _paragraph(self) -> None:
        """End the current line and leave one blank line after it."""
        self._break()
        if self.lines and self.lines[-1].strip("> "):
            self.lines.append(("> " * self._quote_depth).rstrip())

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in _SKIP:
            if tag not in _VOID:
                self._skip.append(tag)
            return
        if self._skip:
            return
        if tag in _PARAGRAPH:
            self._paragraph()
        elif tag in _BLOCK:
            self._break(force=tag == "br")
        if tag == "blockquote":
            self._quote_depth += 1
        elif tag == "pre":
            self._pre_depth += 1
        elif tag == "li":
            self._line.append("- ")
        elif tag == "a":
            self._href = dict(attrs).get("href") or None
            self._link_text = []
        elif tag in {"td", "th"}:
            self._line.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if self._skip:
            if tag == self._skip[-1]:
                self._skip.pop()
            return
        if tag == "a" and self._href:
            text = "".join(self._link_text).strip()
            if self._href.startswith(("http:", "https:")) and self._href != text:
                self._line.append(f" ({self._href})")
            self._href = None
        if tag in _PARAGRAPH:
            self._paragraph()
        elif tag in _BLOCK:
            self._break()
        if tag == "blockquote":
            self._quote_depth = max(0, self._quote_depth - 1)
            while self.lines and not self.lines[-1].strip("> "):
                self.lines.pop()
            self._paragraph()
        elif tag == "pre":
            self._pre_depth = max(0, self._pre_depth - 1)

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        if self._href is not None:
            self._link_text.append(data)
        if not self._pre_depth:
            self._line.append(data)
            return
        first, *rest = data.split("\n")
        self._line.append(first)
        for part in rest:
            self._break(force=True)
            self._line.append(part)


def html_to_text(markup: str) -> str:
    """Return the readable text of an HTML document or fragment."""
    parser = _TextExtractor()
    parser.feed(markup)
    parser.close()
    parser._break()
    text = "\n".join(parser.lines).replace("\xa0", " ")
    return re.sub(r"\n(?:[ \t]*\n){2,}", "\n\n", text).strip()
