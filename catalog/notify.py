"""Outgoing e-mail behind one function, ``deliver``; the backend is chosen by configuration.

``MAIL_BACKEND = "console"`` (default) writes the message to stderr and the log, ``"file"`` writes
one ``.eml`` file per message into ``MAIL_FILE_DIR`` (tests read links from there) and ``"smtp"``
sends it through ``MAIL_SMTP_HOST`` (see ``catalog.mail.transport``). ``send_mail`` sends account
mail (password resets, invitations) at once; ticket notifications go through the outbox
(``catalog.ticketmail``), whose sender calls ``deliver`` after the commit.
"""

import sys
import threading
from email.message import EmailMessage
from email.utils import formatdate
from pathlib import Path

from flask import current_app

from catalog.mail.ids import make_message_id
from catalog.mail.transport import MailSendError
from catalog.mail.transport import send
from catalog.mail.transport import write_to_folder
from catalog.ticketmail.settings import message_id_domain
from catalog.ticketmail.settings import smtp_settings


def build_message(to: str, subject: str, text: str) -> EmailMessage:
    """A plain-text message from the configured sender."""
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_message_id(message_id_domain())
    message.set_content(text)
    return message


def _console(message: EmailMessage) -> None:
    """Print the message readably to stderr (decoded, so links are whole) and log it."""
    headers = "\n".join(
        f"{name}: {value}" for name, value in message.items() if name != "Content-Transfer-Encoding"
    )
    body = message.get_body(("plain",))
    print(f"{headers}\n\n{body.get_content() if body else ''}", file=sys.stderr)
    current_app.logger.info("mail to %s: %s", message["To"], message["Subject"])


def _file(message: EmailMessage) -> None:
    """Write the message as an .eml file into MAIL_FILE_DIR."""
    write_to_folder(
        message, current_app.config["MAIL_FILE_DIR"] or Path(current_app.instance_path) / "mail"
    )


def _smtp(message: EmailMessage) -> None:
    """Send the message through the configured SMTP server (raises ``MailSendError``)."""
    refused = send(message, smtp_settings())
    if refused:
        current_app.logger.warning(
            "mail %s: recipients refused: %s", message["Message-ID"], refused
        )


BACKENDS = {"console": _console, "file": _file, "smtp": _smtp}


def deliver(message: EmailMessage) -> None:
    """Hand a composed message to the configured backend; ``MailSendError`` when it fails."""
    BACKENDS[current_app.config["MAIL_BACKEND"]](message)


def send_mail(to: str, subject: str, text: str) -> bool:
    """Send a plain-text e-mail now; a failure is logged, never raised (False)."""
    try:
        deliver(build_message(to, subject, text))
    except MailSendError as error:
        current_app.logger.error("could not send %r to %s: %s", subject, to, error)
        return False
    return True


def send_mail_soon(to: str, subject: str, text: str) -> None:
    """Send an account mail without making the request wait for the mail server.

    With ``MAIL_ACCOUNT_IN_BACKGROUND`` (the default) the message leaves from a thread of its
    own, so the answer to a sign-up or a reset request takes as long whether or not a mail is
    sent — its timing does not tell whether an address has an account. A failure is logged.
    """
    message = build_message(to, subject, text)
    if not current_app.config["MAIL_ACCOUNT_IN_BACKGROUND"]:
        _deliver_logged(message)
        return
    app = current_app._get_current_object()
    threading.Thread(
        target=_deliver_in, args=(app, message), name="account-mail", daemon=True
    ).start()


def _deliver_in(app, message: EmailMessage) -> None:
    """Thread body: deliver ``message`` inside an app context."""
    with app.app_context():
        _deliver_logged(message)


def _deliver_logged(message: EmailMessage) -> None:
    """Deliver ``message``; log, never raise, any failure."""
    try:
        deliver(message)
    except Exception:  # a mail failure must never fail the request or the thread
        current_app.logger.exception("could not send %r to %s", message["Subject"], message["To"])
