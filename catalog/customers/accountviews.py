"""Request handlers of a customer's organisation page (``/account/organisation``), the
organisation admin's actions on it, asking to join, and joining through an invitation.

No URL here carries an organisation id: every page acts on the signed-in customer's own
organisation, and every member or request id is checked to belong to it (404 otherwise).
"""

from functools import wraps

from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_login import current_user
from flask_login import login_user

from catalog import unitofwork
from catalog.accounts import operations as account_operations
from catalog.accounts import tokens
from catalog.accounts.access import roles_required
from catalog.accounts.access import verified_required
from catalog.accounts.models import CUSTOMER
from catalog.accounts.models import ORGANISATION_ROLES
from catalog.customers import operations
from catalog.customers import queries
from catalog.customers.forms import ConfirmForm
from catalog.customers.forms import InviteMemberForm
from catalog.customers.forms import JoinDecisionForm
from catalog.customers.forms import JoinForm
from catalog.customers.forms import MemberRoleForm
from catalog.customers.forms import SwapContactForm
from catalog.customers.forms import as_choices
from catalog.customers.operations import OrganisationError
from catalog.db import utcnow
from catalog.support.plans import subscriptions
from catalog.support.plans.entitlement import local_day
from catalog.support.plans.subscriptions import SubscriptionError

customer_required = roles_required(CUSTOMER)
NOT_ADMIN = "Only an organisation admin can change this; ask one of them."


def organisation_admin_required(view):
    """Decorate a view: the signed-in customer must administer their organisation (else 403)."""

    @wraps(view)
    @customer_required
    def wrapped(*args, **kwargs):
        if current_user.organisation is None:
            abort(404)
        if not current_user.is_organisation_admin:
            abort(403, NOT_ADMIN)
        return view(*args, **kwargs)

    return wrapped


def _back():
    """Back to the organisation page."""
    return redirect(url_for("customers.my_organisation"))


def _member(user_id: int):
    """A member of the signed-in admin's organisation, or 404."""
    return queries.member(current_user.organisation, user_id) or abort(404)


@customer_required
def my_organisation():
    """The customer's organisation: subscription, usage, named contacts (and, for its admins,
    members, invitations, join requests); without one, the offer to join by e-mail domain."""
    if current_user.organisation is None:
        return _join_offer()
    return _organisation_page()


def _join_offer(form=None, status: int = 200):
    """The offer to ask to join the organisation of the customer's e-mail domain (else 404)."""
    pending = queries.join_request_of(current_user)
    if pending is not None and pending.approved:
        # Approved, then removed from the organisation: they may ask again.
        pending = None
    organisation = queries.organisation_for_address(current_user.email)
    if organisation is None and pending is None:
        abort(404)
    page = render_template(
        "customers/join_offer.html",
        organisation=organisation,
        pending=pending,
        verified=current_user.is_verified,
        form=form or ConfirmForm(formdata=None),
    )
    return page, status


def _organisation_page(status: int = 200, **forms):
    """Render the organisation page for the signed-in member."""
    organisation = current_user.organisation
    now = utcnow()
    subscription = queries.current(organisation, now)
    is_admin = current_user.is_organisation_admin
    context = {
        "organisation": organisation,
        "subscription": subscription,
        "state": subscriptions.state(subscription, local_day(subscription, now))
        if subscription
        else None,
        "usage": queries.usage_history(subscription, now) if subscription else [],
        "is_admin": is_admin,
    }
    if is_admin:
        q = request.args.get("q", "").strip()[:100]
        context |= {
            "members": queries.members(organisation.id, q, request.args.get("page")),
            "q": q,
            "roles": ORGANISATION_ROLES,
            "join_requests": queries.pending_join_requests(organisation),
            "invitations": queries.pending_invitations(organisation, now),
            "invite_form": forms.get("invite_form") or InviteMemberForm(formdata=None),
            "swap_form": forms.get("swap_form") or SwapContactForm(formdata=None),
            "decision_form": JoinDecisionForm(formdata=None),
            "role_form": MemberRoleForm(formdata=None),
            "changes": queries.contact_changes(subscription)[:20] if subscription else [],
        }
        if subscription:
            _swap_choices(context["swap_form"], subscription)
    return render_template("customers/my_organisation.html", **context), status


def _swap_choices(form, subscription) -> None:
    """Current contacts to replace (or nobody, below the limit) and members who may join."""
    named = {contact.user_id for contact in subscription.contacts}
    contacts = dict(queries.member_choices(subscription.organisation))
    leaving = [(c.user_id, contacts.get(c.user_id, c.user.name)) for c in subscription.contacts]
    if len(named) < subscription.plan.named_contacts:
        leaving.insert(0, (0, "Nobody (add a contact)"))
    form.leaving.choices = as_choices(leaving)
    form.user_id.choices = as_choices(
        choice
        for choice in queries.member_choices(subscription.organisation)
        if choice[0] not in named
    )


