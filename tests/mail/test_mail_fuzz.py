"""Property tests: no input makes the parser or the text helpers raise unexpectedly."""

from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from catalog.mail.htmltext import html_to_text
from catalog.mail.inbound import MailParseError
from catalog.mail.inbound import parse_message
from catalog.mail.matching import candidate_message_ids
from catalog.mail.matching import reference_in_subject
from catalog.mail.matching import strip_quoted

FUZZ = settings(
    max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)

HEADER_NAMES = [
    "From",
    "To",
    "Cc",
    "Subject",
    "Date",
    "Message-ID",
    "In-Reply-To",
    "References",
    "Content-Type",
    "Content-Transfer-Encoding",
    "Content-Disposition",
    "Auto-Submitted",
    "Return-Path",
    "MIME-Version",
]
FRAGMENTS = [
    "multipart/mixed; boundary=b",
    'multipart/alternative; boundary="b"',
    "text/plain; charset=",
    "text/html; charset=unknown-8bit",
    "message/rfc822",
    "base64",
    "quoted-printable",
    "=?utf-8?B?",
    "=?x?Q?=FF?=",
    "?=",
    "<a@b>",
    "<",
    "attachment; filename*=utf-8''%C3%A9",
    "\r\n--b\r\n",
    "\r\n--b--\r\n",
    "\r\n\r\n",
    "\xff\xfe",
    "é",
    "Mon, 32 Foo 99999 99:99 +9999",
    "\x00",
    ";",
    '"',
    "\\",
]


def accept_or_parse_error(raw):
    try:
        message = parse_message(raw)
    except MailParseError:
        return
    assert message.message_id.startswith("<")
    candidate_message_ids(message)
    reference_in_subject(message.subject, ["SUP"])
    strip_quoted(message.text)


@FUZZ
@given(st.binary(max_size=2000))
def test_random_bytes_never_raise_anything_but_mail_parse_error(raw):
    accept_or_parse_error(raw)


@FUZZ
@given(st.text(max_size=2000))
def test_random_text_never_raises_anything_but_mail_parse_error(raw):
    accept_or_parse_error(raw)


@st.composite
def messages(draw):
    """Raw messages assembled from MIME-looking pieces, to reach the deeper code paths."""
    noise = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=12)), max_size=6)
    headers = draw(st.lists(st.tuples(st.sampled_from(HEADER_NAMES), noise), max_size=12))
    lines = [f"{name}: {''.join(value)}" for name, value in headers]
    body = "".join(draw(noise)) + "".join(draw(noise))
    encoding = draw(st.sampled_from(["utf-8", "latin-1", "utf-16"]))
    return ("\r\n".join(lines) + "\r\n\r\n" + body).encode(encoding, "replace")


@FUZZ
@given(messages())
def test_mime_shaped_garbage_never_raises(raw):
    accept_or_parse_error(raw)


@FUZZ
@given(st.text(max_size=500))
def test_strip_quoted_keeps_something_from_non_blank_text(text):
    assert bool(strip_quoted(text)) == bool(text.strip())


@FUZZ
@given(st.text(max_size=500))
def test_html_to_text_never_raises(markup):
    html_to_text(markup)
