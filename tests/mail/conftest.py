"""Fixtures for the e-mail core: raw messages on disk and a real SMTP server on 127.0.0.1."""

import contextlib
import socket
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

MESSAGES = Path(__file__).parent / "messages"


@pytest.fixture
def raw_message():
    """Return a loader for the hand-written ``.eml`` files in ``messages/``."""
    return lambda name: (MESSAGES / f"{name}.eml").read_bytes()


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RecordingHandler:
    """aiosmtpd handler that keeps every delivered envelope, or answers with a set reply."""

    def __init__(self) -> None:
        self.envelopes = []
        self.rcpt_reply: str | None = None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.rcpt_reply:
            return self.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


@contextlib.contextmanager
def running_smtp(handler):
    """Run an aiosmtpd server with ``handler`` on 127.0.0.1; yield ``(handler, port)``."""
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield handler, controller.port
    finally:
        controller.stop()


@pytest.fixture
def smtp_server():
    """Yield ``(handler, port)`` of a running aiosmtpd server on 127.0.0.1."""
    with running_smtp(RecordingHandler()) as server:
        yield server
