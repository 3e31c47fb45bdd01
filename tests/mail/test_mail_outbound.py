"""Composing notifications: reference, threading headers, escaping, no header injection."""

from datetime import UTC
from datetime import datetime
from email import policy
from email.parser import BytesParser

import pytest

from catalog.mail.autoreply import LOOP_HEADER
from catalog.mail.ids import make_message_id
from catalog.mail.inbound import parse_message
from catalog.mail.outbound import Notification
from catalog.mail.outbound import Refusal
from catalog.mail.outbound import compose_notification
from catalog.mail.outbound import compose_refusal
from catalog.mail.outbound import sender_address

XSS = "<script>alert('x')</script>"


def note(**changes) -> Notification:
    fields = dict(
        reference="SUP-000123",
        subject="App crashes on start",
        recipients=("customer@acme.example",),
        headline="New reply from support",
        body="Please update to 2.1.\n\nThen try again.",
        author="Marketplace Support",
        link="https://support.example.com/tickets/SUP-000123",
    )
    fields.update(changes)
    return Notification(**fields)


def compose(notification: Notification, **kwargs):
    support = sender_address("Marketplace Support", "support@support.example.com")
    kwargs.setdefault("sender", support)
    kwargs.setdefault("domain", "support.example.com")
    return compose_notification(notification, **kwargs)


def reparse(message):
    return BytesParser(policy=policy.default).parsebytes(message.as_bytes())


def test_notification_headers():
    message, message_id = compose(note(), now=datetime(2024, 3, 12, 10, 15, tzinfo=UTC))
    parsed = reparse(message)
    assert parsed["Subject"] == "[SUP-000123] App crashes on start"
    assert parsed["Message-ID"] == message_id
    assert message_id.startswith("<") and message_id.endswith("@support.example.com>")
    assert parsed["From"] == "Marketplace Support <support@support.example.com>"
    assert parsed["To"] == "customer@acme.example"
    assert parsed["Date"] == "Tue, 12 Mar 2024 10:15:00 +0000"
    assert parsed["Auto-Submitted"] == "auto-generated"
    assert parsed[LOOP_HEADER] == "1"
    assert parsed["In-Reply-To"] is None and parsed["References"] is None
    assert [p.get_content_type() for p in parsed.iter_parts()] == ["text/plain", "text/html"]


def test_threading_headers_point_at_the_previous_messages():
    thread = tuple(f"<n{i}@support.example.com>" for i in range(30))
    parsed = reparse(compose(note(thread=thread))[0])
    assert parsed["In-Reply-To"] == "<n29@support.example.com>"
    references = parsed["References"].split()
    assert references[0] == "<n0@support.example.com>"  # the thread root is always kept
    assert references[-1] == "<n29@support.example.com>"
    assert len(references) == 20


def test_message_ids_are_unique_and_need_a_sane_domain():
    assert len({make_message_id("support.example.com") for _ in range(1000)}) == 1000
    for domain in ("", "bad domain", "x>\r\nBcc: y", "a@b"):
        with pytest.raises(ValueError):
            make_message_id(domain)


def test_user_text_is_escaped_in_the_html_part():
    message, _ = compose(
        note(
            subject=XSS,
            headline=f"New reply from {XSS}",
            author=XSS,
            body=f"Hi {XSS}\n<img src=x onerror=alert(1)> & more",
        )
    )
    html = message.get_body(("html",)).get_content()
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt; &amp; more" in html
    text = message.get_body(("plain",)).get_content()
    assert f"Hi {XSS}" in text  # plain text stays literal: nothing renders it


def test_only_http_links_are_linked():
    html = compose(note(link="javascript:alert(1)"))[0].get_body(("html",)).get_content()
    assert "javascript:" not in html
    html = compose(note(link='https://x.example/?a=1&b="2"'))[0].get_body(("html",)).get_content()
    assert 'href="https://x.example/?a=1&amp;b=&quot;2&quot;"' in html


def test_crlf_in_user_text_cannot_inject_headers():
    evil = "Hello\r\nBcc: victim@evil.example\r\n\r\n<b>body</b>"
    message, _ = compose(
        note(subject=evil, reference="SUP-1\r\nX-Evil: 1", thread=(evil,)),
        sender=sender_address(evil, "support@support.example.com"),
    )
    head = message.as_bytes().split(b"\n\n", 1)[0]
    parsed = reparse(message)
    assert parsed["Bcc"] is None and parsed["X-Evil"] is None
    assert b"\nBcc:" not in head and b"\nX-Evil:" not in head
    assert parsed["Subject"].startswith("[SUP-1 X-Evil: 1] Hello Bcc: victim@evil.example")


def test_invalid_recipient_is_refused():
    with pytest.raises(ValueError):
        compose(note(recipients=("not an address",)))


def test_non_ascii_subject_round_trips_through_our_parser():
    message, message_id = compose(note(subject="Größe ändern – 日本語"))
    parsed = parse_message(message.as_bytes())
    assert parsed.subject == "[SUP-000123] Größe ändern – 日本語"
    assert parsed.message_id == message_id
    assert parsed.is_auto_reply and parsed.is_loop  # our own mail must never be answered


def test_refusal_answers_the_original_as_an_auto_reply_with_escaped_text():
    refusal = Refusal(
        recipient="x@evil.example",
        reason=f"Not yours {XSS}",
        original_subject=f"Re: [SUP-1] {XSS}\r\nBcc: y@z",
        original_message_id="<orig@evil.example>",
        hint="Use https://catalog.example/support/new",
    )
    message, message_id = compose_refusal(
        refusal,
        sender=sender_address("Support", "support@support.example.com"),
        domain="support.example.com",
    )
    parsed = reparse(message)
    assert parsed["Message-ID"] == message_id and parsed["In-Reply-To"] == "<orig@evil.example>"
    assert (
        parsed["Auto-Submitted"] == "auto-replied" and parsed[LOOP_HEADER] and parsed["Bcc"] is None
    )
    html = parsed.get_body(("html",)).get_content()
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert parse_message(message.as_bytes()).is_loop
