"""URL map of plan requests: the customer's request and list, the staff queue."""

from flask import Blueprint

from catalog.support.planrequests import views

bp = Blueprint("planrequests", __name__)

bp.add_url_rule("/plans/<slug>/request", view_func=views.new_request, methods=["GET", "POST"])
bp.add_url_rule("/account/plan-requests", view_func=views.my_requests)
bp.add_url_rule("/account/plan-requests/<int:request_id>", view_func=views.my_request)
bp.add_url_rule("/operator/plan-requests", view_func=views.queue)
bp.add_url_rule("/operator/plan-requests/<int:request_id>", view_func=views.detail)
bp.add_url_rule(
    "/operator/plan-requests/<int:request_id>/accept", view_func=views.accept, methods=["POST"]
)
bp.add_url_rule(
    "/operator/plan-requests/<int:request_id>/decline", view_func=views.decline, methods=["POST"]
)
bp.app_context_processor(views.nav_counts)
