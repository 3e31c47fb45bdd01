"""Request handlers of the forum: sections, threads, replies, answers, votes and moderation."""

from math import ceil

from flask import abort
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_login import current_user

from catalog import formtokens
from catalog.accounts.access import roles_required
from catalog.accounts.models import ROLES
from catalog.db import utcnow
from catalog.extensions import db
from catalog.forum import moderation
from catalog.forum import operations
from catalog.forum import permissions
from catalog.forum import queries
from catalog.forum.forms import ActionForm
from catalog.forum.forms import EditOpeningPostForm
from catalog.forum.forms import EditPostForm
from catalog.forum.forms import ModeratePostForm
from catalog.forum.forms import ModerateThreadForm
from catalog.forum.forms import ReplyForm
from catalog.forum.forms import ThreadForm
from catalog.inputguard import page_number
from catalog.support.handoffs.queries import thread_panel

member_required = roles_required(*ROLES)


def page_arg() -> int:
    """The ``page`` query argument as a positive number (1 when missing or malformed)."""
    return page_number(request.args.get("page"))


def _per_page() -> int:
    """Threads or posts per page."""
    return current_app.config["FORUM_PAGE_SIZE"]


def _section(slug: str):
    """A section by slug, or 404."""
    return queries.section_by_slug(slug) or abort(404)


def _thread(thread_id: int):
    """A thread the user may see (hidden ones only for its moderators), or 404."""
    thread = queries.thread_by_id(thread_id) or abort(404)
    if thread.hidden and not permissions.can_moderate(current_user, thread.section):
        abort(404)
    return thread


def _post(post_id: int):
    """A post the user may see, or 404."""
    post = queries.post_by_id(post_id) or abort(404)
    _thread(post.thread_id)
    if post.hidden and not permissions.can_moderate(current_user, post.thread.section):
        abort(404)
    return post


def index():
    """Every section with its thread count."""
    return render_template("forum/index.html", sections=queries.sections_with_counts())


def section(slug: str):
    """A section's threads, most recently active first."""
    found = _section(slug)
    moderator = permissions.can_moderate(current_user, found)
    page = queries.threads_page(found, page_arg(), _per_page(), include_hidden=moderator)
    if page.page > page.pages:
        abort(404)
    return render_template("forum/section.html", section=found, page=page, moderator=moderator)


@member_required
def new_thread(slug: str):
    """Start a thread in a section; a rejected form comes back with what was typed."""
    found = _section(slug)
    form = ThreadForm()
    if not form.validate_on_submit():
        status = 400 if form.is_submitted() else 200
        return render_template("forum/new_thread.html", section=found, form=form), status
    if replay := formtokens.replayed(form):
        return replay
    thread = operations.start_thread(found, current_user, form.title.data, form.body.data, utcnow())
    flash("Your question is posted.", "success")
    return redirect(formtokens.done(form, url_for("forum.thread", thread_id=thread.id)))


def _thread_page(thread, reply_form=None, status: int = 200, moderate_form=None):
    """Render a thread with its posts, the reply form and the moderator tools."""
    moderator = permissions.can_moderate(current_user, thread.section)
    page = queries.posts_page(thread, page_arg(), _per_page(), include_hidden=moderator)
    if page.page > page.pages:
        abort(404)
    if moderator and moderate_form is None:
        moderate_form = ModerateThreadForm()
        targets = queries.move_targets(
            thread, permissions.is_staff(current_user), current_user.vendor_id
        )
        moderate_form.set_targets(targets)
    voted = queries.voted_posts(getattr(current_user, "id", None), [p.id for p in page.items])
    return render_template(
        "forum/thread.html",
        thread=thread,
        page=page,
        reply_form=reply_form or ReplyForm(),
        moderate_form=moderate_form,
        post_form=ModeratePostForm(),
        action_form=ActionForm(),
        moderator=moderator,
        voted=voted,
        perm=permissions,
        handoff=thread_panel(current_user, thread, utcnow()),
    ), status


def thread(thread_id: int):
    """A thread: the question, the replies (paginated) and the reply form."""
    return _thread_page(_thread(thread_id))


