"""Issue 11, mail: the From header proves nothing; reply tokens, a trusted mail server's verdict,
the quarantine, held requests, no app guessed from the subject, and deep MIME nesting."""

import re
import smtplib
from datetime import timedelta
from email import message_from_bytes
from email import policy

import pytest
from sqlalchemy import func
from sqlalchemy import select

from catalog.accounts.models import User
from catalog.db import utcnow
from catalog.extensions import db
from catalog.marketplace.models import App
from catalog.support.tickets.models import Ticket
from catalog.ticketmail.listener import IngestController
from catalog.ticketmail.models import InboundMail
from tests.mail.conftest import free_port
from tests.support.conftest import ISV_APP
from tests.support.conftest import PRO_APP
from tests.support.conftest import subscribe
from tests.ticketmail.conftest import SUPPORT
from tests.ticketmail.conftest import auth_results
from tests.ticketmail.conftest import deliver
from tests.ticketmail.conftest import mail
from tests.ticketmail.conftest import open_request
from tests.ticketmail.conftest import outbox
from tests.ticketmail.conftest import reply
from tests.ticketmail.conftest import reply_address
from tests.ticketmail.conftest import ticket_of
from tests.ticketmail.conftest import user_id
from tests.ticketmail.conftest import vouched


@pytest.fixture
def pro_ticket(app, apps):
    """A professional ticket of the customer: operator staff answer it; returns its reference."""
    subscribe(app, apps["customer"])
    return open_request(app, apps["customer"], slug=PRO_APP)


@pytest.fixture
def listener(app):
    """The ``mail serve`` listener on a free port of 127.0.0.1; yields its port."""
    controller = IngestController(app, "127.0.0.1", free_port())
    controller.start()
    yield controller.port
    controller.stop()


def _state(app, reference: str) -> tuple[list[tuple[str, str]], list]:
    """The ticket's (author, body) pairs and its clocks' met times."""
    with app.app_context():
        ticket = ticket_of(reference)
        return (
            [(m.author.email if m.author else "", m.body) for m in ticket.messages],
            [clock.met_at for clock in ticket.clocks],
        )


def _inbound(app) -> list[tuple[str, str, str]]:
    """(outcome, detail, excerpt) of every inbound message, oldest first."""
    with app.app_context():
        rows = db.session.execute(
            select(InboundMail.outcome, InboundMail.detail, InboundMail.excerpt).order_by(
                InboundMail.id
            )
        )
        return [tuple(row) for row in rows]


def _forgery(reference: str, sender: str = "staff@example.com"):
    """The issue's reproduction: staff's From, the ticket's reference, nothing else."""
    return mail(sender, f"Re: [{reference}]", "Fixed, closing. Please pay the invoice.")


# Finding 1 ---------------------------------------------------------------------------------


def test_finding_1_a_forged_staff_from_with_the_reference_is_quarantined_not_stored(
    app, apps, pro_ticket
):
    before = _state(app, pro_ticket)
    status, detail = deliver(app, _forgery(pro_ticket).as_bytes())
    assert status == "quarantined" and "not authenticated" in detail
    assert _state(app, pro_ticket) == before  # no reply, first-response clock not met
    assert all(met is None for met in before[1])
    outcome, reason, excerpt = _inbound(app)[-1]
    assert outcome == "quarantined" and "Please pay the invoice" in excerpt
    answer = outbox(app, kind="refusal")[-1]
    assert answer.recipients == ["staff@example.com"]
    text = message_from_bytes(answer.raw, policy=policy.default)
    assert text["Auto-Submitted"] == "auto-replied"
    assert "reply address is yours" in text.get_body(("plain",)).get_content()


def test_finding_1_the_forgery_through_smtp_with_any_envelope_sender_is_quarantined(
    app, apps, pro_ticket, listener
):
    before = _state(app, pro_ticket)
    for envelope_sender in ("staff@example.com", "bounce@evil.example", ""):
        forged = _forgery(pro_ticket)
        forged["Message-ID"] = f"<forged-{len(envelope_sender)}@evil.example>"
        with smtplib.SMTP("127.0.0.1", listener) as client:
            refused = client.send_message(forged, envelope_sender, [SUPPORT])
        assert refused == {}
    assert _state(app, pro_ticket) == before
    assert [outcome for outcome, _, _ in _inbound(app)] == ["quarantined"] * 3


