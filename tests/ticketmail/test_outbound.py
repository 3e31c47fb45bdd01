"""Notifications: written with the change, sent after commit through a real SMTP server."""

import threading
from datetime import timedelta

from sqlalchemy import select

from catalog.db import utcnow
from catalog.extensions import db
from catalog.support.tickets import operations
from catalog.support.tickets.housekeeping import flag_clocks
from catalog.ticketmail import outbox as rows
from catalog.ticketmail.models import MailOutbox
from catalog.ticketmail.models import TicketMailId
from catalog.ticketmail.worker import run
from catalog.ticketmail.worker import send_pass
from tests.support.conftest import PRO_APP
from tests.support.conftest import customer
from tests.support.conftest import subscribe
from tests.support.tickets import quoted_ticket
from tests.ticketmail.conftest import open_request
from tests.ticketmail.conftest import outbox
from tests.ticketmail.conftest import ticket_of
from tests.ticketmail.conftest import user_id

XSS = "<script>alert('x')</script> & more"


def test_new_request_is_sent_after_commit_with_ref_subject_escaped_html_and_recorded_id(
    app, runner, apps, smtp
):
    reference = open_request(app, apps["customer"], title=f"Backups {XSS}", text=f"It says {XSS}")
    assert smtp.received() == []  # nothing leaves before the sender runs
    result = runner.invoke(args=["mail", "send"])
    assert "2 sent, 0 to retry, 0 failed" in result.output
    received = zip(smtp.handler.envelopes, smtp.received(), strict=True)
    by_recipient = {e.rcpt_tos[0]: m for e, m in received}
    to_developer, to_customer = by_recipient[apps["isv_b"]], by_recipient[apps["customer"]]
    assert to_developer["Subject"] == f"[{reference}] New request: Backups {XSS}"
    assert to_customer["Subject"].startswith(f"[{reference}] Request received:")
    html = to_developer.get_body(("html",)).get_content()
    assert (
        "<script>" not in html
        and "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; more" in html
    )
    assert f"It says {XSS}" in to_developer.get_body(("plain",)).get_content()
    with app.app_context():
        recorded = set(
            db.session.scalars(
                select(TicketMailId.message_id).where(TicketMailId.direction == "out")
            )
        )
        assert {to_developer["Message-ID"], to_customer["Message-ID"]} == recorded
        assert all(event.notified_at for event in ticket_of(reference).events)
    assert [row.status for row in outbox(app)] == ["sent", "sent"]


def test_a_rolled_back_change_queues_nothing(app, apps, smtp):
    reference = open_request(app, apps["customer"])
    before = len(outbox(app))
    with app.app_context():
        operations.reply(ticket_of(reference), None, "agent", "never mind", [], utcnow())
        db.session.rollback()
        db.session.commit()
    assert len(outbox(app)) == before


def test_a_reply_goes_to_the_other_side_only_and_threads_on_earlier_mail(
    app, client, auth, apps, smtp
):
    reference = open_request(app, apps["customer"])
    with app.app_context():
        thread = list(db.session.scalars(select(TicketMailId.message_id).order_by(TicketMailId.id)))
    auth.login(apps["isv_b"])
    assert (
        auth.post(f"/support/tickets/{reference}/reply", {"body": "Which version?"}).status_code
        == 302
    )
    row = outbox(app)[-1]
    assert (
        row.recipients == [apps["customer"]]
        and row.subject == f"[{reference}] New reply: Backups stopped"
    )
    with app.app_context():
        send_pass()
    message = smtp.received()[-1]
    assert message["In-Reply-To"] == thread[-1] and message["References"].split() == thread
    assert "Which version?" in message.get_body(("plain",)).get_content()


