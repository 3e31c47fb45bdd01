"""Parse one raw RFC 5322 message into a plain ``InboundMessage``; never trips on bad mail.

Conventions:

- Message-IDs are normalised to ``<…>`` (see ``ids``). A message without one gets a stable
  synthetic id from a hash of its bytes (``message_id_synthesized``), so the same delivery
  twice yields the same id and can be deduplicated.
- Addresses are lower-cased ``local@domain`` strings; unparseable ones are left out
  (``from_address`` is None when there is no usable From).
- ``subject`` is decoded (encoded-words, 8-bit headers) with whitespace collapsed; ``date`` is
  an aware datetime (``-0000`` means UTC) or None.
- ``text`` is the readable body: text/plain is preferred in multipart/alternative; HTML-only
  mail is converted with ``htmltext.html_to_text``. Quoted history is NOT stripped here (see
  ``matching.strip_quoted``) so the full text can be archived.
- Attachments over ``ParseLimits`` are listed in ``dropped_attachments`` with a reason.
- Multipart nesting is read ``MAX_DEPTH`` levels deep and ``MAX_PARTS`` parts wide; what lies
  beyond is not read, and ``text_note`` says so (the ticket shows why text is missing).
- ``authentication_results`` are the raw ``Authentication-Results`` values, topmost first.
- Every text field is storable: NUL (which PostgreSQL text cannot hold) and lone surrogates
  (left by ``surrogateescape`` decoding of raw 8-bit headers) become U+FFFD (``storable``).
- Only input that is not a message at all (empty, or nested too deeply for the standard
  parser) raises ``MailParseError``.
"""

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import fields
from dataclasses import is_dataclass
from dataclasses import replace
from datetime import UTC
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses
from email.utils import parsedate_to_datetime
from mimetypes import guess_extension

from catalog.mail.autoreply import auto_reply_reason
from catalog.mail.autoreply import is_loop
from catalog.mail.charsets import ENCODED_WORD
from catalog.mail.charsets import decode_encoded_words
from catalog.mail.charsets import decode_header_value
from catalog.mail.charsets import decode_raw_header
from catalog.mail.charsets import decode_text
from catalog.mail.htmltext import html_to_text
from catalog.mail.ids import message_ids_in
from catalog.mail.ids import normalize_message_id
from catalog.mail.ids import synthetic_message_id

MAX_DEPTH = 100
"""Multipart levels read for text and attachments; deeper parts are named in ``text_note``."""
MAX_PARTS = 2000
"""Parts looked at per message, whatever their depth."""
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
"""NUL and lone surrogates: no database text column (PostgreSQL's above all) can hold them."""
_ADDRESS = re.compile(r"^[^@\s<>()\[\],;:\"\\]+@[^@\s<>()\[\],;:\"\\]+$")
_UNSAFE_FILENAME = re.compile(r"[\x00-\x1f\x7f<>:\"/\\|?*]+")
_RESERVED_NAMES = {
    "con",
    "prn",
    "aux",
    "nul",
    *(f"com{i}" for i in range(1, 10)),
    *(f"lpt{i}" for i in range(1, 10)),
}


class MailParseError(ValueError):
    """The input is not an e-mail message at all."""


@dataclass(frozen=True)
class ParseLimits:
    """Limits on attachments kept from one message."""

    max_attachment_bytes: int = 10 * 1024 * 1024
    max_attachments: int = 20
    max_total_attachment_bytes: int = 25 * 1024 * 1024


@dataclass(frozen=True)
class Attachment:
    """An attachment kept from an inbound message."""

    filename: str
    content_type: str
    size: int
    content: bytes


@dataclass(frozen=True)
class DroppedAttachment:
    """An attachment that was not kept, and why."""

    filename: str
    content_type: str
    size: int
    reason: str


@dataclass(frozen=True)
class InboundMessage:
    """The parts of an inbound message that the ticket layer needs."""

    message_id: str
    message_id_synthesized: bool
    in_reply_to: tuple[str, ...]
    references: tuple[str, ...]
    from_address: str | None
    from_name: str | None
    to: tuple[str, ...]
    cc: tuple[str, ...]
    subject: str | None
    date: datetime | None
    text: str
    attachments: tuple[Attachment, ...]
    dropped_attachments: tuple[DroppedAttachment, ...]
    auto_reply_reason: str | None
    is_loop: bool
    authentication_results: tuple[str, ...] = ()
    text_note: str | None = None
    """Why some of the text was not read (nesting beyond the limits), or None."""

    @property
    def is_auto_reply(self) -> bool:
        """True when the message must never be answered automatically."""
        return self.auto_reply_reason is not None


