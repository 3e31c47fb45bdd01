"""Request handlers of plan requests: the customer's request and list, the staff queue."""

from datetime import date
from datetime import timedelta
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
from catalog.accounts.access import roles_required
from catalog.accounts.access import verified_required
from catalog.accounts.models import CUSTOMER
from catalog.customers.operations import OrganisationError
from catalog.db import utcnow
from catalog.inputguard import page_number
from catalog.support.desk import queries as desk_queries
from catalog.support.planrequests import operations
from catalog.support.planrequests import queries
from catalog.support.planrequests.forms import AcceptForm
from catalog.support.planrequests.forms import DeclineForm
from catalog.support.planrequests.forms import PlanRequestForm
from catalog.support.planrequests.links import comparison_url
from catalog.support.plans import describe
from catalog.support.plans.models import REQUEST_STATUSES
from catalog.support.plans.subscriptions import SubscriptionError
from catalog.support.wizard.views import has_draft


def _status(form) -> int:
    """200 for a first view, 400 when a submitted form was rejected."""
    return 400 if form.is_submitted() else 200


@roles_required(CUSTOMER)
@verified_required
def new_request(slug: str):
    """A customer asks for a plan: one pending request per plan, confirmed by mail."""
    plan = queries.requestable_plan(slug) or abort(404)
    form = PlanRequestForm(organisation=current_user.organisation)
    if not form.is_submitted():
        app = desk_queries.published_app(request.args.get("app", "")[:80])
        form.app.data = app.slug if app else ""
    elif replay := formtokens.replayed(form):
        return replay
    if not form.validate_on_submit():
        return _request_form(plan, form, _status(form))
    existing = queries.pending_request(current_user, plan)
    if existing is not None:
        flash(f"You already asked for {plan.name}; that request is still waiting.", "info")
        return redirect(formtokens.done(form, _own_url(existing)))
    made = operations.request_plan(
        current_user,
        plan,
        form.organisation_name.data,
        form.message.data,
        form.chosen_app(),
        utcnow(),
    )
    flash(f"Your request for {plan.name} was sent. We have e-mailed you a copy.", "success")
    return redirect(formtokens.done(form, _own_url(made)))


def _own_url(plan_request) -> str:
    """The customer's page of one of their requests."""
    return url_for("planrequests.my_request", request_id=plan_request.id)


def _request_form(plan, form, status: int):
    """The request form with the plan's summary."""
    page = render_template(
        "support/planrequests/new.html",
        plan=plan,
        form=form,
        methods=describe.contact_methods(plan),
        compare_url=comparison_url(),
        resume=has_draft(),
    )
    return page, status


@roles_required(CUSTOMER)
def my_requests():
    """The customer's plan requests with their status and the staff's decision."""
    page = queries.requests_of(current_user, page_number(request.args.get("page")))
    return render_template(
        "support/planrequests/mine.html",
        page=page,
        compare_url=comparison_url(),
        resume=has_draft(),
    )


@roles_required(CUSTOMER)
def my_request(request_id: int):
    """One of the customer's requests: the confirmation after sending it, and later the decision."""
    plan_request = queries.find_request(request_id)
    if plan_request is None or plan_request.user_id != current_user.id:
        abort(404)
    return render_template(
        "support/planrequests/mine_one.html",
        item=plan_request,
        compare_url=comparison_url(),
        resume=has_draft(),
    )


@operator_required
def queue():
    """The staff queue: pending requests first, filtered by status, paginated."""
    status = request.args.get("status", "")
    status = status if status in REQUEST_STATUSES else ""
    page = queries.queue(status or None, page_number(request.args.get("page")))
    return render_template(
        "support/planrequests/queue.html",
        page=page,
        status=status,
        statuses=REQUEST_STATUSES,
        now=utcnow(),
    )


def _found(request_id: int):
    """The request, or 404."""
    return queries.find_request(request_id) or abort(404)


def _detail(plan_request, accept_form=None, decline_form=None, status: int = 200):
    """The staff page of one request, with the forms to decide it while it is pending."""
    page = render_template(
        "support/planrequests/detail.html",
        item=plan_request,
        accept_form=accept_form or _accept_defaults(plan_request),
        decline_form=decline_form or DeclineForm(formdata=None),
        methods=describe.contact_methods(plan_request.plan),
        now=utcnow(),
    )
    return page, status


def _accept_defaults(plan_request) -> AcceptForm:
    """Starting today in the organisation's zone (else the plan's), for a year, one environment."""
    organisation = plan_request.user.organisation
    zone = organisation.timezone if organisation else plan_request.plan.calendar["timezone"]
    today = utcnow().astimezone(ZoneInfo(zone)).date()
    return AcceptForm(formdata=None, starts_on=today, ends_on=year_later(today), environments=1)


def year_later(day: date) -> date:
    """The last day of a year that starts on ``day`` (29 February starts run to 27 February)."""
    try:
        following = day.replace(year=day.year + 1)
    except ValueError:
        following = day.replace(year=day.year + 1, day=28)
    return following - timedelta(days=1)


@operator_required
def detail(request_id: int):
    """One request in full: who, which organisation and plan, the app and the message."""
    return _detail(_found(request_id))


@operator_required
def accept(request_id: int):
    """Accept a request: organisation, subscription and named contact; the customer is told."""
    plan_request = _found(request_id)
    form = AcceptForm()
    if not form.validate_on_submit():
        return _detail(plan_request, accept_form=form, status=400)
    try:
        operations.accept(
            plan_request,
            form.starts_on.data,
            form.ends_on.data,
            form.environments.data,
            current_user,
            utcnow(),
        )
    except operations.AlreadyDecided as error:
        return _refused(plan_request, str(error))
    except (SubscriptionError, OrganisationError) as error:
        unitofwork.discard_changes()
        field = form._fields.get(error.field)
        (field.errors if field is not None else form.form_errors).append(error.message)
        return _detail(plan_request, accept_form=form, status=400)
    flash("Request accepted: the subscription is in place and the customer was told.", "success")
    return redirect(url_for("planrequests.detail", request_id=request_id))


@operator_required
def decline(request_id: int):
    """Decline a request with a reason; the customer is told."""
    plan_request = _found(request_id)
    form = DeclineForm()
    if not form.validate_on_submit():
        return _detail(plan_request, decline_form=form, status=400)
    try:
        operations.decline(plan_request, form.reason.data, current_user, utcnow())
    except operations.AlreadyDecided as error:
        return _refused(plan_request, str(error))
    flash("Request declined; the customer was told why.", "success")
    return redirect(url_for("planrequests.detail", request_id=request_id))


def _refused(plan_request, message: str):
    """A second decision: nothing changes, the page says what the first one was."""
    unitofwork.discard_changes()
    flash(message, "error")
    return redirect(url_for("planrequests.detail", request_id=plan_request.id))


# Blueprints whose pages may show the operator menu.
CONSOLE_BLUEPRINTS = frozenset({"operator", "planrequests", "customers", "plans"})


def nav_counts() -> dict:
    """The number of pending requests for the operator menu (console pages of staff only)."""
    if (
        request.blueprint not in CONSOLE_BLUEPRINTS
        or not current_user.is_authenticated
        or not current_user.is_operator
    ):
        return {}
    return {"pending_plan_requests": queries.pending_count()}
