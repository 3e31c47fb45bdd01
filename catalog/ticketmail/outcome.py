"""What became of an inbound message."""

from dataclasses import dataclass

from catalog.support.tickets.models import Ticket


@dataclass(frozen=True)
class Outcome:
    """What became of a message: stored, opened, held, bounced, quarantined, ignored, duplicate."""

    status: str
    detail: str = ""
    ticket: Ticket | None = None
    excerpt: str = ""
    """The start of the text of a quarantined message, for staff."""
