"""Request handlers of the operator console (staff and admin; users are admin only)."""

from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_login import current_user

from catalog import formtokens
from catalog import notify
from catalog.accounts import operations as account_operations
from catalog.accounts import tokens
from catalog.accounts.access import admin_required
from catalog.accounts.access import operator_required
from catalog.accounts.models import CUSTOMER
from catalog.accounts.models import ROLES
from catalog.accounts.models import User
from catalog.customers import operations as customer_operations
from catalog.db import utcnow
from catalog.extensions import db
from catalog.inputguard import page_number
from catalog.legend import legend_for
from catalog.links import external_url
from catalog.marketplace import queries as marketplace_queries
from catalog.marketplace.models import Category
from catalog.marketplace.models import Vendor
from catalog.marketplace.records import OPERATOR_FIELDS
from catalog.operator import operations
from catalog.operator import queries
from catalog.operator.appforms import NewAppForm
from catalog.operator.forms import CategoryForm
from catalog.operator.forms import CoverageForm
from catalog.operator.forms import InviteForm
from catalog.operator.forms import NewCategoryForm
from catalog.operator.forms import NewVendorForm
from catalog.operator.forms import PublishForm
from catalog.operator.forms import VendorForm
from catalog.operator.userforms import NewUserForm
from catalog.operator.userforms import UserRoleForm


def _status(form) -> int:
    """200 for a first view, 400 when a submitted form was rejected."""
    return 400 if form.is_submitted() else 200


def _app(slug: str):
    """Any app, published or not, or 404."""
    return marketplace_queries.app_by_slug(slug, include_unpublished=True) or abort(404)


def _found(model, slug: str):
    """A vendor or category by slug, or 404."""
    return queries.by_slug(model, slug) or abort(404)


def _link_args(args: dict, page) -> dict:
    """A list's query arguments for its links: the page shown, and the filters that are set."""
    return {**{key: value for key, value in args.items() if value}, "page": page.page}


def _app_list_args() -> dict:
    """The app list's search, state filter and page, from the query string, bounded."""
    state = request.args.get("state", "")
    return {
        "q": request.args.get("q", "")[:100],
        "state": state if state in queries.APP_STATES else "",
        "page": page_number(request.args.get("page")),
    }


@operator_required
def dashboard():
    """Apps with their legends and publishing state: searched, filtered and paginated."""
    args = _app_list_args()
    page = queries.app_page(**args)
    rows = [(app, legend_for(app.terms, app.coverage)) for app in page.items]
    return render_template(
        "operator/dashboard.html",
        rows=rows,
        page=page,
        args=_link_args(args, page),
        states=queries.APP_STATES,
        publish_form=PublishForm(),
    )


@operator_required
def app_new():
    """Add an app, for any vendor, checked by the rules of ``import-apps``."""
    form = NewAppForm()
    if form.is_submitted() and (replay := formtokens.replayed(form)):
        return replay
    if not form.validate_on_submit():
        return render_template("operator/app_new.html", form=form), _status(form)
    app = operations.create_app(form.clean, form.chosen_vendor(), form.chosen_category, utcnow())
    flash(f"{app.name} is added. Decide its coverage now.", "success")
    return redirect(formtokens.done(form, url_for("operator.coverage", slug=app.slug)))


@operator_required
def coverage(slug: str):
    """Decide professional support and consulting for an app, with the factors and why."""
    app = _app(slug)
    form = CoverageForm(obj=app.coverage)
    if not form.validate_on_submit():
        return render_template("operator/coverage.html", app=app, form=form), _status(form)
    values = {key: form[key].data for key in OPERATOR_FIELDS}
    version = operations.decide_coverage(app, values, current_user.id, utcnow())
    flash("Decision saved and versioned." if version else "Nothing changed.", "success")
    return redirect(url_for("operator.coverage", slug=app.slug))


@operator_required
def publish(slug: str):
    """Publish or unpublish an app."""
    app = _app(slug)
    form = PublishForm()
    form.validate_on_submit() or abort(400)
    operations.set_published(app, form.published.data, utcnow())
    flash(f"{app.name} is {'published' if app.published else 'no longer published'}.", "success")
    args = {key: value for key, value in _app_list_args().items() if value}
    return redirect(url_for("operator.dashboard", **args))


@operator_required
def vendors():
    """Every vendor with its number of apps."""
    return render_template("operator/vendors.html", vendors=queries.vendors())


@operator_required
def vendor_new():
    """Add a vendor."""
    form = NewVendorForm()
    if form.is_submitted() and (replay := formtokens.replayed(form)):
        return replay
    if not form.validate_on_submit():
        return render_template("operator/vendor_new.html", form=form), _status(form)
    vendor = operations.create_vendor(
        form.name.data, form.slug.data, form.website.data, form.description.data
    )
    flash(f"Vendor {vendor.name} added. Invite its members below.", "success")
    return redirect(formtokens.done(form, url_for("operator.vendor_edit", slug=vendor.slug)))


def _vendor_page(vendor, form, invite_form, status: int = 200):
    """The vendor page: details form, members and the invitation form."""
    members = queries.members(vendor.id)
    page = render_template(
        "operator/vendor.html", vendor=vendor, form=form, invite_form=invite_form, members=members
    )
    return page, status


