"""Message-ID helpers: normalise, extract from headers, generate.

A normalised Message-ID is the ``<local@domain>`` form without surrounding whitespace or
comments. Case is kept: the left-hand side is case-sensitive in RFC 5322.
"""

import hashlib
import re
import secrets
import time

_BRACKETED = re.compile(r"<\s*([^<>\s]+?)\s*>")
_BARE = re.compile(r"^[^<>\s()\"]+@[^<>\s()\"]+$")
_DOMAIN = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$")
SYNTHETIC_DOMAIN = "synthetic.invalid"


def message_ids_in(value: str | None) -> list[str]:
    """Return every Message-ID found in a header value, in order, without duplicates."""
    if not value:
        return []
    found = [f"<{token}>" for token in _BRACKETED.findall(value)]
    if not found and _BARE.match(value.strip()):
        found = [f"<{value.strip()}>"]
    return list(dict.fromkeys(found))


def normalize_message_id(value: str | None) -> str | None:
    """Return the first Message-ID in ``value`` as ``<…>``, or None if there is none."""
    ids = message_ids_in(value)
    return ids[0] if ids else None


def synthetic_message_id(raw: bytes) -> str:
    """Return a stable Message-ID derived from the raw bytes (for mail that has none)."""
    digest = hashlib.sha256(raw).hexdigest()[:40]
    return f"<{digest}@{SYNTHETIC_DOMAIN}>"


def make_message_id(domain: str) -> str:
    """Return a new, globally unique Message-ID under ``domain``."""
    if not _DOMAIN.match(domain or ""):
        raise ValueError(f"not a usable Message-ID domain: {domain!r}")
    return f"<{time.time_ns()}.{secrets.token_hex(12)}@{domain}>"
