"""Parsing real inbound mail: clients, charsets, broken headers, attachments, automatic mail."""

from datetime import UTC
from datetime import datetime
from datetime import timedelta
from email.message import EmailMessage

import pytest

from catalog.mail.inbound import MailParseError
from catalog.mail.inbound import ParseLimits
from catalog.mail.inbound import parse_message
from catalog.mail.inbound import sanitize_filename
from catalog.mail.inbound import storable


def test_thunderbird_reply_prefers_plain_text_and_keeps_threading(raw_message):
    msg = parse_message(raw_message("thunderbird_reply"))
    assert msg.message_id == "<f3a9c1e2-7b1d-4c55-9d0e-2f6f8a1b3c4d@acme.example>"
    assert msg.in_reply_to == ("<1710237300.bb22@support.example.com>",)
    assert msg.references == (
        "<1710234000.aa11@support.example.com>",
        "<1710237300.bb22@support.example.com>",
    )
    assert msg.from_address == "jan.novak@acme.example"
    assert msg.from_name == "Jan Novák"
    assert msg.to == ("support@support.example.com",)
    assert msg.subject == "Re: [SUP-000123] App crashes on start"
    assert msg.date == datetime(2024, 3, 12, 10, 2, 40, tzinfo=UTC)
    assert msg.text.startswith("Hi,\n\nthe crash is gone")
    assert "> Please update" in msg.text  # plain part chosen: its quoting, not the HTML's
    assert not msg.is_auto_reply and not msg.is_loop


def test_outlook_html_only_reply_becomes_readable_text(raw_message):
    msg = parse_message(raw_message("outlook_html_only"))
    assert "we still see the error „E42“ after the update" in msg.text
    assert "120 € per seat" in msg.text
    assert "From: Marketplace Support <support@support.example.com>\nSent:" in msg.text
    assert "MsoNormal" not in msg.text and "tracking" not in msg.text and "<" not in msg.text[:60]


def test_gmail_html_blockquote_is_marked_as_quote():
    message = EmailMessage()
    message["From"] = "a@gmail.example"
    message.set_content(
        '<div>New text</div><blockquote class="gmail_quote">Old text</blockquote>', subtype="html"
    )
    assert parse_message(message.as_bytes()).text == "New text\n\n> Old text"


@pytest.mark.parametrize(
    "name, expected",
    [
        ("iso_8859_2", "Zażółć gęślą jaźń - aplikacja nie działa."),
        ("windows_1250_declared_iso_8859_2", "Příliš žluťoučký kůň úpěl ďábelské ódy."),
        ("latin1_undeclared", "Schöne Grüße aus Köln"),
        ("unknown_8bit", "Naïve café – ok"),
        ("invalid_utf8", "valid start é then \ufffd\ufffd\ufffd garbage end"),
    ],
)
def test_non_utf8_and_broken_charsets_decode(raw_message, name, expected):
    assert parse_message(raw_message(name)).text == expected


def test_unknown_charset_in_a_multipart_part_falls_back_and_keeps_other_parts():
    message = EmailMessage()
    message["From"] = "a@b.example"
    message.make_mixed()
    for content in (b"first part", "zweiter Teil: Grüße".encode("latin-1")):
        part = EmailMessage()
        part.set_payload(content)
        part["Content-Type"] = "text/plain; charset=x-made-up-charset"
        message.attach(part)
    assert parse_message(message.as_bytes()).text == "first part\n\nzweiter Teil: Grüße"


@pytest.mark.parametrize(
    "subject, expected",
    [
        (
            "=?utf-8?B?UMWZaWhsw6HFoWVuw60gbmVmdW5ndWplIFtTVVAtMDAwMzIxXQ==?=",
            "Přihlášení nefunguje [SUP-000321]",
        ),
        ("=?iso-8859-2?Q?Zg=B3oszenie_b=B3=EAdu?= [SUP-000200]", "Zgłoszenie błędu [SUP-000200]"),
        ("=?utf-8?q?Re:_?= =?utf-8?q?=5BSUP-1=5D?=", "Re: [SUP-1]"),
        (
            "=?utf-8?B?###?= =?x-nonexistent?Q?caf=E9?= =?utf-8?Q?trunc",
            "=?utf-8?B?###?= café =?utf-8?Q?trunc",
        ),
        ("=?utf-8?B?SGVsbG8?=", "Hello"),  # missing padding
        # "UTF-8" without one valid sequence is more likely mislabelled windows-1252:
        ("=?utf-8?Q?caf=C3?= ok", "cafÃ ok"),
        ("=?utf-8?Q?caf=C3=A9_=C3?=", "café \ufffd"),
    ],
)
def test_encoded_words_in_subject_decode_even_when_broken(subject, expected):
    raw = f"From: a@b.example\r\nSubject: {subject}\r\n\r\nbody\r\n".encode()
    assert parse_message(raw).subject == expected


