"""Compose notification e-mails: ``[REF]`` subject, threading headers, text and HTML parts.

Every piece of caller-supplied text (subject, names, body, headline) is treated as user text:
HTML-escaped in the HTML part, and stripped of control characters (CR/LF included) before it
goes into a header, so no header can be injected. ``compose_notification`` returns the message
and its Message-ID, which the caller records to thread replies later.
"""

import re
from dataclasses import dataclass
from dataclasses import replace
from datetime import UTC
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from html import escape
from string import Template

from catalog.mail.autoreply import LOOP_HEADER
from catalog.mail.ids import make_message_id

MAX_REFERENCES = 20

_HTML = Template("""\
<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>$title</title></head>
<body style="font-family: sans-serif; line-height: 1.5; color: #1a1a1a;">
<p style="color: #555;">$reference</p>
<h1 style="font-size: 1.25em;">$headline</h1>
<p><strong>$author</strong></p>
<div>$body</div>
$link
<hr>
<p style="color: #555; font-size: 0.9em;">Reply to this e-mail to add to $reference: the
reply address is yours alone, so please do not forward this e-mail.</p>
</body>
</html>
""")
_TEXT = Template("""\
$headline
$author
$body
$link
--
Reply to this e-mail to add to $reference: the reply address is yours alone,
so please do not forward this e-mail.
""")


@dataclass(frozen=True)
class Notification:
    """What to tell whom about a ticket; every string here is untrusted user text."""

    reference: str
    subject: str
    recipients: tuple[str, ...]
    headline: str
    body: str = ""
    author: str | None = None
    link: str | None = None
    thread: tuple[str, ...] = ()
    """Message-IDs of earlier mail in this ticket's thread, oldest first."""
    reply_to: str | None = None
    """The recipient's own reply address (``support+r-<token>@…``): replies go there."""


def header_text(value: str) -> str:
    """Return ``value`` safe for a header: control characters (CR, LF …) become spaces."""
    return re.sub(r"\s+", " ", re.sub(r"[\x00-\x1f\x7f]", " ", value)).strip()


def _html_body(text: str) -> str:
    paragraphs = re.split(r"\n\s*\n", text.replace("\r\n", "\n").strip())
    return "\n".join(f"<p>{escape(p).replace(chr(10), '<br>')}</p>" for p in paragraphs if p)


def _html(note: Notification) -> str:
    link = ""
    if note.link and note.link.startswith(("https://", "http://")):
        link = f'<p><a href="{escape(note.link)}">View {escape(note.reference)}</a></p>'
    return _HTML.substitute(
        title=escape(header_text(note.subject)),
        reference=escape(note.reference),
        headline=escape(note.headline),
        author=escape(note.author or ""),
        body=_html_body(note.body),
        link=link,
    )


def _text(note: Notification) -> str:
    link = f"View {note.reference}: {note.link}\n" if note.link else ""
    author = f"{note.author}\n" if note.author else ""
    return _TEXT.substitute(
        headline=note.headline,
        author=author,
        body=note.body.strip() + "\n",
        link=link,
        reference=note.reference,
    )


def compose_notification(
    note: Notification,
    *,
    sender: Address,
    domain: str,
    loop_token: str = "1",
    now: datetime | None = None,
) -> tuple[EmailMessage, str]:
    """Build the notification e-mail; return it with its new Message-ID."""
    note = replace(note, reference=header_text(note.reference))
    message_id = make_message_id(domain)
    message = EmailMessage()
    message["Subject"] = f"[{note.reference}] {header_text(note.subject)}"
    message["From"] = sender
    message["To"] = [Address(addr_spec=header_text(address)) for address in note.recipients]
    message["Date"] = format_datetime(now or datetime.now(UTC))
    message["Message-ID"] = message_id
    if note.reply_to:
        message["Reply-To"] = Address(
            display_name=sender.display_name, addr_spec=header_text(note.reply_to)
        )
    if note.thread:
        thread = [header_text(mid) for mid in note.thread]
        message["In-Reply-To"] = thread[-1]
        message["References"] = " ".join(thread[:1] + thread[1:][-(MAX_REFERENCES - 1) :])
    message["Auto-Submitted"] = "auto-generated"
    message["X-Auto-Response-Suppress"] = "All"
    message[LOOP_HEADER] = header_text(loop_token)
    message.set_content(_text(note))
    message.add_alternative(_html(note), subtype="html")
    return message, message_id


def sender_address(name: str, address: str) -> Address:
    """Return a From address whose display name is safe user text."""
    return Address(display_name=header_text(name), addr_spec=header_text(address))


@dataclass(frozen=True)
class Refusal:
    """A polite answer to an inbound message we did not take; all strings are user text."""

    recipient: str
    reason: str
    original_subject: str | None = None
    original_message_id: str | None = None
    hint: str | None = None
    lead: str = "Not delivered to a request"
    """The subject's words before the original subject."""
    opening: str = "we could not take your message"
    """The first sentence, before the original subject in quotes."""


_REFUSAL_TEXT = Template("""\
Hello,

$opening "$subject".

$reason
$hint
This is an automatic answer; replies to it are not read.
""")
_REFUSAL_HTML = Template("""\
<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>$title</title></head>
<body style="font-family: sans-serif; line-height: 1.5; color: #1a1a1a;">
<p>Hello,</p>
<p>$opening &ldquo;$subject&rdquo;.</p>
$reason
$hint
<p style="color: #555; font-size: 0.9em;">
This is an automatic answer; replies to it are not read.</p>
</body>
</html>
""")


def compose_refusal(
    refusal: Refusal,
    *,
    sender: Address,
    domain: str,
    loop_token: str = "1",
    now: datetime | None = None,
) -> tuple[EmailMessage, str]:
    """Build the answer to a refused message (RFC 3834 ``auto-replied``); return it with its id."""
    original = header_text(refusal.original_subject or "") or "(no subject)"
    message_id = make_message_id(domain)
    message = EmailMessage()
    message["Subject"] = f"{header_text(refusal.lead)}: {original}"[:300]
    message["From"] = sender
    message["To"] = Address(addr_spec=header_text(refusal.recipient))
    message["Date"] = format_datetime(now or datetime.now(UTC))
    message["Message-ID"] = message_id
    if refusal.original_message_id:
        message["In-Reply-To"] = header_text(refusal.original_message_id)
        message["References"] = header_text(refusal.original_message_id)
    message["Auto-Submitted"] = "auto-replied"
    message["X-Auto-Response-Suppress"] = "All"
    message[LOOP_HEADER] = header_text(loop_token)
    hint = f"\n{refusal.hint}\n" if refusal.hint else ""
    message.set_content(
        _REFUSAL_TEXT.substitute(
            opening=refusal.opening, subject=original, reason=refusal.reason, hint=hint
        )
    )
    message.add_alternative(
        _REFUSAL_HTML.substitute(
            title=escape(message["Subject"]),
            opening=escape(refusal.opening),
            subject=escape(original),
            reason=_html_body(refusal.reason),
            hint=_html_body(refusal.hint or ""),
        ),
        subtype="html",
    )
    return message, message_id
