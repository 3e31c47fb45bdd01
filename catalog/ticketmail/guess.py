"""Which app a new request sent by e-mail is about, when the mail names one clearly.

In order: a ``+slug`` sub-address in a recipient (``support+mail-shield@…``), a ``[slug]`` or
``[App Name]`` tag in the subject, or exactly one published app whose name appears in the
subject as whole words. Anything less clear is refused: a wrong guess would route the request
to the wrong developer.
"""

import re
from collections.abc import Iterable

from sqlalchemy import func
from sqlalchemy import literal
from sqlalchemy import or_
from sqlalchemy import select

from catalog.extensions import db
from catalog.marketplace.models import App

_TAG = re.compile(r"\[([^\[\]]{1,120})\]")


def _published(*conditions) -> list[App]:
    """Published apps matching every condition."""
    return list(
        db.session.scalars(select(App).where(App.published.is_(True), *conditions).limit(20))
    )


def from_subaddress(addresses: Iterable[str]) -> App | None:
    """The app named by the first ``local+slug@domain`` recipient that names one."""
    for address in addresses:
        local = address.split("@", 1)[0]
        if "+" in local:
            found = _published(App.slug == local.split("+", 1)[1].lower())
            if found:
                return found[0]
    return None


def from_tag(subject: str) -> App | None:
    """The app of the first ``[slug]`` or ``[App Name]`` tag in the subject."""
    for tag in _TAG.findall(subject):
        tag = tag.strip().lower()
        found = _published(or_(App.slug == tag, func.lower(App.name) == tag))
        if len(found) == 1:
            return found[0]
    return None


def from_name(subject: str) -> App | None:
    """The one published app whose name appears in the subject as whole words."""
    lowered = subject.lower()
    candidates = _published(
        func.length(App.name) >= 3,
        literal(lowered).contains(func.lower(App.name), autoescape=False),
    )
    matches = [
        app
        for app in candidates
        if re.search(rf"(?<!\w){re.escape(app.name.lower())}(?!\w)", lowered)
    ]
    return matches[0] if len(matches) == 1 else None


def guess_app(subject: str | None, addresses: Iterable[str]) -> App | None:
    """The app the mail is about, or None when it does not say clearly."""
    subject = subject or ""
    return from_subaddress(addresses) or from_tag(subject) or from_name(subject)
