"""Outgoing e-mail behind one function, ``send_mail``; the backend is chosen by configuration.

``MAIL_BACKEND = "console"`` (default) writes the message to stderr and the log, ``"file"`` writes
one ``.eml`` file per message into ``MAIL_FILE_DIR`` (tests read links from there). The e-mail
issue adds SMTP behind the same function.
"""
import sys
import uuid
from email.message import EmailMessage
from email.utils import formatdate
from email.utils import make_msgid
from pathlib import Path

from flask import current_app


def build_message(to: str, subject: str, text: str) -> EmailMessage:
    """A plain-text message from the configured sender."""
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="catalog.invalid")
    message.set_content(text)
    return message


def _console(message: EmailMessage) -> None:
    """Print the message readably to stderr (decoded, so links are whole) and log it."""
    headers = "\n".join(f"{name}: {value}" for name, value in message.items() if name != "Content-Transfer-Encoding")
    body = message.get_body(("plain",))
    print(f"{headers}\n\n{body.get_content() if body else ''}", file=sys.stderr)
    current_app.logger.info("mail to %s: %s", message["To"], message["Subject"])


def _file(message: EmailMessage) -> None:
    """Write the message as an .eml file into MAIL_FILE_DIR."""
    folder = Path(current_app.config["MAIL_FILE_DIR"] or Path(current_app.instance_path) / "mail")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{uuid.uuid4().hex}.eml").write_bytes(message.as_bytes())


BACKENDS = {"console": _console, "file": _file}


def send_mail(to: str, subject: str, text: str) -> None:
    """Send a plain-text e-mail through the configured backend."""
    backend = BACKENDS[current_app.config["MAIL_BACKEND"]]
    backend(build_message(to, subject, text))
