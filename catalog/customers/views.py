"""Request handlers of the operator's organisation pages: organisations, members, invitations,
subscriptions and their named contacts (staff and admin)."""

from zoneinfo import ZoneInfo

from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_login import current_user

from catalog import formtokens
from catalog import unitofwork
from catalog.accounts.access import operator_required
from catalog.accounts.models import ORGANISATION_ROLES
from catalog.customers import operations
from catalog.customers import queries
from catalog.customers.accountviews import withdraw_page
from catalog.customers.forms import ConfirmForm
from catalog.customers.forms import ContactForm
from catalog.customers.forms import InviteMemberForm
from catalog.customers.forms import MemberRoleForm
from catalog.customers.forms import NewOrganisationForm
from catalog.customers.forms import OrganisationForm
from catalog.customers.forms import SubscriptionEditForm
from catalog.customers.forms import SubscriptionForm
from catalog.customers.forms import as_choices
from catalog.customers.operations import OrganisationError
from catalog.db import utcnow
from catalog.support.planrequests.views import year_later
from catalog.support.plans import subscriptions
from catalog.support.plans.entitlement import local_day
from catalog.support.plans.subscriptions import SubscriptionError
from catalog.templating import format_date


def _status(form) -> int:
    """200 for a first view, 400 when a submitted form was rejected."""
    return 400 if form.is_submitted() else 200


def _organisation(organisation_id: int):
    """An organisation, or 404."""
    return queries.organisation(organisation_id) or abort(404)


def _refused(form, error, fields: dict | None = None) -> None:
    """Undo what the refused operation flushed; put its message next to its field."""
    unitofwork.discard_changes()
    name = (fields or {}).get(error.field, error.field)
    field = getattr(form, name, None)
    if field is not None and hasattr(field, "errors"):
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)


@operator_required
def organisations():
    """Organisations found by name or domain, a page at a time, with their current plan."""
    q = request.args.get("q", "").strip()[:100]
    page = queries.organisations(q, request.args.get("page"))
    now = utcnow()
    current = queries.current_plans(page.items, now)
    states = {
        key: subscriptions.state(row, local_day(row, now)) if row else None
        for key, row in current.items()
    }
    return render_template(
        "customers/organisations.html", page=page, q=q, current=current, states=states
    )


@operator_required
def organisation_new():
    """Add an organisation."""
    form = NewOrganisationForm()
    if form.is_submitted() and (replay := formtokens.replayed(form)):
        return replay
    if not form.validate_on_submit():
        return render_template("customers/organisation_new.html", form=form), _status(form)
    try:
        organisation = operations.create_organisation(
            form.name.data, form.domain_list, form.timezone.data, form.notes.data, utcnow()
        )
    except OrganisationError as error:
        _refused(form, error)
        return render_template("customers/organisation_new.html", form=form), 400
    flash(f"Organisation {organisation.name} added. Invite its members below.", "success")
    target = url_for("customers.organisation_edit", organisation_id=organisation.id)
    return redirect(formtokens.done(form, target))


def _organisation_page(organisation, form, invite_form, status: int = 200):
    """The organisation page: details, members, invitation form, subscriptions."""
    q = request.args.get("q", "").strip()[:100]
    now = utcnow()
    rows = queries.subscriptions(organisation)
    page = render_template(
        "customers/organisation.html",
        organisation=organisation,
        form=form,
        invite_form=invite_form,
        members=queries.members(organisation.id, q, request.args.get("page")),
        q=q,
        roles=ORGANISATION_ROLES,
        role_form=MemberRoleForm(formdata=None),
        subscriptions=[(row, subscriptions.state(row, local_day(row, now))) for row in rows],
        join_requests=queries.pending_join_requests(organisation),
        invitations=queries.pending_invitations(organisation, now),
    )
    return page, status


def _details(organisation) -> dict:
    """An organisation's stored details as the form shows them (domains one per line)."""
    return {
        "name": organisation.name,
        "domains": "\n".join(organisation.domains or []),
        "timezone": organisation.timezone,
        "notes": organisation.notes,
    }


