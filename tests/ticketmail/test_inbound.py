"""Replies by e-mail: threading, who may append, stripping, attachments, robustness, duplicates.

A reply is trusted when it arrives at the recipient's own reply address (``reply``) or when our
mail server vouches for its From domain (``vouched`` with ``trust_mx``); see test_mail_trust.py
for what happens to everything else.
"""

from email.message import EmailMessage

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from catalog.extensions import db
from catalog.support.tickets.models import TicketMessage
from catalog.ticketmail.models import InboundMail
from tests.mail.conftest import MESSAGES
from tests.support.conftest import customer
from tests.ticketmail.conftest import deliver
from tests.ticketmail.conftest import mail
from tests.ticketmail.conftest import open_request
from tests.ticketmail.conftest import outbox
from tests.ticketmail.conftest import reply
from tests.ticketmail.conftest import reply_address
from tests.ticketmail.conftest import ticket_of
from tests.ticketmail.conftest import vouched


@pytest.fixture
def ticket(app, apps):
    """The customer's ISV ticket, its first notifications queued; returns (reference, ack id)."""
    reference = open_request(app, apps["customer"])
    acknowledgement = next(row for row in outbox(app) if row.recipients == [apps["customer"]])
    return reference, acknowledgement.message_id


def messages(app, reference) -> list[TicketMessage]:
    """The ticket's messages with their authors and attachments loaded."""
    with app.app_context():
        found = list(ticket_of(reference).messages)
        for message in found:
            _ = message.author, list(message.attachments)
        db.session.expunge_all()
        return found


def test_a_multipart_reply_threads_by_in_reply_to_and_is_stored_without_quotes_and_signature(
    app, apps, ticket, trust_mx
):
    reference, ack = ticket
    answer = mail(
        apps["customer"],
        "Re: your request",
        "Version 6.3.2.\n\n-- \nJan, ACME\n\nOn Monday, Support wrote:\n> Which version?",
        In_Reply_To=ack,
        Message_ID="<r1@example.com>",
    )
    answer.add_alternative(
        "<p>Version 6.3.2.</p><blockquote>Which version?</blockquote>", subtype="html"
    )
    assert deliver(app, vouched(answer)) == ("stored", f"added to {reference}")
    last = messages(app, reference)[-1]
    assert last.body == "Version 6.3.2." and last.author.email == apps["customer"]
    assert outbox(app)[-1].recipients == [apps["isv_b"]]  # the developer hears of it


def test_a_reply_with_only_the_reference_after_aw_re_and_an_old_prefix_threads(
    app, apps, ticket, trust_mx
):
    reference, _ = ticket
    app.config.update(TICKET_REF_PREFIX="HELP", TICKET_REF_PREFIXES=["SUP"])
    number = reference.split("-")[1]
    message = mail(apps["customer"], f"AW: Re: [sup-{int(number)}] Backups", "Still broken")
    assert deliver(app, vouched(message))[0] == "stored"
    assert messages(app, reference)[-1].body == "Still broken"


def test_a_developer_may_answer_by_mail_and_the_customer_is_told(app, apps, ticket):
    reference, _ = ticket
    answer = reply(app, apps["isv_b"], reference, f"Re: [{reference}]", "Fixed in 6.4")
    assert deliver(app, answer.as_bytes())[0] == "stored"
    assert outbox(app)[-1].recipients == [apps["customer"]]
    assert messages(app, reference)[-1].author.email == apps["isv_b"]


def test_a_colleague_in_the_requesters_organisation_may_append(app, apps, ticket, trust_mx):
    reference, _ = ticket
    customer(app, "colleague@example.com", organisation_of=apps["customer"])
    message = mail("Colleague <COLLEAGUE@example.com>", f"[{reference}]", "Me too")
    assert deliver(app, vouched(message))[0] == "stored"


@pytest.mark.parametrize(
    "sender", ["stranger@evil.example", "other@example.com", "dev@northwind.example"]
)
def test_a_non_participant_quoting_a_valid_reference_cannot_append_and_gets_a_polite_bounce(
    app, apps, ticket, sender, trust_mx
):
    reference, ack = ticket
    customer(app, "other@example.com")  # a customer of another organisation
    before = len(messages(app, reference))
    status, detail = deliver(
        app, vouched(mail(sender, f"Re: [{reference}]", "Let me in", In_Reply_To=ack))
    )
    assert status == "bounced" and "does not take part" in detail
    assert len(messages(app, reference)) == before
    bounce = outbox(app)[-1]
    assert bounce.kind == "refusal" and bounce.recipients == [sender] and bounce.ticket_id is None
    assert b"Backups stopped" not in bounce.raw  # nothing of the ticket is revealed
    assert b"Auto-Submitted: auto-replied" in bounce.raw


