"""``flask --app catalog tickets …``: housekeeping of tickets. Each command is one unit of work."""

from datetime import timedelta

import click
from flask import current_app
from flask.cli import AppGroup

from catalog import unitofwork
from catalog.db import utcnow
from catalog.support.tickets import housekeeping

tickets_cli = AppGroup("tickets", help="Ticket housekeeping: auto-close and service-level flags.")


@tickets_cli.command("close-quiet")
@click.option(
    "--days",
    type=click.FloatRange(min=0),
    default=None,
    help="Quiet period in days (default: TICKET_QUIET_DAYS).",
)
@unitofwork.command
def close_quiet_command(days: float | None) -> None:
    """Close resolved tickets nobody has touched for the quiet period."""
    quiet = timedelta(days=current_app.config["TICKET_QUIET_DAYS"] if days is None else days)
    closed = housekeeping.close_quiet(utcnow(), quiet)
    click.echo(f"Closed {len(closed)} quiet ticket(s){': ' + ', '.join(closed) if closed else '.'}")


@tickets_cli.command("flag-clocks")
@unitofwork.command
def flag_clocks_command() -> None:
    """Record events for clocks at 80 % of their time or past due (run it every few minutes)."""
    counts = housekeeping.flag_clocks(utcnow())
    click.echo(f"{counts['warning']} clock(s) at 80 %, {counts['breached']} breached.")
