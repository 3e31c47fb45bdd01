"""Write operations on accounts. They flush; the request or command commits."""

from flask import current_app
from sqlalchemy import select
from werkzeug.security import check_password_hash
from werkzeug.security import generate_password_hash

from catalog.accounts.models import CUSTOMER
from catalog.accounts.models import ISV
from catalog.accounts.models import ORGANISATION_ADMIN
from catalog.accounts.models import Organisation
from catalog.accounts.models import User
from catalog.customers import queries as customer_queries
from catalog.db import utcnow
from catalog.extensions import db

# A hash of nothing in particular, checked when the e-mail is unknown so that a wrong address
# takes as long as a wrong password (no account discovery by timing).
_DUMMY_HASHES: dict[str, str] = {}


def hash_password(password: str) -> str:
    """Hash a password with the configured KDF (scrypt by default)."""
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def user_by_email(email: str) -> User | None:
    """The account with this address (addresses are stored lower-case)."""
    return db.session.scalar(select(User).where(User.email == email.strip().lower()))


def authenticate(email: str, password: str) -> User | None:
    """The active user with these credentials, or None."""
    user = password_owner(email, password)
    return user if user is not None and user.active else None


def password_owner(email: str, password: str) -> User | None:
    """The user whose address and password these are, active or deactivated, or None.

    Only someone who knows the password may learn that the account is deactivated; a wrong
    password is None whatever the account's state.
    """
    user = user_by_email(email)
    if user is None:
        method = current_app.config["PASSWORD_HASH_METHOD"]
        dummy = _DUMMY_HASHES.setdefault(method, generate_password_hash("x", method=method))
        check_password_hash(dummy, password)
        return None
    return user if check_password_hash(user.password_hash, password) else None


def create_user(
    email: str, name: str, password: str, role: str, verified: bool = True, **links
) -> User:
    """Add a user; ``links`` may set ``vendor`` or ``organisation``.

    Users made by an admin, a command or an invitation count as verified; only a web sign-up
    starts unverified (``verified=False``) until the e-mailed link confirms the address.
    """
    user = User(
        email=email.strip().lower(),
        name=name,
        password_hash=hash_password(password),
        role=role,
        email_verified_at=utcnow() if verified else None,
        **links,
    )
    db.session.add(user)
    db.session.flush()
    return user


def sign_up(email: str, name: str, organisation: str, password: str) -> User:
    """A new, unverified customer, the admin of a new organisation of that name.

    On an address of a known organisation's domain no second organisation is made: the customer
    starts in none and, once the address is confirmed, may ask to join that one.
    """
    if customer_queries.organisation_for_address(email) is not None:
        return create_user(email, name, password, CUSTOMER, verified=False)
    org = Organisation(name=organisation)
    db.session.add(org)
    user = create_user(email, name, password, CUSTOMER, verified=False, organisation=org)
    user.organisation_role = ORGANISATION_ADMIN
    db.session.flush()
    return user


def confirm_email(user: User, email: str, now) -> bool:
    """Mark the address confirmed if it is still the user's; False when it is not."""
    if user.email != email:
        return False
    if user.email_verified_at is None:
        user.email_verified_at = now
        db.session.flush()
    return True


def end_sessions(user: User) -> None:
    """End every session of the user (the session id carries the generation; flush)."""
    user.session_generation = User.session_generation + 1
    db.session.flush()


def set_active(user: User, active: bool) -> None:
    """Activate or deactivate an account; deactivating ends its sessions."""
    if user.active and not active:
        end_sessions(user)
    user.active = active
    db.session.flush()


def accept_invite(vendor, email: str, name: str, password: str) -> User:
    """A new ISV member of ``vendor`` from an invitation."""
    return create_user(email, name, password, ISV, vendor=vendor)


def set_password(user: User, password: str) -> None:
    """Replace the user's password and end their sessions (the caller logs the current one in
    again)."""
    user.password_hash = hash_password(password)
    end_sessions(user)


def set_role(user: User, role: str, vendor=None) -> None:
    """Give the user a role; ISV members belong to exactly one vendor, others to none."""
    user.role = role
    user.vendor = vendor if role == ISV else None
    db.session.flush()


def update_profile(
    user: User, name: str, timezone: str | None, prefs: dict[str, bool], daily_digest: bool
) -> None:
    """Save the profile's name, time zone (None: the organisation's) and mail preferences."""
    user.name = name
    user.timezone = timezone or None
    user.notification_prefs = dict(prefs)
    user.daily_digest = daily_digest
    db.session.flush()
