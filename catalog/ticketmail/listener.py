"""An SMTP or LMTP listener (aiosmtpd) that ingests every message delivered to it.

Each delivery runs in a worker thread with its own application context and transaction, so a
slow database never blocks the listener's event loop. Only a temporary failure (the database
away or locked, ``ingest.is_temporary``) answers ``451``, so the delivering server keeps the
message and tries again; mail we will never take answers a permanent ``550`` (not a message, or
nested too deeply to read) or ``554`` (any other failure: retrying the same bytes would fail the
same way forever). LMTP gets one answer per recipient, as RFC 2033 requires.
"""

import asyncio

from aiosmtpd.controller import Controller
from aiosmtpd.lmtp import LMTP
from aiosmtpd.smtp import SMTP
from flask import Flask

from catalog.extensions import db
from catalog.mail.inbound import MailParseError
from catalog.ticketmail.ingest import ingest
from catalog.ticketmail.ingest import is_temporary


class IngestHandler:
    """aiosmtpd handler: hand each message to ``ingest`` inside ``app``."""

    def __init__(self, app: Flask) -> None:
        self.app = app

    def deliver(self, content: bytes, recipients: tuple[str, ...]) -> str:
        """Ingest one message in its own app context; return the SMTP reply."""
        with self.app.app_context():
            try:
                outcome = ingest(content, recipients)
            except MailParseError as error:
                return f"550 5.6.0 not an e-mail message we can read: {error}"
            except Exception as error:
                db.session.rollback()
                self.app.logger.exception("could not ingest a delivered message")
                if is_temporary(error):
                    return "451 4.3.0 could not store the message now; try again later"
                return "554 5.3.0 this message cannot be processed; it will not be retried"
            self.app.logger.info("inbound mail %s: %s", outcome.status, outcome.detail)
            return f"250 2.0.0 {outcome.status}"

    async def handle_DATA(self, server, session, envelope) -> str:
        """Ingest the message off the event loop; answer once per recipient for LMTP."""
        content = envelope.original_content or envelope.content
        if isinstance(content, str):
            content = content.encode("utf-8", "surrogateescape")
        recipients = tuple(address.lower() for address in envelope.rcpt_tos)
        reply = await asyncio.get_running_loop().run_in_executor(
            None, self.deliver, content, recipients
        )
        if isinstance(server, LMTP):
            return "\r\n".join([reply] * max(1, len(recipients)))
        return reply


class IngestController(Controller):
    """A Controller that speaks SMTP or LMTP with a size limit."""

    def __init__(self, app: Flask, hostname: str, port: int, lmtp: bool = False) -> None:
        self.lmtp = lmtp
        limit = int(app.config["MAIL_INBOUND_MAX_BYTES"])
        super().__init__(
            IngestHandler(app),
            hostname=hostname,
            port=port,
            data_size_limit=limit,
            ident="Support Catalog mail listener",
        )

    def factory(self) -> SMTP:
        """The protocol server for one connection."""
        server_class = LMTP if self.lmtp else SMTP
        return server_class(self.handler, **self.SMTP_kwargs)
