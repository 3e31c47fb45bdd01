"""Read the mail configuration into the mail core's settings objects."""

import hashlib
from email.headerregistry import Address
from email.utils import parseaddr

from flask import current_app

from catalog.mail.inbound import ParseLimits
from catalog.mail.outbound import sender_address
from catalog.mail.transport import SmtpSettings
from catalog.ticketmail.models import MESSAGE_ID_LENGTH


def smtp_settings() -> SmtpSettings:
    """The SMTP server of the ``smtp`` backend."""
    config = current_app.config
    return SmtpSettings(
        host=config["MAIL_SMTP_HOST"],
        port=int(config["MAIL_SMTP_PORT"]),
        security=config["MAIL_SMTP_SECURITY"],
        username=config["MAIL_SMTP_USERNAME"],
        password=config["MAIL_SMTP_PASSWORD"],
        timeout=float(config["MAIL_SMTP_TIMEOUT"]),
    )


def from_address() -> Address:
    """The From of ticket notifications (the address replies come back to)."""
    name, address = parseaddr(current_app.config["MAIL_FROM"] or current_app.config["MAIL_SENDER"])
    return sender_address(name or "Support", address)


def message_id_domain() -> str:
    """The domain of the Message-IDs we generate."""
    return current_app.config["MAIL_DOMAIN"] or from_address().domain or "catalog.invalid"


def reference_prefixes() -> list[str]:
    """Every ticket reference prefix ever used, the current one included."""
    config = current_app.config
    return list(
        dict.fromkeys([config["TICKET_REF_PREFIX"], *(config["TICKET_REF_PREFIXES"] or [])])
    )


def parse_limits() -> ParseLimits:
    """Attachment limits of inbound mail: the same as for attachments on the ticket page."""
    config = current_app.config
    size, count = config["TICKET_ATTACHMENT_MAX_BYTES"], config["TICKET_ATTACHMENT_MAX_FILES"]
    return ParseLimits(
        max_attachment_bytes=size, max_attachments=count, max_total_attachment_bytes=size * count
    )


def storable_id(message_id: str) -> str:
    """A Message-ID short enough for our columns (an over-long one becomes its digest)."""
    if len(message_id) <= MESSAGE_ID_LENGTH:
        return message_id
    return f"<{hashlib.sha256(message_id.encode('utf-8', 'replace')).hexdigest()}@long-id.invalid>"


def trusted_authserv_ids() -> list[str]:
    """The authserv-ids of our own mail servers (a list, or a comma-separated string)."""
    value = current_app.config.get("MAIL_TRUSTED_AUTHSERV_IDS") or []
    if isinstance(value, str):
        value = value.split(",")
    return [item.strip().lower() for item in value if item and item.strip()]


def held_request_hours() -> int:
    """How long a request mailed without authentication waits for its confirmation."""
    return int(current_app.config.get("MAIL_HELD_REQUEST_HOURS") or 72)
