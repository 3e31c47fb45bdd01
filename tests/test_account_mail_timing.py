"""Finding 11: the answer to a reset request does not wait for the mail server, so its timing
does not tell whether an address has an account; the mail still arrives."""

import asyncio
import time

import pytest

from catalog.extensions import db
from tests.conftest import make_app
from tests.conftest import make_user
from tests.mail.conftest import running_smtp

SLOW_SECONDS = 1.5


class SlowHandler:
    """An SMTP server that takes its time to accept each message, like a distant one."""

    def __init__(self) -> None:
        self.recipients: list[str] = []

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(SLOW_SECONDS)
        self.recipients.extend(envelope.rcpt_tos)
        return "250 Message accepted for delivery"


@pytest.fixture
def slow_smtp():
    """A running slow SMTP server on 127.0.0.1: yields ``(handler, port)``."""
    with running_smtp(SlowHandler()) as server:
        yield server


def _timed_reset(client, email: str) -> float:
    """Seconds the reset request for ``email`` takes to answer."""
    token = client.get("/account/reset").get_data(as_text=True)
    csrf = token.split('name="csrf_token" type="hidden" value="', 1)[1].split('"', 1)[0]
    began = time.perf_counter()
    response = client.post("/account/reset", data={"email": email, "csrf_token": csrf})
    assert response.status_code == 302
    return time.perf_counter() - began


def test_finding_11_a_reset_answer_takes_no_longer_for_an_existing_address(
    tmp_path, database_url, slow_smtp
):
    handler, port = slow_smtp
    app = make_app(
        tmp_path,
        database_url,
        MAIL_BACKEND="smtp",
        MAIL_SMTP_HOST="127.0.0.1",
        MAIL_SMTP_PORT=port,
        MAIL_ACCOUNT_IN_BACKGROUND=True,
    )
    make_user(app, "known@example.com")
    client = app.test_client()
    known = _timed_reset(client, "known@example.com")
    unknown = _timed_reset(client, "nobody@example.com")
    assert known < SLOW_SECONDS / 2 and unknown < SLOW_SECONDS / 2, (known, unknown)
    deadline = time.monotonic() + 10
    while not handler.recipients and time.monotonic() < deadline:
        time.sleep(0.05)
    assert handler.recipients == ["known@example.com"]
    with app.app_context():
        db.engine.dispose()
