"""Write operations on accounts. They flush; the request or command commits."""

from flask import current_app
from sqlalchemy import select
from werkzeug.security import check_password_hash
from werkzeug.security import generate_password_hash

from catalog.accounts.models import CUSTOMER
from catalog.accounts.models import ISV
from catalog.accounts.models import Organisation
from catalog.accounts.models import User
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
    user = user_by_email(email)
    if user is None:
        method = current_app.config["PASSWORD_HASH_METHOD"]
        dummy = _DUMMY_HASHES.setdefault(method, generate_password_hash("x", method=method))
        check_password_hash(dummy, password)
        return None
    if not check_password_hash(user.password_hash, password) or not user.active:
        return None
    return user


def create_user(email: str, name: str, password: str, role: str, **links) -> User:
    """Add a user; ``links`` may set ``vendor`` or ``organisation``."""
    user = User(
        email=email.strip().lower(),
        name=name,
        password_hash=hash_password(password),
        role=role,
        **links,
    )
    db.session.add(user)
    db.session.flush()
    return user


def sign_up(email: str, name: str, organisation: str, password: str) -> User:
    """A new customer with a new organisation of which they are the first member."""
    org = Organisation(name=organisation)
    db.session.add(org)
    return create_user(email, name, password, CUSTOMER, organisation=org)


def accept_invite(vendor, email: str, name: str, password: str) -> User:
    """A new ISV member of ``vendor`` from an invitation."""
    return create_user(email, name, password, ISV, vendor=vendor)


def set_password(user: User, password: str) -> None:
    """Replace the user's password (which also ends their other sessions)."""
    user.password_hash = hash_password(password)
    db.session.flush()


def set_role(user: User, role: str, vendor=None) -> None:
    """Give the user a role; ISV members belong to exactly one vendor, others to none."""
    user.role = role
    user.vendor = vendor if role == ISV else None
    db.session.flush()
