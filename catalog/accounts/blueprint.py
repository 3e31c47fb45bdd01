"""URL map of the account pages."""

from flask import Blueprint

from catalog.accounts import profileviews
from catalog.accounts import views

bp = Blueprint("accounts", __name__, url_prefix="/account")

bp.add_url_rule("/login", view_func=views.login, methods=["GET", "POST"])
bp.add_url_rule("/logout", view_func=views.logout, methods=["POST"])
bp.add_url_rule("/sign-up", view_func=views.sign_up, methods=["GET", "POST"])
bp.add_url_rule("/verify", view_func=views.verify_notice)
bp.add_url_rule("/verify/resend", view_func=views.resend_verification, methods=["POST"])
bp.add_url_rule("/verify/<token>", view_func=views.verify)
bp.add_url_rule("/password", view_func=views.change_password, methods=["GET", "POST"])
bp.add_url_rule("/reset", view_func=views.reset_request, methods=["GET", "POST"])
bp.add_url_rule("/reset/<token>", view_func=views.reset, methods=["GET", "POST"])
bp.add_url_rule("/invite/<token>", view_func=views.accept_invite, methods=["GET", "POST"])
bp.add_url_rule("/profile", view_func=profileviews.profile, methods=["GET", "POST"])
bp.add_url_rule(
    "/profile/email/cancel", view_func=profileviews.cancel_email_change, methods=["POST"]
)
bp.add_url_rule("/profile/email/<token>", view_func=profileviews.confirm_email_change)
bp.add_url_rule("/notifications", view_func=profileviews.notifications_list)
bp.add_url_rule(
    "/notifications/<int:notification_id>/open",
    view_func=profileviews.open_notification,
    methods=["POST"],
)
bp.add_url_rule("/notifications/read", view_func=profileviews.mark_all_read, methods=["POST"])
bp.app_context_processor(profileviews.unread_in_header)
