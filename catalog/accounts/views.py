"""Request handlers of the account pages: log in and out, sign up, addresses, passwords,
invitations. Links in their e-mails come from ``catalog.links`` (never the request's Host)."""

from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_login import current_user
from flask_login import login_required
from flask_login import login_user
from flask_login import logout_user

from catalog import notify
from catalog import unitofwork
from catalog.accounts import operations
from catalog.accounts import throttle
from catalog.accounts import tokens
from catalog.accounts.access import landing_page
from catalog.accounts.access import safe_next
from catalog.accounts.forms import AcceptInviteForm
from catalog.accounts.forms import LoginForm
from catalog.accounts.forms import NewPasswordForm
from catalog.accounts.forms import PasswordChangeForm
from catalog.accounts.forms import ResendForm
from catalog.accounts.forms import ResetRequestForm
from catalog.accounts.forms import SignUpForm
from catalog.accounts.forms import email_taken
from catalog.accounts.models import User
from catalog.customers import queries as customer_queries
from catalog.customers.domains import email_domain
from catalog.db import utcnow
from catalog.extensions import db
from catalog.links import external_url
from catalog.marketplace.models import Vendor

THROTTLED = (
    "Too many failed attempts to log in to this account or from your network. For your safety, "
    "please wait {minutes} minutes and try again, or reset your password."
)
WRONG = "That e-mail address and password do not match an account."
# Shown only after the right password, so a guesser never learns the account's state.
DEACTIVATED = (
    "This account is deactivated; ask an administrator of the Support Catalog to reactivate it."
)
# Said whether or not the address has an account: it tells only that the domain is known.
KNOWN_DOMAIN = (
    "Addresses at {domain} belong to an organisation on the catalog, so we made no new one: once "
    "your address is confirmed, log in and ask to join it."
)
SIGNED_UP = (
    "Thank you. We have sent a message to {email}: open the link in it to confirm the address, "
    "then log in. (If the address already has an account, the message says so instead.)"
)


def _page(template: str, status: int = 200, **context):
    """Render an account page with a status."""
    return render_template(f"accounts/{template}", **context), status


def _form_status(form) -> int:
    """200 for a first view, 400 when a submitted form was rejected."""
    return 400 if form.is_submitted() else 200


def login():
    """Log in with e-mail and password; follow ``next`` only to a path on this site."""
    target = safe_next(request.args.get("next"))
    if current_user.is_authenticated:
        return redirect(target or landing_page(current_user))
    form = LoginForm()
    if not form.validate_on_submit():
        return _page("login.html", _form_status(form), form=form)
    return _attempt_login(form, target)


