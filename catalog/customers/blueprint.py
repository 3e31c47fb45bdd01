"""URL map of customer organisations (operator pages and the organisation admin's page)."""

from flask import Blueprint

from catalog.customers import accountviews
from catalog.customers import views

bp = Blueprint("customers", __name__)

ORGANISATION = "/operator/organisations/<int:organisation_id>"
SUBSCRIPTION = "/operator/subscriptions/<int:subscription_id>"
MINE = "/account/organisation"
BOTH = ["GET", "POST"]

bp.add_url_rule("/operator/organisations", view_func=views.organisations)
bp.add_url_rule("/operator/organisations/new", view_func=views.organisation_new, methods=BOTH)
bp.add_url_rule(ORGANISATION, view_func=views.organisation_edit, methods=BOTH)
bp.add_url_rule(f"{ORGANISATION}/invite", view_func=views.organisation_invite, methods=["POST"])
bp.add_url_rule(
    f"{ORGANISATION}/members/<int:user_id>/role", view_func=views.member_role, methods=["POST"]
)
bp.add_url_rule(
    f"{ORGANISATION}/members/<int:user_id>/remove", view_func=views.member_remove, methods=BOTH
)
bp.add_url_rule(
    f"{ORGANISATION}/invitations/<int:invitation_id>/withdraw",
    view_func=views.invitation_withdraw,
    methods=BOTH,
)
bp.add_url_rule(f"{ORGANISATION}/subscriptions/new", view_func=views.subscription_new, methods=BOTH)
bp.add_url_rule(SUBSCRIPTION, view_func=views.subscription_edit, methods=BOTH)
bp.add_url_rule(f"{SUBSCRIPTION}/contacts", view_func=views.contact_add, methods=["POST"])
bp.add_url_rule(
    f"{SUBSCRIPTION}/contacts/<int:user_id>/remove",
    view_func=views.contact_remove,
    methods=BOTH,
)
bp.add_url_rule(f"{SUBSCRIPTION}/renew", view_func=views.subscription_renew, methods=["POST"])

bp.add_url_rule(MINE, view_func=accountviews.my_organisation)
bp.add_url_rule(f"{MINE}/join", view_func=accountviews.ask_to_join, methods=["POST"])
bp.add_url_rule(f"{MINE}/invite", view_func=accountviews.my_invite, methods=["POST"])
bp.add_url_rule(
    f"{MINE}/members/<int:user_id>/role", view_func=accountviews.my_member_role, methods=["POST"]
)
bp.add_url_rule(
    f"{MINE}/members/<int:user_id>/remove", view_func=accountviews.my_member_remove, methods=BOTH
)
bp.add_url_rule(
    f"{MINE}/join-requests/<int:request_id>",
    view_func=accountviews.my_join_decision,
    methods=["POST"],
)
bp.add_url_rule(
    f"{MINE}/invitations/<int:invitation_id>/withdraw",
    view_func=accountviews.my_invitation_withdraw,
    methods=BOTH,
)
bp.add_url_rule(f"{MINE}/contacts/swap", view_func=accountviews.my_contact_swap, methods=["POST"])
bp.add_url_rule("/account/join/<token>", view_func=accountviews.join, methods=BOTH)
