"""Writes of the ISV portal. They touch only ISV-owned columns, flush, and never commit."""

from datetime import datetime

from sqlalchemy import select

from catalog.extensions import db
from catalog.forum.sections import ensure_app_section
from catalog.isv.models import ForumSectionRequest
from catalog.marketplace.history import TERMS_FIELDS
from catalog.marketplace.history import snapshot
from catalog.marketplace.models import App
from catalog.marketplace.models import SupportTerms
from catalog.marketplace.models import TermsVersion
from catalog.marketplace.operations import record_terms_version

LISTING_FIELDS = frozenset({"name", "summary", "description", "version", "homepage"})
ISV_TERMS_FIELDS = frozenset(TERMS_FIELDS)


def _apply(row, values: dict, allowed: frozenset) -> bool:
    """Set the allowed attributes that differ; return whether anything changed."""
    unknown = set(values) - allowed
    if unknown:
        raise ValueError(f"not an ISV-owned field: {sorted(unknown)}")
    changed = False
    for key, value in values.items():
        if getattr(row, key) != value:
            setattr(row, key, value)
            changed = True
    return changed


def request_forum_section(app: App, user_id: int | None, now: datetime) -> None:
    """Record that the app's dedicated forum section must be created (once per app)."""
    exists = db.session.scalar(
        select(ForumSectionRequest.id).where(ForumSectionRequest.app_id == app.id)
    )
    if exists is None:
        db.session.add(
            ForumSectionRequest(app_id=app.id, requested_by_id=user_id, requested_at=now)
        )


def save_app(
    app: App, listing: dict, terms: dict, user_id: int | None, now: datetime
) -> TermsVersion | None:
    """Write the ISV's listing and terms; version the terms if they changed."""
    before = snapshot(app.terms, app.coverage)
    if _apply(app, listing, LISTING_FIELDS):
        app.updated_at = now
    row = app.terms or SupportTerms(app=app, forum_dedicated=False)
    db.session.add(row)
    was_dedicated = bool(row.forum_dedicated)
    if _apply(row, terms, ISV_TERMS_FIELDS):
        row.updated_at = now
    if row.forum_dedicated and not was_dedicated:
        request_forum_section(app, user_id, now)
        db.session.flush()
        ensure_app_section(app, now)
    return record_terms_version(app, before, "isv", user_id, now)
