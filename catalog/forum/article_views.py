"""Request handlers of knowledge articles: read by visibility, curated by staff."""

from flask import abort
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import url_for
from flask_login import current_user

from catalog import formtokens
from catalog.accounts.access import operator_required
from catalog.db import utcnow
from catalog.forum import articles
from catalog.forum import permissions
from catalog.forum import queries
from catalog.forum.forms import ActionForm
from catalog.forum.forms import ArticleForm
from catalog.forum.views import _thread
from catalog.forum.views import page_arg


def article_list():
    """Articles the reader may see (staff also see drafts)."""
    staff = permissions.is_staff(current_user)
    page = queries.articles_page(
        permissions.visibilities_for(current_user),
        staff,
        page_arg(),
        current_app.config["FORUM_PAGE_SIZE"],
    )
    if page.page > page.pages:
        abort(404)
    return render_template("forum/articles.html", page=page, staff=staff)


def article(article_id: int):
    """One article, if the reader may see it (404 otherwise, so its existence does not leak)."""
    found = queries.article_by_id(article_id)
    if found is None or not permissions.can_read_article(current_user, found):
        abort(404)
    return render_template(
        "forum/article.html", article=found, staff=permissions.is_staff(current_user)
    )


def _form_page(form, found=None):
    """Render the article form (400 when a submitted form was rejected)."""
    status = 400 if form.is_submitted() else 200
    return render_template("forum/article_form.html", form=form, article=found), status


def _article_form(**kwargs) -> ArticleForm:
    """An article form with its app and section menus filled."""
    form = ArticleForm(**kwargs)
    form.set_choices(queries.app_choices(), queries.section_choices())
    return form


@operator_required
def new_article():
    """Write a fresh article."""
    form = _article_form()
    if not form.validate_on_submit():
        return _form_page(form)
    if replay := formtokens.replayed(form):
        return replay
    found = articles.save_article(None, form.values(), current_user.id, utcnow())
    flash("The article is saved.", "success")
    return redirect(formtokens.done(form, url_for("forum.article", article_id=found.id)))


def _initial(found) -> dict:
    """The form's starting values from a saved article."""
    data = {
        name: getattr(found, name) for name in ("title", "body", "visibility", "status", "source")
    }
    return data | {"app_id": found.app_id or 0, "section_id": found.section_id or 0}


@operator_required
def edit_article(article_id: int):
    """Edit an article: text, app, section, visibility, status."""
    found = queries.article_by_id(article_id) or abort(404)
    form = _article_form(data=_initial(found))
    if not form.validate_on_submit():
        return _form_page(form, found)
    articles.save_article(found, form.values(), current_user.id, utcnow())
    flash("The article is saved.", "success")
    return redirect(url_for("forum.article", article_id=found.id))


@operator_required
def promote(thread_id: int):
    """Start a draft article from a thread's question and accepted answer."""
    thread = _thread(thread_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    found = articles.promote_thread(thread, current_user.id, utcnow())
    flash(
        "A draft article was made from the thread; edit it and publish it when it reads well.",
        "success",
    )
    return redirect(url_for("forum.edit_article", article_id=found.id))