def test_raw_8bit_utf8_subject_and_display_name_decode():
    raw = "From: Jürgen <j@b.example>\r\nSubject: Größe [SUP-7]\r\n\r\nx".encode()
    msg = parse_message(raw)
    assert (msg.subject, msg.from_name) == ("Größe [SUP-7]", "Jürgen")


def test_missing_headers_give_none_and_a_stable_synthetic_message_id(raw_message):
    raw = raw_message("missing_headers")
    first, second = parse_message(raw), parse_message(raw)
    assert first.from_address is None and first.date is None and first.to == ()
    assert first.message_id_synthesized
    assert first.message_id == second.message_id
    assert first.message_id.startswith("<") and first.message_id.endswith("@synthetic.invalid>")
    assert parse_message(raw + b"more").message_id != first.message_id
    assert first.text == "Just text."


def test_malformed_headers_never_raise(raw_message):
    msg = parse_message(raw_message("malformed_headers"))
    assert msg.from_address is None
    assert msg.to == ()
    assert msg.date is None
    assert msg.message_id_synthesized
    assert msg.in_reply_to == ("<ok.1@x.example>",)
    assert msg.references == ("<a@x.example>", "<b@x.example>")
    assert msg.text == "Body survives."


@pytest.mark.parametrize(
    "value, expected",
    [
        ("Tue, 12 Mar 2024 11:02:40 +0100", datetime(2024, 3, 12, 10, 2, 40, tzinfo=UTC)),
        ("12 Mar 2024 11:02:40 -0000", datetime(2024, 3, 12, 11, 2, 40, tzinfo=UTC)),
        ("Tue, 12 Mar 2024 11:02:40 GMT", datetime(2024, 3, 12, 11, 2, 40, tzinfo=UTC)),
        ("Mon, 32 Jan 2024 25:61:00 +0100", None),
        ("Tue, 12 Mar 2024 11:02:40 +9999", None),
        ("yesterday", None),
        ("", None),
    ],
)
def test_date_is_aware_or_none(value, expected):
    msg = parse_message(f"Date: {value}\r\n\r\nx".encode())
    assert msg.date == expected
    assert msg.date is None or msg.date.utcoffset() is not None


def test_message_id_is_normalised():
    msg = parse_message(b"Message-ID:   <  abc@host.example >  (comment)\r\n\r\nx")
    assert msg.message_id == "<abc@host.example>"
    assert (
        parse_message(b"Message-ID: abc@host.example\r\n\r\nx").message_id == "<abc@host.example>"
    )


def test_addresses_are_lower_cased_and_garbage_skipped():
    raw = (
        b'From: "Doe, John" <John.Doe@Example.COM>\r\n'
        b"To: a@b.example, not an address, =?utf-8?q?X,_Y?= <XY@c.example>\r\n"
        b"Cc: <>, c@d.example\r\n\r\nx"
    )
    msg = parse_message(raw)
    assert (msg.from_name, msg.from_address) == ("Doe, John", "john.doe@example.com")
    assert msg.to == ("a@b.example", "xy@c.example")
    assert msg.cc == ("c@d.example",)
    assert parse_message(b"From: encodedword7x <a@b.example>\r\n\r\nx").from_name == "encodedword7x"


def _with_attachments(*attachments):
    message = EmailMessage()
    message["From"] = "a@b.example"
    message["Subject"] = "files"
    message.set_content("see attached")
    for content, filename in attachments:
        message.add_attachment(
            content, maintype="application", subtype="octet-stream", filename=filename
        )
    return message.as_bytes()


def test_huge_attachment_is_dropped_with_a_reason_and_the_rest_kept():
    huge = bytes(30 * 1024 * 1024)
    msg = parse_message(_with_attachments((b"small log", "app.log"), (huge, "dump.bin")))
    assert msg.text == "see attached"
    assert [(a.filename, a.size, a.content) for a in msg.attachments] == [
        ("app.log", 9, b"small log")
    ]
    (dropped,) = msg.dropped_attachments
    assert (dropped.filename, dropped.size) == ("dump.bin", 30 * 1024 * 1024)
    assert "larger than" in dropped.reason


def test_attachment_count_and_total_limits():
    raw = _with_attachments(*[(b"x" * 100, f"f{i}.txt") for i in range(4)])
    msg = parse_message(raw, ParseLimits(max_attachments=3))
    assert [a.filename for a in msg.attachments] == ["f0.txt", "f1.txt", "f2.txt"]
    assert "more than 3" in msg.dropped_attachments[0].reason
    msg = parse_message(raw, ParseLimits(max_total_attachment_bytes=250))
    assert len(msg.attachments) == 2
    assert all("together" in d.reason for d in msg.dropped_attachments)


@pytest.mark.parametrize(
    "name, expected",
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\me\\report.pdf", "report.pdf"),
        ("evil\r\nname<>.txt", "evil_name_.txt"),
        ("...", "attachment.bin"),
        (None, "attachment.bin"),
        ("CON.txt", "_CON.txt"),
        ("=?utf-8?q?R=C3=A9sum=C3=A9.pdf?=", "Résumé.pdf"),
        ("a" * 300 + ".pdf", "a" * 146 + ".pdf"),
    ],
)
def test_attachment_filenames_are_sanitised(name, expected):
    assert sanitize_filename(name) == expected


