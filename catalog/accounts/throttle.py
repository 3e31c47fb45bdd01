"""Throttling of failed logins per account and per remote address.

A failure is a row in ``login_failure``; an account (or an address) with too many failures in
the window is refused until the oldest of them leaves it. ``now`` is passed in, so tests use real
time arithmetic without sleeping.
"""

from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta

from sqlalchemy import delete
from sqlalchemy import func
from sqlalchemy import select

from catalog.accounts.models import LoginFailure
from catalog.extensions import db


@dataclass(frozen=True)
class Limits:
    """How many failures are allowed in how long."""

    per_account: int
    per_address: int
    window: timedelta

    @classmethod
    def from_config(cls, config) -> "Limits":
        """Read the limits from the app configuration."""
        return cls(
            per_account=config["LOGIN_FAILURES_PER_ACCOUNT"],
            per_address=config["LOGIN_FAILURES_PER_ADDRESS"],
            window=timedelta(minutes=config["LOGIN_FAILURE_WINDOW_MINUTES"]),
        )


def _count(column, value: str, since: datetime) -> int:
    """Failures with ``column == value`` since a moment."""
    statement = select(func.count(LoginFailure.id)).where(column == value, LoginFailure.at > since)
    return db.session.scalar(statement) or 0


def is_throttled(email: str, address: str, now: datetime, limits: Limits) -> bool:
    """Whether this account or this address has failed too often within the window."""
    since = now - limits.window
    return (
        _count(LoginFailure.email, email.lower(), since) >= limits.per_account
        or _count(LoginFailure.address, address, since) >= limits.per_address
    )


def record_failure(email: str, address: str, now: datetime, limits: Limits) -> None:
    """Remember a failed login and forget failures older than the window; flush, no commit."""
    db.session.execute(delete(LoginFailure).where(LoginFailure.at <= now - limits.window))
    db.session.add(LoginFailure(email=email.lower()[:254], address=address[:64], at=now))
    db.session.flush()


def clear_account(email: str) -> None:
    """Forget an account's failures after it logs in successfully; flush, no commit."""
    db.session.execute(delete(LoginFailure).where(LoginFailure.email == email.lower()))
