"""The unit of work for one delivered message: receive it and commit, once.

Used by ``flask mail ingest`` and by each delivery to the listener. Two deliveries of the same
message at the same moment both pass the "seen before?" check; the unique Message-ID of the
inbound log lets only one commit, and the other is then answered as a duplicate.
"""

from sqlalchemy.exc import IntegrityError
from sqlalchemy.exc import InterfaceError
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from catalog.db import utcnow
from catalog.ticketmail.outcome import Outcome
from catalog.ticketmail.receive import receive
from catalog.unitofwork import unit_of_work


def ingest(raw: bytes, envelope_recipients: tuple[str, ...] = ()) -> Outcome:
    """Receive one raw message and commit what it caused; ``MailParseError`` for non-mail."""
    for attempt in range(2):
        try:
            with unit_of_work():
                outcome = receive(raw, utcnow(), envelope_recipients)
        except IntegrityError:
            if attempt:
                raise
        else:
            return outcome
    raise AssertionError("unreachable")


TEMPORARY = (OperationalError, InterfaceError, IntegrityError, PoolTimeout, OSError)
"""Failures a later delivery can get past: the database away, locked, racing, or full."""


def is_temporary(error: BaseException) -> bool:
    """True when retrying the same message later may succeed (the database, not the mail)."""
    return isinstance(error, TEMPORARY)
