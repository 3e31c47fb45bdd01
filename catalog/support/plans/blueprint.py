"""URL map of plans: the operator's plan pages and the public plan comparison."""

from flask import Blueprint

from catalog.support.plans import views

bp = Blueprint("plans", __name__)

bp.add_url_rule("/plans", view_func=views.compare)
bp.add_url_rule("/operator/plans", view_func=views.plan_list)
bp.add_url_rule("/operator/plans/new", view_func=views.plan_new, methods=["GET", "POST"])
bp.add_url_rule("/operator/plans/<slug>", view_func=views.plan_edit, methods=["GET", "POST"])
bp.add_url_rule("/operator/plans/<slug>/retire", view_func=views.plan_retire, methods=["POST"])
bp.add_url_rule("/operator/plans/<slug>/delete", view_func=views.plan_delete, methods=["POST"])
