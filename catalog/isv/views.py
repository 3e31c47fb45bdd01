"""Request handlers of the ISV portal: a member sees and edits only their vendor's apps."""

from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import url_for
from flask_login import current_user

from catalog import formtokens
from catalog.accounts.access import isv_required
from catalog.db import utcnow
from catalog.isv import operations
from catalog.isv import queries
from catalog.isv.forms import IsvAppForm
from catalog.isv.forms import NewOwnAppForm
from catalog.isv.forms import channel_states
from catalog.isv.forms import initial_data
from catalog.isv.forms import listing_values
from catalog.isv.forms import terms_values
from catalog.legend import legend_for
from catalog.operator import operations as operator_operations


@isv_required
def dashboard():
    """The member's apps with their legends."""
    rows = [
        (app, legend_for(app.terms, app.coverage))
        for app in queries.apps_of_vendor(current_user.vendor_id)
    ]
    return render_template("isv/dashboard.html", rows=rows, vendor=current_user.vendor)


def _edit_page(app, form, legend, status: int = 200, previewing: bool = False):
    """Render the edit form with a legend (saved, or previewed from the form)."""
    return render_template(
        "isv/edit.html", app=app, form=form, legend=legend, previewing=previewing
    ), status


@isv_required
def edit_app(slug: str):
    """Edit one app's listing and support terms; Preview shows the legend without saving."""
    app = queries.own_app(current_user.vendor_id, slug) or abort(404)
    form = IsvAppForm(data=initial_data(app))
    if not form.validate_on_submit():
        if not form.is_submitted():
            return _edit_page(app, form, legend_for(app.terms, app.coverage))
        return _edit_page(
            app, form, legend_for(channel_states(form), app.coverage), 400, previewing=True
        )
    if form.preview.data:
        return _edit_page(
            app, form, legend_for(channel_states(form), app.coverage), previewing=True
        )
    version = operations.save_app(
        app, listing_values(form), terms_values(form), current_user.id, utcnow()
    )
    flash("Saved. The support terms are updated and versioned." if version else "Saved.", "success")
    return redirect(url_for("isv.edit_app", slug=app.slug))


@isv_required
def app_new():
    """Add an app of the member's own vendor; it waits unpublished for the operator."""
    vendor = current_user.vendor
    form = NewOwnAppForm(vendor)
    if form.is_submitted() and (replay := formtokens.replayed(form)):
        return replay
    if not form.validate_on_submit():
        return render_template("isv/app_new.html", form=form, vendor=vendor), (
            400 if form.is_submitted() else 200
        )
    app = operator_operations.create_app(form.clean, vendor, form.chosen_category, utcnow())
    flash(
        f"{app.name} is added, not yet published: the operator publishes it. "
        "Now set your support terms.",
        "success",
    )
    return redirect(formtokens.done(form, url_for("isv.edit_app", slug=app.slug)))
