"""URL map of the health check."""

from flask import Blueprint

from catalog.health import views

bp = Blueprint("health", __name__)

bp.add_url_rule("/healthz", view_func=views.healthz)
