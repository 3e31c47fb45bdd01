"""Deliver composed messages: SMTP for real, a folder or a stream for development.

``send`` raises ``MailSendError``; its subclass says whether a retry can help:
``TemporarySendError`` (connection refused or dropped, timeouts, DNS, SMTP 4xx) or
``PermanentSendError`` (SMTP 5xx, TLS certificate or configuration errors). Recipients refused
while others were accepted are returned, not raised: the message went out, and retrying it
would send it twice.
"""

import hashlib
import os
import smtplib
import ssl
import tempfile
from dataclasses import dataclass
from datetime import UTC
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Literal


class MailSendError(Exception):
    """Sending failed; ``retryable`` tells the outbox whether to try again later."""

    retryable: bool = False

    def __init__(self, message: str, smtp_code: int | None = None) -> None:
        super().__init__(message)
        self.smtp_code = smtp_code


class TemporarySendError(MailSendError):
    """Sending failed for now (server down, timeout, 4xx); retry later."""

    retryable = True


class PermanentSendError(MailSendError):
    """Sending cannot succeed as is (5xx, bad credentials, TLS trust); do not retry."""

    retryable = False


@dataclass(frozen=True)
class SmtpSettings:
    """How to reach the SMTP server."""

    host: str = "localhost"
    port: int = 25
    security: Literal["none", "starttls", "ssl"] = "none"
    username: str | None = None
    password: str | None = None
    timeout: float = 30.0
    envelope_sender: str | None = None
    """Bounce address for MAIL FROM; defaults to the message's From."""


def _error_for_code(code: int, text: str) -> MailSendError:
    kind = TemporarySendError if 400 <= code < 500 else PermanentSendError
    return kind(f"SMTP server answered {code}: {text}", smtp_code=code)


def _smtp_text(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)


def _deliver(message: EmailMessage, settings: SmtpSettings) -> dict[str, tuple[int, bytes]]:
    context = ssl.create_default_context()
    if settings.security == "ssl":
        client = smtplib.SMTP_SSL(
            settings.host, settings.port, timeout=settings.timeout, context=context
        )
    else:
        client = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    with client:
        if settings.security == "starttls":
            client.starttls(context=context)
        if settings.username:
            client.login(settings.username, settings.password or "")
        return client.send_message(message, from_addr=settings.envelope_sender)


def send(message: EmailMessage, settings: SmtpSettings) -> dict[str, tuple[int, bytes]]:
    """Send ``message`` over SMTP; return refused recipients, or raise ``MailSendError``."""
    if settings.security not in {"none", "starttls", "ssl"}:
        raise PermanentSendError(f"unknown SMTP security setting {settings.security!r}")
    try:
        return _deliver(message, settings)
    except smtplib.SMTPRecipientsRefused as error:
        codes = [code for code, _ in error.recipients.values()]
        retryable = all(400 <= code < 500 for code in codes)
        kind = TemporarySendError if retryable else PermanentSendError
        message = f"all recipients refused: {error.recipients}"
        raise kind(message, max(codes, default=None)) from error
    except smtplib.SMTPResponseException as error:
        raise _error_for_code(error.smtp_code, _smtp_text(error.smtp_error)) from error
    except smtplib.SMTPServerDisconnected as error:
        raise TemporarySendError(f"SMTP server disconnected: {error}") from error
    except smtplib.SMTPException as error:
        raise PermanentSendError(f"SMTP configuration problem: {error}") from error
    except ssl.SSLCertVerificationError as error:
        raise PermanentSendError(f"TLS certificate not trusted: {error}") from error
    except OSError as error:
        raise TemporarySendError(
            f"cannot reach SMTP server {settings.host}:{settings.port}: {error}"
        ) from error


def write_to_folder(message: EmailMessage, folder: str | os.PathLike) -> Path:
    """Write ``message`` as a new ``.eml`` file in ``folder`` (atomically); return its path."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    digest = hashlib.sha256(str(message.get("Message-ID", "")).encode()).hexdigest()[:12]
    target = folder / f"{stamp}-{digest}.eml"
    handle, temporary = tempfile.mkstemp(dir=folder, suffix=".tmp")
    with os.fdopen(handle, "wb") as stream:
        stream.write(message.as_bytes())
    os.replace(temporary, target)
    return target
