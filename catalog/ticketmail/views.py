"""The page that confirms a request held because its mail was not authenticated."""

from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import url_for
from flask_login import current_user
from flask_login import login_required
from flask_wtf import FlaskForm

from catalog.db import utcnow
from catalog.support.tickets.operations import TicketError
from catalog.ticketmail import newrequest


class ConfirmForm(FlaskForm):
    """The confirm button: a POST with the CSRF token, nothing else."""


def _held(token: str):
    """The held request of this token, if it belongs to the signed-in user; else 404."""
    held = newrequest.held_by_token(token)
    if held is None or held.user_id != current_user.id:
        abort(404)
    return held


@login_required
def confirm_request(token: str):
    """GET: what would be opened, with a confirm button; POST: open it (once)."""
    held = _held(token)
    form = ConfirmForm()
    if held.ticket_id is None and not form.validate_on_submit():
        expired = held.expires_at <= utcnow()
        page = render_template("ticketmail/confirm.html", held=held, form=form, expired=expired)
        return page, 400 if form.is_submitted() or expired else 200
    try:
        ticket = newrequest.confirm(held, current_user, utcnow())
    except TicketError as error:
        return render_template(
            "ticketmail/confirm.html", held=held, form=form, expired=True, error=str(error)
        ), 400
    flash(f"Your request {ticket.reference} is open.", "success")
    return redirect(url_for("support.ticket", reference=ticket.reference))