def parse_message(raw: bytes | str, limits: ParseLimits = ParseLimits()) -> InboundMessage:
    """Parse one raw RFC 5322 message; raise ``MailParseError`` only for empty input."""
    if isinstance(raw, str):
        raw = raw.encode("utf-8", "surrogateescape")
    if not raw.strip():
        raise MailParseError("empty input is not an e-mail message")
    try:
        return _storable_fields(_parse(raw, limits))
    except RecursionError as error:
        raise MailParseError(
            "the message is nested too deeply to be read (thousands of MIME levels)"
        ) from error


def _parse(raw: bytes, limits: ParseLimits) -> InboundMessage:
    """Parse non-empty raw bytes (the standard parser recurses once per MIME level)."""
    msg = BytesParser(policy=policy.default).parsebytes(raw)
    headers = _header_map(msg)
    subject = headers.get("subject")
    from_name, from_address = (_addresses(msg, "from") or [(None, None)])[0]
    message_id = normalize_message_id(headers.get("message-id"))
    files_walk, text_walk = _Walk(), _Walk()
    attachments, dropped = _attachments(msg, limits, files_walk)
    text = _body_text(msg, text_walk)
    return InboundMessage(
        message_id=message_id or synthetic_message_id(raw),
        message_id_synthesized=message_id is None,
        in_reply_to=tuple(message_ids_in(headers.get("in-reply-to"))),
        references=tuple(message_ids_in(headers.get("references"))),
        from_address=from_address,
        from_name=from_name,
        to=tuple(address for _, address in _addresses(msg, "to")),
        cc=tuple(address for _, address in _addresses(msg, "cc")),
        subject=subject,
        date=_date(headers.get("date")),
        text=text,
        attachments=attachments,
        dropped_attachments=dropped,
        auto_reply_reason=auto_reply_reason(headers, subject, from_address),
        is_loop=is_loop(headers),
        authentication_results=tuple(
            decode_raw_header(str(value))
            for name, value in msg.raw_items()
            if name.strip().lower() == "authentication-results"
        ),
        text_note=files_walk.merged(text_walk).note(),
    )


def storable(text: str) -> str:
    """``text`` with NUL and lone surrogates replaced by U+FFFD, so any database can store it."""
    return _UNSTORABLE.sub("\ufffd", text)


def _storable_fields(value):
    """``value`` with every string in it storable: the message, its tuples, its attachments."""
    if isinstance(value, str):
        return storable(value)
    if isinstance(value, tuple):
        return tuple(_storable_fields(item) for item in value)
    if is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: _storable_fields(getattr(value, f.name)) for f in fields(value)}
        return replace(value, **changes)
    return value


@dataclass
class _Walk:
    """What a walk over the MIME tree left out: parts too deep, parts beyond the count."""

    visited: int = 0
    too_deep: bool = False
    too_many: bool = False

    def enter(self, depth: int) -> bool:
        """Count one part; False when it lies beyond the depth or part limits."""
        if depth > MAX_DEPTH:
            self.too_deep = True
            return False
        self.visited += 1
        if self.visited > MAX_PARTS:
            self.too_many = True
            return False
        return True

    def merged(self, other: "_Walk") -> "_Walk":
        """What either walk left out."""
        return _Walk(0, self.too_deep or other.too_deep, self.too_many or other.too_many)

    def note(self) -> str | None:
        """Why some of the message was not read, in words, or None."""
        reasons = []
        if self.too_deep:
            reasons.append(f"parts nested more than {MAX_DEPTH} MIME levels deep")
        if self.too_many:
            reasons.append(f"parts beyond the first {MAX_PARTS}")
        if not reasons:
            return None
        return "Some of this e-mail was not read: " + " and ".join(reasons) + "."


def _header_map(msg: EmailMessage) -> dict[str, str]:
    """Map lower-cased header names to their first decoded value (raw, not re-parsed)."""
    headers: dict[str, str] = {}
    for name, value in msg.raw_items():
        headers.setdefault(name.strip().lower(), decode_header_value(str(value)))
    return headers


def _addresses(msg: EmailMessage, name: str) -> list[tuple[str | None, str]]:
    """Return ``(display name, address)`` pairs of a header; unusable entries are skipped."""
    values = [decode_raw_header(str(v)) for n, v in msg.raw_items() if n.lower() == name]
    words: list[str] = []

    def protect(match: re.Match) -> str:
        # Encoded-words may hide commas or quotes that would split the address list.
        words.append(match.group(0))
        return f"encodedword{len(words) - 1}x"

    values = [ENCODED_WORD.sub(protect, re.sub(r"\s+", " ", value)) for value in values]
    pairs = []
    for display, address in getaddresses(values):
        address = address.strip().lower()
        display = re.sub(r"encodedword(\d+)x", lambda m: _restore(words, m), display)
        if _ADDRESS.match(address):
            pairs.append((decode_encoded_words(display).strip() or None, address))
    return pairs


