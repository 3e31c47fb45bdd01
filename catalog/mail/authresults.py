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

_COMMENT = re.compile(r"\([^()]*\)")
_RESULT = re.compile(r"^\s*([a-z0-9_-]+)\s*=\s*([a-z0-9_-]+)", re.IGNORECASE)
_PROPERTY = re.compile(r"([a-z0-9_-]+\.[a-z0-9_-]+)\s*=\s*(\"[^\"]*\"|[^\s;]+)", re.IGNORECASE)


@dataclass(frozen=True)
class Verdict:
    """Whether a trusted header vouches for the From domain, and in words why (not)."""

    vouched: bool
    reason: str


def _without_comments(value: str) -> str:
    """The header value without (comments), nested ones included (bounded passes)."""
    for _ in range(10):
        stripped = _COMMENT.sub(" ", value)
        if stripped == value:
            break
        value = stripped
    return value


def parse(value: str) -> tuple[str, list[tuple[str, str, dict[str, str]]]]:
    """(authserv-id, [(method, result, {ptype.property: value})]) of one header value."""
    parts = _without_comments(value[:MAX_LENGTH]).split(";")
    authserv_id = (parts[0].split() or [""])[0].strip().lower()
    results = []
    for part in parts[1:]:
        match = _RESULT.match(part)
        if not match:
            continue
        properties = {
            name.lower(): raw.strip('"').strip().lower()
            for name, raw in _PROPERTY.findall(part[match.end() :])
        }
        results.append((match.group(1).lower(), match.group(2).lower(), properties))
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
