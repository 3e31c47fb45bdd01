"""Operator staff observe ISV tickets (issue 13): a mail from them never lands on one."""

from tests.ticketmail.conftest import deliver
from tests.ticketmail.conftest import mail
from tests.ticketmail.conftest import open_request
from tests.ticketmail.conftest import ticket_of
from tests.ticketmail.conftest import vouched


def test_a_vouched_mail_from_an_observing_staff_member_is_refused_not_stored(app, apps, trust_mx):
    reference = open_request(app, apps["customer"])
    message = mail(apps["staff"], f"Re: [{reference}] your request", "Let me take this.")
    status, detail = deliver(app, vouched(message))
    assert status == "bounced" and "may write" in detail  # a polite refusal, nothing stored
    with app.app_context():
        assert [m.body for m in ticket_of(reference).messages if "take this" in m.body] == []