def post_link(post_id: int):
    """A stable link to a post: redirect to the page of its thread that shows it."""
    post = _post(post_id)
    moderator = permissions.can_moderate(current_user, post.thread.section)
    position = queries.post_position(post, include_hidden=moderator)
    page = max(1, ceil(position / _per_page()))
    return redirect(
        url_for("forum.thread", thread_id=post.thread_id, page=page, _anchor=f"post-{post.id}")
    )


def _last_page_url(thread, post_id: int) -> str:
    """The URL of the thread's last page, anchored at a post."""
    last = max(1, ceil((thread.reply_count + 1) / _per_page()))
    return url_for("forum.thread", thread_id=thread.id, page=last, _anchor=f"post-{post_id}")


@member_required
def reply(thread_id: int):
    """Reply to a thread (moderators may still reply once it is locked)."""
    found = _thread(thread_id)
    if found.locked and not permissions.can_moderate(current_user, found.section):
        abort(403, "This thread is locked; it takes no new replies.")
    form = ReplyForm()
    if not form.validate_on_submit():
        return _thread_page(found, form, 400)
    if replay := formtokens.replayed(form):
        return replay
    post = operations.reply(found, current_user, form.body.data, utcnow())
    db.session.flush()  # the new post's row, so the refreshed thread counts it
    db.session.refresh(found)
    return redirect(formtokens.done(form, _last_page_url(found, post.id)))


@member_required
def edit_post(post_id: int):
    """Change a post's text (the author, or a moderator of its section)."""
    post = _post(post_id)
    if not permissions.can_edit(current_user, post):
        abort(403)
    form_class = EditOpeningPostForm if post.is_opening else EditPostForm
    form = form_class(data={"title": post.thread.title, "body": post.body})
    if form.validate_on_submit():
        title = form.title.data if post.is_opening else None
        operations.edit_post(post, form.body.data, utcnow(), title)
        flash("Your changes are saved.", "success")
        return redirect(
            url_for("forum.thread", thread_id=post.thread_id, _anchor=f"post-{post.id}")
        )
    status = 400 if form.is_submitted() else 200
    return render_template("forum/edit_post.html", post=post, form=form), status


@member_required
def accept(post_id: int):
    """Mark a reply as the accepted answer, or withdraw it (author, staff, the app's ISV)."""
    post = _post(post_id)
    if not permissions.can_accept(current_user, post.thread):
        abort(403)
    if post.is_opening or not ActionForm().validate_on_submit():
        abort(400)
    accepted = operations.toggle_accepted(post.thread, post)
    flash(
        "Marked as the accepted answer."
        if accepted
        else "The answer is no longer marked as accepted.",
        "success",
    )
    return redirect(url_for("forum.thread", thread_id=post.thread_id, _anchor=f"post-{post.id}"))


@member_required
def vote(post_id: int):
    """Say a post helped (once per member and post), or take that back."""
    post = _post(post_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    if post.author_id == current_user.id:
        flash("You cannot mark your own post as helpful.", "info")
    else:
        operations.toggle_vote(post, current_user.id, utcnow())
    return redirect(url_for("forum.thread", thread_id=post.thread_id, _anchor=f"post-{post.id}"))


@member_required
def moderate_thread(thread_id: int):
    """Lock, hide or move a thread (staff; the app's ISV in its own section)."""
    found = _thread(thread_id)
    if not permissions.can_moderate(current_user, found.section):
        abort(403)
    form = ModerateThreadForm()
    targets = {
        s.id: s
        for s in queries.move_targets(
            found, permissions.is_staff(current_user), current_user.vendor_id
        )
    }
    form.set_targets(targets.values())
    if not form.validate_on_submit():
        return _thread_page(found, status=400, moderate_form=form)
    moderation.moderate_thread(found, form.action.data, targets.get(form.section.data))
    flash(f"Done: {moderation.THREAD_ACTIONS[form.action.data].lower()}.", "success")
    return redirect(url_for("forum.thread", thread_id=found.id))


@member_required
def moderate_post(post_id: int):
    """Hide or show one reply (moderators of its section)."""
    post = _post(post_id)
    if not permissions.can_moderate(current_user, post.thread.section):
        abort(403)
    form = ModeratePostForm()
    if post.is_opening or not form.validate_on_submit():
        abort(400, "Only replies can be hidden one by one; hide the thread instead.")
    moderation.moderate_post(post, form.action.data)
    return redirect(url_for("forum.thread", thread_id=post.thread_id, _anchor=f"post-{post.id}"))
