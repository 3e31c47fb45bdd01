"""Ids and names of the catalog: the one rule for slugs, and the key that keeps app names unique.

Plain Python (no Flask, no database), used by the imports, the forms, the routes and the models.
"""

import re

SLUG_MAX = 80
_SLUG_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789.+_-")
SLUG_RE = re.compile(rf"(?!.*\.\.)[a-z0-9](?:[a-z0-9.+_-]{{0,{SLUG_MAX - 2}}}[a-z0-9+])?")


def slug_problem(text: str) -> str | None:
    """Why ``text`` is not a valid slug, or None when it is one.

    The one rule for every slug of the catalog (apps, vendors, categories, forum sections),
    written to take the ids real marketplaces and package archives use: ``ms-python.python``,
    ``com.vendor.plugin``, ``python3.11``, ``lib_foo-bar``, ``g++``, ``libdb5.3++``:

    * lower-case ASCII letters, digits, ``.``, ``+``, ``_`` and ``-`` only, so an id is one
      path segment that needs no percent-encoding (``+`` is literal in a URL path; only query
      strings read it as a space, and ``url_for`` writes it there as ``%2B``);
    * the first character is a letter or digit; the last is a letter, a digit or ``+``. A
      trailing ``+`` is allowed because Debian allows it and real packages have it (``g++``,
      ``afl++``, ``libdb5.3++``); a leading or trailing ``.``, ``_`` or ``-`` is not;
    * no ``..`` anywhere, so no id looks like, or can be joined into, a relative path;
    * 1 to ``SLUG_MAX`` (80) characters: the slug columns are ``String(80)`` (no migration),
      and the longest Debian package name (of ~64,000 in bookworm) has 75 characters.

    ``SLUG_RE`` is the rule as a regular expression (use ``fullmatch``); this function says
    which part of it ``text`` breaks, for messages a person understands.
    """
    if not isinstance(text, str) or not text:
        return "is required"
    if len(text) > SLUG_MAX:
        return f"is {len(text)} characters long; the limit is {SLUG_MAX}"
    if SLUG_RE.fullmatch(text):
        return None
    if not all(c in _SLUG_CHARS for c in text):
        return "may hold only lower-case letters, digits, “.”, “+”, “_” and “-”"
    if not (text[0].isascii() and text[0].isalnum()):
        return "must start with a lower-case letter or a digit"
    if ".." in text:
        return "must not contain “..”"
    return "must end with a lower-case letter, a digit or “+”"


def is_slug(text: str) -> bool:
    """Whether ``text`` is a valid slug (see ``slug_problem``)."""
    return isinstance(text, str) and SLUG_RE.fullmatch(text) is not None


def name_key(name: str) -> str:
    """An app name as compared for uniqueness: case-folded, white space collapsed and trimmed."""
    return " ".join(name.casefold().split())


def slugify(text: str) -> str:
    """A slug made from a name: lower-case letters, digits and single hyphens.

    Deliberately the simple form (it is what people expect to see made from "Mail & messaging"):
    only acceptance is wider (``slug_problem``); every result of this function passes it.
    """
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:SLUG_MAX].strip("-") or "item"
