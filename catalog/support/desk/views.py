"""Request handlers of the queues and the ticket page: replies, status changes and quotes."""

from io import BytesIO

from flask import abort
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import send_file
from flask import url_for
from flask_login import current_user
from flask_login import login_required

from catalog import formtokens
from catalog import unitofwork
from catalog.db import utcnow
from catalog.extensions import db
from catalog.inputguard import page_number
from catalog.support.desk import queries
from catalog.support.desk.forms import ClassifyTicketForm
from catalog.support.desk.forms import QuoteDecisionForm
from catalog.support.desk.forms import QuoteForm
from catalog.support.desk.forms import ReplyForm
from catalog.support.desk.forms import StatusForm
from catalog.support.desk.queueform import QueueForm
from catalog.support.desk.workforms import work_forms
from catalog.support.handoffs.queries import ticket_panel
from catalog.support.tickets import operations
from catalog.support.tickets import quotes
from catalog.support.tickets.clocks import clock_state
from catalog.support.tickets.lifecycle import AGENT
from catalog.support.tickets.lifecycle import STATUSES
from catalog.support.tickets.lifecycle import TRANSITIONS
from catalog.support.tickets.lifecycle import moves
from catalog.support.tickets.lifecycle import note_problem
from catalog.support.tickets.lifecycle import quote_move
from catalog.support.tickets.models import CLASSIFICATIONS
from catalog.support.tickets.models import Attachment
from catalog.support.tickets.models import ConsultingQuote
from catalog.support.tickets.operations import TicketError
from catalog.support.tickets.permissions import may_write
from catalog.support.tickets.permissions import sees_note
from catalog.support.tickets.permissions import ticket_role
from catalog.support.wizard.forumroute import request_thread
from catalog.support.wizard.presenting import event_text
from catalog.viewertime import viewer_zone


def _ticket(reference: str):
    """The ticket with this reference if the current user may see it, else 404."""
    return queries.ticket_for(current_user, reference) or abort(404)


def _page_number() -> int:
    """The ``page`` query argument, from 1 to ``inputguard.MAX_PAGE``."""
    return page_number(request.args.get("page"))


@login_required
def tickets():
    """The user's queue (organisation, developer or operator), filtered; nearest due time first."""
    if request.args.get("ref"):
        return redirect(url_for("support.ticket", reference=request.args["ref"].strip()[:40]))
    form = QueueForm(request.args, user=current_user, colleagues=queries.colleagues(current_user))
    valid = form.validate()
    page = (
        queries.queue(
            current_user,
            _page_number(),
            current_app.config["TICKETS_PAGE_SIZE"],
            form.chosen(),
            utcnow(),
        )
        if valid
        else None
    )
    return render_template(
        "support/desk/tickets.html",
        page=page,
        form=form,
        now=utcnow(),
        clock_state=clock_state,
        statuses=STATUSES,
    ), (200 if valid else 400)


def _ticket_page(ticket, status: int = 200, **forms):
    """Render the ticket page with its timeline and the forms the user's role may use."""
    role = ticket_role(current_user, ticket)
    context = {
        "reply_form": forms.get("reply_form") or ReplyForm(formdata=None),
        "status_form": forms.get("status_form") or StatusForm(formdata=None),
        "classify_form": ClassifyTicketForm(formdata=None, classification=ticket.classification),
        "quote_form": forms.get("quote_form") or QuoteForm(formdata=None, ticket=ticket),
        "decision_form": QuoteDecisionForm(formdata=None),
    }
    return render_template(
        "support/desk/ticket.html",
        ticket=ticket,
        role=role,
        moves=moves(ticket.channel, ticket.status, role),
        now=utcnow(),
        clock_state=clock_state,
        statuses=STATUSES,
        classifications=CLASSIFICATIONS,
        event_text=lambda event: event_text(event, viewer_zone()),
        sees_note=sees_note,
        handoffs=ticket_panel(current_user, ticket, utcnow()),
        **work_forms(ticket, current_user, role, forms),
        **context,
    ), status


@login_required
def ticket(reference: str):
    """One ticket with its clocks, messages and full timeline.

    A reference the wizard gave a forum thread (no ticket the user may see) leads to the thread,
    if the forum lets the user read it; anything else is a 404.
    """
    found = queries.ticket_for(current_user, reference)
    if found is None and (thread := request_thread(current_user, reference)) is not None:
        return redirect(url_for("forum.thread", thread_id=thread.id))
    return _ticket_page(found or abort(404))


def _done(ticket, message: str):
    """Say what was done and go back to the ticket page (the unit of work commits)."""
    flash(message, "success")
    return redirect(url_for("support.ticket", reference=ticket.reference))