def test_finding_1_a_reply_to_a_live_token_is_the_tokens_users_whatever_the_from_says(
    app, apps, pro_ticket
):
    token_mail = reply(app, apps["customer"], pro_ticket, "Re: your request", "More details")
    token_mail.replace_header("From", "staff@example.com")
    assert deliver(app, token_mail.as_bytes())[0] == "stored"
    messages, clocks = _state(app, pro_ticket)
    assert messages[-1] == (apps["customer"], "More details")
    assert all(met is None for met in clocks)  # a customer's message meets no agent target


def test_finding_1_notifications_carry_one_reply_address_per_recipient_stored_hashed(
    app, apps, pro_ticket
):
    from catalog.ticketmail import replytokens  # new modules: imported here, so the file also
    from catalog.ticketmail.models import ReplyToken  # runs against the code before the fix

    to_staff = reply_address(app, apps["staff"], pro_ticket)
    to_customer = reply_address(app, apps["customer"], pro_ticket)
    assert to_staff != to_customer
    for address in (to_staff, to_customer):
        assert re.fullmatch(r"[a-z]+\+r-[a-z2-7]{32}@[a-z.]+", address)
    with app.app_context():
        stored = set(db.session.scalars(select(ReplyToken.token_hash)))
        token = to_staff.split("+r-")[1].split("@")[0]
        assert token not in stored and replytokens.digest(token) in stored


def test_finding_1_revoked_tokens_and_tokens_of_former_participants_are_not_trusted(
    app, apps, pro_ticket
):
    from catalog.ticketmail import replytokens
    from catalog.ticketmail.models import ReplyToken

    stale = reply(app, apps["customer"], pro_ticket, "Re: x", "After revocation")
    with app.app_context():
        replytokens.revoke(user_id(app, apps["customer"]), utcnow())
        db.session.commit()
    assert deliver(app, stale.as_bytes())[0] == "quarantined"
    staff = reply(app, apps["staff"], pro_ticket, "Re: x", "From a deactivated account")
    with app.app_context():
        db.session.get(User, user_id(app, apps["staff"])).active = False
        db.session.commit()
    assert deliver(app, staff.as_bytes())[0] == "quarantined"
    assert _state(app, pro_ticket)[0] == [(apps["customer"], "Since Monday.")]
    with app.app_context():  # the dead token is revoked for good
        assert db.session.scalar(select(func.count()).where(ReplyToken.revoked_at.is_(None))) == 0


def test_finding_1_only_the_topmost_aligned_pass_of_a_trusted_server_counts(
    app, apps, pro_ticket, trust_mx
):
    forged = _forgery(pro_ticket)
    lower = f"Authentication-Results: {auth_results('staff@example.com')}\r\n".encode()
    top = f"Authentication-Results: {auth_results('staff@example.com', 'dkim=fail')}\r\n"
    # Our server's verdict (dkim=fail) on top of one the attacker wrote (dkim=pass).
    assert deliver(app, top.encode() + lower + forged.as_bytes())[0] == "quarantined"
    # A pass from a server we do not trust, or for another domain, vouches for nothing.
    untrusted = auth_results("staff@example.com", authserv_id="mx.evil.example")
    del forged["Message-ID"]
    forged["Message-ID"] = "<2@evil.example>"
    assert (
        deliver(app, f"Authentication-Results: {untrusted}\r\n".encode() + forged.as_bytes())[0]
        == "quarantined"
    )
    unaligned = auth_results("staff@evil.example")
    del forged["Message-ID"]
    forged["Message-ID"] = "<3@evil.example>"
    assert (
        deliver(app, f"Authentication-Results: {unaligned}\r\n".encode() + forged.as_bytes())[0]
        == "quarantined"
    )
    assert len(_state(app, pro_ticket)[0]) == 1
    # The real staff member's mail, vouched for by our server, is taken.
    del forged["Message-ID"]
    forged["Message-ID"] = "<4@example.com>"
    assert deliver(app, vouched(forged))[0] == "stored"
    assert _state(app, pro_ticket)[0][-1][0] == apps["staff"]


