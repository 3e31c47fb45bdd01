"""Did our own mail server vouch for the sender? ``Authentication-Results`` (RFC 8601).

Anyone can write an ``Authentication-Results`` header into a message, so only headers whose
authserv-id is one we trust count, and of those only the topmost one: our border server adds
its header on top, and any lower one with the same id was written before it saw the message.
The sender is vouched for when that header says ``dkim=pass`` with a signing domain
(``header.d``, or the domain of ``header.i``) aligned with the From domain, ``spf=pass`` with an
aligned ``smtp.mailfrom`` domain, or ``dmarc=pass`` for the From domain itself.

Alignment is relaxed without a public-suffix list: the domains are equal, or the From domain is
a subdomain of a signing domain that has at least two labels (``mail.example.com`` aligns with
``example.com``).
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass

MAX_HEADERS = 50
"""Authentication-Results headers looked at per message (a forged message may carry many)."""
MAX_LENGTH = 4000
"""Characters of one header parsed; the rest is ignored."""

_SPECIAL = '();"='
"""Characters that end an unquoted word (besides white space)."""
_KEYWORD = re.compile(r"^[a-z0-9_-]+$", re.IGNORECASE)


@dataclass(frozen=True)
class Verdict:
    """Whether a trusted header vouches for the From domain, and in words why (not)."""

    vouched: bool
    reason: str


@dataclass(frozen=True)
class _Word:
    """A run of atoms and quoted strings with nothing between them; ``quoted`` if any was."""

    text: str
    quoted: bool


def _skip_comment(value: str, index: int) -> int:
    """The index after the (nested) comment opening at ``index``; an open one runs to the end."""
    depth = 0
    while index < len(value):
        char = value[index]
        if char == "\\":
            index += 2
            continue
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return index + 1
        index += 1
    return index


def _quoted(value: str, index: int) -> tuple[str, int]:
    """(content, index after) of the quoted string opening at ``index``, escapes undone."""
    content = []
    index += 1
    while index < len(value):
        char = value[index]
        if char == "\\" and index + 1 < len(value):
            content.append(value[index + 1])
            index += 2
            continue
        if char == '"':
            return "".join(content), index + 1
        content.append(char)
        index += 1
    return "".join(content), index


def _tokens(value: str) -> list[str | _Word]:
    """RFC 5322 lexing of a header value: words, and ``;`` and ``=`` as strings; CFWS dropped."""
    tokens: list[str | _Word] = []
    index, word, quoted = 0, None, False
    while index < len(value):
        char = value[index]
        if char == '"':
            text, index = _quoted(value, index)
            word, quoted = (word or "") + text, True
            continue
        if char.isspace() or char in _SPECIAL:
            if word is not None:
                tokens.append(_Word(word, quoted))
                word, quoted = None, False
            if char == "(":
                index = _skip_comment(value, index)
                continue
            if char in ";=":
                tokens.append(char)
            index += 1
            continue
        start = index
        while index < len(value) and not value[index].isspace() and value[index] not in _SPECIAL:
            index += 1
        word = (word or "") + value[start:index]
    if word is not None:
        tokens.append(_Word(word, quoted))
    return tokens


def _split(tokens: list[str | _Word]) -> list[list[str | _Word]]:
    """The tokens between the ``;`` separators."""
    parts: list[list[str | _Word]] = [[]]
    for token in tokens:
        if token == ";":
            parts.append([])
        else:
            parts[-1].append(token)
    return parts


def _keyword(token: str | _Word) -> str | None:
    """The lower-case text of an unquoted keyword (a ``/version`` dropped), else None."""
    if not isinstance(token, _Word) or token.quoted:
        return None
    text = token.text.split("/", 1)[0]
    return text.lower() if _KEYWORD.match(text) else None


def _resinfo(part: list[str | _Word]) -> tuple[str, str, dict[str, str]] | None:
    """(method, result, {ptype.property: value}) of one resinfo's tokens, or None if malformed."""
    if len(part) < 3 or part[1] != "=":
        return None
    method, result = _keyword(part[0]), _keyword(part[2])
    if method is None or result is None:
        return None
    properties: dict[str, str] = {}
    rest = part[3:]
    for index in range(len(rest) - 2):
        name, equals, raw = rest[index], rest[index + 1], rest[index + 2]
        if equals != "=" or not isinstance(raw, _Word) or not isinstance(name, _Word):
            continue
        if name.quoted or "." not in name.text:
            continue
        properties.setdefault(name.text.lower(), raw.text.strip().lower())
    return method, result, properties


def parse(value: str) -> tuple[str, list[tuple[str, str, dict[str, str]]]]:
    """(authserv-id, [(method, result, {ptype.property: value})]) of one header value.

    Lexed by RFC 5322 rules as RFC 8601 asks: a ``;`` or ``=`` inside a quoted string or a
    (nested) comment separates nothing, and comments are never read as results.
    """
    parts = _split(_tokens(value[:MAX_LENGTH]))
    first = parts[0][0] if parts[0] else None
    authserv_id = first.text.strip().lower() if isinstance(first, _Word) else ""
    results = [info for info in map(_resinfo, parts[1:]) if info is not None]
    return authserv_id, results


def _domain(value: str) -> str:
    """The domain of ``local@domain`` or ``@domain`` or a bare domain, lower-case."""
    return value.rsplit("@", 1)[-1].strip().strip(".").lower()


def aligned(signer: str, from_domain: str) -> bool:
    """Relaxed alignment of a signing (or envelope) domain with the From domain."""
    signer = _domain(signer)
    if not signer or not from_domain:
        return False
    if signer == from_domain:
        return True
    return signer.count(".") >= 1 and from_domain.endswith("." + signer)


def _passes(results, from_domain: str) -> str | None:
    """The first aligned pass among one header's results, in words."""
    for method, result, properties in results:
        if result != "pass":
            continue
        if method == "dkim":
            for key in ("header.d", "header.i"):
                if key in properties and aligned(properties[key], from_domain):
                    return f"dkim=pass for {_domain(properties[key])}"
        mailfrom = properties.get("smtp.mailfrom", "")
        if method == "spf" and aligned(mailfrom, from_domain):
            return f"spf=pass for {_domain(mailfrom)}"
        if method == "dmarc" and _domain(properties.get("header.from", "")) == from_domain:
            return f"dmarc=pass for {from_domain}"
    return None


def verdict(
    headers: Iterable[str], trusted_ids: Iterable[str], from_address: str | None
) -> Verdict:
    """Judge a message by its topmost Authentication-Results header from a trusted authserv-id."""
    trusted = {i.strip().lower() for i in trusted_ids if i and i.strip()}
    if not trusted:
        return Verdict(False, "no trusted authserv-id is configured")
    if not from_address or "@" not in from_address:
        return Verdict(False, "no From address to authenticate")
    from_domain = _domain(from_address)
    for index, value in enumerate(headers):
        if index >= MAX_HEADERS:
            break
        authserv_id, results = parse(value)
        if authserv_id not in trusted:
            continue
        passed = _passes(results, from_domain)
        if passed:
            return Verdict(True, f"{passed} by {authserv_id}")
        return Verdict(False, f"{authserv_id} found no aligned DKIM or SPF pass for {from_domain}")
    return Verdict(False, "no Authentication-Results from a trusted server")