def test_customer_side_includes_the_named_contacts_of_the_subscription(app, apps, smtp):
    subscribe(app, apps["customer"])
    customer(app, "colleague@example.com", organisation_of=apps["customer"])
    subscribe(
        app, "colleague@example.com", organisation="ignored"
    )  # another org: not a watcher here
    reference = open_request(app, apps["customer"], slug=PRO_APP)
    with app.app_context():
        ticket = ticket_of(reference)
        assert ticket.channel == "professional"
        operations.reply(
            ticket,
            db.session.get(type(ticket.requester), user_id(app, apps["staff"])),
            "agent",
            "On it",
            [],
            utcnow(),
        )
        db.session.commit()
    assert outbox(app)[-1].recipients == [apps["customer"]]
    assert outbox(app)[0].recipients == [
        apps["staff"]
    ]  # the operator's staff for professional tickets


def test_a_quote_is_one_mail_that_asks_for_approval(app, apps, smtp):
    reference, _ = quoted_ticket(app, user_id(app, apps["customer"]), user_id(app, apps["staff"]))
    rows = outbox(app, ticket_id=_ticket_id(app, reference))
    assert [row.subject for row in rows] == [
        f"[{reference}] Quote waiting for your approval: Test ticket"
    ]
    assert rows[0].recipients == [apps["customer"]]


def test_due_soon_clocks_tell_the_agents(app, apps, smtp):
    reference = open_request(app, apps["customer"])
    with app.app_context():
        clock = ticket_of(reference).clocks[0]
        clock.warn_at, clock.due_at = utcnow() - timedelta(minutes=1), utcnow() + timedelta(hours=1)
        db.session.commit()
        assert flag_clocks(utcnow())["warning"] == 1
        db.session.commit()
    row = outbox(app)[-1]
    assert row.subject == f"[{reference}] Due soon: Backups stopped" and row.recipients == [
        apps["isv_b"]
    ]


def test_a_server_that_is_down_keeps_notifications_pending_and_they_go_out_once_it_is_back(
    app, client, auth, apps, smtp, runner
):
    app.config["MAIL_RETRY_BASE_SECONDS"] = 0  # retry at once (the back-off has its own test)
    reference = open_request(app, apps["customer"])
    runner.invoke(args=["mail", "send"])
    smtp.stop()  # the mail server dies mid-run
    auth.login(apps["isv_b"])
    for text in ("First answer", "Second answer"):
        assert auth.post(f"/support/tickets/{reference}/reply", {"body": text}).status_code == 302
    with app.app_context():
        assert [m.body for m in ticket_of(reference).messages][-2:] == [
            "First answer",
            "Second answer",
        ]
    result = runner.invoke(args=["mail", "send"])
    assert "stopped early: the mail server cannot be reached" in result.output
    waiting = outbox(app, status="pending")
    assert (
        len(waiting) == 2 and waiting[0].attempts == 1 and "cannot reach" in waiting[0].last_error
    )
    assert waiting[1].attempts == 0  # not tried once the server was known to be down
    smtp.start()
    runner.invoke(args=["mail", "send"])
    runner.invoke(args=["mail", "send"])
    replies = [m for m in smtp.received() if "New reply" in m["Subject"]]
    assert sorted("First answer" in m.get_body(("plain",)).get_content() for m in replies) == [
        False,
        True,
    ]
    assert len(replies) == 2 and {row.status for row in outbox(app)} == {"sent"}


def test_temporary_errors_back_off_exponentially_then_give_up(app, apps, smtp):
    app.config.update(MAIL_RETRY_BASE_SECONDS=60, MAIL_MAX_ATTEMPTS=3)
    open_request(app, apps["customer"])
    smtp.handler.rcpt_reply = "451 4.7.1 try later"
    now = utcnow()
    with app.app_context():
        send_pass(now)
    first = outbox(app)[0]
    assert (first.status, first.attempts, first.next_attempt_at - now) == (
        "pending",
        1,
        timedelta(seconds=60),
    )
    with app.app_context():
        assert send_pass(now + timedelta(seconds=59)).sent == 0  # not due yet: nothing tried
        send_pass(now + timedelta(seconds=60))
    assert outbox(app)[0].next_attempt_at - (now + timedelta(seconds=60)) == timedelta(seconds=120)
    with app.app_context():
        send_pass(now + timedelta(seconds=180))
    row = outbox(app)[0]
    assert (
        row.status == "failed"
        and row.last_error.startswith("gave up after 3 attempts")
        and smtp.received() == []
    )