def test_finding_1_nothing_is_trusted_by_default(app, apps, pro_ticket):
    assert not app.config.get("MAIL_TRUSTED_AUTHSERV_IDS")
    assert deliver(app, vouched(_forgery(pro_ticket)))[0] == "quarantined"


def test_finding_1_an_unauthenticated_request_is_held_until_its_sender_confirms_it(
    app, apps, client, auth
):
    subscribe(app, apps["customer"])
    forged = mail(apps["customer"], "Please wipe our backups", "Signed, the CEO")
    status, detail = deliver(
        app, forged.as_bytes(), recipients=(f"support+app-{PRO_APP}@catalog.test",)
    )
    assert status == "held" and "until" in detail
    with app.app_context():
        assert db.session.scalar(select(func.count(Ticket.id))) == 0  # no ticket, no quota used
    confirmation = outbox(app, kind="confirmation")[-1]
    assert confirmation.recipients == [apps["customer"]]
    body = message_from_bytes(confirmation.raw, policy=policy.default)
    text = body.get_body(("plain",)).get_content()
    link = re.search(r"http://catalog\.test(/mail/requests/[a-z2-7]{32})", text)
    assert link, text
    url = link.group(1)
    assert client.get(url).status_code == 302  # log in first
    auth.login(apps["staff"])
    assert client.get(url).status_code == 404  # someone else's
    auth.logout()
    auth.login(apps["customer"])
    page = client.get(url)
    assert page.status_code == 200 and b"Please wipe our backups" in page.data
    assert client.post(url).status_code == 400  # no CSRF token
    confirmed = auth.post(url)
    assert confirmed.status_code == 302 and "/support/tickets/SUP-" in confirmed.location
    assert auth.post(url).location == confirmed.location  # confirming twice opens one ticket
    with app.app_context():
        ticket = db.session.scalar(select(Ticket))
        assert (ticket.channel, ticket.requester.email) == ("professional", apps["customer"])
        assert ticket.messages[0].body == "Signed, the CEO"
        assert db.session.scalar(select(func.count(Ticket.id))) == 1


def test_finding_1_held_requests_expire(app, apps, client, auth):
    from catalog.ticketmail.models import HeldRequest

    forged = mail(apps["customer"], "Old request")
    to_app = (f"support+app-{ISV_APP}@catalog.test",)
    assert deliver(app, forged.as_bytes(), recipients=to_app)[0] == "held"
    with app.app_context():
        db.session.scalar(select(HeldRequest)).expires_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    sent = message_from_bytes(outbox(app, kind="confirmation")[-1].raw, policy=policy.default)
    text = sent.get_body(("plain",)).get_content()
    url = re.search(r"/mail/requests/[a-z2-7]{32}", text).group(0)
    auth.login(apps["customer"])
    assert client.get(url).status_code == 400
    assert auth.post(url).status_code == 400
    with app.app_context():
        assert db.session.scalar(select(func.count(Ticket.id))) == 0


def test_finding_1_staff_see_the_quarantine_newest_first_escaped_and_nobody_else(
    app, apps, client, auth, pro_ticket
):
    deliver(app, mail("staff@example.com", f"[{pro_ticket}] older-one", "<b>one</b>").as_bytes())
    deliver(app, mail("x@evil.example", f"[{pro_ticket}] <script>x()</script>").as_bytes())
    auth.login(apps["customer"])
    assert client.get("/operator/mail/quarantine").status_code == 403
    auth.logout()
    auth.login(apps["staff"])
    page = client.get("/operator/mail/quarantine").get_data(as_text=True)
    assert "<script>x()</script>" not in page and "&lt;script&gt;" in page
    assert "&lt;b&gt;one&lt;/b&gt;" in page and "not authenticated" in page
    assert page.index("x@evil.example") < page.index("older-one")
    huge = client.get("/operator/mail/quarantine?page=" + "9" * 30)
    assert huge.status_code == 200


