"""``flask --app catalog mail …``: send the outbox, ingest a message, run the listener."""

import signal
import sys
import threading
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from catalog import unitofwork
from catalog.db import utcnow
from catalog.mail.inbound import MailParseError
from catalog.ticketmail import outbox
from catalog.ticketmail import worker
from catalog.ticketmail.ingest import ingest
from catalog.ticketmail.ingest import is_temporary
from catalog.ticketmail.listener import IngestController

# sysexits.h: a mail server's pipe transport defers (retries) the message on this code.
EX_TEMPFAIL = 75

mail_cli = AppGroup(
    "mail", help="E-mail: send queued notifications, ingest replies, run the listener."
)


@mail_cli.command("send")
@unitofwork.worker
def send_command() -> None:
    """Send every due notification once (retries wait for their back-off)."""
    result = worker.send_pass()
    for error in result.errors:
        click.echo(f"  {error}", err=True)
    click.echo(result.summary())


def _stop_on_signals() -> threading.Event:
    """An event set by SIGTERM or SIGINT, so a loop can finish its current step."""
    stop = threading.Event()
    for name in ("SIGTERM", "SIGINT"):
        signal.signal(getattr(signal, name), lambda *_: stop.set())
    return stop


@mail_cli.command("run-sender")
@click.option(
    "--interval",
    type=click.FloatRange(min=0.1),
    default=None,
    help="Seconds between passes (default: MAIL_SENDER_INTERVAL_SECONDS).",
)
@unitofwork.worker
def run_sender_command(interval: float | None) -> None:
    """Send due notifications in a loop until stopped (SIGTERM or Ctrl-C)."""
    interval = interval or float(current_app.config["MAIL_SENDER_INTERVAL_SECONDS"])
    click.echo(
        f"Sending the outbox every {interval:g} s "
        f"with the {current_app.config['MAIL_BACKEND']} backend."
    )
    worker.run(interval, _stop_on_signals(), report=lambda result: click.echo(result.summary()))


@mail_cli.command("retry")
@click.argument("ids", type=int, nargs=-1, required=True)
@unitofwork.command
def retry_command(ids: tuple[int, ...]) -> None:
    """Put failed outbox rows back in the queue (after fixing what made them fail)."""
    count = outbox.requeue(list(ids), utcnow())
    click.echo(f"{count} message(s) queued again.")


def _read(source: str) -> bytes:
    """The raw bytes of FILE, or of standard input for "-"."""
    if source == "-":
        return sys.stdin.buffer.read()
    try:
        return Path(source).read_bytes()
    except OSError as error:
        raise click.ClickException(f"cannot read {source}: {error.strerror or error}") from error


@mail_cli.command("ingest")
@click.argument("source", default="-", metavar="[FILE|-]")
@click.option(
    "--recipient",
    "recipients",
    multiple=True,
    help="Envelope recipient (e.g. support+app-slug@…); repeatable.",
)
@unitofwork.worker
def ingest_command(source: str, recipients: tuple[str, ...]) -> None:
    """Take one RFC 5322 message: add it to its ticket, open a request, or refuse it."""
    raw = _read(source)
    try:
        outcome = ingest(raw, tuple(r.lower() for r in recipients))
    except MailParseError as error:
        raise click.ClickException(f"not an e-mail message: {error}") from error
    except Exception as error:
        if not is_temporary(error):
            raise  # a permanent failure: the mail server bounces rather than retrying forever
        click.echo(f"could not store the message now, try again later: {error}", err=True)
        raise SystemExit(EX_TEMPFAIL) from error
    click.echo(f"{outcome.status}: {outcome.detail}")


@mail_cli.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=click.IntRange(1, 65535), default=8025, show_default=True)
@click.option(
    "--lmtp", is_flag=True, help="Speak LMTP (for a mail server's LMTP transport) instead of SMTP."
)
@unitofwork.worker
def serve_command(host: str, port: int, lmtp: bool) -> None:
    """Listen for mail and ingest every message delivered (until SIGTERM or Ctrl-C)."""
    controller = IngestController(current_app._get_current_object(), host, port, lmtp)
    controller.start()
    click.echo(f"Listening for {'LMTP' if lmtp else 'SMTP'} on {host}:{port}.")
    try:
        _stop_on_signals().wait()
    finally:
        controller.stop()
