"""Pure helpers that tie an inbound message to a ticket and keep only its new text.

Threading order (docs/product.md#e-mail-threading): first ``candidate_message_ids`` against the
Message-IDs we recorded, then ``reference_in_subject``. Whether the sender may append is the
caller's check.
"""

import re
from collections.abc import Iterable
from typing import Protocol

REPLY_PREFIX = re.compile(
    r"^\s*(?:(?:re|aw|antw|antwort|sv|vs|odp|fwd?|fw|wg|tr|rv|enc|doorst|vl|r)"
    r"(?:\[\d+\]|\(\d+\))?\s*:\s*)+",
    re.IGNORECASE,
)

_ATTRIBUTION = re.compile(
    r"^\s*(?:On\s.+\swrote|Am\s.+\sschrieb\s?.*|Le\s.+\sa\s[ée]crit\s?|El\s.+\sescribi[óo]"
    r"|Op\s.+\sschreef\s?.*|Il\s.+\sha\sscritto)\s*:\s*$",
    re.IGNORECASE,
)
_SEPARATOR = re.compile(
    r"^\s*-{2,}\s*(?:Original Message|Ursprüngliche Nachricht|Message d'origine"
    r"|Oorspronkelijk bericht|Mensaje original)\s*-{2,}\s*$",
    re.IGNORECASE,
)
_FORWARDED = re.compile(
    r"^\s*(?:-+\s*(?:Forwarded message|Weitergeleitete Nachricht|Message transf[ée]r[ée])\s*-*"
    r"|Begin forwarded message:|Anfang der weitergeleiteten Nachricht:)\s*$",
    re.IGNORECASE,
)
_UNDERSCORES = re.compile(r"^\s*_{10,}\s*$")
_HEADER_FROM = re.compile(r"^\s*\**(?:From|Von|De|Van|Da)\s*:\**\s*\S", re.IGNORECASE)
_HEADER_SENT = re.compile(
    r"^\s*\**(?:Sent|Date|Gesendet|Datum|Envoy[ée]|Verzonden|Enviado|Inviato)\s*:", re.IGNORECASE
)
_SIGNATURE = re.compile(r"^--\s?$")
_MOBILE = re.compile(
    r"^\s*(?:Sent from my \w+|Sent from (?:Outlook|Mail|Yahoo Mail|my mobile)\b|Get Outlook for"
    r"|Von meinem \w+ gesendet|Gesendet von meinem \w+|Envoy[ée] de mon \w+|Enviado desde mi)",
    re.IGNORECASE,
)


class Threaded(Protocol):
    """Anything with the threading headers of a message (e.g. ``InboundMessage``)."""

    message_id: str
    in_reply_to: tuple[str, ...]
    references: tuple[str, ...]


def strip_reply_prefixes(subject: str | None) -> str:
    """Return ``subject`` without leading "Re:", "AW:", "Fwd:" … (any number of them)."""
    return REPLY_PREFIX.sub("", subject or "").strip()


def reference_in_subject(subject: str | None, prefixes: Iterable[str]) -> str | None:
    """Return the first ``[PREFIX-123]`` reference in ``subject`` as ``PREFIX-123``, or None.

    Any prefix we ever used may be given; it is matched case-insensitively and returned as
    configured. Digits are returned as written (zero padding kept).
    """
    by_lower = {prefix.lower(): prefix for prefix in prefixes if prefix}
    if not subject or not by_lower:
        return None
    names = "|".join(re.escape(p) for p in sorted(by_lower, key=len, reverse=True))
    match = re.search(rf"\[\s*({names})\s*-\s*(\d+)\s*\]", subject, re.IGNORECASE)
    return f"{by_lower[match.group(1).lower()]}-{match.group(2)}" if match else None


def candidate_message_ids(message: Threaded) -> list[str]:
    """Return the Message-IDs to look up, best first: In-Reply-To, then References newest first."""
    ordered = [*message.in_reply_to, *reversed(message.references)]
    return [mid for mid in dict.fromkeys(ordered) if mid != message.message_id]


def _quote_start(lines: list[str]) -> tuple[int, bool] | None:
    """Return where quoted history starts and whether only ``>`` lines follow an attribution."""
    for index, line in enumerate(lines):
        if _FORWARDED.match(line):
            return None  # forwarded content is what the sender wants us to read
        pair = line + " " + (lines[index + 1] if index + 1 < len(lines) else "")
        if _ATTRIBUTION.match(line) or (len(pair) < 400 and _ATTRIBUTION.match(pair)):
            single = bool(_ATTRIBUTION.match(line))
            after = [rest for rest in lines[index + (1 if single else 2) :] if rest.strip()]
            quoted = bool(after) and after[0].lstrip().startswith(">")
            return index, quoted
        if _SEPARATOR.match(line):
            return index, False
        following = [rest for rest in lines[index + 1 : index + 6] if rest.strip()]
        if _UNDERSCORES.match(line) and following and _HEADER_FROM.match(following[0]):
            return index, False
        if _HEADER_FROM.match(line) and any(_HEADER_SENT.match(rest) for rest in following[:3]):
            return index, False
    return None


def _without_history(lines: list[str]) -> list[str]:
    """Cut quoted history: attribution lines, separator blocks and ``>`` lines."""
    start = _quote_start(lines)
    if start is not None:
        index, only_quote_lines = start
        if only_quote_lines:
            attribution = 1 if _ATTRIBUTION.match(lines[index]) else 2
            lines = lines[:index] + lines[index + attribution :]
        else:
            lines = lines[:index]
    return [line for line in lines if not line.lstrip().startswith(">")]


def _without_signature(lines: list[str]) -> list[str]:
    """Cut a "-- " signature or a mobile "Sent from my …" line and what follows."""
    for index, line in enumerate(lines):
        if _SIGNATURE.match(line) or _MOBILE.match(line):
            return lines[:index]
    return lines


def _tidy(lines: list[str]) -> str:
    text = "\n".join(line.rstrip() for line in lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def strip_quoted(text: str) -> str:
    """Return the new text of a reply, without quoted history and signature.

    Never returns an empty string when ``text`` had any content: if everything looks quoted
    (e.g. an answer written below a quote we could not delimit), the fuller text is kept.
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    fresh = _without_history(lines)
    for candidate in (_without_signature(fresh), fresh, lines):
        result = _tidy(candidate)
        if result:
            return result
    return ""
