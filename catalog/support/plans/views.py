"""Request handlers of plans: the admin's plan pages and the public comparison."""

from flask import abort
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_login import current_user

from catalog import formtokens
from catalog.accounts.access import admin_required
from catalog.db import utcnow
from catalog.inputguard import page_number
from catalog.support.plans import describe
from catalog.support.plans import formdata
from catalog.support.plans import forms
from catalog.support.plans import operations
from catalog.support.plans import queries

PER_PAGE = 25
REQUEST_ENDPOINT = "planrequests.new_request"


def _status(form) -> int:
    """200 for a first view, 400 when a submitted form was rejected."""
    return 400 if form.is_submitted() else 200


def _shown(initial) -> dict | None:
    """The values a form starts from on a first view; a submitted form holds only what was sent
    (a field left out of a request must not fall back to the stored value)."""
    return None if request.method == "POST" else initial()


def _plan(slug: str):
    """A plan by slug, retired or not, or 404."""
    return queries.plan_by_slug(slug) or abort(404)


def compare():
    """The plans on offer side by side, for customers choosing one."""
    plans = queries.compared_plans()
    can_request = (
        REQUEST_ENDPOINT in current_app.view_functions
        and current_user.is_authenticated
        and current_user.role == "customer"
    )
    return render_template(
        "support/plans/compare.html",
        plans=plans,
        describe=describe,
        severities=forms.SEVERITY_LABELS,
        can_request=can_request,
        request_endpoint=REQUEST_ENDPOINT,
    )


@admin_required
def plan_list():
    """Every plan with its incidents, price, subscriptions and whether it is retired."""
    page = queries.plans_page(page_number(request.args.get("page")), PER_PAGE)
    return render_template(
        "support/plans/list.html", page=page, describe=describe, retire_form=forms.RetireForm()
    )


@admin_required
def plan_new():
    """Create a plan."""
    form = forms.NewPlanForm(data=_shown(formdata.new_plan_data))
    if form.is_submitted() and (replay := formtokens.replayed(form)):
        return replay
    if not form.validate_on_submit():
        return _edit_page(None, form, None, _status(form))
    plan = operations.create_plan(formdata.plan_values(form))
    flash(f"Plan {plan.name} created.", "success")
    return redirect(formtokens.done(form, url_for("plans.plan_edit", slug=plan.slug)))


def _edit_page(plan, form, delete_form, status: int = 200):
    """The plan form page; for a stored plan also retirement and deletion."""
    page = render_template(
        "support/plans/edit.html",
        form=form,
        plan=plan,
        severity_labels=forms.SEVERITY_LABELS,
        retire_form=forms.RetireForm(),
        delete_form=delete_form,
        usage=queries.usage(plan) if plan else None,
    )
    return page, status


@admin_required
def plan_edit(slug: str):
    """Change a plan's terms; tickets already opened keep the terms they were opened under."""
    plan = _plan(slug)
    form = forms.PlanForm(data=_shown(lambda: formdata.initial_data(plan)), plan=plan)
    if not form.validate_on_submit():
        return _edit_page(plan, form, forms.DeleteForm(formdata=None), _status(form))
    operations.update_plan(plan, formdata.plan_values(form))
    flash(f"Plan {plan.name} saved. Tickets already opened keep their terms.", "success")
    return redirect(url_for("plans.plan_edit", slug=plan.slug))


@admin_required
def plan_retire(slug: str):
    """Retire a plan (no new subscriptions, off the comparison), or offer it again."""
    plan = _plan(slug)
    form = forms.RetireForm()
    form.validate_on_submit() or abort(400)
    if form.retired.data:
        operations.retire(plan, utcnow())
        flash(f"{plan.name} is retired; its subscriptions run to their end.", "success")
    else:
        operations.unretire(plan)
        flash(f"{plan.name} is offered again.", "success")
    return redirect(url_for("plans.plan_list"))


@admin_required
def plan_delete(slug: str):
    """Delete a plan that nothing uses, once confirmed; a plan in use is refused with why."""
    plan = _plan(slug)
    form = forms.DeleteForm()
    if form.validate_on_submit():
        try:
            operations.delete_plan(plan)
        except operations.PlanInUse as refusal:
            form.confirm.errors.append(str(refusal))
        else:
            flash(f"Plan {plan.name} deleted.", "success")
            return redirect(url_for("plans.plan_list"))
    edit_form = forms.PlanForm(formdata=None, data=formdata.initial_data(plan), plan=plan)
    return _edit_page(plan, edit_form, form, 400)
