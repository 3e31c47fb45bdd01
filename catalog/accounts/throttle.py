"""Throttling of login attempts per account and per remote address, counted atomically.

Every attempt is counted *before* its password is checked, by a conditional
``UPDATE … SET attempts = attempts + 1 WHERE attempts < limit`` on one row per account and one
per address (``login_throttle``). The database serialises updates of a row, so of N parallel
attempts at most ``limit`` pass, whatever the timing; the rest are refused without a password
check. The count commits on its own connection at once (see :func:`reserve`), so parallel
requests see it. A successful login takes its attempt back (:func:`forget`). A window starts
with the first attempt counted after the previous one ended. ``now`` is passed in, so tests use
real time arithmetic without sleeping.
"""

from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta

from sqlalchemy import delete
from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from catalog.accounts.models import LoginThrottle
from catalog.extensions import db


@dataclass(frozen=True)
class Limits:
    """How many attempts are allowed in how long."""

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


class _OverLimit(Exception):
    """An attempt that the account's or the address's count refuses (rolls the count back)."""


def account_key(email: str) -> str:
    """The throttle key of an account."""
    return "account:" + email.strip().lower()[:254]


def address_key(address: str) -> str:
    """The throttle key of a remote address."""
    return "address:" + address[:64]


def _ensure_row(connection, key: str, now: datetime) -> None:
    """Create the key's row if it is missing (a no-op when a parallel attempt made it)."""
    insert = postgresql_insert if connection.dialect.name == "postgresql" else sqlite_insert
    statement = insert(LoginThrottle).values(key=key, window_start=now, attempts=0)
    connection.execute(statement.on_conflict_do_nothing(index_elements=["key"]))


def _take(connection, key: str, limit: int) -> bool:
    """Count one attempt unless the key is at its limit; one conditional UPDATE."""
    statement = (
        update(LoginThrottle)
        .where(LoginThrottle.key == key, LoginThrottle.attempts < limit)
        .values(attempts=LoginThrottle.attempts + 1)
    )
    return connection.execute(statement).rowcount == 1


def reserve(email: str, address: str, now: datetime, limits: Limits) -> bool:
    """Count an attempt for the account and the address; False (nothing counted) over a limit.

    This commits on a connection of its own, outside the request's unit of work: a count that
    parallel attempts could not see until the request ends would let them all through.
    """
    since = now - limits.window
    keys = ((account_key(email), limits.per_account), (address_key(address), limits.per_address))
    try:
        with db.engine.begin() as connection:
            # Ended windows go (so sprayed keys do not pile up), and the key starts afresh.
            connection.execute(delete(LoginThrottle).where(LoginThrottle.window_start <= since))
            for key, limit in keys:
                _ensure_row(connection, key, now)
                if not _take(connection, key, limit):
                    raise _OverLimit(key)
    except _OverLimit:
        return False
    return True


def forget(email: str, address: str) -> None:
    """After a successful login: clear the account's count and give the address its attempt
    back (a login is not a failure); flush, no commit."""
    db.session.execute(delete(LoginThrottle).where(LoginThrottle.key == account_key(email)))
    db.session.execute(
        update(LoginThrottle)
        .where(LoginThrottle.key == address_key(address), LoginThrottle.attempts > 0)
        .values(attempts=LoginThrottle.attempts - 1)
    )
