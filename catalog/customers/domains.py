"""E-mail domains of organisations: parsing the operator's list, matching an address (pure)."""

import re

# A host name of at least two labels (letters, digits, inner hyphens), no trailing dot.
_LABEL = r"(?!-)[a-z0-9-]{1,63}(?<!-)"
_DOMAIN = re.compile(rf"^{_LABEL}(\.{_LABEL})+$")
MAX_DOMAINS = 20
MAX_DOMAIN_LENGTH = 253


def is_domain(text: str) -> bool:
    """Whether ``text`` (lower-case) is a domain name such as ``example.com``."""
    return len(text) <= MAX_DOMAIN_LENGTH and bool(_DOMAIN.match(text))


def parse_domains(text: str) -> tuple[list[str], list[str]]:
    """The domains of a one-per-line list (lower-cased, without duplicates) and the bad lines."""
    good: list[str] = []
    bad: list[str] = []
    for line in (text or "").splitlines():
        domain = line.strip().lower().removeprefix("@")
        if not domain:
            continue
        if not is_domain(domain):
            bad.append(line.strip())
        elif domain not in good:
            good.append(domain)
    return good, bad


def email_domain(email: str) -> str:
    """The domain of an e-mail address, lower-cased ("" when there is none)."""
    _, at, domain = (email or "").strip().rpartition("@")
    return domain.lower() if at else ""