@customer_required
def ask_to_join():
    """Ask the admins of the organisation of the customer's e-mail domain to let them join."""
    if current_user.organisation is not None:
        abort(404)
    organisation = queries.organisation_for_address(current_user.email) or abort(404)
    form = ConfirmForm()
    if not form.validate_on_submit():
        return _join_offer(form, 400)
    earlier = queries.join_request_for(organisation, current_user)
    if earlier is not None and earlier.approved is None:
        flash("You have already asked to join.", "info")
        return _back()
    try:
        operations.ask_to_join(organisation, current_user, utcnow())
    except OrganisationError as error:
        unitofwork.discard_changes()
        form.form_errors.append(error.message)
        return _join_offer(form, 400)
    flash(
        f"We asked {organisation.name}'s admins; you will get an e-mail once they decide.", "info"
    )
    return _back()


@organisation_admin_required
@verified_required
def my_invite():
    """Invite someone to the admin's organisation (a letter through the outbox).

    Only from a confirmed address: anyone may sign up and found an organisation of any name, and
    the catalog must not mail strangers on behalf of an address nobody has proved.
    """
    form = InviteMemberForm()
    if not form.validate_on_submit():
        return _organisation_page(400, invite_form=form)
    try:
        operations.invite_member(
            current_user.organisation, form.email.data, form.role.data, current_user, utcnow()
        )
    except OrganisationError as error:
        unitofwork.discard_changes()
        getattr(form, error.field, form.email).errors.append(error.message)
        return _organisation_page(400, invite_form=form)
    flash(f"Invitation sent to {form.email.data}.", "success")
    return _back()


@organisation_admin_required
def my_member_role(user_id: int):
    """Change a member's role in the admin's organisation (not the admin's own)."""
    user = _member(user_id)
    form = MemberRoleForm()
    form.validate_on_submit() or abort(400)
    if user.id == current_user.id:
        abort(403, "You cannot change your own role; ask another organisation admin.")
    try:
        operations.set_member_role(current_user.organisation, user, form.role.data, current_user)
    except OrganisationError as error:
        unitofwork.discard_changes()
        flash(error.message, "error")
        return _back()
    flash(f"{user.name} is now {ORGANISATION_ROLES[form.role.data].lower()}.", "success")
    return _back()


@organisation_admin_required
def my_member_remove(user_id: int):
    """Ask to confirm, then take a member out of the admin's organisation."""
    user = _member(user_id)
    if user.id == current_user.id:
        abort(403, "You cannot remove yourself; ask another organisation admin.")
    form = ConfirmForm()
    back = url_for("customers.my_organisation")
    if not form.validate_on_submit():
        page = render_template(
            "customers/member_remove.html",
            organisation=current_user.organisation,
            user=user,
            form=form,
            back=back,
        )
        return page, 400 if form.is_submitted() else 200
    try:
        operations.remove_member(current_user.organisation, user, current_user, utcnow())
    except OrganisationError as error:
        unitofwork.discard_changes()
        flash(error.message, "error")
        return redirect(back)
    flash(f"{user.name} is no longer a member of {current_user.organisation.name}.", "success")
    return redirect(back)


@organisation_admin_required
def my_join_decision(request_id: int):
    """Approve or decline a request to join the admin's organisation."""
    join_request = queries.join_request(current_user.organisation, request_id) or abort(404)
    form = JoinDecisionForm()
    form.validate_on_submit() or abort(400)
    try:
        operations.decide_join_request(
            join_request, form.decision.data == "approve", current_user, utcnow()
        )
    except OrganisationError as error:
        unitofwork.discard_changes()
        flash(error.message, "error")
        return _back()
    verdict = "is now a member" if join_request.approved else "was declined"
    flash(f"{join_request.user.name} {verdict}.", "success")
    return _back()


@organisation_admin_required
def my_contact_swap():
    """Replace a named contact by another member (or add one below the limit); logged."""
    subscription = queries.current(current_user.organisation, utcnow()) or abort(404)
    form = SwapContactForm()
    _swap_choices(form, subscription)
    if not form.validate_on_submit():
        return _organisation_page(400, swap_form=form)
    joining = _member(form.user_id.data)
    now = utcnow()
    try:
        if form.leaving.data:
            leaving = _member(form.leaving.data)
            subscriptions.swap_contact(subscription, leaving, joining, current_user, now)
        else:
            subscriptions.add_contact(subscription, joining, current_user, now)
    except SubscriptionError as error:
        unitofwork.discard_changes()
        form.user_id.errors = [error.message]
        return _organisation_page(400, swap_form=form)
    flash(f"{joining.name} is now a named contact.", "success")
    return _back()


