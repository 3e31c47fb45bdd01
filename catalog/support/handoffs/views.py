"""Request handlers of hand-offs: the move page (preview, propose or move), and the decisions."""

import json

from flask import abort
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import url_for
from flask_login import current_user
from flask_login import login_required

from catalog import formtokens
from catalog import unitofwork
from catalog.db import utcnow
from catalog.extensions import db
from catalog.support.handoffs import letters
from catalog.support.handoffs import operations
from catalog.support.handoffs import queries
from catalog.support.handoffs import rules
from catalog.support.handoffs.assess import preview as preview_of
from catalog.support.handoffs.forms import ConfirmForm
from catalog.support.handoffs.forms import DecideForm
from catalog.support.handoffs.forms import ProposeForm
from catalog.support.handoffs.operations import HandoffError
from catalog.support.tickets.models import Handoff


class _Request:
    """What a move is about: the ticket or thread, the viewer's party, and the customer."""

    def __init__(self, ticket=None, thread=None):
        self.ticket, self.thread = ticket, thread
        if ticket is not None:
            self.party = queries.ticket_party(current_user, ticket)
            self.subject = queries.ticket_subject(ticket)
            self.requester = ticket.requester
        else:
            self.party = queries.thread_party(current_user, thread)
            self.subject = queries.thread_subject(thread)
            self.requester = self.subject.requester
        if self.party is None:
            abort(404)

    @property
    def customer(self):
        """Whose standing the preview is computed for: the viewer if a customer."""
        return current_user if self.party == rules.CUSTOMER else self.requester

    @property
    def back(self) -> str:
        """The page the request lives on."""
        if self.ticket is not None:
            return url_for("support.ticket", reference=self.ticket.reference)
        return url_for("forum.thread", thread_id=self.thread.id)

    def preview(self, target: str):
        """The preview of the move to ``target`` from now."""
        return preview_of(self.subject, target, self.customer, utcnow())


def _prefix() -> str:
    """The configured reference prefix."""
    return current_app.config["TICKET_REF_PREFIX"]


def _mode(found: _Request, target: str) -> str:
    """Whether the viewer moves (``direct``) or proposes; 404 for no such move, 403 for neither."""
    item = rules.rule(found.subject.source, target)
    if target not in rules.CHANNEL_NAMES or target == rules.FORUM:
        abort(404)
    if item is None:
        abort(
            403, rules.refusal(found.subject.source, target, found.party, "direct", rules.Facts())
        )
    if found.party in item.direct:
        return "direct"
    if found.party in item.propose:
        return "propose"
    abort(403, f"You may not move this request to {rules.CHANNEL_NAMES[target]}.")


def _render(found: _Request, target: str, mode: str, form, status: int = 200, notice=None):
    """The move page: the preview the customer sees, and the form to move or propose."""
    shown = found.preview(target)
    refusal = rules.refusal(found.subject.source, target, found.party, mode, shown.facts)
    if isinstance(form, ConfirmForm):
        form.shown.data = json.dumps(shown.fingerprint())
    return render_template(
        "support/handoffs/move.html",
        found=found,
        target=target,
        mode=mode,
        preview=shown,
        refusal=refusal,
        form=form,
        names=rules.CHANNEL_NAMES,
        notice=notice,
    ), status


@login_required
def ticket_move(reference: str, target: str):
    """Move a ticket to another channel (the customer) or propose the move (the other side)."""
    ticket = queries.ticket_by_reference(current_user, reference) or abort(404)
    return _move_page(_Request(ticket=ticket), target)


@login_required
def thread_escalate(thread_id: int):
    """Escalate a dedicated-forum thread to the developer (the author), or propose it."""
    thread = queries.thread_by_id(thread_id) or abort(404)
    if queries.ticket_of_thread(thread) is not None or not queries.thread_escalatable(thread):
        abort(404)
    return _move_page(_Request(thread=thread), rules.ISV)


def _move_page(found: _Request, target: str):
    """GET shows the preview; POST moves (customer) or proposes (the other side)."""
    mode = _mode(found, target)
    form = ConfirmForm() if mode == "direct" else ProposeForm()
    if not form.is_submitted():
        return _render(found, target, mode, form)
    if not form.validate_on_submit():
        return _render(found, target, mode, form, 400)
    if replay := formtokens.replayed(form):
        return replay
    now = utcnow()
    shown = preview_of(found.subject, target, found.customer, now)
    if mode == "direct" and form.shown_fingerprint() != shown.fingerprint():
        notice = "The new channel's terms changed since the page was shown; here they are again."
        return _render(found, target, mode, ConfirmForm(formdata=None), 409, notice)
    try:
        ticket = _act(found, target, mode, form, shown, now)
    except HandoffError as error:
        unitofwork.discard_changes()
        return _render(found, target, mode, form, 400, str(error))
    if mode == "direct":
        url = url_for("support.ticket", reference=ticket.reference)
        flash(f"Moved to {rules.CHANNEL_NAMES[target]} under {ticket.reference}.", "success")
    else:
        url = found.back
        flash("Proposal sent; the customer sees the new terms before accepting.", "success")
    return redirect(formtokens.done(form, url))