def _attempt_login(form, target: str | None):
    """Count the attempt (refused over the limit), then check the password."""
    now, address = utcnow(), request.remote_addr or "unknown"
    limits = throttle.Limits.from_config(current_app.config)
    if not throttle.reserve(form.email.data, address, now, limits):
        form.form_errors.append(THROTTLED.format(minutes=int(limits.window.total_seconds() // 60)))
        return _page("login.html", 429, form=form)
    user = operations.password_owner(form.email.data, form.password.data)
    if user is None or not user.active:
        # The attempt stays counted: a deactivated account is no successful login.
        form.form_errors.append(WRONG if user is None else DEACTIVATED)
        return _page("login.html", 400, form=form)
    throttle.forget(user.email, address)
    login_user(user)
    return redirect(target or landing_page(user))


def logout():
    """Log out everywhere: the session generation moves on, so no saved cookie works again (a
    POST, so another site cannot log you out with a link)."""
    if current_user.is_authenticated:
        operations.end_sessions(current_user._get_current_object())
    logout_user()
    flash("You are logged out.", "success")
    return redirect(url_for("marketplace.home"))


def sign_up():
    """Create an unverified customer account and mail the confirmation link.

    The answer is the same whether or not the address has an account: for a taken address the
    owner gets a note instead, and the password is hashed anyway so the timing matches.
    """
    form = SignUpForm()
    if not form.validate_on_submit():
        return _page("sign_up.html", _form_status(form), form=form)
    owner = operations.user_by_email(form.email.data)
    if owner is None:
        user = operations.sign_up(
            form.email.data, form.name.data, form.organisation.data, form.password.data
        )
        _mail_after_commit(user.email, *_verification_mail(user))
    else:
        operations.hash_password(form.password.data)
        text = render_template(
            "accounts/mail/sign_up_taken.txt", user=owner, link=external_url("accounts.login")
        )
        _mail_after_commit(owner.email, "Someone tried to sign up with your address", text)
    flash(SIGNED_UP.format(email=form.email.data), "info")
    if customer_queries.organisation_for_address(form.email.data) is not None:
        flash(KNOWN_DOMAIN.format(domain=email_domain(form.email.data)), "info")
    return redirect(url_for("accounts.login"))


def _verification_mail(user) -> tuple[str, str]:
    """The subject and text of the address confirmation mail."""
    link = external_url("accounts.verify", token=tokens.verify_token(user))
    text = render_template("accounts/mail/verify.txt", user=user, link=link)
    return "Confirm your address for the Support Catalog", text


def _mail_after_commit(to: str, subject: str, text: str) -> None:
    """Send an account mail once the request has committed (never for a rolled-back one)."""
    unitofwork.after_commit(lambda: notify.send_mail_soon(to, subject, text))


def verify(token: str):
    """Confirm an address from the e-mailed link."""
    data = tokens.read_verify_token(token)
    user = db.session.get(User, data["user"]) if data else None
    if user is None or not operations.confirm_email(user, data["email"], utcnow()):
        return _page("link_invalid.html", 400, what="address confirmation link")
    flash("Your address is confirmed. Welcome!", "success")
    if user.organisation is None and customer_queries.organisation_for_address(user.email):
        # The offer to ask to join the organisation of the domain (log in first if needed).
        return redirect(url_for("customers.my_organisation"))
    if current_user.is_authenticated:
        return redirect(landing_page(current_user))
    return redirect(url_for("marketplace.home"))


@login_required
def verify_notice():
    """What an unconfirmed account may not do yet, and the button to resend the link."""
    if current_user.is_verified:
        return redirect(landing_page(current_user))
    return render_template("accounts/verify_needed.html", form=ResendForm())


@login_required
def resend_verification():
    """Send the address confirmation link again."""
    form = ResendForm()
    if not form.validate_on_submit():
        return _page("verify_needed.html", 400, form=form)
    if current_user.is_verified:
        return redirect(landing_page(current_user))
    user = current_user._get_current_object()
    _mail_after_commit(user.email, *_verification_mail(user))
    flash(f"We have sent the link again to {user.email}.", "info")
    return redirect(url_for("accounts.verify_notice"))


@login_required
def change_password():
    """Change the password; other sessions of this account end."""
    form = PasswordChangeForm(current_user._get_current_object())
    if not form.validate_on_submit():
        return _page("password.html", _form_status(form), form=form)
    operations.set_password(current_user, form.password.data)
    login_user(current_user._get_current_object())
    flash("Your password is changed.", "success")
    return redirect(url_for("accounts.change_password"))


def reset_request():
    """Ask for a reset link; the answer is the same whether or not the address is known."""
    form = ResetRequestForm()
    if not form.validate_on_submit():
        return _page("reset_request.html", _form_status(form), form=form)
    user = operations.user_by_email(form.email.data)
    if user is not None and user.active:
        link = external_url("accounts.reset", token=tokens.reset_token(user))
        text = render_template("accounts/mail/reset.txt", user=user, link=link)
        _mail_after_commit(user.email, "Reset your Support Catalog password", text)
    flash(
        "If an account uses that address, we have sent it a link to choose a new password. "
        "The link works for one hour.",
        "info",
    )
    return redirect(url_for("accounts.login"))


def _link_user(token: str) -> User | None:
    """The user a live reset link or account invitation is for, or None."""
    user_id = tokens.reset_token_user_id(token)
    user = db.session.get(User, user_id) if user_id else None
    if user is None:
        return None
    if tokens.verify_reset_token(token, user) or tokens.verify_account_invite_token(token, user):
        return user
    return None


def reset(token: str):
    """Choose a new password from an e-mailed reset link or account invitation (an admin
    opened the account); the link dies once used."""
    user = _link_user(token)
    if user is None:
        return _page("link_invalid.html", 400, what="password reset link")
    form = NewPasswordForm()
    if not form.validate_on_submit():
        return _page("reset.html", _form_status(form), form=form)
    operations.set_password(user, form.password.data)
    # The link came to the address, so using it confirms it (an invited user starts unconfirmed).
    operations.confirm_email(user, user.email, utcnow())
    login_user(user)
    flash("Your new password is set and you are logged in.", "success")
    return redirect(landing_page(user))


def accept_invite(token: str):
    """Join a vendor from an invitation: choose a name and password."""
    invite = tokens.read_invite(token)
    vendor = db.session.get(Vendor, invite["vendor"]) if invite else None
    if vendor is None or email_taken(invite["email"]):
        return _page("link_invalid.html", 400, what="invitation")
    form = AcceptInviteForm()
    if not form.validate_on_submit():
        return _page(
            "invite.html", _form_status(form), form=form, vendor=vendor, email=invite["email"]
        )
    user = operations.accept_invite(vendor, invite["email"], form.name.data, form.password.data)
    login_user(user)
    flash(f"Welcome, {user.name}. You can now keep {vendor.name}'s apps up to date.", "success")
    return redirect(url_for("isv.dashboard"))
