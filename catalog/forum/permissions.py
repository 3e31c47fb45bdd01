"""Who may do what in the forum and which documents a user may find.

Plain functions of a user and a section, thread or article; no database access, so views,
templates and search share one answer.
"""

from catalog.accounts.models import ISV
from catalog.accounts.models import OPERATOR_ROLES

ANONYMOUS_VISIBILITIES = ("public",)
MEMBER_VISIBILITIES = ("public", "customers")
STAFF_VISIBILITIES = ("public", "customers", "staff")


def _signed_in(user) -> bool:
    """Whether ``user`` is a logged-in account (not the anonymous user)."""
    return bool(user is not None and getattr(user, "is_authenticated", False))


def is_staff(user) -> bool:
    """Operator staff and admins curate articles and moderate everywhere."""
    return _signed_in(user) and user.role in OPERATOR_ROLES


def visibilities_for(user) -> tuple[str, ...]:
    """The article visibilities ``user`` may see: public, + customers when signed in with a
    confirmed address (anyone can sign up), + staff."""
    if is_staff(user):
        return STAFF_VISIBILITIES
    if _signed_in(user) and user.is_verified:
        return MEMBER_VISIBILITIES
    return ANONYMOUS_VISIBILITIES


def owns_section(user, section) -> bool:
    """Whether ``user`` is an ISV member of the vendor whose app the section is for."""
    app = section.app if section is not None else None
    return (
        _signed_in(user)
        and user.role == ISV
        and app is not None
        and app.vendor_id == user.vendor_id
    )


def can_moderate(user, section) -> bool:
    """Staff anywhere; an ISV member in its own apps' sections."""
    return is_staff(user) or owns_section(user, section)


def can_accept(user, thread) -> bool:
    """The thread's author, staff, or the app's ISV (in its own section) choose the answer."""
    if not _signed_in(user):
        return False
    return thread.author_id == user.id or can_moderate(user, thread.section)


def can_edit(user, post) -> bool:
    """The author edits their own post; moderators edit any post in their sections."""
    if not _signed_in(user):
        return False
    return post.author_id == user.id or can_moderate(user, post.thread.section)


def can_read_article(user, article) -> bool:
    """Published articles of a visibility the user has; drafts for staff only."""
    if article.status != "published" and not is_staff(user):
        return False
    return article.visibility in visibilities_for(user)
