"""Delivery: a real SMTP round trip through aiosmtpd, error classification, dev backends."""

import socket
from email import policy
from email.parser import BytesParser

import pytest

from catalog.mail.inbound import parse_message
from catalog.mail.matching import reference_in_subject
from catalog.mail.outbound import Notification
from catalog.mail.outbound import compose_notification
from catalog.mail.outbound import sender_address
from catalog.mail.transport import MailSendError
from catalog.mail.transport import PermanentSendError
from catalog.mail.transport import SmtpSettings
from catalog.mail.transport import TemporarySendError
from catalog.mail.transport import send
from catalog.mail.transport import write_to_folder
from tests.mail.conftest import free_port


def notification_message(subject="<script>alert(1)</script> crash"):
    note = Notification(
        reference="SUP-000123",
        subject=subject,
        recipients=("customer@acme.example", "colleague@acme.example"),
        headline="New reply",
        body="Try <b>this</b> & that.",
    )
    return compose_notification(
        note,
        domain="support.example.com",
        sender=sender_address("Support", "support@support.example.com"),
    )


def test_smtp_round_trip_keeps_message_id_reference_and_escaping(smtp_server):
    handler, port = smtp_server
    message, message_id = notification_message()
    refused = send(message, SmtpSettings(host="127.0.0.1", port=port, timeout=5))
    assert refused == {}
    (envelope,) = handler.envelopes
    assert envelope.mail_from == "support@support.example.com"
    assert envelope.rcpt_tos == ["customer@acme.example", "colleague@acme.example"]
    received = parse_message(envelope.content)
    assert received.message_id == message_id
    assert reference_in_subject(received.subject, ["SUP"]) == "SUP-000123"
    assert received.is_loop
    html = (
        BytesParser(policy=policy.default)
        .parsebytes(envelope.content)
        .get_body(("html",))
        .get_content()
    )
    assert "&lt;script&gt;alert(1)&lt;/script&gt; crash" in html
    assert "<script>" not in html


def test_envelope_sender_can_be_a_bounce_address(smtp_server):
    handler, port = smtp_server
    settings = SmtpSettings(host="127.0.0.1", port=port, envelope_sender="bounces@x.example")
    send(notification_message()[0], settings)
    assert handler.envelopes[0].mail_from == "bounces@x.example"


def test_closed_port_is_a_retryable_error():
    with pytest.raises(MailSendError) as caught:
        send(notification_message()[0], SmtpSettings(host="127.0.0.1", port=free_port(), timeout=2))
    assert caught.value.retryable
    assert isinstance(caught.value, TemporarySendError)


def test_server_that_never_greets_times_out_as_retryable():
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()  # the kernel accepts the connection; nobody ever answers
        settings = SmtpSettings(host="127.0.0.1", port=silent.getsockname()[1], timeout=0.3)
        with pytest.raises(TemporarySendError):
            send(notification_message()[0], settings)


@pytest.mark.parametrize(
    "reply, retryable",
    [
        ("451 4.3.0 Mailbox temporarily unavailable", True),
        ("550 5.1.1 No such user", False),
    ],
)
def test_smtp_reply_codes_decide_whether_to_retry(smtp_server, reply, retryable):
    handler, port = smtp_server
    handler.rcpt_reply = reply
    with pytest.raises(MailSendError) as caught:
        send(notification_message()[0], SmtpSettings(host="127.0.0.1", port=port))
    assert caught.value.retryable is retryable
    assert caught.value.smtp_code == int(reply[:3])
    assert handler.envelopes == []


def test_login_without_server_support_is_permanent(smtp_server):
    _, port = smtp_server
    settings = SmtpSettings(host="127.0.0.1", port=port, username="u", password="p")
    with pytest.raises(PermanentSendError):
        send(notification_message()[0], settings)


def test_unknown_security_setting_is_permanent():
    with pytest.raises(PermanentSendError):
        send(notification_message()[0], SmtpSettings(security="tls-please"))


def test_folder_backend_writes_one_parseable_file_per_message(tmp_path):
    first, first_id = notification_message()
    second, _ = notification_message()
    path = write_to_folder(first, tmp_path / "outbox")
    write_to_folder(second, tmp_path / "outbox")
    assert sorted(p.suffix for p in (tmp_path / "outbox").iterdir()) == [".eml", ".eml"]
    assert parse_message(path.read_bytes()).message_id == first_id