@login_required
def reply(reference: str):
    """Add a reply (and attachments) to the ticket."""
    ticket = _ticket(reference)
    form = ReplyForm()
    if not form.validate_on_submit():
        return _ticket_page(ticket, 400, reply_form=form)
    role = ticket_role(current_user, ticket)
    if not may_write(role):
        abort(403)
    if replay := formtokens.replayed(form):
        return replay
    internal = role == AGENT and form.internal.data
    try:
        operations.reply(
            ticket,
            current_user,
            role,
            form.body.data,
            form.files(),
            utcnow(),
            role == AGENT and form.wait_on_customer.data and not internal,
            internal=internal,
        )
    except TicketError as error:
        flash(str(error), "error")
        return _ticket_page(ticket, 400, reply_form=form)
    formtokens.done(form, url_for("support.ticket", reference=ticket.reference))
    return _done(ticket, "Internal note added." if internal else "Reply added.")


@login_required
def change_status(reference: str):
    """Move the ticket along its lifecycle, if the user's role on it allows the move."""
    ticket = _ticket(reference)
    role = ticket_role(current_user, ticket)
    form = StatusForm().for_role(role)
    if not form.validate_on_submit():
        return _ticket_page(ticket, 400, status_form=form)
    target, note = form.target.data, form.note.data or ""
    if role not in TRANSITIONS.get((ticket.status, target), {role}):
        abort(403)
    problem = (
        "For consulting, send a quote: the customer approves or declines the quote itself."
        if quote_move(ticket.channel, ticket.status, target, role)
        else note_problem(target, role, note)
    )
    try:
        if problem:
            raise TicketError(problem)
        operations.change_status(ticket, current_user, role, target, utcnow(), note)
    except TicketError as error:
        form.note.errors = [str(error)]
        return _ticket_page(ticket, 400, status_form=form)
    return _done(ticket, "Status changed.")


@login_required
def classify(reference: str):
    """Staff classify a professional incident (product, application or environment)."""
    ticket = _ticket(reference)
    form = ClassifyTicketForm()
    if ticket_role(current_user, ticket) != AGENT or not current_user.is_operator:
        abort(403)
    if ticket.channel != "professional":
        abort(400)  # consulting is custom work, priced by its quote: there is no defect to class
    if not form.validate_on_submit():
        abort(400)
    operations.classify(ticket, current_user, form.classification.data, utcnow())
    return _done(ticket, "Classification saved.")


@login_required
def propose_quote(reference: str):
    """Staff send a consulting quote for the customer to approve."""
    ticket = _ticket(reference)
    if ticket_role(current_user, ticket) != AGENT or ticket.channel != "consulting":
        abort(403)
    form = QuoteForm(ticket=ticket, user=current_user)
    if not form.validate_on_submit():
        return _ticket_page(ticket, 400, quote_form=form)
    try:
        quotes.propose(
            ticket,
            current_user,
            form.rate.data,
            form.hours.data,
            form.completion_on.data,
            form.quote_note.data or "",
            utcnow(),
            current_app.config["CURRENCY"],
        )
    except TicketError as error:
        unitofwork.discard_changes()  # "new" may already have moved to "triaged"
        form.rate.errors = [str(error)]
        return _ticket_page(ticket, 400, quote_form=form)
    return _done(ticket, "Quote sent; work starts once the customer approves it.")


@login_required
def decide_quote(reference: str, quote_id: int):
    """The customer approves or declines a quote."""
    ticket = _ticket(reference)
    quote = db.session.get(ConsultingQuote, quote_id)
    if quote is None or quote.ticket_id != ticket.id:
        abort(404)
    if ticket_role(current_user, ticket) != "customer":
        abort(403)
    form = QuoteDecisionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        quotes.decide(
            quote,
            current_user,
            form.decision.data == "approve",
            utcnow(),
            form.decline_note.data or "",
        )
    except TicketError as error:
        unitofwork.discard_changes()  # the decision may have been half applied
        flash(str(error), "error")
        return redirect(url_for("support.ticket", reference=ticket.reference))
    return _done(
        ticket,
        "Quote approved; work starts now." if quote.status == "approved" else "Quote declined.",
    )


@login_required
def attachment(reference: str, attachment_id: int):
    """Download an attachment of a ticket the user may see (always as a download)."""
    ticket = _ticket(reference)
    item = db.session.get(Attachment, attachment_id)
    if item is None or item.message.ticket_id != ticket.id:
        abort(404)
    if not sees_note(current_user, ticket_role(current_user, ticket), item.message):
        abort(404)
    return send_file(
        BytesIO(item.data),
        mimetype="application/octet-stream",
        as_attachment=True,
        download_name=item.filename,
    )