@operator_required
def organisation_edit(organisation_id: int):
    """Edit an organisation; see and manage its members and subscriptions."""
    organisation = _organisation(organisation_id)
    form = OrganisationForm(data=_details(organisation))
    invite_form = InviteMemberForm(formdata=None)
    if not form.validate_on_submit():
        return _organisation_page(organisation, form, invite_form, _status(form))
    try:
        operations.update_organisation(
            organisation, form.name.data, form.domain_list, form.timezone.data, form.notes.data
        )
    except OrganisationError as error:
        _refused(form, error)
        return _organisation_page(organisation, form, invite_form, 400)
    flash("Organisation saved.", "success")
    return redirect(url_for("customers.organisation_edit", organisation_id=organisation.id))


@operator_required
def organisation_invite(organisation_id: int):
    """E-mail an invitation (through the outbox) to join the organisation."""
    organisation = _organisation(organisation_id)
    form = InviteMemberForm()
    details = OrganisationForm(formdata=None, data=_details(organisation))
    if not form.validate_on_submit():
        return _organisation_page(organisation, details, form, 400)
    try:
        operations.invite_member(
            organisation, form.email.data, form.role.data, current_user, utcnow()
        )
    except OrganisationError as error:
        _refused(form, error)
        return _organisation_page(organisation, details, form, 400)
    flash(f"Invitation sent to {form.email.data}.", "success")
    return redirect(url_for("customers.organisation_edit", organisation_id=organisation.id))


@operator_required
def invitation_withdraw(organisation_id: int, invitation_id: int):
    """Ask to confirm, then withdraw a pending invitation to the organisation."""
    organisation = _organisation(organisation_id)
    invitation = queries.organisation_invitation(organisation, invitation_id) or abort(404)
    back = url_for("customers.organisation_edit", organisation_id=organisation.id)
    return withdraw_page(invitation, back)


def _member(organisation, user_id: int):
    """A member of this organisation, or 404."""
    return queries.member(organisation, user_id) or abort(404)


@operator_required
def member_role(organisation_id: int, user_id: int):
    """Make a member an organisation admin, or a plain member again."""
    organisation = _organisation(organisation_id)
    user = _member(organisation, user_id)
    form = MemberRoleForm()
    form.validate_on_submit() or abort(400)
    operations.set_member_role(organisation, user, form.role.data, current_user)
    flash(f"{user.name} is now {ORGANISATION_ROLES[form.role.data].lower()}.", "success")
    return redirect(url_for("customers.organisation_edit", organisation_id=organisation.id))


@operator_required
def member_remove(organisation_id: int, user_id: int):
    """Ask to confirm, then take a member out of the organisation (and off its contacts)."""
    organisation = _organisation(organisation_id)
    user = _member(organisation, user_id)
    form = ConfirmForm()
    back = url_for("customers.organisation_edit", organisation_id=organisation.id)
    if not form.validate_on_submit():
        page = render_template(
            "customers/member_remove.html",
            organisation=organisation,
            user=user,
            form=form,
            back=back,
        )
        return page, _status(form)
    operations.remove_member(organisation, user, current_user, utcnow())
    flash(f"{user.name} is no longer a member of {organisation.name}.", "success")
    return redirect(back)


def _subscription_form_choices(form, organisation) -> None:
    """Fill the plan and member menus of a subscription form."""
    form.plan_id.choices = as_choices([(0, "Choose a plan"), *queries.plan_choices()])
    form.contacts.choices = as_choices(queries.member_choices(organisation))


def _new_subscription_page(organisation, form, status: int):
    """The new-subscription form page."""
    page = render_template("customers/subscription_new.html", organisation=organisation, form=form)
    return page, status


@operator_required
def subscription_new(organisation_id: int):
    """Subscribe the organisation to a plan, with its first named contacts."""
    organisation = _organisation(organisation_id)
    form = SubscriptionForm()
    _subscription_form_choices(form, organisation)
    if not form.is_submitted():
        # Like accepting a plan request: from today where the organisation is, for a year.
        today = utcnow().astimezone(ZoneInfo(organisation.timezone)).date()
        form.starts_on.data, form.ends_on.data = today, year_later(today)
    if form.is_submitted() and (replay := formtokens.replayed(form)):
        return replay
    if not form.validate_on_submit():
        return _new_subscription_page(organisation, form, _status(form))
    plan = queries.plan(form.plan_id.data)
    if plan is None:
        form.plan_id.errors = ["Choose a plan."]
        return _new_subscription_page(organisation, form, 400)
    contacts = [_member(organisation, user_id) for user_id in dict.fromkeys(form.contacts.data)]
    try:
        subscription = subscriptions.create_subscription(
            organisation,
            plan,
            form.starts_on.data,
            form.ends_on.data,
            form.environments.data,
            contacts,
            current_user,
            utcnow(),
        )
    except SubscriptionError as error:
        _refused(form, error, {"plan": "plan_id", "user_id": "contacts"})
        return _new_subscription_page(organisation, form, 400)
    flash(f"{organisation.name} is subscribed to {plan.name}.", "success")
    target = url_for("customers.subscription_edit", subscription_id=subscription.id)
    return redirect(formtokens.done(form, target))


