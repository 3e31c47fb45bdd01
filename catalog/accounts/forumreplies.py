"""Replies in forum threads one takes part in: a notification row for each participant, and a
mail unless their preferences say no or they chose the daily digest."""

from datetime import datetime
from datetime import timedelta

from flask import current_app
from sqlalchemy import func
from sqlalchemy import select

from catalog.accounts import notifications
from catalog.accounts.models import User
from catalog.accounts.models import UserNotification
from catalog.accounts.notifications import FORUM_REPLY
from catalog.extensions import db
from catalog.forum import permissions as forum_permissions
from catalog.forum.models import Post
from catalog.forum.models import Thread
from catalog.links import external_url
from catalog.ticketmail.letters import queue_letter

# A thread with thousands of posters tells the most recent ones, not everyone.
MAX_THREAD_PARTICIPANTS = 200
# A burst of replies (or one account posting over and over) mails each participant once: no
# letter to someone the thread already gave a row this long ago or less; the list has them all.
QUIET = timedelta(minutes=15)


def thread_participants(thread: Thread, limit: int = MAX_THREAD_PARTICIPANTS) -> list[User]:
    """The thread's author and repliers, the most recently active first, at most ``limit``."""
    latest = func.max(Post.created_at)
    ids = db.session.scalars(
        select(Post.author_id)
        .where(Post.thread_id == thread.id, Post.author_id.is_not(None))
        .group_by(Post.author_id)
        .order_by(latest.desc(), Post.author_id)
        .limit(limit)
    ).all()
    if not ids:
        return []
    return list(db.session.scalars(select(User).where(User.id.in_(ids)).order_by(User.id)))


def may_see(user: User, thread: Thread) -> bool:
    """Whether ``user`` may still read the thread (active; a hidden one: its moderators only)."""
    if not user.active:
        return False
    return not thread.hidden or forum_permissions.can_moderate(user, thread.section)


def recently_told(thread: Thread, now: datetime) -> set[int]:
    """The users the thread gave a reply row within ``QUIET`` before ``now``."""
    return set(
        db.session.scalars(
            select(UserNotification.user_id).where(
                UserNotification.thread_id == thread.id,
                UserNotification.kind == FORUM_REPLY,
                UserNotification.created_at > now - QUIET,
            )
        )
    )


def tell_thread_participants(thread: Thread, post: Post, replier, now: datetime) -> int:
    """A row for each participant of the thread but the replier, and a mail unless their
    preferences say no, they chose the digest or the thread told them moments ago (``QUIET``);
    returns how many were told."""
    title = f"{replier.name} replied in “{thread.title}”"
    path = notifications.site_path("forum.post_link", post_id=post.id)
    told = 0
    recent = recently_told(thread, now)
    for user in thread_participants(thread):
        if user.id == replier.id or not may_see(user, thread):
            continue
        notifications.add(user, FORUM_REPLY, title, path, now, thread_id=thread.id)
        told += 1
        if user.id not in recent and notifications.mails_now(user, FORUM_REPLY):
            # Straight from the environment: no page context (a command may reply too).
            text = current_app.jinja_env.get_template("accounts/mail/forum_reply.txt").render(
                user=user,
                replier=replier,
                thread=thread,
                body=post.body,
                link=external_url("forum.post_link", post_id=post.id),
                profile=external_url("accounts.profile"),
            )
            queue_letter("forum-reply", user.email, f"New reply: {thread.title}", text, now)
    db.session.flush()
    return told
