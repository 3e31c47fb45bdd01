"""The sender: one pass over the due outbox rows, or passes in a loop until told to stop.

Each step is its own unit of work (``catalog.unitofwork``): the claim commits before the
message leaves (another sender then skips the row), the result right after. A mail server that
cannot be reached ends the pass early; the rows not tried stay pending and keep their attempts.
"""

import threading
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from datetime import timedelta
from email.parser import BytesParser

from flask import current_app

from catalog.db import utcnow
from catalog.extensions import db
from catalog.mail.transport import MailSendError
from catalog.mail.transport import TemporarySendError
from catalog.notify import deliver
from catalog.ticketmail import outbox
from catalog.ticketmail.models import MailOutbox
from catalog.ticketmail.notifications import RAW_POLICY
from catalog.unitofwork import unit_of_work

BATCH = 200


@dataclass
class PassResult:
    """What one pass did."""

    sent: int = 0
    retrying: int = 0
    failed: int = 0
    taken_elsewhere: int = 0
    abandoned: int = 0
    stopped: str | None = None
    errors: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One line for the command's output."""
        text = f"{self.sent} sent, {self.retrying} to retry, {self.failed} failed"
        if self.abandoned:
            text += f", {self.abandoned} abandoned by a stopped sender"
        return text + (f"; stopped early: {self.stopped}" if self.stopped else "")


def _deliver_row(row: MailOutbox) -> None:
    """Send the stored bytes of a row; any failure comes out as ``MailSendError``."""
    message = BytesParser(policy=RAW_POLICY).parsebytes(row.raw)
    try:
        deliver(message)
    except MailSendError:
        raise
    except Exception as error:
        current_app.logger.exception("mail backend failed on outbox row %s", row.id)
        raise TemporarySendError(f"{type(error).__name__}: {error}") from error


def _send_one(row_id: int, now: datetime, result: PassResult) -> bool:
    """Send one claimed row and settle it; False when the server is unreachable."""
    row = db.session.get(MailOutbox, row_id)
    try:
        _deliver_row(row)
    except MailSendError as error:
        outbox.mark_failed_attempt(row, error, now, current_app.config)
        result.errors.append(f"#{row_id}: {error}")
        if row.status == "failed":
            result.failed += 1
        else:
            result.retrying += 1
        return not (error.retryable and error.smtp_code is None)
    outbox.mark_sent(row, utcnow())
    result.sent += 1
    return True


def send_pass(
    now: datetime | None = None, only: list[int] | None = None, limit: int = BATCH
) -> PassResult:
    """Send every due row once (or only the rows in ``only``); return what happened."""
    now = now or utcnow()
    result = PassResult()
    timeout = timedelta(seconds=current_app.config["MAIL_CLAIM_TIMEOUT_SECONDS"])
    with unit_of_work():
        result.abandoned = outbox.fail_abandoned(now, timeout)
    for row_id in outbox.due_ids(now, limit, only):
        with unit_of_work():
            claimed = outbox.claim(row_id, now)
        if not claimed:
            result.taken_elsewhere += 1
            continue
        with unit_of_work():
            reachable = _send_one(row_id, now, result)
        if not reachable:
            result.stopped = "the mail server cannot be reached"
            break
    return result


def send_rows(row_ids: list[int], now: datetime) -> PassResult:
    """Try to send just these rows now (right after the request that wrote them)."""
    return send_pass(now, only=row_ids)


def run(interval: float, stop: threading.Event, report=None) -> None:
    """Run passes every ``interval`` seconds until ``stop`` is set."""
    while not stop.is_set():
        try:
            result = send_pass()
        except Exception:
            db.session.rollback()
            current_app.logger.exception("sender pass failed")
        else:
            if report and (result.sent or result.retrying or result.failed or result.abandoned):
                report(result)
        db.session.remove()
        stop.wait(interval)
