"""Writes of the forum: threads, replies, edits, accepted answers and helpful votes.

Every function flushes and never commits; the request (or command) commits once. Counters are
changed with SQL ``UPDATE … SET n = n + 1`` so concurrent replies and votes never lose a count,
and so a vote does not needlessly re-index its post.
"""

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from catalog.accounts.forumreplies import tell_thread_participants
from catalog.extensions import db
from catalog.forum.models import Post
from catalog.forum.models import Section
from catalog.forum.models import Thread
from catalog.forum.models import Vote
from catalog.search.indexing import events as outbox


def record_replies(thread: Thread) -> None:
    """Note every reply of ``thread`` for re-indexing (they carry its title and section)."""
    ids = db.session.scalars(
        select(Post.id).where(Post.thread_id == thread.id, Post.is_opening.is_(False))
    )
    outbox.record(db.session, {f"reply:{post_id}" for post_id in ids})


def start_thread(section: Section, author, title: str, body: str, now: datetime) -> Thread:
    """Open a thread with its opening post."""
    thread = Thread(
        section=section,
        title=title,
        author_id=author.id,
        author_name=author.name,
        created_at=now,
        last_activity_at=now,
    )
    db.session.add(thread)
    db.session.flush()
    db.session.add(
        Post(
            thread_id=thread.id,
            author_id=author.id,
            author_name=author.name,
            body=body,
            is_opening=True,
            created_at=now,
        )
    )
    db.session.flush()
    return thread


def reply(thread: Thread, author, body: str, now: datetime) -> Post:
    """Add a reply, bump the thread's counters and tell the thread's other participants."""
    post = Post(
        thread_id=thread.id, author_id=author.id, author_name=author.name, body=body, created_at=now
    )
    db.session.add(post)
    db.session.execute(
        update(Thread)
        .where(Thread.id == thread.id)
        .values(reply_count=Thread.reply_count + 1, last_activity_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.flush()
    tell_thread_participants(thread, post, author, now)
    return post


def edit_post(post: Post, body: str, now: datetime, title: str | None = None) -> None:
    """Change a post's text (and the thread's title, for an opening post)."""
    post.body = body
    post.edited_at = now
    if title is not None and post.is_opening and title != post.thread.title:
        post.thread.title = title
        record_replies(post.thread)
    db.session.flush()


def toggle_accepted(thread: Thread, post: Post) -> bool:
    """Make ``post`` the accepted answer, or withdraw it if it already is; return the new state."""
    if post.is_opening or post.thread_id != thread.id:
        raise ValueError("only a reply of this thread can be its accepted answer")
    previous = thread.accepted_post_id
    thread.accepted_post_id = None if previous == post.id else post.id
    touched = {f"reply:{post.id}"} | ({f"reply:{previous}"} if previous else set())
    outbox.record(db.session, touched)
    db.session.flush()
    return thread.accepted_post_id == post.id


def toggle_vote(post: Post, user_id: int, now: datetime) -> bool:
    """Add the user's "this helped" to a post, or take it back; return whether it is now set.

    The vote row's insert or delete decides the change: only a statement that really added or
    removed the row moves the counter, so concurrent toggles can never make it drift.
    """
    removed = db.session.execute(
        delete(Vote).where(Vote.post_id == post.id, Vote.user_id == user_id)
    ).rowcount
    change = -removed if removed else _add_vote(post.id, user_id, now)
    if change:
        db.session.execute(
            update(Post)
            .where(Post.id == post.id)
            .values(helpful_count=Post.helpful_count + change)
            .execution_options(synchronize_session=False)
        )
    db.session.flush()
    db.session.refresh(post, ["helpful_count"])
    return not removed


def _add_vote(post_id: int, user_id: int, now: datetime) -> int:
    """Insert the vote unless it exists; 1 when this statement added it, else 0."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    statement = (
        insert(Vote)
        .values(post_id=post_id, user_id=user_id, created_at=now)
        .on_conflict_do_nothing(index_elements=["post_id", "user_id"])
        .returning(Vote.id)
    )
    return 1 if db.session.execute(statement).first() is not None else 0
