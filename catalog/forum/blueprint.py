"""URL map of the forum (``/forum``)."""

from flask import Blueprint

from catalog.forum import article_views
from catalog.forum import views

bp = Blueprint("forum", __name__, url_prefix="/forum")

bp.add_url_rule("/", view_func=views.index)
bp.add_url_rule("/s/<slug>", view_func=views.section)
bp.add_url_rule("/s/<slug>/new", view_func=views.new_thread, methods=["GET", "POST"])
bp.add_url_rule("/t/<int:thread_id>", view_func=views.thread)
bp.add_url_rule("/t/<int:thread_id>/reply", view_func=views.reply, methods=["POST"])
bp.add_url_rule("/t/<int:thread_id>/moderate", view_func=views.moderate_thread, methods=["POST"])
bp.add_url_rule("/t/<int:thread_id>/promote", view_func=article_views.promote, methods=["POST"])
bp.add_url_rule("/p/<int:post_id>", view_func=views.post_link)
bp.add_url_rule("/p/<int:post_id>/edit", view_func=views.edit_post, methods=["GET", "POST"])
bp.add_url_rule("/p/<int:post_id>/accept", view_func=views.accept, methods=["POST"])
bp.add_url_rule("/p/<int:post_id>/helpful", view_func=views.vote, methods=["POST"])
bp.add_url_rule("/p/<int:post_id>/moderate", view_func=views.moderate_post, methods=["POST"])
bp.add_url_rule("/articles", view_func=article_views.article_list)
bp.add_url_rule("/articles/new", view_func=article_views.new_article, methods=["GET", "POST"])
bp.add_url_rule("/articles/<int:article_id>", view_func=article_views.article)
bp.add_url_rule(
    "/articles/<int:article_id>/edit", view_func=article_views.edit_article, methods=["GET", "POST"]
)
