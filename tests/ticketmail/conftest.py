"""Fixtures for the ticket e-mail channel: a real SMTP server, tickets, the outbox, ingesting."""

from email import message_from_bytes
from email import policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from catalog.accounts.models import User
from catalog.db import utcnow
from catalog.extensions import db
from catalog.marketplace.models import App
from catalog.support.tickets.models import Ticket
from catalog.support.tickets.operations import open_ticket
from catalog.support.wizard.intake import assess
from catalog.ticketmail.ingest import ingest
from catalog.ticketmail.models import MailOutbox
from tests.mail.conftest import RecordingHandler
from tests.mail.conftest import free_port
from tests.support.conftest import ISV_APP
from tests.support.conftest import add_router_apps

SUPPORT = "support@catalog.test"


class SmtpServer:
    """A real aiosmtpd server on 127.0.0.1 that can be stopped and started again on its port."""

    def __init__(self) -> None:
        self.handler = RecordingHandler()
        self.port = free_port()
        self.controller = None

    def start(self) -> None:
        """Listen (again) on the same port."""
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        """Stop listening: connections are refused until ``start``."""
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def received(self) -> list[EmailMessage]:
        """The messages delivered so far, parsed."""
        return [
            message_from_bytes(e.original_content, policy=policy.default)
            for e in self.handler.envelopes
        ]


@pytest.fixture
def apps(app, world):
    """The world's accounts, with the four apps of tests/support (every outcome of the router)."""
    add_router_apps(app)
    return world


@pytest.fixture
def smtp(app):
    """A running SMTP server, with the app's smtp backend pointed at it."""
    server = SmtpServer()
    server.start()
    app.config.update(
        MAIL_BACKEND="smtp",
        MAIL_SMTP_HOST="127.0.0.1",
        MAIL_SMTP_PORT=server.port,
        MAIL_SMTP_TIMEOUT=5,
        MAIL_FROM=f"Marketplace Support <{SUPPORT}>",
        MAIL_DOMAIN="catalog.test",
    )
    yield server
    server.stop()


def user_id(app, email: str) -> int:
    """The id of the account with this address."""
    with app.app_context():
        return db.session.scalar(select(User.id).where(User.email == email))


def open_request(
    app,
    email: str,
    slug: str = ISV_APP,
    title: str = "Backups stopped",
    text: str = "Since Monday.",
) -> str:
    """Open a ticket the way the wizard does; returns its reference."""
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        target = db.session.scalar(select(App).where(App.slug == slug))
        intake = assess(target, user, 3, "question", utcnow())
        reference = open_ticket(
            intake, user, title, text, utcnow(), app.config["TICKET_REF_PREFIX"]
        ).reference
        db.session.commit()
        return reference


def outbox(app, **where) -> list[MailOutbox]:
    """Outbox rows (detached, loaded), oldest first, filtered by column values."""
    with app.app_context():
        statement = select(MailOutbox).filter_by(**where).order_by(MailOutbox.id)
        rows = list(db.session.scalars(statement))
        db.session.expunge_all()
        return rows


def ticket_of(reference: str) -> Ticket:
    """The ticket with this reference (inside an app context)."""
    return db.session.scalar(select(Ticket).where(Ticket.reference == reference))


def deliver(app, raw: bytes | str, recipients: tuple[str, ...] = ()) -> tuple[str, str]:
    """Ingest one raw message; returns (status, detail)."""
    if isinstance(raw, str):
        raw = raw.encode()
    with app.app_context():
        outcome = ingest(raw, recipients)
        return outcome.status, outcome.detail


def mail(sender: str, subject: str, body: str = "Hello", **headers) -> EmailMessage:
    """A plain-text message; ``headers`` use underscores for dashes (In_Reply_To=…)."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = SUPPORT
    message["Subject"] = subject
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return message


TRUSTED_MX = "mx.catalog.test"
"""The authserv-id of "our" mail server in these tests (``trust_mx`` configures it)."""


@pytest.fixture
def trust_mx(app):
    """Trust Authentication-Results headers written by ``TRUSTED_MX``."""
    app.config["MAIL_TRUSTED_AUTHSERV_IDS"] = [TRUSTED_MX]
    return TRUSTED_MX


def auth_results(sender: str, result: str = "dkim=pass", authserv_id: str = TRUSTED_MX) -> str:
    """An Authentication-Results value for ``sender``'s domain (``result`` e.g. "spf=fail")."""
    domain = sender.rsplit("@", 1)[-1].strip(">").lower()
    method = result.split("=", 1)[0]
    prop = "smtp.mailfrom" if method == "spf" else "header.d"
    return f"{authserv_id}; {result} {prop}={domain}"


def vouched(message: EmailMessage, result: str = "dkim=pass") -> bytes:
    """The message as our mail server delivers it: its Authentication-Results header on top."""
    sender = message["From"].addresses[0].addr_spec
    return f"Authentication-Results: {auth_results(sender, result)}\r\n".encode() + bytes(
        message.as_bytes()
    )


def reply_address(app, email: str, reference: str) -> str:
    """The Reply-To of the newest notification to ``email`` about the ticket (its reply token)."""
    with app.app_context():
        ticket_id = ticket_of(reference).id
    rows = [row for row in outbox(app, ticket_id=ticket_id) if row.recipients == [email]]
    message = message_from_bytes(rows[-1].raw, policy=policy.default)
    return message["Reply-To"].addresses[0].addr_spec


def reply(app, email: str, reference: str, subject: str, body: str = "Hello", **headers):
    """A reply by ``email`` to the ticket's notification, sent to its reply address."""
    message = mail(email, subject, body, **headers)
    del message["To"]
    message["To"] = reply_address(app, email, reference)
    return message