def _subscription(subscription_id: int):
    """A subscription, or 404."""
    return queries.subscription(subscription_id) or abort(404)


def _subscription_page(subscription, form, contact_form, status: int = 200):
    """The subscription page: period, contacts, their log, usage by month."""
    named = {contact.user_id for contact in subscription.contacts}
    contact_form.user_id.choices = as_choices(
        choice
        for choice in queries.member_choices(subscription.organisation)
        if choice[0] not in named
    )
    now = utcnow()
    page = render_template(
        "customers/subscription.html",
        subscription=subscription,
        state=subscriptions.state(subscription, local_day(subscription, now)),
        form=form,
        contact_form=contact_form,
        confirm_form=ConfirmForm(formdata=None),
        changes=queries.contact_changes(subscription),
        usage=queries.usage_history(subscription, now),
    )
    return page, status


@operator_required
def subscription_edit(subscription_id: int):
    """Change a subscription's end date and environments; see its contacts, log and usage."""
    subscription = _subscription(subscription_id)
    form = SubscriptionEditForm(obj=subscription, starts_on=subscription.starts_on)
    contact_form = ContactForm(formdata=None)
    if not form.validate_on_submit():
        return _subscription_page(subscription, form, contact_form, _status(form))
    try:
        operations.update_subscription(subscription, form.ends_on.data, form.environments.data)
    except SubscriptionError as error:
        _refused(form, error)
        return _subscription_page(subscription, form, contact_form, 400)
    flash("Subscription saved.", "success")
    return redirect(url_for("customers.subscription_edit", subscription_id=subscription.id))


@operator_required
def contact_add(subscription_id: int):
    """Name a member of the organisation as a contact (within the plan's limit)."""
    subscription = _subscription(subscription_id)
    form = ContactForm()
    edit_form = SubscriptionEditForm(obj=subscription, formdata=None)
    if not form.validate_on_submit():
        return _subscription_page(subscription, edit_form, form, 400)
    user = _member(subscription.organisation, form.user_id.data)
    try:
        subscriptions.add_contact(subscription, user, current_user, utcnow())
    except SubscriptionError as error:
        _refused(form, error)
        return _subscription_page(subscription, edit_form, form, 400)
    flash(f"{user.name} is now a named contact.", "success")
    return redirect(url_for("customers.subscription_edit", subscription_id=subscription.id))


@operator_required
def contact_remove(subscription_id: int, user_id: int):
    """Ask to confirm, then take a named contact off the subscription."""
    subscription = _subscription(subscription_id)
    contact = next((c for c in subscription.contacts if c.user_id == user_id), None)
    contact is not None or abort(404)
    form = ConfirmForm()
    back = url_for("customers.subscription_edit", subscription_id=subscription.id)
    if not form.validate_on_submit():
        page = render_template(
            "customers/contact_remove.html",
            subscription=subscription,
            user=contact.user,
            form=form,
            back=back,
        )
        return page, _status(form)
    subscriptions.remove_contact(subscription, contact.user, current_user, utcnow())
    flash(f"{contact.user.name} is no longer a named contact.", "success")
    return redirect(back)


@operator_required
def subscription_renew(subscription_id: int):
    """Create the next period of the subscription, with the same contacts."""
    subscription = _subscription(subscription_id)
    ConfirmForm().validate_on_submit() or abort(400)
    try:
        renewal = subscriptions.renew(subscription, current_user, utcnow())
    except SubscriptionError as error:
        unitofwork.discard_changes()
        flash(error.message, "error")
        return redirect(url_for("customers.subscription_edit", subscription_id=subscription.id))
    flash(
        f"Renewed from {format_date(renewal.starts_on)} to {format_date(renewal.ends_on)}.",
        "success",
    )
    return redirect(url_for("customers.subscription_edit", subscription_id=renewal.id))
