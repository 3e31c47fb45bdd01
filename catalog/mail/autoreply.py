"""Recognise mail that must never be answered automatically, and our own mail coming back.

``auto_reply_reason`` follows RFC 3834 and the de-facto headers of common responders. Decisions:

- ``Precedence: bulk|junk|list`` counts (RFC 3834 asks responders not to answer those).
- ``List-Id`` / ``List-Unsubscribe`` alone do NOT count: people legitimately write through
  mailing lists and group aliases, and such mail should still reach a ticket. The caller may
  refuse it for other reasons; it is simply not treated as machine-generated.
- ``X-Auto-Response-Suppress`` counts only for ``All``/``OOF``/``AutoReply`` (Exchange sets
  those on its own automatic mail); ``DR``/``RN``/``NRN`` alone are seen on ordinary mail.
- Subjects are matched only at the start ("Automatic reply: …", "Out of office …"), so a human
  subject that merely mentions those words is not caught.
"""

import re
from collections.abc import Mapping

LOOP_HEADER = "X-Catalog-Loop"
"""Header we put on every message we send; seeing it inbound means our own mail came back."""

_SUBJECT = re.compile(
    r"^\s*(?:automatic reply|auto[- ]?reply|auto[- ]?response|autosvar|out of (?:the )?office"
    r"|undeliverable|undelivered mail|delivery status notification|mail delivery failed"
    r"|mail delivery system|returned mail|failure notice|abwesenheitsnotiz|automatische antwort"
    r"|unzustellbar|r[ée]ponse automatique|respuesta autom[áa]tica)\b",
    re.IGNORECASE,
)
_DAEMON = re.compile(r"^(?:mailer-daemon|mail-daemon)@", re.IGNORECASE)
_SUPPRESS = {"all", "oof", "autoreply"}


def auto_reply_reason(
    headers: Mapping[str, str], subject: str | None, sender: str | None
) -> str | None:
    """Return why this message is automatic (a short text), or None for a human message.

    ``headers`` maps lower-cased header names to decoded values; ``sender`` is the parsed,
    lower-cased From address.
    """
    submitted = headers.get("auto-submitted", "").strip().lower()
    if submitted and submitted.split(";")[0].strip() != "no":
        return f"Auto-Submitted: {submitted}"
    for name in ("x-autoreply", "x-autorespond", "x-autoresponder"):
        if name in headers:
            return f"{name} header"
    if headers.get("precedence", "").strip().lower() in {"bulk", "junk", "list", "auto_reply"}:
        return f"Precedence: {headers['precedence'].strip().lower()}"
    suppress = {t.strip().lower() for t in headers.get("x-auto-response-suppress", "").split(",")}
    if suppress & _SUPPRESS:
        return "X-Auto-Response-Suppress"
    if headers.get("return-path", "").replace(" ", "") == "<>":
        return "null Return-Path (bounce)"
    if sender and _DAEMON.match(sender):
        return "sent by MAILER-DAEMON"
    if "multipart/report" in headers.get("content-type", "").lower():
        return "delivery or disposition report"
    if subject and _SUBJECT.match(subject):
        return "automatic-reply subject"
    return None


def is_loop(headers: Mapping[str, str]) -> bool:
    """Return True when the message carries our own loop header."""
    return LOOP_HEADER.lower() in headers
