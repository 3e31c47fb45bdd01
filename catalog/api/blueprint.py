"""URL map of the JSON API (``/api/v1``)."""

from flask import Blueprint

from catalog.api import views
from catalog.search.web import api as search
from catalog.support.wizard import views as wizard_views

bp = Blueprint("api", __name__, url_prefix="/api/v1")

bp.add_url_rule("/apps", view_func=views.app_list)
bp.add_url_rule("/apps/<slug>", view_func=views.app_detail)
bp.add_url_rule("/route", view_func=wizard_views.route_preview)
bp.add_url_rule("/search", "search", view_func=search.search_api)
bp.add_url_rule("/search/suggest", "search_suggest", view_func=search.suggest_api)