@organisation_admin_required
def my_invitation_withdraw(invitation_id: int):
    """Ask to confirm, then withdraw a pending invitation to the admin's organisation."""
    organisation = current_user.organisation
    invitation = queries.organisation_invitation(organisation, invitation_id) or abort(404)
    return withdraw_page(invitation, url_for("customers.my_organisation"))


def withdraw_page(invitation, back: str):
    """The confirmation page of withdrawing an invitation, and the withdrawal once confirmed."""
    form = ConfirmForm()
    if not form.validate_on_submit():
        page = render_template(
            "customers/invitation_withdraw.html", invitation=invitation, form=form, back=back
        )
        return page, 400 if form.is_submitted() else 200
    try:
        operations.withdraw_invitation(invitation, utcnow())
    except OrganisationError as error:
        unitofwork.discard_changes()
        flash(error.message, "error")
        return redirect(back)
    flash(
        f"The invitation of {invitation.email} is withdrawn; its link no longer works.", "success"
    )
    return redirect(back)


def join(token: str):
    """Join an organisation from an invitation: a new person creates their account; a
    signed-in customer with the invited address joins with one click."""
    invitation_id = tokens.read_organisation_invite(token)
    invitation = queries.invitation(invitation_id) if invitation_id else None
    if invitation is None:
        return render_template("accounts/link_invalid.html", what="invitation"), 400
    if state := queries.invitation_state(invitation, utcnow()):
        return _unusable(state)
    owner = account_operations.user_by_email(invitation.email)
    if owner is None:
        return _join_new(invitation)
    return _join_existing(invitation, owner, token)


def _unusable(state: str):
    """The page that says the invitation was used, withdrawn or has expired (400)."""
    return _unusable_message(operations.INVITATION_PROBLEMS[state])


def _refusal(organisation, reason: str):
    """The clear page that says why this invitation cannot be used here (403)."""
    page = render_template("customers/join_refused.html", organisation=organisation, reason=reason)
    return page, 403


def _join_new(invitation):
    """A new person: name and password; the link proved the address."""
    organisation = invitation.organisation
    if current_user.is_authenticated:
        return _refusal(
            organisation,
            f"This invitation is for {invitation.email}; you are logged in as "
            f"{current_user.email}. Log out, then open the link again.",
        )
    form = JoinForm()
    if not form.validate_on_submit():
        page = render_template(
            "customers/join.html", form=form, organisation=organisation, invite=invitation
        )
        return page, 400 if form.is_submitted() else 200
    try:
        user = operations.join_new_member(invitation, form.name.data, form.password.data, utcnow())
    except OrganisationError as error:
        unitofwork.discard_changes()
        return _unusable_message(error.message)
    login_user(user)
    flash(f"Welcome, {user.name}. You are now a member of {organisation.name}.", "success")
    return redirect(url_for("customers.my_organisation"))


def _unusable_message(message: str):
    """The invalid-link page with the reason a parallel submit found (400)."""
    page = render_template("accounts/link_invalid.html", what="invitation", reason=message)
    return page, 400


def _join_existing(invitation, owner, token: str):
    """An account with the invited address: it must be signed in, a customer, in no other
    organisation; then one click joins."""
    organisation = invitation.organisation
    if not current_user.is_authenticated:
        flash(
            f"Log in as {invitation.email} to accept the invitation to {organisation.name}.",
            "info",
        )
        return redirect(url_for("accounts.login", next=url_for("customers.join", token=token)))
    if current_user.id != owner.id:
        return _refusal(
            organisation,
            f"This invitation is for {invitation.email}; you are logged in as "
            f"{current_user.email}.",
        )
    if problem := operations.invitation_problem(organisation, owner.email):
        return _refusal(organisation, problem)
    form = ConfirmForm()
    if not form.validate_on_submit():
        page = render_template(
            "customers/join_confirm.html", form=form, organisation=organisation, invite=invitation
        )
        return page, 400 if form.is_submitted() else 200
    try:
        operations.accept_invitation(invitation, owner, utcnow())
    except OrganisationError as error:
        unitofwork.discard_changes()
        return _unusable_message(error.message)
    flash(f"You are now a member of {organisation.name}.", "success")
    return redirect(url_for("customers.my_organisation"))
