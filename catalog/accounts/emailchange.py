"""Changing one's e-mail address: the new address proves itself before it replaces the old.

The request stores ``User.pending_email`` and mails a signed link to the new address; opening it
while signed in as that user makes the change, and the old address is told. No other account
may hold the address, checked when asked and again when confirmed.
"""

from datetime import datetime

from flask import render_template
from sqlalchemy import func
from sqlalchemy import select

from catalog.accounts import tokens
from catalog.accounts.models import User
from catalog.extensions import db
from catalog.links import external_url
from catalog.ticketmail.letters import queue_letter

TAKEN = "Another account uses that address; choose a different one."


def address_taken(email: str, user: User) -> bool:
    """Whether an account other than ``user``'s holds ``email``."""
    statement = select(func.count(User.id)).where(
        User.email == email.strip().lower(), User.id != user.id
    )
    return db.session.scalar(statement) > 0


def request_change(user: User, new_email: str, now: datetime) -> None:
    """Note the new address and mail its confirmation link there (flushes)."""
    user.pending_email = new_email.strip().lower()
    link = external_url(
        "accounts.confirm_email_change", token=tokens.email_change_token(user, user.pending_email)
    )
    text = render_template(
        "accounts/mail/email_change.txt", user=user, new_email=user.pending_email, link=link
    )
    queue_letter(
        "email-change",
        user.pending_email,
        "Confirm your new address for the Support Catalog",
        text,
        now,
    )
    db.session.flush()


def cancel_change(user: User) -> None:
    """Forget a pending change: its link no longer changes anything (flushes)."""
    user.pending_email = None
    db.session.flush()


def confirm_change(user: User, data: dict, now: datetime) -> str | None:
    """Make the change a token names; returns why not (None: done). The old address is told."""
    if data["user"] != user.id or user.pending_email != data["email"]:
        return (
            "This link is not for a change your account is waiting for "
            "(it was cancelled or replaced by a newer one)."
        )
    if address_taken(data["email"], user):
        return TAKEN
    old, user.email = user.email, data["email"]
    user.pending_email = None
    user.email_verified_at = now
    text = render_template(
        "accounts/mail/email_changed.txt",
        user=user,
        old_email=old,
        new_email=user.email,
        link=external_url("accounts.reset_request"),
    )
    queue_letter("email-changed", old, "Your Support Catalog address was changed", text, now)
    db.session.flush()
    return None
