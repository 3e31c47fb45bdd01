"""A user's notifications: which group an event belongs to, whether it may be mailed, and the
list's rows (forum replies: ``forumreplies.py``; the digest: ``digest.py``).

Every person an event is told to gets a row in ``user_notification`` (the list at
``/account/notifications``); the mail is a second, optional copy: the user's preferences may
turn a group off, and the daily digest gathers the mails of a day into one letter.
"""

from datetime import datetime

from flask import current_app
from sqlalchemy import update

from catalog.accounts.models import User
from catalog.accounts.models import UserNotification
from catalog.extensions import db
from catalog.links import adapter

TICKETS = "tickets"
HANDOFFS = "handoffs"
ASSIGNMENTS = "assignments"
FORUM = "forum"
# The groups a user may turn off, in the order the profile shows them.
GROUPS = {
    TICKETS: "Replies and status changes on my tickets",
    HANDOFFS: "Hand-offs: a request moved, or a move proposed, to another channel",
    ASSIGNMENTS: "Assignments: a ticket given to me (staff and ISV members)",
    FORUM: "Replies in forum threads I take part in",
}
HANDOFF_ACTIONS = frozenset({"moved", "handoff_proposed", "handoff_declined", "handoff_withdrawn"})
ASSIGNMENT_ACTIONS = frozenset({"assigned"})
FORUM_REPLY = "forum_reply"
TITLE_LENGTH = 300


def group_of(kind: str) -> str:
    """The preference group of a notification kind (a ticket event's action, or a forum reply)."""
    if kind == FORUM_REPLY:
        return FORUM
    if kind in HANDOFF_ACTIONS:
        return HANDOFFS
    if kind in ASSIGNMENT_ACTIONS:
        return ASSIGNMENTS
    return TICKETS


def mail_wanted(prefs: dict | None, group: str) -> bool:
    """Whether the group is on in ``prefs`` (a missing key means yes)."""
    return (prefs or {}).get(group, True) is not False


def mails_now(user: User, kind: str) -> bool:
    """Whether an event of ``kind`` is mailed to ``user`` at once (not off, not for the digest)."""
    return not user.daily_digest and mail_wanted(user.notification_prefs, group_of(kind))


def is_site_path(link: str | None) -> bool:
    """A path on this site (``/…``), never another site's address (``//host``, ``https:…``)."""
    return (
        isinstance(link, str)
        and link.startswith("/")
        and not link.startswith("//")
        and "\\" not in link
        and not any(ord(c) < 32 for c in link)
    )


def site_path(endpoint: str, **values) -> str:
    """The site-relative path of ``endpoint`` (works in a command as in a request)."""
    return adapter(current_app).build(endpoint, values)


def add(
    user: User,
    kind: str,
    title: str,
    link: str,
    now: datetime,
    ticket_id: int | None = None,
    thread_id: int | None = None,
) -> UserNotification:
    """Add one line to ``user``'s notifications (the caller flushes or commits)."""
    row = UserNotification(
        user_id=user.id,
        kind=kind,
        title=title[:TITLE_LENGTH],
        link=link if is_site_path(link) else "",
        ticket_id=ticket_id,
        thread_id=thread_id,
        created_at=now,
    )
    db.session.add(row)
    return row


def mark_read(user: User, notification_id: int, now: datetime) -> UserNotification | None:
    """Mark one of ``user``'s rows read; None when it is not theirs."""
    row = db.session.get(UserNotification, notification_id)
    if row is None or row.user_id != user.id:
        return None
    if row.read_at is None:
        row.read_at = now
        db.session.flush()
    return row


def mark_all_read(user: User, now: datetime) -> int:
    """Mark every unread row of ``user`` read; returns how many."""
    result = db.session.execute(
        update(UserNotification)
        .where(UserNotification.user_id == user.id, UserNotification.read_at.is_(None))
        .values(read_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.flush()
    return result.rowcount
