"""URL map of the ISV portal."""

from flask import Blueprint

from catalog.isv import views

bp = Blueprint("isv", __name__, url_prefix="/isv")

bp.add_url_rule("/", view_func=views.dashboard)
bp.add_url_rule("/apps/new", view_func=views.app_new, methods=["GET", "POST"])
bp.add_url_rule("/apps/<slug>", view_func=views.edit_app, methods=["GET", "POST"])
