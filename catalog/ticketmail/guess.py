"""Which app a new request sent by e-mail is about: only when the sender addressed the app.

The app is named by a sub-address of the support address, ``support+app-<slug>@…`` (or the
older ``support+<slug>@…``). The subject is never read for an app name or tag: anyone who can
rename an app, or pick a name such as "Urgent", could otherwise capture other people's mail.
Mail that names no app goes to the operator's triage list instead (``newrequest``).
"""

from collections.abc import Iterable

from sqlalchemy import select

from catalog.extensions import db
from catalog.marketplace.models import App

APP_PREFIX = "app-"
MAX_ADDRESSES = 50
"""Recipient addresses looked at per message."""


def _published(slug: str) -> App | None:
    """The published app with this slug."""
    return db.session.scalar(select(App).where(App.published.is_(True), App.slug == slug))


def from_subaddress(addresses: Iterable[str]) -> App | None:
    """The app named by the first ``local+app-slug@domain`` (or ``local+slug@``) recipient."""
    for index, address in enumerate(addresses):
        if index >= MAX_ADDRESSES:
            break
        local = address.lower().split("@", 1)[0]
        if "+" not in local:
            continue
        tag = local.split("+", 1)[1][:200]
        for slug in dict.fromkeys((tag.removeprefix(APP_PREFIX), tag)):
            found = _published(slug) if slug else None
            if found is not None:
                return found
    return None


def guess_app(subject: str | None, addresses: Iterable[str]) -> App | None:
    """The app the sender addressed, or None (the subject is deliberately not read)."""
    return from_subaddress(addresses)