def test_an_unknown_reference_is_refused_in_the_same_words(app, apps, ticket, trust_mx):
    status, detail = deliver(app, vouched(mail("stranger@evil.example", "[SUP-999999] hi")))
    assert status == "bounced" and "does not take part" in detail


def test_html_only_non_utf8_and_encoded_word_mail_is_stored_readably(app, apps, ticket):
    reference, _ = ticket
    to = reply_address(app, apps["customer"], reference)
    html = EmailMessage()
    html["From"], html["To"], html["Subject"] = apps["customer"], to, f"RE: [{reference}]"
    html.set_content(
        "<html><body><p>Fehler &bdquo;E42&ldquo; bleibt</p><script>x()</script></body></html>",
        subtype="html",
    )
    assert deliver(app, html.as_bytes())[0] == "stored"
    latin = (
        f"From: {apps['customer']}\nTo: {to}\n"
        f"Subject: =?iso-8859-1?q?Re=3A_=5B{reference}=5D_Gr=FC=DFe?=\n"
        "Content-Type: text/plain; charset=iso-8859-1\n\nSch\xf6ne Gr\xfc\xdfe aus K\xf6ln\n"
    ).encode("latin-1")
    assert deliver(app, latin)[0] == "stored"
    undeclared = (
        f"From: {apps['customer']}\nTo: {to}\nSubject: [{reference}]\n\nZa\xbf\xf3\xb3\xe6 ok\n"
    ).encode("latin-1")
    assert deliver(app, undeclared)[0] == "stored"
    bodies = [m.body for m in messages(app, reference)[-3:]]
    assert (
        bodies[0] == "Fehler „E42“ bleibt"
        and bodies[1] == "Schöne Grüße aus Köln"
        and "\ufffd" not in bodies[2]
    )


def test_missing_headers_still_thread_by_subject_and_a_redelivery_is_stored_once(
    app, apps, ticket, trust_mx
):
    reference, _ = ticket
    raw = (
        f"Authentication-Results: {trust_mx}; spf=pass smtp.mailfrom={apps['customer']}\n"
        f"From: {apps['customer']}\nSubject: [{reference}]\n\nNo date, no id, no To.\n"
    ).encode()
    assert deliver(app, raw)[0] == "stored"
    assert deliver(app, raw) == ("duplicate", deliver(app, raw)[1])
    assert [m.body for m in messages(app, reference)].count("No date, no id, no To.") == 1


def test_the_same_message_delivered_twice_is_stored_once(app, apps, ticket):
    reference, ack = ticket
    raw = reply(
        app, apps["customer"], reference, "Re: x", "Once", In_Reply_To=ack, Message_ID="<same@x>"
    ).as_bytes()
    assert [deliver(app, raw)[0] for _ in range(3)] == ["stored", "duplicate", "duplicate"]
    assert [m.body for m in messages(app, reference)].count("Once") == 1


def test_attachments_keep_allowed_types_within_limits_and_note_the_rest(app, apps, ticket):
    reference, _ = ticket
    app.config.update(TICKET_ATTACHMENT_MAX_BYTES=1000)
    message = reply(app, apps["customer"], reference, f"[{reference}] logs", "Logs attached.")
    message.add_attachment(b"line\n" * 10, maintype="text", subtype="plain", filename="app.log")
    message.add_attachment(
        b"x" * 50_000, maintype="application", subtype="zip", filename="huge.zip"
    )
    message.add_attachment(
        b"MZ", maintype="application", subtype="octet-stream", filename="tool.exe"
    )
    assert deliver(app, message.as_bytes())[0] == "stored"
    last = messages(app, reference)[-1]
    assert [a.filename for a in last.attachments] == ["app.log"]
    assert "[Attachment not kept: huge.zip (50,000 bytes): larger than 1000 bytes]" in last.body
    assert "[Attachment not kept: tool.exe: this type of file cannot be attached]" in last.body


