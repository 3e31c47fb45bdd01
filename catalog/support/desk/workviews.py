"""Request handlers of the desk's work on a ticket: assign or take, re-triage, return an incident.

Only the agent side works a ticket (observers and customers get 403); a rejected form answers
400 on the ticket page with the message next to its field.
"""

from flask import abort
from flask import flash
from flask import redirect
from flask import url_for
from flask_login import current_user
from flask_login import login_required

from catalog import unitofwork
from catalog.db import utcnow
from catalog.support.desk import queries
from catalog.support.desk.views import _ticket_page
from catalog.support.desk.workforms import AssignForm
from catalog.support.desk.workforms import NotAnIncidentForm
from catalog.support.desk.workforms import RetriageForm
from catalog.support.tickets import retriage
from catalog.support.tickets.lifecycle import AGENT
from catalog.support.tickets.operations import TicketError
from catalog.support.tickets.permissions import ticket_role


def _worked_ticket(reference: str):
    """The ticket if the current user works it (the agent side), else 404 or 403."""
    ticket = queries.ticket_for(current_user, reference) or abort(404)
    if ticket_role(current_user, ticket) != AGENT:
        abort(403)
    return ticket


def _back(ticket, message: str):
    """Say what was done and go back to the ticket page."""
    flash(message, "success")
    return redirect(url_for("support.ticket", reference=ticket.reference))


@login_required
def assign(reference: str):
    """Take the ticket, give it to a colleague of the agent side, or leave it to nobody."""
    ticket = _worked_ticket(reference)
    form = AssignForm(colleagues=queries.colleagues(current_user))
    if not form.validate_on_submit():
        return _ticket_page(ticket, 400, assign_form=form)
    person = form.chosen(current_user)
    try:
        retriage.assign(ticket, current_user, person, utcnow())
    except TicketError as error:
        form.assignee.errors = [str(error)]
        return _ticket_page(ticket, 400, assign_form=form)
    return _back(ticket, f"Assigned to {person.name}." if person else "Nobody works it now.")


@login_required
def retriage_ticket(reference: str):
    """Change the severity or kind for a reason; the due times are computed again."""
    ticket = _worked_ticket(reference)
    form = RetriageForm(ticket=ticket)
    if not form.validate_on_submit():
        return _ticket_page(ticket, 400, retriage_form=form)
    try:
        retriage.retriage(
            ticket,
            current_user,
            int(form.severity.data),
            form.kind.data,
            form.reason.data,
            utcnow(),
        )
    except TicketError as error:
        unitofwork.discard_changes()
        form.reason.errors = [str(error)]
        return _ticket_page(ticket, 400, retriage_form=form)
    return _back(ticket, "Severity and kind saved; the due times were computed again.")


@login_required
def not_an_incident(reference: str):
    """Staff return a professional ticket to the month's quota of incidents."""
    ticket = _worked_ticket(reference)
    if not current_user.is_operator or ticket.channel != "professional":
        abort(403)
    form = NotAnIncidentForm()
    if not form.validate_on_submit():
        return _ticket_page(ticket, 400, incident_form=form)
    try:
        retriage.not_an_incident(ticket, current_user, form.reason.data, utcnow())
    except TicketError as error:
        form.reason.errors = [str(error)]
        return _ticket_page(ticket, 400, incident_form=form)
    return _back(ticket, "Returned: the organisation has this incident back for the month.")
