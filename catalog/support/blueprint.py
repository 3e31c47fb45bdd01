"""URL map of support: the request wizard, the queues and the ticket pages."""

from zoneinfo import ZoneInfo

from flask import Blueprint

from catalog.businesstime.explain import stamp
from catalog.support.desk import views as ticket_views
from catalog.support.wizard import views as wizard_views

bp = Blueprint("support", __name__, url_prefix="/support")

bp.add_url_rule("/new", view_func=wizard_views.new_request, methods=["GET", "POST"])
bp.add_url_rule("/new/solved", view_func=wizard_views.solved, methods=["POST"])
bp.add_url_rule("/tickets", view_func=ticket_views.tickets)
bp.add_url_rule("/tickets/<reference>", view_func=ticket_views.ticket)
bp.add_url_rule("/tickets/<reference>/reply", view_func=ticket_views.reply, methods=["POST"])
bp.add_url_rule(
    "/tickets/<reference>/status", view_func=ticket_views.change_status, methods=["POST"]
)
bp.add_url_rule("/tickets/<reference>/classify", view_func=ticket_views.classify, methods=["POST"])
bp.add_url_rule(
    "/tickets/<reference>/quotes", view_func=ticket_views.propose_quote, methods=["POST"]
)
bp.add_url_rule(
    "/tickets/<reference>/quotes/<int:quote_id>",
    view_func=ticket_views.decide_quote,
    methods=["POST"],
)
bp.add_url_rule(
    "/tickets/<reference>/attachments/<int:attachment_id>", view_func=ticket_views.attachment
)


@bp.app_template_filter("stamp")
def stamp_filter(moment) -> str:
    """A local instant as ``Mon 2 Mar 2026 09:00 CET`` (see ``explain.stamp``)."""
    return stamp(moment)


@bp.app_template_filter("clock_due")
def clock_due_filter(clock) -> str:
    """A stored clock's due time in its calendar's time zone."""
    return (
        stamp(clock.due_at.astimezone(ZoneInfo(clock.calendar["timezone"])))
        if clock.due_at
        else "paused"
    )
