"""Who may do what: role checks for views, and the safe ``next=`` target after login."""

from functools import wraps
from urllib.parse import urlsplit

from flask import abort
from flask import render_template
from flask import url_for
from flask_login import current_user

from catalog.accounts.forms import ResendForm
from catalog.accounts.models import ADMIN
from catalog.accounts.models import ISV
from catalog.accounts.models import OPERATOR_ROLES
from catalog.accounts.models import User
from catalog.extensions import db
from catalog.extensions import login_manager


def roles_required(*roles: str):
    """Decorate a view: anonymous visitors go to log in, other roles get 403."""
    allowed = frozenset(roles)

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in allowed:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


isv_required = roles_required(ISV)
operator_required = roles_required(*OPERATOR_ROLES)
admin_required = roles_required(ADMIN)


def safe_next(target: str | None) -> str | None:
    """``target`` if it is a path on this site, else None.

    Only an absolute path is accepted: no scheme, no host, no protocol-relative ``//host``,
    no backslashes (browsers read ``/\\host`` as ``//host``) and no control characters.
    """
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def load_user(session_id: str):
    """Flask-Login: the user of a session id "<id>:<fingerprint>:<generation>", if still valid.

    The session ends when the password changes (fingerprint), when the user logs out or is
    deactivated (generation: a cookie saved before then is refused), and for inactive accounts.
    """
    user_id, fingerprint, generation = (session_id.split(":") + ["", ""])[:3]
    user = db.session.get(User, int(user_id)) if user_id.isdigit() and len(user_id) < 19 else None
    if (
        user is None
        or not user.active
        or user.password_fingerprint != fingerprint
        or str(user.session_generation) != generation
    ):
        return None
    return user


def verified_required(view):
    """Decorate a view: a signed-in user whose address is unconfirmed gets the page that offers
    to send the confirmation link again (403)."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if current_user.is_authenticated and not current_user.is_verified:
            return render_template("accounts/verify_needed.html", form=ResendForm()), 403
        return view(*args, **kwargs)

    return wrapped


def landing_page(user) -> str:
    """Where a user goes after logging in when no ``next`` was given."""
    if user.role == ISV:
        return url_for("isv.dashboard")
    if user.role in OPERATOR_ROLES:
        return url_for("operator.dashboard")
    return url_for("marketplace.home")


def init_app(app) -> None:
    """Bind Flask-Login to the app."""
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = "Please log in to see that page."
    login_manager.login_message_category = "info"
    login_manager.user_loader(load_user)
