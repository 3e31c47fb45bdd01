"""``flask --app catalog …`` commands. Each command is one unit of work (``catalog.unitofwork``)."""

import sys
from pathlib import Path

import click
from flask import Flask
from flask.cli import with_appcontext

from catalog import unitofwork
from catalog.accounts.cli import DEMO_PASSWORD
from catalog.accounts.cli import create_user_command
from catalog.accounts.cli import ensure_demo_users
from catalog.accounts.digest import notifications_cli
from catalog.db import utcnow
from catalog.extensions import db
from catalog.forum import demo as forum_demo
from catalog.forum.cli import forum_cli
from catalog.forum.cli import import_posts_command
from catalog.jsonlines import Problem
from catalog.marketplace import operations
from catalog.marketplace.records import read_records
from catalog.models import create_tables
from catalog.search.indexing.cli import reindex_with_progress
from catalog.search.indexing.cli import search_cli
from catalog.support.demo import ensure_demo_support
from catalog.support.tickets.cli import tickets_cli
from catalog.ticketmail.cli import mail_cli

DEMO_DIR = Path(__file__).parent / "demo"
MAX_PROBLEMS_SHOWN = 200


def init_app(app: Flask) -> None:
    """Register the commands."""
    app.cli.add_command(init_db_command)
    app.cli.add_command(load_demo_command)
    app.cli.add_command(import_apps_command)
    app.cli.add_command(create_user_command)
    app.cli.add_command(tickets_cli)
    app.cli.add_command(import_posts_command)
    app.cli.add_command(forum_cli)
    app.cli.add_command(search_cli)
    app.cli.add_command(mail_cli)
    app.cli.add_command(notifications_cli)


@click.command("init-db")
@with_appcontext
@unitofwork.command
def init_db_command() -> None:
    """Create the database tables (safe to run again)."""
    create_tables()
    click.echo(f"Database ready: {db.engine.url.render_as_string(hide_password=True)}")


def import_file(path: Path, label: str, keep_existing: bool = False) -> bool:
    """Validate and import an app file; report problems and write nothing on any error.

    With ``keep_existing``, apps already in the database are left as they are (load-demo uses
    it, so running it again never undoes what ISVs and the operator changed).
    """
    with path.open(encoding="utf-8", errors="strict") as handle:
        try:
            lines = handle.readlines()
        except UnicodeDecodeError as error:
            raise click.ClickException(
                f"{path} is not UTF-8 text ({error.reason} at byte {error.start})."
            ) from error
    with click.progressbar(length=len(lines), label=f"Checking {label}", file=sys.stderr) as bar:
        records, problems = read_records(_counted(lines, bar))
    problems += _name_problems(records)
    if problems:
        click.echo(f"{len(problems)} problem(s) found; nothing was imported.", err=True)
        for problem in problems[:MAX_PROBLEMS_SHOWN]:
            click.echo(f"  {problem}", err=True)
        if len(problems) > MAX_PROBLEMS_SHOWN:
            click.echo(f"  … and {len(problems) - MAX_PROBLEMS_SHOWN} more.", err=True)
        return False
    if keep_existing:
        existing = operations.existing_slugs([r["slug"] for r in records])
        records = [r for r in records if r["slug"] not in existing]
        if existing:
            click.echo(f"{len(existing)} {label} already present were left as they are.")
    with click.progressbar(length=len(records), label=f"Writing {label}", file=sys.stderr) as bar:
        counts = operations.import_apps(records, progress=bar.update)
    summary = (
        f"Imported {len(records)} apps: {counts['created']} new, {counts['updated']} updated, "
        f"{counts['unchanged']} unchanged."
    )
    unitofwork.after_commit(lambda: click.echo(summary))
    return True


def _name_problems(records: list[dict]) -> list[Problem]:
    """A problem for each record whose name another app in the database already carries."""
    return [
        Problem(
            record["line"], "name", f"another app ({slug}) is already called “{record['name']}”"
        )
        for record, slug in operations.name_clashes(records)
    ]


def _counted(lines, bar):
    """Yield lines while moving the progress bar."""
    for line in lines:
        bar.update(1)
        yield line


@click.command("import-apps")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
@unitofwork.command
def import_apps_command(file: Path) -> None:
    """Import apps from a JSON Lines FILE (see docs/import-apps.md); all or nothing."""
    create_tables()
    if not import_file(file, file.name):
        raise SystemExit(1)


@click.command("load-demo")
@with_appcontext
@unitofwork.command
def load_demo_command() -> None:
    """Load the demo marketplace; run again, it adds what is missing and changes nothing else."""
    create_tables()
    if not import_file(DEMO_DIR / "apps.jsonl", "demo apps", keep_existing=True):
        raise SystemExit(1)
    logins = one_line_each(ensure_demo_users() + ensure_demo_support())
    counts = forum_demo.load_forum_demo(utcnow())
    forum = f"Forum: {counts['threads']} new threads, {counts['articles']} new articles."
    unitofwork.after_commit(lambda: click.echo(forum))
    # The index is derived from committed rows only: it is built once the demo has committed.
    unitofwork.after_commit(lambda: _index_and_show_logins(logins))


def one_line_each(logins: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """One (e-mail, what it is) per address, where it first came, with its last description."""
    # The organisations' demo re-describes customer@example.com, a demo user made before it.
    return list(dict(logins).items())


def _index_and_show_logins(logins) -> None:
    """After load-demo's commit: build the search index and print the demo logins."""
    click.echo(f"Search index: {reindex_with_progress('Building the search index')} documents.")
    click.echo(f"Demo logins (password for each: {DEMO_PASSWORD}):")
    for email, what in logins:
        click.echo(f"  {email:40} {what}")