def _act(found: _Request, target: str, mode: str, form, shown, now):
    """Make the move or the proposal; returns the ticket when one moved."""
    where = {"ticket": found.ticket, "thread": found.thread, "prefix": _prefix()}
    if mode == "direct":
        return operations.move(current_user, target, shown, now, **where)
    handoff = operations.propose(
        current_user, found.party, target, form.reason.data, shown.facts, now, **where
    )
    if found.thread is not None:
        letters.tell_author(handoff, found.thread, found.requester, now)
    return None


def _handoff(handoff_id: int) -> tuple[Handoff, _Request]:
    """A hand-off on a request the viewer stands on, else 404."""
    handoff = db.session.get(Handoff, handoff_id) or abort(404)
    if handoff.ticket is not None:
        ticket = queries.ticket_by_reference(current_user, handoff.ticket.reference)
        return handoff, _Request(ticket=ticket or abort(404))
    thread = queries.thread_by_id(handoff.thread_id) or abort(404)
    return handoff, _Request(thread=thread)


def _decision_page(handoff: Handoff, found: _Request, status: int = 200, notice=None, form=None):
    """The proposal with the preview the customer accepts or declines."""
    shown = None
    if handoff.status == "proposed":
        shown = found.preview(handoff.target_channel)
    form = form or ConfirmForm(formdata=None)
    if shown is not None:
        form.shown.data = json.dumps(shown.fingerprint())
    return render_template(
        "support/handoffs/proposal.html",
        handoff=handoff,
        found=found,
        preview=shown,
        refusal=rules.refusal(
            handoff.source_channel, handoff.target_channel, rules.CUSTOMER, "accept", shown.facts
        )
        if shown
        else None,
        form=form,
        decide_form=DecideForm(formdata=None),
        names=rules.CHANNEL_NAMES,
        notice=notice,
    ), status


@login_required
def proposal(handoff_id: int):
    """A proposed move: its preview, Accept or Decline (the customer), Withdraw (its author)."""
    handoff, found = _handoff(handoff_id)
    return _decision_page(handoff, found)


@login_required
def accept(handoff_id: int):
    """The customer accepts the move they were shown; a changed preview is shown again."""
    handoff, found = _handoff(handoff_id)
    if found.party != rules.CUSTOMER:
        abort(403)
    form = ConfirmForm()
    if not form.validate_on_submit():
        return _decision_page(handoff, found, 400)
    if replay := formtokens.replayed(form):
        return replay
    now = utcnow()
    shown = preview_of(found.subject, handoff.target_channel, found.customer, now)
    if form.shown_fingerprint() != shown.fingerprint():
        notice = "The new channel's terms changed since the page was shown; here they are again."
        return _decision_page(handoff, found, 409, notice)
    try:
        ticket = operations.accept(handoff, current_user, shown, now, found.thread, _prefix())
    except HandoffError as error:
        unitofwork.discard_changes()
        return _decision_page(handoff, found, 400, str(error))
    flash(f"Moved to {rules.CHANNEL_NAMES[handoff.target_channel]}.", "success")
    return redirect(formtokens.done(form, url_for("support.ticket", reference=ticket.reference)))


@login_required
def decline(handoff_id: int):
    """The customer declines the proposed move (after confirming); nothing moves."""
    handoff, found = _handoff(handoff_id)
    if found.party != rules.CUSTOMER:
        abort(403)
    return _settle(handoff, found, operations.decline, "Proposal declined; nothing moved.")


@login_required
def withdraw(handoff_id: int):
    """The proposer withdraws a pending proposal (after confirming)."""
    handoff, found = _handoff(handoff_id)
    if handoff.proposed_by_id != current_user.id:
        abort(403)
    return _settle(handoff, found, operations.withdraw, "Proposal withdrawn.")


def _settle(handoff: Handoff, found: _Request, action, message: str):
    """Decline or withdraw, then go back to the request's page."""
    if not DecideForm().validate_on_submit():
        abort(400)
    try:
        action(handoff, current_user, utcnow())
    except HandoffError as error:
        return _decision_page(handoff, found, 400, str(error))
    if found.thread is not None and handoff.status == "declined":
        letters.tell_proposer(handoff, found.thread, utcnow())
    flash(message, "success")
    return redirect(found.back)
