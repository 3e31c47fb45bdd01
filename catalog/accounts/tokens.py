"""Signed, expiring tokens for e-mailed links: password reset, vendor invitations, addresses.

A reset token is signed with a salt that contains the user's current password hash, so it dies
as soon as the password changes (a used link cannot be used again). An invitation names the
vendor and the e-mail address; it dies once an account with that address exists. An address
confirmation names the user and the address; it confirms nothing once the address changed. An
organisation invitation names only its row, which says whether it was used, withdrawn or expired.
"""

from flask import current_app
from itsdangerous import BadSignature
from itsdangerous import URLSafeTimedSerializer

RESET_SALT = "password-reset:"
INVITE_SALT = "vendor-invite"
VERIFY_SALT = "verify-email"


def _serializer(salt: str) -> URLSafeTimedSerializer:
    """A serializer keyed by the app's secret key."""
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def reset_token(user) -> str:
    """A password-reset token for this user, valid until the password changes or it expires."""
    return _serializer(RESET_SALT + user.password_hash).dumps(user.id)


def reset_token_user_id(token: str) -> int | None:
    """The user id a reset token claims, not yet verified (to find the hash to verify with)."""
    valid, payload = _serializer(RESET_SALT).loads_unsafe(token)
    return payload if isinstance(payload, int) else None


def verify_reset_token(token: str, user) -> bool:
    """Whether the token is a live reset token for this user."""
    try:
        payload = _serializer(RESET_SALT + user.password_hash).loads(
            token, max_age=current_app.config["PASSWORD_RESET_MAX_AGE"]
        )
    except BadSignature:
        return False
    return payload == user.id


def invite_token(vendor_id: int, email: str) -> str:
    """An invitation for ``email`` to join a vendor."""
    return _serializer(INVITE_SALT).dumps({"vendor": vendor_id, "email": email.lower()})


def read_invite(token: str) -> dict | None:
    """The invitation's {"vendor", "email"}, or None when invalid or expired."""
    try:
        data = _serializer(INVITE_SALT).loads(token, max_age=current_app.config["INVITE_MAX_AGE"])
    except BadSignature:
        return None
    if (
        not isinstance(data, dict)
        or not isinstance(data.get("vendor"), int)
        or not isinstance(data.get("email"), str)
    ):
        return None
    return data


def verify_token(user) -> str:
    """A link token that confirms the user's current e-mail address."""
    return _serializer(VERIFY_SALT).dumps({"user": user.id, "email": user.email})


def read_verify_token(token: str) -> dict | None:
    """The confirmation's {"user", "email"}, or None when invalid or expired."""
    return _user_and_address(VERIFY_SALT, token)


def _user_and_address(salt: str, token: str) -> dict | None:
    """A token's {"user", "email"} under ``salt``, or None when forged, malformed or older than
    the address confirmation's age (EMAIL_VERIFY_MAX_AGE)."""
    try:
        data = _serializer(salt).loads(token, max_age=current_app.config["EMAIL_VERIFY_MAX_AGE"])
    except BadSignature:
        return None
    if (
        not isinstance(data, dict)
        or not isinstance(data.get("user"), int)
        or not isinstance(data.get("email"), str)
    ):
        return None
    return data


ORGANISATION_INVITE_SALT = "organisation-invite"
# An invitation to an organisation works for a week (ORGANISATION_INVITE_MAX_AGE overrides);
# the expiry is stored on the invitation's row when it is made.
ORGANISATION_INVITE_MAX_AGE = 7 * 24 * 60 * 60


def organisation_invite_token(invitation_id: int) -> str:
    """A link token naming an organisation invitation's row (address, role and state live there)."""
    return _serializer(ORGANISATION_INVITE_SALT).dumps({"invitation": invitation_id})


def read_organisation_invite(token: str) -> int | None:
    """The invitation id a genuine token names, or None when forged or malformed.

    No age check here: the row knows when it expires, so the page can say "expired" rather than
    "invalid".
    """
    try:
        data = _serializer(ORGANISATION_INVITE_SALT).loads(token)
    except BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("invitation"), int):
        return None
    return data["invitation"]


ACCOUNT_INVITE_SALT = "account-invite:"
# An admin's invitation to a new account works for a week (ACCOUNT_INVITE_MAX_AGE overrides).
ACCOUNT_INVITE_MAX_AGE = 7 * 24 * 60 * 60


def account_invite_token(user) -> str:
    """A link token with which an invited user chooses their first password.

    Like a reset token it is bound to the current password hash, so it dies once used.
    """
    return _serializer(ACCOUNT_INVITE_SALT + user.password_hash).dumps(user.id)


def account_invite_user_id(token: str) -> int | None:
    """The user id an account invitation claims, not yet verified."""
    valid, payload = _serializer(ACCOUNT_INVITE_SALT).loads_unsafe(token)
    return payload if isinstance(payload, int) else None


def verify_account_invite_token(token: str, user) -> bool:
    """Whether the token is a live account invitation for this user."""
    max_age = current_app.config.get("ACCOUNT_INVITE_MAX_AGE", ACCOUNT_INVITE_MAX_AGE)
    try:
        payload = _serializer(ACCOUNT_INVITE_SALT + user.password_hash).loads(
            token, max_age=max_age
        )
    except BadSignature:
        return False
    return payload == user.id


EMAIL_CHANGE_SALT = "change-email"


def email_change_token(user, new_email: str) -> str:
    """A link token that moves the user to ``new_email`` (mailed to that address)."""
    return _serializer(EMAIL_CHANGE_SALT).dumps({"user": user.id, "email": new_email.lower()})


def read_email_change_token(token: str) -> dict | None:
    """The change's {"user", "email"}, or None when forged, malformed or expired (the address
    confirmation's age)."""
    return _user_and_address(EMAIL_CHANGE_SALT, token)
