"""URL map of the search page (``/search``); the search API is mounted on the API's blueprint."""

from flask import Blueprint

from catalog.search.web import pages

bp = Blueprint("search", __name__)

bp.add_url_rule("/search", view_func=pages.page)