def test_rfc2231_filename_is_decoded():
    raw = _with_attachments((b"%PDF", "Přehled – březen.pdf"))
    assert parse_message(raw).attachments[0].filename == "Přehled – březen.pdf"


def test_auto_reply_is_recognised(raw_message):
    msg = parse_message(raw_message("auto_reply"))
    assert msg.is_auto_reply
    assert msg.auto_reply_reason == "Auto-Submitted: auto-replied"


def test_bounce_from_mailer_daemon_is_automatic_and_keeps_the_returned_message(raw_message):
    msg = parse_message(raw_message("bounce"))
    assert msg.is_auto_reply
    assert msg.from_address == "mailer-daemon@mx.contoso.example"
    assert "User unknown" in msg.text
    returned = [a for a in msg.attachments if a.content_type == "message/rfc822"]
    assert b"Message-ID: <1710237300.bb22@support.example.com>" in returned[0].content
    assert not msg.is_loop  # the loop header is inside the returned message, not on the bounce


@pytest.mark.parametrize(
    "header",
    [
        "Auto-Submitted: auto-generated",
        "Auto-Submitted: auto-notified; owner-email=x@y",
        "X-Autoreply: yes",
        "X-Autorespond: vacation",
        "Precedence: bulk",
        "Precedence: junk",
        "Precedence: list",
        "X-Auto-Response-Suppress: All",
        "Return-Path: <>",
        "From: MAILER-DAEMON@mx.example",
        "Subject: Out of Office: [SUP-1] hi",
        "Subject: Automatische Antwort: Re: [SUP-1]",
        "Subject: Undeliverable: [SUP-1] hi",
        "Content-Type: multipart/report; report-type=delivery-status; boundary=x",
    ],
)
def test_automatic_mail_is_recognised(header):
    assert parse_message(f"{header}\r\n\r\nx".encode()).is_auto_reply


@pytest.mark.parametrize(
    "header",
    [
        "Auto-Submitted: no",
        "List-Id: <support.lists.example>",
        "List-Unsubscribe: <mailto:leave@lists.example>",
        "X-Auto-Response-Suppress: DR, RN, NRN",
        "Subject: Re: [SUP-1] crash when the out of office flag is set",
        "From: postmaster-team@example.com",
    ],
)
def test_human_mail_is_not_taken_for_automatic(header):
    assert not parse_message(f"{header}\r\n\r\nx".encode()).is_auto_reply


def test_our_loop_header_is_detected():
    assert parse_message(b"X-Catalog-Loop: 1\r\n\r\nx").is_loop
    assert not parse_message(b"X-Other: 1\r\n\r\nx").is_loop


@pytest.mark.parametrize("raw", [b"", b"   \r\n\r\n  ", ""])
def test_empty_input_is_not_a_message(raw):
    with pytest.raises(MailParseError):
        parse_message(raw)


def test_deeply_nested_multipart_does_not_recurse_forever():
    depth = 200
    raw = b"".join(
        b"Content-Type: multipart/mixed; boundary=b%d\r\n\r\n--b%d\r\n" % (i, i)
        for i in range(depth)
    )
    raw += b"Content-Type: text/plain\r\n\r\ndeep\r\n"
    msg = parse_message(raw)
    assert msg.text in {"", "deep"}


def test_date_offsets_are_kept():
    msg = parse_message(b"Date: Tue, 12 Mar 2024 11:02:40 +0530\r\n\r\nx")
    assert msg.date.utcoffset() == timedelta(hours=5, minutes=30)


def test_nul_bytes_in_any_text_field_become_replacement_characters():
    raw = (
        b'From: "=?utf-8?q?Jan=00Doe?=" <jan@example.com>\r\nTo: support@catalog.test\r\n'
        b"Subject: =?utf-8?q?a=00b?=\r\nMIME-Version: 1.0\r\n"
        b"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n"
        b"Content-Type: text/plain; charset=utf-8\r\n"
        b"Content-Transfer-Encoding: quoted-printable\r\n\r\nhello =00 world\r\n"
        b"--b\r\nContent-Type: application/pdf\r\n"
        b"Content-Disposition: attachment; filename*=utf-8''r%00%ED%A0%80.pdf\r\n\r\nx\r\n--b--\r\n"
    )
    message = parse_message(raw)
    assert message.text == "hello \ufffd world"
    assert message.from_name == "Jan\ufffdDoe"
    texts = [message.subject, message.from_name, message.text]
    texts += [attachment.filename for attachment in message.attachments]
    assert all("\x00" not in text for text in texts)
    assert all(text.encode("utf-8") for text in texts)  # no lone surrogates either


def test_storable_replaces_nul_and_lone_surrogates():
    assert storable("a\x00b\ud800c\udcffd") == "a\ufffdb\ufffdc\ufffdd"
    assert storable("plain ünïcode 😀") == "plain ünïcode 😀"