def _restore(words: list[str], match: re.Match) -> str:
    index = int(match.group(1))
    return words[index] if index < len(words) else match.group(0)


def _date(value: str | None) -> datetime | None:
    """Return the Date header as an aware datetime, or None when absent or malformed."""
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _leaves(msg: EmailMessage, walk: _Walk) -> Iterator[EmailMessage]:
    """Yield the non-multipart parts in order; a forwarded message/rfc822 counts as one leaf."""
    stack = [(msg, 0)]
    while stack:
        part, depth = stack.pop()
        if not walk.enter(depth):
            continue
        if part.get_content_maintype() == "multipart" and part.is_multipart():
            stack.extend((child, depth + 1) for child in reversed(part.get_payload()))
        else:
            yield part


def _is_attachment(part: EmailMessage) -> bool:
    """True for a leaf that is a file rather than a body text."""
    if part.get_content_disposition() == "attachment" or part.get_filename():
        return True
    if part.get_content_maintype() == "multipart":
        return False  # multipart without a usable boundary: read it as text
    return part.get_content_type() not in {"text/plain", "text/html"}


def _leaf_text(part: EmailMessage) -> str:
    """Decode a body leaf; HTML becomes plain text."""
    text = decode_text(_payload(part), part.get_content_charset())
    if part.get_content_type() == "text/html":
        return html_to_text(text)
    return text.replace("\r\n", "\n").strip()


def _body_parts(part: EmailMessage, walk: _Walk, depth: int = 0) -> list[str]:
    """Return the body texts of ``part``, picking one alternative of multipart/alternative.

    Recursion is bounded by ``MAX_DEPTH`` (far below Python's limit); ``walk`` notes the cut.
    """
    if part.get_content_maintype() != "multipart" or not part.is_multipart():
        return [] if _is_attachment(part) else [_leaf_text(part)]
    children = part.get_payload()
    if not walk.enter(depth + 1):
        return []
    if part.get_content_type() == "multipart/alternative":
        preferred = sorted(children, key=lambda c: c.get_content_type() != "text/plain")
        for child in preferred:
            texts = [text for text in _body_parts(child, walk, depth + 1) if text]
            if texts:
                return texts
        return []
    return [text for child in children for text in _body_parts(child, walk, depth + 1)]


def _body_text(msg: EmailMessage, walk: _Walk) -> str:
    """Return the readable body of the whole message."""
    return "\n\n".join(text for text in _body_parts(msg, walk) if text)


def _payload(part: EmailMessage) -> bytes:
    """Return the decoded bytes of a leaf (a forwarded message as its raw bytes)."""
    if part.is_multipart():
        return b"\n".join(inner.as_bytes() for inner in part.get_payload())
    data = part.get_payload(decode=True)
    return data if isinstance(data, bytes) else b""


def _attachments(msg: EmailMessage, limits: ParseLimits, walk: _Walk) -> tuple[tuple, tuple]:
    """Split the attachment leaves into kept and dropped, applying ``limits`` in order."""
    kept: list[Attachment] = []
    dropped: list[DroppedAttachment] = []
    total = 0
    for part in _leaves(msg, walk):
        if not _is_attachment(part):
            continue
        content_type = part.get_content_type()
        filename = sanitize_filename(part.get_filename(), content_type)
        content = _payload(part)
        size = len(content)
        reason = None
        if size > limits.max_attachment_bytes:
            reason = f"larger than {limits.max_attachment_bytes} bytes"
        elif len(kept) >= limits.max_attachments:
            reason = f"more than {limits.max_attachments} attachments"
        elif total + size > limits.max_total_attachment_bytes:
            reason = f"attachments together exceed {limits.max_total_attachment_bytes} bytes"
        if reason:
            dropped.append(DroppedAttachment(filename, content_type, size, reason))
        else:
            total += size
            kept.append(Attachment(filename, content_type, size, content))
    return tuple(kept), tuple(dropped)


def sanitize_filename(name: str | None, content_type: str = "application/octet-stream") -> str:
    """Return a safe base file name: no path, no control or reserved characters, ≤ 150 chars."""
    name = decode_encoded_words(name or "")
    name = unicodedata.normalize("NFC", re.split(r"[/\\]", name)[-1])
    name = _UNSAFE_FILENAME.sub("_", name).strip(" ._")
    if not name:
        extension = ".eml" if content_type == "message/rfc822" else guess_extension(content_type)
        name = "attachment" + (extension or ".bin")
    if name.split(".")[0].lower() in _RESERVED_NAMES:
        name = "_" + name
    stem, dot, extension = name.rpartition(".")
    if len(name) > 150:
        name = (
            (stem[: 150 - len(extension) - 1] + "." + extension)
            if dot and len(extension) < 16
            else name[:150]
        )
    return name
