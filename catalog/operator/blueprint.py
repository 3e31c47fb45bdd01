"""URL map of the operator console."""

from flask import Blueprint

from catalog.operator import mailviews
from catalog.operator import views

bp = Blueprint("operator", __name__, url_prefix="/operator")

bp.add_url_rule("/", view_func=views.dashboard)
bp.add_url_rule("/apps/new", view_func=views.app_new, methods=["GET", "POST"])
bp.add_url_rule("/apps/<slug>/coverage", view_func=views.coverage, methods=["GET", "POST"])
bp.add_url_rule("/apps/<slug>/publish", view_func=views.publish, methods=["POST"])
bp.add_url_rule("/vendors", view_func=views.vendors)
bp.add_url_rule("/vendors/new", view_func=views.vendor_new, methods=["GET", "POST"])
bp.add_url_rule("/vendors/<slug>", view_func=views.vendor_edit, methods=["GET", "POST"])
bp.add_url_rule("/vendors/<slug>/invite", view_func=views.vendor_invite, methods=["POST"])
bp.add_url_rule(
    "/vendors/<slug>/members/<int:user_id>/remove", view_func=views.member_remove, methods=["POST"]
)
bp.add_url_rule("/categories", view_func=views.categories, methods=["GET", "POST"])
bp.add_url_rule("/categories/<slug>", view_func=views.category_edit, methods=["GET", "POST"])
bp.add_url_rule("/users", view_func=views.users)
bp.add_url_rule("/users/new", view_func=views.user_new, methods=["GET", "POST"])
bp.add_url_rule("/users/<int:user_id>", view_func=views.user_edit, methods=["GET", "POST"])
bp.add_url_rule("/mail/quarantine", view_func=mailviews.mail_quarantine)