# Finding 4 ---------------------------------------------------------------------------------


def test_finding_4_a_subject_naming_an_app_does_not_route_the_request_to_its_developer(
    app, apps, trust_mx
):
    with app.app_context():
        db.session.scalar(select(App).where(App.slug == ISV_APP)).name = "Urgent"
        db.session.commit()
    for subject in (
        "URGENT: our mail relay drops messages",
        f"[{ISV_APP}] confidential",
        "[Urgent] confidential",
    ):
        message = mail(apps["customer"], subject, "Confidential text")
        status, detail = deliver(app, vouched(message))
        assert status == "triage" and "names no app" in detail
    with app.app_context():
        assert db.session.scalar(select(func.count(Ticket.id))) == 0
    assert [outcome for outcome, _, _ in _inbound(app)] == ["triage"] * 3


def test_finding_4_an_app_address_names_the_app(app, apps, trust_mx):
    message = mail(apps["customer"], "URGENT: relay drops mail")
    message.replace_header("To", f"support+app-{ISV_APP}@catalog.test")
    status, detail = deliver(app, vouched(message))
    assert status == "opened"
    with app.app_context():
        assert ticket_of(detail.split()[1]).app.slug == ISV_APP


# Finding 10 --------------------------------------------------------------------------------


def _nested(sender: str, to: str, levels: int, text: str = "Deep text", subject="deep") -> bytes:
    """A message whose only text lies ``levels`` multipart levels deep."""
    head = f"From: {sender}\r\nTo: {to}\r\nSubject: {subject}\r\nMIME-Version: 1.0\r\n"
    opening = "".join(
        f'Content-Type: multipart/mixed; boundary="b{i}"\r\n\r\n--b{i}\r\n' for i in range(levels)
    )
    closing = "".join(f"\r\n--b{i}--" for i in reversed(range(levels)))
    return (head + opening + f"Content-Type: text/plain\r\n\r\n{text}" + closing).encode()


def test_finding_10_a_thousand_nested_levels_get_a_permanent_5xx_not_a_451(app, apps, listener):
    with (
        smtplib.SMTP("127.0.0.1", listener) as client,
        pytest.raises(smtplib.SMTPDataError) as caught,
    ):
        client.sendmail(apps["customer"], [SUPPORT], _nested(apps["customer"], SUPPORT, 1000))
    assert caught.value.smtp_code == 550 and b"nested too deeply" in caught.value.smtp_error


def test_finding_10_only_temporary_failures_answer_451(app, apps, listener, monkeypatch):
    def bug(*args):
        raise ValueError("a bug, not a database outage")

    monkeypatch.setattr("catalog.ticketmail.listener.ingest", bug)
    with (
        smtplib.SMTP("127.0.0.1", listener) as client,
        pytest.raises(smtplib.SMTPDataError) as caught,
    ):
        client.send_message(mail(apps["customer"], "x", "y"), to_addrs=[SUPPORT])
    assert caught.value.smtp_code == 554


def test_finding_10_deeply_nested_text_is_found_or_the_ticket_says_why_it_is_missing(
    app, apps, trust_mx
):
    reference = open_request(app, apps["customer"])
    vouch = f"Authentication-Results: {auth_results(apps['customer'])}\r\n".encode()
    for levels, text in ((60, "Found at sixty"), (300, "Too deep")):
        raw = _nested(apps["customer"], SUPPORT, levels, text, subject=f"[{reference}] {levels}")
        assert deliver(app, vouch + raw)[0] == "stored"
    bodies = [body for _, body in _state(app, reference)[0]]
    assert bodies[-2] == "Found at sixty"
    assert "(no text)" not in bodies[-1] and "nested more than 100 MIME levels" in bodies[-1]
