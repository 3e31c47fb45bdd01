"""Threading helpers: subject references, Message-ID order, quoted-history stripping."""

import pytest

from catalog.mail.inbound import parse_message
from catalog.mail.matching import candidate_message_ids
from catalog.mail.matching import reference_in_subject
from catalog.mail.matching import strip_quoted
from catalog.mail.matching import strip_reply_prefixes

PREFIXES = ["SUP", "TKT", "SUPPORT"]


@pytest.mark.parametrize(
    "subject, expected",
    [
        ("[SUP-000123] App crashes", "SUP-000123"),
        ("Re: [SUP-000123] App crashes", "SUP-000123"),
        ("RE: AW: Fwd: FW: WG: SV: Antw: [SUP-000123] x", "SUP-000123"),
        ("Re[2]: Re: [sup-000123] lower case", "SUP-000123"),
        ("Fwd: [SUP-000042] Password reset does not arrive", "SUP-000042"),
        ("AW: [TKT-77] an old prefix we used once", "TKT-77"),
        ("[SUPPORT-9] longest prefix wins", "SUPPORT-9"),
        ("[ext] Re: [ SUP - 5 ] spaced", "SUP-5"),
        ("Re: SUP-000123 without brackets", None),
        ("Re: [ABC-000123] someone else's tracker", None),
        ("[SUP-] no digits", None),
        ("", None),
        (None, None),
    ],
)
def test_reference_in_subject(subject, expected):
    assert reference_in_subject(subject, PREFIXES) == expected


def test_reference_in_subject_takes_the_first_and_escapes_prefixes():
    assert reference_in_subject("Re: [SUP-1] see also [SUP-2]", PREFIXES) == "SUP-1"
    assert reference_in_subject("[A.B-1]", ["A.B"]) == "A.B-1"
    assert reference_in_subject("[AxB-1]", ["A.B"]) is None
    assert reference_in_subject("[SUP-1]", []) is None


def test_strip_reply_prefixes():
    assert strip_reply_prefixes("Re: AW: Fwd: WG: hello") == "hello"
    assert strip_reply_prefixes("Reply needed") == "Reply needed"


def test_candidate_ids_try_in_reply_to_then_references_newest(raw_message):
    msg = parse_message(raw_message("thunderbird_reply"))
    assert candidate_message_ids(msg) == [
        "<1710237300.bb22@support.example.com>",
        "<1710234000.aa11@support.example.com>",
    ]


def test_candidate_ids_skip_duplicates_and_the_message_itself():
    raw = (
        b"Message-ID: <self@x>\r\nIn-Reply-To: <c@x>\r\n"
        b"References: <a@x> <self@x> <b@x> <c@x>\r\n\r\nx"
    )
    assert candidate_message_ids(parse_message(raw)) == ["<c@x>", "<b@x>", "<a@x>"]


@pytest.mark.parametrize(
    "name, expected",
    [
        (
            "thunderbird_reply",
            "Hi,\n\nthe crash is gone after the update to 2.1. Thanks a lot!\n\nBest regards\nJan",
        ),
        (
            "outlook_html_only",
            "Hello,\n\nwe still see the error „E42“ after the update. The "
            "licence costs 120 € per seat, so this matters.\n\nKind regards,\n"
            "Petra",
        ),
        ("gmail_reply", "It crashes again since this morning, log attached in the portal."),
        (
            "german_reply",
            "Hallo,\n\nleider stürzt die App weiterhin ab, sobald ich die Größe "
            "ändere.\n\nViele Grüße\nJürgen",
        ),
    ],
)
def test_strip_quoted_on_real_replies(raw_message, name, expected):
    assert strip_quoted(parse_message(raw_message(name)).text) == expected


def test_strip_quoted_keeps_forwarded_content(raw_message):
    text = strip_quoted(parse_message(raw_message("forwarded")).text)
    assert text.startswith("Forwarding this")
    assert text.endswith("We are looking into it.")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Fixed.\n\n-----Original Message-----\nFrom: S\nSent: today\n\nold", "Fixed."),
        ("Danke!\n\n-----Ursprüngliche Nachricht-----\nVon: S\nGesendet: heute\nold", "Danke!"),
        ("Merci\n\nDe : Support\nEnvoyé : lundi\nÀ : moi\nObjet : x\n\nold", "Merci"),
        ("Ok\n\n________________________________\nFrom: S <s@x>\nSent: Monday\nold", "Ok"),
        ("Ok\n\n*From:* S <s@x>\n*Sent:* Monday\nold", "Ok"),
        ("Yes\n\nLe mar. 12 mars 2024 à 10:15, Support <s@x> a écrit :\n> old", "Yes"),
        ("Yes\nOn Tue, Mar 12, 2024 at 10:15 AM Support <s@x> wrote:\n> old\n>> older", "Yes"),
        ("> Did it work?\nYes.\n> And the rest?\nNo.", "Yes.\nNo."),
        ("On Tue, Support wrote:\n> question?\n\nbottom-posted answer", "bottom-posted answer"),
        ("Thanks\n\nSent from my iPhone", "Thanks"),
        ("Thanks\n\nGet Outlook for Android", "Thanks"),
        ("Thanks\n-- \nBob\nACME", "Thanks"),
        ("Windows\r\nline\r\nendings\r\n> q", "Windows\nline\nendings"),
    ],
)
def test_strip_quoted_removes_history_and_signatures(text, expected):
    assert strip_quoted(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "-- \nonly a signature",
        "> everything quoted\n> here",
        "On Mon, X wrote:\nunquoted text after an attribution",
        "Sent from my iPhone",
    ],
)
def test_strip_quoted_never_returns_empty_for_non_empty_text(text):
    assert strip_quoted(text).strip()


def test_strip_quoted_of_blank_text_is_empty():
    assert strip_quoted("  \n\n ") == ""
