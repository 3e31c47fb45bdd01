"""URL map of support: the request wizard, the queues and the ticket pages."""

from zoneinfo import ZoneInfo

from flask import Blueprint

from catalog.support.desk import views as ticket_views
from catalog.support.desk import workviews as work_views
from catalog.support.handoffs import views as handoff_views
from catalog.support.wizard import views as wizard_views
from catalog.viewertime import format_due

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
# The desk's work on a ticket: assignment, severity and kind, the month's quota (issue 13).
bp.add_url_rule("/tickets/<reference>/assign", "assign", work_views.assign, methods=["POST"])
bp.add_url_rule(
    "/tickets/<reference>/retriage", "retriage", work_views.retriage_ticket, methods=["POST"]
)
bp.add_url_rule(
    "/tickets/<reference>/not-an-incident",
    "not_an_incident",
    work_views.not_an_incident,
    methods=["POST"],
)
# Hand-offs between channels (issue 13).
bp.add_url_rule(
    "/tickets/<reference>/move/<target>",
    "handoff_move",
    handoff_views.ticket_move,
    methods=["GET", "POST"],
)
bp.add_url_rule(
    "/threads/<int:thread_id>/escalate",
    "thread_escalate",
    handoff_views.thread_escalate,
    methods=["GET", "POST"],
)
bp.add_url_rule("/handoffs/<int:handoff_id>", "handoff", handoff_views.proposal)
bp.add_url_rule(
    "/handoffs/<int:handoff_id>/accept", "handoff_accept", handoff_views.accept, methods=["POST"]
)
bp.add_url_rule(
    "/handoffs/<int:handoff_id>/decline", "handoff_decline", handoff_views.decline, methods=["POST"]
)
bp.add_url_rule(
    "/handoffs/<int:handoff_id>/withdraw",
    "handoff_withdraw",
    handoff_views.withdraw,
    methods=["POST"],
)


@bp.app_template_filter("stamp")
def stamp_filter(moment) -> str:
    """A due time in its calendar's zone, and in the viewer's where that differs
    (``Tue 1 Dec 2026 17:00 CET — 21:30 IST for you``)."""
    return format_due(moment)


@bp.app_template_filter("clock_due")
def clock_due_filter(clock) -> str:
    """A stored clock's due time in its calendar's time zone, and in the viewer's."""
    if not clock.due_at:
        return "paused"
    return format_due(clock.due_at.astimezone(ZoneInfo(clock.calendar["timezone"])))
