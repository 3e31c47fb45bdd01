"""The wizard's forum routes: a request posted as a thread that keeps a support reference.

A request routed to the app's dedicated forum becomes a thread in the app's section, numbered
from the same sequence as tickets (``SUP-000123``), so a ticket later escalated from it can keep
that reference. Writes flush; the request commits.
"""

from datetime import datetime

from sqlalchemy import select

from catalog.extensions import db
from catalog.forum import permissions
from catalog.forum.models import Section
from catalog.forum.models import Thread
from catalog.forum.operations import start_thread
from catalog.forum.sections import ensure_app_section
from catalog.marketplace.models import App
from catalog.support.tickets.references import format_reference
from catalog.support.tickets.references import issue_number

# Where a request routed to the casual public forum may also be asked on our own forum.
GENERAL_SECTION = "platform"


def app_section(app: App) -> Section | None:
    """The app's dedicated forum section, if it exists yet."""
    return db.session.scalar(select(Section).where(Section.app_id == app.id))


def section_name(app: App) -> str:
    """The name the app's section has, or will have once the first request creates it."""
    section = app_section(app)
    return section.name if section is not None else app.name


def general_section() -> Section | None:
    """Our own forum's general section for questions about apps and the platform."""
    return db.session.scalar(
        select(Section).where(Section.slug == GENERAL_SECTION, Section.app_id.is_(None))
    )


def post_request_thread(
    app: App, user, title: str, text: str, now: datetime, prefix: str
) -> Thread:
    """Open the request as a thread in the app's section (made as ``forum sync-sections``
    would, when the app offers the dedicated forum but has none yet), with its own reference."""
    section = ensure_app_section(app, now)
    thread = start_thread(section, user, title, text, now)
    thread.support_number = issue_number(now)
    thread.reference = format_reference(prefix, thread.support_number)
    db.session.flush()
    return thread


def request_thread(user, reference: str) -> Thread | None:
    """The thread opened under this support reference, if ``user`` may read it (else None)."""
    thread = db.session.scalar(
        select(Thread).where(Thread.reference == reference.strip().upper()[:40])
    )
    if thread is None or (thread.hidden and not permissions.can_moderate(user, thread.section)):
        return None
    return thread
