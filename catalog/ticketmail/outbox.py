"""Outbox rows through their life: claim atomically, then settle as sent, retried or failed.

Each function flushes; the worker commits around the network call, because a claim must be
durable before the message leaves, and the result durable before the next claim.
"""

from datetime import datetime
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy import update

from catalog.extensions import db
from catalog.mail.transport import MailSendError
from catalog.ticketmail.models import MailOutbox


def due_ids(now: datetime, limit: int, only: list[int] | None = None) -> list[int]:
    """Pending rows whose next attempt is due, oldest first (only among ``only`` if given)."""
    statement = select(MailOutbox.id).where(
        MailOutbox.status == "pending", MailOutbox.next_attempt_at <= now
    )
    if only is not None:
        statement = statement.where(MailOutbox.id.in_(only))
    return list(db.session.scalars(statement.order_by(MailOutbox.id).limit(limit)))


def claim(row_id: int, now: datetime) -> bool:
    """Take a pending row for sending; False when another sender took it first."""
    statement = (
        update(MailOutbox)
        .where(
            MailOutbox.id == row_id,
            MailOutbox.status == "pending",
            MailOutbox.next_attempt_at <= now,
        )
        .values(status="sending", claimed_at=now, attempts=MailOutbox.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    return db.session.execute(statement).rowcount == 1


def mark_sent(row: MailOutbox, now: datetime) -> None:
    """The server accepted the message: never send it again."""
    row.status, row.sent_at, row.last_error = "sent", now, None
    db.session.flush()


def backoff(attempts: int, base: float, cap: float) -> timedelta:
    """The wait before the next attempt: ``base × 2^(attempts-1)``, at most ``cap`` seconds."""
    return timedelta(seconds=min(cap, base * 2 ** max(0, attempts - 1)))


def mark_failed_attempt(row: MailOutbox, error: MailSendError, now: datetime, policy: dict) -> None:
    """Retry after a temporary error; give up (``failed``) on a permanent one or the last try."""
    row.last_error = str(error)[:2000]
    if error.retryable and row.attempts < policy["MAIL_MAX_ATTEMPTS"]:
        row.status = "pending"
        row.next_attempt_at = now + backoff(
            row.attempts, policy["MAIL_RETRY_BASE_SECONDS"], policy["MAIL_RETRY_MAX_SECONDS"]
        )
    else:
        row.status = "failed"
        if error.retryable:
            row.last_error = f"gave up after {row.attempts} attempts: {row.last_error}"
    db.session.flush()


def fail_abandoned(now: datetime, timeout: timedelta) -> int:
    """Fail rows a sender claimed and never settled (it died mid-send).

    The message may or may not have left; failing it with the reason, rather than sending it
    again, keeps the promise that nothing is sent twice. ``flask mail retry ID`` requeues it.
    """
    statement = (
        update(MailOutbox)
        .where(MailOutbox.status == "sending", MailOutbox.claimed_at < now - timeout)
        .values(
            status="failed",
            last_error="the sender stopped while sending; it may or may not have gone out",
        )
        .execution_options(synchronize_session=False)
    )
    return db.session.execute(statement).rowcount


def requeue(row_ids: list[int], now: datetime) -> int:
    """Put failed rows back in the queue (an operator's decision after fixing the cause)."""
    statement = (
        update(MailOutbox)
        .where(MailOutbox.id.in_(row_ids), MailOutbox.status == "failed")
        .values(status="pending", next_attempt_at=now, attempts=0)
        .execution_options(synchronize_session=False)
    )
    return db.session.execute(statement).rowcount
