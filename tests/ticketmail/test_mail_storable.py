"""Review findings on mail: NUL bytes reach the database as U+FFFD (PostgreSQL text cannot hold
NUL), and a held request confirmed by many concurrent posts opens one ticket."""

import re
import threading
from email import message_from_bytes
from email import policy

from sqlalchemy import func
from sqlalchemy import select

from catalog.extensions import db
from catalog.support.tickets.models import Ticket
from catalog.ticketmail.models import HeldRequest
from catalog.ticketmail.models import InboundMail
from tests.conftest import AuthActions
from tests.support.conftest import PRO_APP
from tests.support.conftest import subscribe
from tests.test_finding_7_replays import browser_twin
from tests.ticketmail.conftest import SUPPORT
from tests.ticketmail.conftest import deliver
from tests.ticketmail.conftest import mail
from tests.ticketmail.conftest import open_request
from tests.ticketmail.conftest import outbox
from tests.ticketmail.conftest import reply_address
from tests.ticketmail.conftest import ticket_of

TO_APP = (f"support+app-{PRO_APP}@catalog.test",)
CONFIRMERS = 8


def _with_nul(sender: str, to: str, subject: str, message_id: str) -> bytes:
    """A message whose body (quoted-printable ``=00``), subject and From name carry a NUL."""
    return (
        f'From: "=?utf-8?q?Jan=00Doe?=" <{sender}>\r\nTo: {to}\r\n'
        f"Subject: {subject} =?utf-8?q?with=00nul?=\r\nMessage-ID: {message_id}\r\n"
        "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
        "Content-Transfer-Encoding: quoted-printable\r\n\r\nhello =00 world\r\n"
    ).encode()


def _confirm_url(app) -> str:
    """The path of the newest confirmation link mailed for a held request."""
    sent = message_from_bytes(outbox(app, kind="confirmation")[-1].raw, policy=policy.default)
    return re.search(r"/mail/requests/[a-z2-7]{32}", sent.get_body(("plain",)).get_content())[0]


def _tickets(app) -> int:
    """How many tickets exist."""
    with app.app_context():
        return db.session.scalar(select(func.count(Ticket.id)))


def test_a_reply_with_a_nul_in_its_body_is_stored(app, apps):
    reference = open_request(app, apps["customer"])
    to = reply_address(app, apps["customer"], reference)
    raw = _with_nul(apps["customer"], to, "Re: hi", "<nul-reply@example.com>")
    assert deliver(app, raw) == ("stored", f"added to {reference}")
    with app.app_context():
        body = ticket_of(reference).messages[-1].body
    assert body == "hello \ufffd world"


def test_quarantined_mail_with_a_nul_is_logged(app, apps):
    reference = open_request(app, apps["customer"])
    raw = _with_nul("x@evil.example", SUPPORT, f"[{reference}]", "<nul-q@evil.example>")
    assert deliver(app, raw)[0] == "quarantined"
    with app.app_context():
        row = db.session.scalar(select(InboundMail).where(InboundMail.outcome == "quarantined"))
        assert row.excerpt == "hello \ufffd world" and "\x00" not in row.subject


def test_triage_mail_with_a_nul_is_logged(app, apps):
    raw = _with_nul(apps["customer"], SUPPORT, "Question", "<nul-t@example.com>")
    assert deliver(app, raw)[0] == "triage"
    with app.app_context():
        row = db.session.scalar(select(InboundMail).where(InboundMail.outcome == "triage"))
        assert row.excerpt == "hello \ufffd world"


def test_a_held_request_with_a_nul_is_confirmed_into_a_ticket(app, apps, client, auth):
    subscribe(app, apps["customer"])
    raw = _with_nul(apps["customer"], TO_APP[0], "Help", "<nul-h@example.com>")
    assert deliver(app, raw, recipients=TO_APP)[0] == "held"
    auth.login(apps["customer"])
    confirmed = auth.post(_confirm_url(app))
    assert confirmed.status_code == 302 and "/support/tickets/SUP-" in confirmed.location
    with app.app_context():
        ticket = db.session.scalar(select(Ticket))
        assert ticket.messages[0].body == "hello \ufffd world"
        assert "\x00" not in ticket.title


def test_concurrent_confirmations_of_a_held_request_open_one_ticket(app, apps, client):
    subscribe(app, apps["customer"])
    raw = mail(apps["customer"], "Help", "Please help.").as_bytes()
    assert deliver(app, raw, recipients=TO_APP)[0] == "held"
    url = _confirm_url(app)
    auth = AuthActions(client)
    auth.login(apps["customer"])
    token = auth.token()
    barrier = threading.Barrier(CONFIRMERS)
    answers = []

    def press():
        other = browser_twin(app, client)
        barrier.wait()
        answers.append(other.post(url, data={"csrf_token": token}))

    threads = [threading.Thread(target=press) for _ in range(CONFIRMERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert _tickets(app) == 1
    with app.app_context():
        held = db.session.scalar(select(HeldRequest))
        reference = db.session.get(Ticket, held.ticket_id).reference
    assert [answer.status_code for answer in answers] == [302] * CONFIRMERS
    assert {answer.location for answer in answers} == {f"/support/tickets/{reference}"}