@operator_required
def vendor_edit(slug: str):
    """Edit a vendor; see and manage its members."""
    vendor = _found(Vendor, slug)
    form = VendorForm(obj=vendor)
    if not form.validate_on_submit():
        return _vendor_page(vendor, form, InviteForm(formdata=None), _status(form))
    operations.update_vendor(vendor, form.name.data, form.website.data, form.description.data)
    flash("Vendor saved.", "success")
    return redirect(url_for("operator.vendor_edit", slug=vendor.slug))


@operator_required
def vendor_invite(slug: str):
    """E-mail an invitation link to become a member of the vendor."""
    vendor = _found(Vendor, slug)
    form = InviteForm()
    if not form.validate_on_submit():
        return _vendor_page(vendor, VendorForm(obj=vendor, formdata=None), form, 400)
    link = external_url(
        "accounts.accept_invite", token=tokens.invite_token(vendor.id, form.email.data)
    )
    text = render_template(
        "accounts/mail/invite.txt", vendor=vendor, link=link, inviter=current_user.name
    )
    notify.send_mail(form.email.data, f"Join {vendor.name} on the Support Catalog", text)
    flash(f"Invitation sent to {form.email.data}.", "success")
    return redirect(url_for("operator.vendor_edit", slug=vendor.slug))


@operator_required
def member_remove(slug: str, user_id: int):
    """Take a member out of the vendor."""
    vendor = _found(Vendor, slug)
    user = db.session.get(User, user_id)
    if user is None or user.vendor_id != vendor.id:
        abort(404)
    operations.remove_member(user)
    flash(f"{user.name} is no longer a member of {vendor.name}.", "success")
    return redirect(url_for("operator.vendor_edit", slug=vendor.slug))


@operator_required
def categories():
    """Every category, and a form to add one."""
    form = NewCategoryForm()
    if form.is_submitted() and (replay := formtokens.replayed(form)):
        return replay
    if not form.validate_on_submit():
        return render_template(
            "operator/categories.html", form=form, categories=queries.categories()
        ), _status(form)
    category = operations.create_category(form.name.data, form.slug.data)
    flash(f"Category {category.name} added.", "success")
    return redirect(formtokens.done(form, url_for("operator.categories")))


@operator_required
def category_edit(slug: str):
    """Rename a category."""
    category = _found(Category, slug)
    form = CategoryForm(obj=category)
    if not form.validate_on_submit():
        return render_template("operator/category.html", form=form, category=category), _status(
            form
        )
    operations.rename_category(category, form.name.data)
    flash("Category renamed.", "success")
    return redirect(url_for("operator.categories"))


def _user_list_args() -> dict:
    """The user list's search, role, state and page, from the query string, bounded."""
    role, state = request.args.get("role", ""), request.args.get("state", "")
    return {
        "q": request.args.get("q", "")[:100],
        "role": role if role in ROLES else "",
        "state": state if state in queries.USER_STATES else "",
        "page": page_number(request.args.get("page")),
    }


@admin_required
def users():
    """Accounts found by name or address, by role and state; a page at a time."""
    args = _user_list_args()
    page = queries.user_page(**args)
    return render_template(
        "operator/users.html",
        page=page,
        args=_link_args(args, page),
        roles=ROLES,
        states=queries.USER_STATES,
    )


@admin_required
def user_new():
    """Open an account: with a password set now, or with an invitation to choose one."""
    form = NewUserForm()
    if form.is_submitted() and (replay := formtokens.replayed(form)):
        return replay
    if not form.validate_on_submit():
        return render_template("operator/user_new.html", form=form), _status(form)
    invited = form.access.data == "invite"
    user = operations.create_account(
        form.email.data,
        form.name.data,
        form.role.data,
        None if invited else form.password.data,
        db.session.get(Vendor, form.vendor_id.data) if form.vendor_id.data else None,
        form.found_organisation,
    )
    if invited:
        operations.invite(user, current_user, utcnow())
    how = "the invitation to choose a password is on its way" if invited else "they can log in"
    flash(f"{user.email} is added; {how}.", "success")
    return redirect(formtokens.done(form, url_for("operator.user_edit", user_id=user.id)))


@admin_required
def user_edit(user_id: int):
    """Change a user's role (and vendor for ISV members); deactivate or reactivate the account."""
    user = db.session.get(User, user_id) or abort(404)
    form = UserRoleForm(user, current_user)
    if not form.validate_on_submit():
        return render_template("operator/user.html", form=form, user=user), _status(form)
    before = (user.role, user.vendor_id, user.active)
    account_operations.set_role(user, form.role.data, db.session.get(Vendor, form.vendor_id.data))
    if user.role != CUSTOMER and user.organisation is not None:
        # Only customers belong to organisations: no admin role or contact's place kept.
        customer_operations.remove_member(user.organisation, user, current_user, utcnow())
    account_operations.set_active(user, form.active.data)
    flash(_what_changed(user, before), "success")
    return redirect(url_for("operator.users"))


def _what_changed(user: User, before: tuple) -> str:
    """The confirmation after editing a user: what happened to the account, in words."""
    role, vendor_id, active = before
    news = []
    if active and not user.active:
        news.append("is deactivated; their sessions have ended")
    elif user.active and not active:
        news.append("is active again")
    if (user.role, user.vendor_id) != (role, vendor_id):
        vendor = f": {user.vendor.name}" if user.vendor else ""
        news.append(f"is now {ROLES[user.role]}{vendor}")
    if not news:
        return f"Nothing changed for {user.email}."
    return f"{user.email} {' and '.join(news)}."
