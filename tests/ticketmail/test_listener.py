"""The listener end to end: a real SMTP/LMTP conversation delivers into tickets."""

import os
import signal
import smtplib
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError

from catalog.extensions import db
from catalog.ticketmail.listener import IngestController
from catalog.ticketmail.models import MailOutbox
from tests.mail.conftest import free_port
from tests.ticketmail.conftest import SUPPORT
from tests.ticketmail.conftest import mail
from tests.ticketmail.conftest import open_request
from tests.ticketmail.conftest import reply
from tests.ticketmail.conftest import reply_address
from tests.ticketmail.conftest import ticket_of

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def listener(app):
    """Start the ``mail serve`` listener in a thread; yields a factory by protocol."""
    started = []

    def start(lmtp: bool = False) -> int:
        controller = IngestController(app, "127.0.0.1", free_port(), lmtp=lmtp)
        controller.start()
        started.append(controller)
        return controller.port

    yield start
    for controller in started:
        controller.stop()


def _bodies(app, reference):
    with app.app_context():
        return [message.body for message in ticket_of(reference).messages]


def test_smtp_delivery_is_stored_on_the_ticket(app, apps, listener):
    reference = open_request(app, apps["customer"])
    with smtplib.SMTP("127.0.0.1", listener()) as client:
        refused = client.send_message(
            reply(app, apps["customer"], reference, f"Re: [{reference}]", "By SMTP"),
            from_addr="anything@anywhere.example",
        )
    assert refused == {}
    assert _bodies(app, reference)[-1] == "By SMTP"


def test_lmtp_answers_once_per_recipient_and_stores_once(app, apps, listener):
    reference = open_request(app, apps["customer"])
    with smtplib.LMTP("127.0.0.1", listener(lmtp=True)) as client:
        # smtplib reads one reply after DATA; LMTP sends one per recipient (RFC 2033), read by hand.
        client.ehlo()
        client.mail(apps["customer"])
        client.rcpt(reply_address(app, apps["customer"], reference))
        client.rcpt("help@catalog.test")
        first = client.data(mail(apps["customer"], f"Re: [{reference}]", "By LMTP").as_bytes())
        second = client.getreply()
    assert first == second == (250, b"2.0.0 stored")
    assert _bodies(app, reference).count("By LMTP") == 1


def test_a_non_participant_gets_250_and_a_queued_bounce(app, apps, listener):
    reference = open_request(app, apps["customer"])
    with smtplib.SMTP("127.0.0.1", listener()) as client:
        client.send_message(
            mail("stranger@evil.example", f"[{reference}]", "Hi"), to_addrs=[SUPPORT]
        )
    assert _bodies(app, reference) == ["Since Monday."]
    with app.app_context():
        assert db.session.scalar(
            db.select(MailOutbox.recipients).where(MailOutbox.kind == "refusal")
        ) == ["stranger@evil.example"]


def test_a_message_over_the_size_limit_is_refused_before_it_is_read(app, apps, listener):
    app.config["MAIL_INBOUND_MAX_BYTES"] = 2000
    with (
        smtplib.SMTP("127.0.0.1", listener()) as client,
        pytest.raises(smtplib.SMTPException) as caught,
    ):
        client.send_message(mail(apps["customer"], "big", "x" * 10_000), to_addrs=[SUPPORT])
    assert "552" in str(caught.value)


def test_a_storage_failure_answers_451_so_the_mail_server_retries(app, apps, listener, monkeypatch):
    def broken(*args):
        raise OperationalError("INSERT", {}, Exception("database away"))

    monkeypatch.setattr("catalog.ticketmail.listener.ingest", broken)
    with (
        smtplib.SMTP("127.0.0.1", listener()) as client,
        pytest.raises(smtplib.SMTPDataError) as caught,
    ):
        client.send_message(mail(apps["customer"], "x", "y"), to_addrs=[SUPPORT])
    assert caught.value.smtp_code == 451


def _flask(app, *args: str) -> subprocess.Popen:
    """Start ``flask --app catalog …`` as its own process, configured like the test's ``app``.

    Its secret key, search index and mail folder are the test's (in ``tmp_path``): without them
    the process would write ``instance/secret_key`` and ``search_index/`` into the checkout.
    """
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        **{
            f"CATALOG_{name}": app.config[name]
            for name in (
                "SQLALCHEMY_DATABASE_URI",
                "SERVER_NAME",
                "SECRET_KEY",
                "SEARCH_INDEX_DIR",
                "MAIL_BACKEND",
                "MAIL_FILE_DIR",
            )
        },
    }
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "catalog", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _wait_for_port(port: int, process: subprocess.Popen) -> None:
    """Wait until something listens on ``port`` (or the process died)."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and process.poll() is None:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise AssertionError(f"nothing listens on {port}: {process.communicate(timeout=5)[0]}")


def test_the_serve_command_delivers_into_tickets_and_stops_cleanly_on_sigterm(app, apps):
    reference = open_request(app, apps["customer"])
    port = free_port()
    server = _flask(app, "mail", "serve", "--host", "127.0.0.1", "--port", str(port))
    try:
        _wait_for_port(port, server)
        with smtplib.SMTP("127.0.0.1", port) as client:
            client.send_message(
                reply(app, apps["customer"], reference, f"Re: [{reference}]", "Through the command")
            )
    finally:
        server.send_signal(signal.SIGTERM)
        output = server.communicate(timeout=20)[0]
    assert server.returncode == 0, output
    assert f"Listening for SMTP on 127.0.0.1:{port}" in output
    assert _bodies(app, reference)[-1] == "Through the command"