def test_a_permanent_error_fails_the_row_with_the_reason(app, apps, smtp):
    open_request(app, apps["customer"])
    smtp.handler.rcpt_reply = "550 5.1.1 no such mailbox"
    with app.app_context():
        result = send_pass()
    assert result.failed == 2 and result.stopped is None
    assert all(row.status == "failed" and "550" in row.last_error for row in outbox(app))


def test_a_row_is_claimed_by_one_sender_only(app, apps, smtp):
    open_request(app, apps["customer"])
    with app.app_context():
        first_id = db.session.scalar(select(MailOutbox.id).order_by(MailOutbox.id))
        assert rows.claim(first_id, utcnow()) is True
        db.session.commit()
        assert rows.claim(first_id, utcnow()) is False  # a second sender finds it taken
        assert send_pass().sent == 1  # only the other row
    assert len(smtp.received()) == 1


def test_a_claim_left_by_a_dead_sender_is_failed_not_sent_again(app, apps, smtp):
    open_request(app, apps["customer"])
    with app.app_context():
        first_id = db.session.scalar(select(MailOutbox.id).order_by(MailOutbox.id))
        rows.claim(first_id, utcnow())
        db.session.get(MailOutbox, first_id).claimed_at = utcnow() - timedelta(hours=1)
        db.session.commit()
        result = send_pass()
    assert result.abandoned == 1 and result.sent == 1 and len(smtp.received()) == 1
    assert outbox(app)[0].status == "failed" and "may or may not" in outbox(app)[0].last_error


def test_mail_retry_queues_failed_rows_again(app, apps, smtp, runner):
    open_request(app, apps["customer"])
    smtp.handler.rcpt_reply = "550 no"
    runner.invoke(args=["mail", "send"])
    smtp.handler.rcpt_reply = None
    ids = [str(row.id) for row in outbox(app)]
    assert "2 message(s) queued again" in runner.invoke(args=["mail", "retry", *ids]).output
    runner.invoke(args=["mail", "send"])
    assert len(smtp.received()) == 2


def test_send_in_request_sends_at_once_and_never_fails_the_request(app, client, auth, apps, smtp):
    app.config["MAIL_SEND_IN_REQUEST"] = True
    reference = open_request(app, apps["customer"])
    auth.login(apps["isv_b"])
    assert auth.post(f"/support/tickets/{reference}/reply", {"body": "Now"}).status_code == 302
    assert [m["Subject"] for m in smtp.received()] == [f"[{reference}] New reply: Backups stopped"]
    smtp.stop()
    assert auth.post(f"/support/tickets/{reference}/reply", {"body": "Later"}).status_code == 302
    assert outbox(app)[-1].status == "pending"


def _ticket_id(app, reference):
    with app.app_context():
        return ticket_of(reference).id


def test_run_sender_loops_until_stopped(app, apps, smtp):
    open_request(app, apps["customer"])
    stop, reports = threading.Event(), []

    def report(result):
        reports.append(result.summary())
        stop.set()

    with app.app_context():
        run(0.1, stop, report)
    assert reports == ["2 sent, 0 to retry, 0 failed"] and len(smtp.received()) == 2


def test_two_senders_running_at_once_send_every_message_exactly_once(app, apps, smtp):
    for title in ("One", "Two", "Three"):
        open_request(app, apps["customer"], title=title)
    results, start = [], threading.Barrier(2)

    def sender():
        with app.app_context():
            start.wait()
            results.append(send_pass())

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    ids = [message["Message-ID"] for message in smtp.received()]
    assert len(ids) == len(set(ids)) == 6 and sum(result.sent for result in results) == 6
    assert {row.status for row in outbox(app)} == {"sent"}
