"""Request handlers of the profile (name, address, time zone, notification mail) and of the
notifications list."""

from flask import abort
from flask import flash
from flask import g
from flask import has_request_context
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_login import current_user
from flask_login import login_required

from catalog.accounts import emailchange
from catalog.accounts import inbox
from catalog.accounts import notifications
from catalog.accounts import operations
from catalog.accounts import tokens
from catalog.accounts.forms import CancelEmailChangeForm
from catalog.accounts.forms import MarkReadForm
from catalog.accounts.forms import ProfileForm
from catalog.accounts.notifications import GROUPS
from catalog.db import utcnow
from catalog.inputguard import page_number
from catalog.viewertime import site_zone_name


def _default_zone(user) -> str:
    """The zone an empty choice means: the organisation's, else the site's."""
    return user.organisation.timezone if user.organisation is not None else site_zone_name()


def _stored(user) -> dict:
    """The profile form's values as stored."""
    prefs = user.notification_prefs or {}
    data = {"name": user.name, "email": user.email, "timezone": user.timezone or ""}
    data |= {f"notify_{group}": prefs.get(group, True) is not False for group in GROUPS}
    return data | {"daily_digest": user.daily_digest}


def _profile_page(form, status: int):
    """The profile page with its forms."""
    return render_template(
        "accounts/profile.html", form=form, cancel_form=CancelEmailChangeForm()
    ), status


@login_required
def profile():
    """Your name, address (changed once the new one is confirmed), time zone and mail."""
    user = current_user._get_current_object()
    if request.method == "GET":
        return _profile_page(ProfileForm(user, _default_zone(user), data=_stored(user)), 200)
    form = ProfileForm(user, _default_zone(user))
    if not form.validate_on_submit():
        return _profile_page(form, 400)
    operations.update_profile(
        user, form.name.data, form.timezone.data, form.prefs(), form.daily_digest.data
    )
    flash("Your profile is saved.", "success")
    if form.email.data != user.email and form.email.data != user.pending_email:
        emailchange.request_change(user, form.email.data, utcnow())
        flash(
            f"We have sent a link to {form.email.data}: open it while logged in to use that "
            "address. Until then your account keeps its current one.",
            "info",
        )
    return redirect(url_for("accounts.profile"))


@login_required
def cancel_email_change():
    """Drop a pending address change (its link then changes nothing)."""
    form = CancelEmailChangeForm()
    if not form.validate_on_submit():
        abort(400)
    emailchange.cancel_change(current_user._get_current_object())
    flash("The address change is cancelled; your address stays as it is.", "info")
    return redirect(url_for("accounts.profile"))


@login_required
def confirm_email_change(token: str):
    """Use the new address, from the link mailed to it, while signed in as its account."""
    data = tokens.read_email_change_token(token)
    if data and data["user"] != current_user.id:
        abort(404)  # another account's link: nothing of it is shown
    problem = (
        emailchange.confirm_change(current_user._get_current_object(), data, utcnow())
        if data
        else "This link is broken or older than seven days."
    )
    if problem:
        return render_template("accounts/email_change_failed.html", problem=problem), 400
    flash(f"Your address is now {current_user.email}.", "success")
    return redirect(url_for("accounts.profile"))


@login_required
def notifications_list():
    """Your notifications, newest first, unread ones marked."""
    page = inbox.page_of(current_user.id, page_number(request.args.get("page")))
    return render_template("accounts/notifications.html", page=page, form=MarkReadForm())


@login_required
def open_notification(notification_id: int):
    """Mark one notification read and go to what it is about (a path on this site only)."""
    form = MarkReadForm()
    if not form.validate_on_submit():
        abort(400)
    row = notifications.mark_read(current_user._get_current_object(), notification_id, utcnow())
    if row is None:
        abort(404)
    if not notifications.is_site_path(row.link):
        return redirect(url_for("accounts.notifications_list"))
    return redirect(row.link)


@login_required
def mark_all_read():
    """Mark every notification read."""
    form = MarkReadForm()
    if not form.validate_on_submit():
        abort(400)
    count = notifications.mark_all_read(current_user._get_current_object(), utcnow())
    flash(f"Marked {count} notification{'' if count == 1 else 's'} as read.", "success")
    return redirect(url_for("accounts.notifications_list"))


def unread_in_header() -> dict:
    """Context: the signed-in user's unread count for the header (one COUNT per request)."""
    if not has_request_context() or not current_user.is_authenticated:
        return {}
    if "unread_notifications" not in g:
        g.unread_notifications = inbox.unread_count(current_user.id)
    return {"unread_notifications": g.unread_notifications}
