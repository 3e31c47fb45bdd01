"""Moderation writes: lock, hide and move threads, hide replies. They flush; the caller commits.

Hiding or moving a thread changes the documents of all its replies too (they vanish with it, or
carry the new section), so those are recorded in the outbox explicitly.
"""

from catalog.extensions import db
from catalog.forum.models import Post
from catalog.forum.models import Section
from catalog.forum.models import Thread
from catalog.forum.operations import record_replies

THREAD_ACTIONS = {
    "lock": "Lock (no new replies)",
    "unlock": "Unlock",
    "hide": "Hide from members",
    "unhide": "Show again",
    "move": "Move to another section",
}
POST_ACTIONS = {"hide": "Hide this reply", "unhide": "Show this reply again"}


def moderate_thread(thread: Thread, action: str, target: Section | None = None) -> None:
    """Apply one moderation action to a thread."""
    if action in ("lock", "unlock"):
        thread.locked = action == "lock"
    elif action in ("hide", "unhide"):
        thread.hidden = action == "hide"
        record_replies(thread)
    elif action == "move" and target is not None:
        thread.section = target
        record_replies(thread)
    else:
        raise ValueError(f"unknown moderation action {action!r}")
    db.session.flush()


def moderate_post(post: Post, action: str) -> None:
    """Hide or show one reply (the opening post goes with its thread)."""
    if post.is_opening or action not in POST_ACTIONS:
        raise ValueError("only replies can be hidden one by one")
    post.hidden = action == "hide"
    db.session.flush()
