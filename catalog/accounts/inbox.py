"""Reads of a user's notifications list: one page of it, and the unread count for the header."""

from sqlalchemy import func
from sqlalchemy import select

from catalog.accounts.models import UserNotification
from catalog.extensions import db
from catalog.pagination import Page

PAGE_SIZE = 20


def unread_count(user_id: int) -> int:
    """How many of the user's notifications are unread (the ``(user_id, read_at)`` index)."""
    statement = select(func.count()).where(
        UserNotification.user_id == user_id, UserNotification.read_at.is_(None)
    )
    return db.session.scalar(statement) or 0


def page_of(user_id: int, page: int, per_page: int = PAGE_SIZE) -> Page:
    """One page of the user's notifications, newest first."""
    total = db.session.scalar(select(func.count()).where(UserNotification.user_id == user_id))
    rows = db.session.scalars(
        select(UserNotification)
        .where(UserNotification.user_id == user_id)
        .order_by(UserNotification.created_at.desc(), UserNotification.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    return Page(list(rows), page, per_page, total or 0)
