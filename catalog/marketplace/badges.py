"""The SVG badge: a label, then one coloured segment per offered channel.

Text is XML-escaped with markupsafe, after dropping the characters XML 1.0 forbids (C0 controls
other than tab, line feed and carriage return, lone surrogates, U+FFFE and U+FFFF), so a name
stored before the imports refused them still gives a well-formed document; widths come from a
per-character estimate, which is enough for a badge set in a sans-serif at 11px.
"""

import re

from markupsafe import Markup
from markupsafe import escape

from catalog.channels import GREY
from catalog.channels import GREY_TEXT
from catalog.legend import LegendEntry

CHAR_WIDTH = 6.6
PADDING = 10
HEIGHT = 20
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> Markup:
    """``text`` escaped for XML, without the characters XML 1.0 forbids."""
    return escape(_NOT_XML.sub("", text))


def _width(text: str) -> int:
    """Estimated pixel width of a segment holding ``text``."""
    return int(len(text) * CHAR_WIDTH + 2 * PADDING)


def _segments(legend: tuple[LegendEntry, ...]) -> list[tuple[str, str, str]]:
    """(text, background, foreground) of each segment after the label."""
    offered = [e.channel for e in legend if e.offered]
    if not offered:
        return [("no support channels", GREY, GREY_TEXT)]
    return [(c.short, c.colour, c.text_colour) for c in offered]


def render_badge(app_name: str, legend: tuple[LegendEntry, ...]) -> str:
    """Return the badge of one app as an SVG document."""
    label = "support"
    offered = [e.channel.label for e in legend if e.offered]
    title = f"{app_name}: " + (", ".join(offered) if offered else "no support channel offered")
    parts = []
    x = _width(label)
    parts.append(
        f'<rect width="{x}" height="{HEIGHT}" fill="#333333"/>'
        f'<text x="{x / 2}" y="14" fill="#FFFFFF" text-anchor="middle">{label}</text>'
    )
    for text, background, foreground in _segments(legend):
        w = _width(text)
        parts.append(
            f'<rect x="{x}" width="{w}" height="{HEIGHT}" fill="{background}"/>'
            f'<text x="{x + w / 2}" y="14" fill="{foreground}" text-anchor="middle">'
            f"{xml_text(text)}</text>"
        )
        x += w
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{x}" height="{HEIGHT}" '
        f'role="img" aria-label="{xml_text(title)}">'
        f"<title>{xml_text(title)}</title>"
        f'<g font-family="Verdana,DejaVu Sans,sans-serif" font-size="11">{"".join(parts)}</g>'
        "</svg>"
    )
