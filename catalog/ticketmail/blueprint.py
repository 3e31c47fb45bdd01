"""URL map of the e-mail channel's one page: confirming a request held from mail."""

from flask import Blueprint

from catalog.ticketmail import views

bp = Blueprint("ticketmail", __name__, url_prefix="/mail")

bp.add_url_rule(
    "/requests/<string(length=32):token>", view_func=views.confirm_request, methods=["GET", "POST"]
)
