"""URL map of the public marketplace pages and the embeddable legend."""

from flask import Blueprint

from catalog.marketplace import views

bp = Blueprint("marketplace", __name__)

bp.add_url_rule("/", view_func=views.home)
bp.add_url_rule("/apps", view_func=views.app_list)
bp.add_url_rule("/apps/<slug>", view_func=views.app_detail)
bp.add_url_rule("/apps/<slug>/history", view_func=views.app_history)
bp.add_url_rule("/apps/<slug>/legend", view_func=views.legend_fragment)
bp.add_url_rule("/apps/<slug>/badge.svg", view_func=views.badge)
bp.add_url_rule("/vendors/<slug>", view_func=views.vendor_detail)
bp.add_url_rule("/support-channels", view_func=views.support_channels)
bp.add_url_rule("/legend.css", view_func=views.legend_css)