def test_auto_replies_and_our_own_mail_coming_back_are_ignored_and_never_answered(
    app, apps, ticket
):
    reference, _ = ticket
    before_mail, before_messages = len(outbox(app)), len(messages(app, reference))
    vacation = mail(
        apps["customer"],
        f"Automatic reply: [{reference}]",
        "I am away",
        Auto_Submitted="auto-replied",
    )
    assert deliver(app, vacation.as_bytes())[0] == "ignored"
    stranger_vacation = mail("stranger@evil.example", f"Out of office: [{reference}]", "Away")
    assert deliver(app, stranger_vacation.as_bytes())[0] == "ignored"
    own = next(row for row in outbox(app) if row.ticket_id)
    assert deliver(app, own.raw)[0] == "ignored"
    assert len(outbox(app)) == before_mail and len(messages(app, reference)) == before_messages


def test_a_reply_to_a_closed_ticket_is_refused_with_the_reason(app, apps, ticket):
    reference, _ = ticket
    with app.app_context():
        ticket_of(reference).status = "closed"
        db.session.commit()
    message = reply(app, apps["customer"], reference, f"[{reference}]", "hello?")
    status, detail = deliver(app, message.as_bytes())
    assert status == "bounced" and "closed" in detail


def test_refusals_to_one_address_stop_after_five_a_day(app, apps, trust_mx):
    statuses = [
        deliver(
            app,
            vouched(mail("stranger@evil.example", f"[SUP-00000{i}] x", Message_ID=f"<{i}@e>")),
        )[0]
        for i in range(7)
    ]
    assert statuses == ["bounced"] * 5 + ["refused"] * 2
    assert len(outbox(app, kind="refusal")) == 5


def test_answers_to_quarantined_mail_count_against_the_same_daily_limit(app, apps):
    statuses = [
        deliver(
            app,
            mail("stranger@evil.example", f"[SUP-00000{i}] x", Message_ID=f"<{i}@e>").as_bytes(),
        )
        for i in range(7)
    ]
    assert [status for status, _ in statuses] == ["quarantined"] * 7
    assert "no answer" in statuses[-1][1] and "no answer" not in statuses[4][1]
    assert len(outbox(app, kind="refusal")) == 5


@pytest.mark.parametrize("path", sorted(MESSAGES.glob("*.eml")), ids=lambda p: p.stem)
def test_every_sample_of_real_mail_is_handled_without_crashing(app, apps, path):
    status, _ = deliver(app, path.read_bytes())
    assert status in {"bounced", "ignored", "refused", "quarantined", "triage"}
    with app.app_context():
        assert db.session.scalar(select(InboundMail.outcome)) == status


def test_ingest_command_exit_codes(app, apps, ticket, runner, tmp_path):
    reference, _ = ticket
    stored = tmp_path / "reply.eml"
    stored.write_bytes(
        reply(app, apps["customer"], reference, f"[{reference}]", "From a file").as_bytes()
    )
    result = runner.invoke(args=["mail", "ingest", str(stored)])
    assert result.exit_code == 0 and result.output.startswith("stored:")
    kept_off = runner.invoke(
        args=["mail", "ingest", "-"], input=mail("x@evil.example", f"[{reference}]").as_bytes()
    )
    assert kept_off.exit_code == 0 and kept_off.output.startswith("quarantined:")
    auto = runner.invoke(
        args=["mail", "ingest"],
        input=mail("x@evil.example", "hi", Auto_Submitted="auto-generated").as_bytes(),
    )
    assert auto.exit_code == 0 and auto.output.startswith("ignored:")
    empty = runner.invoke(args=["mail", "ingest", "-"], input=b"  \n")
    assert empty.exit_code != 0 and "not an e-mail message" in empty.output
    missing = runner.invoke(args=["mail", "ingest", str(tmp_path / "nope.eml")])
    assert missing.exit_code != 0 and "cannot read" in missing.output


def test_ingest_asks_the_mail_server_to_retry_when_the_database_fails(
    app, apps, runner, monkeypatch
):
    def broken(*args):
        raise OperationalError("INSERT", {}, Exception("database is locked"))

    monkeypatch.setattr("catalog.ticketmail.cli.ingest", broken)
    result = runner.invoke(
        args=["mail", "ingest", "-"], input=mail(apps["customer"], "x").as_bytes()
    )
    assert result.exit_code == 75 and "try again later" in result.output
