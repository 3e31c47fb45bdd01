"""``flask --app catalog forum sync-sections`` and ``flask --app catalog import-posts FILE``."""

import sys
from pathlib import Path

import click
from flask.cli import AppGroup
from flask.cli import with_appcontext

from catalog import unitofwork
from catalog.db import utcnow
from catalog.forum import importing
from catalog.forum.records import read_threads
from catalog.forum.sections import sync_sections
from catalog.models import create_tables

MAX_PROBLEMS_SHOWN = 200
forum_cli = AppGroup("forum", help="Forum set-up.")


@forum_cli.command("sync-sections")
@unitofwork.command
def sync_sections_command() -> None:
    """Create the general sections and one per app offering the dedicated forum."""
    create_tables()
    created = sync_sections(utcnow())
    click.echo(f"Sections ready; {len(created)} app section(s) created or confirmed.")


def _read_lines(path: Path) -> list[str]:
    """The file's lines, or a clear error if it is not UTF-8."""
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError as error:
        raise click.ClickException(
            f"{path} is not UTF-8 text ({error.reason} at byte {error.start})."
        ) from error


def _report(problems) -> None:
    """Print the problems (the first MAX_PROBLEMS_SHOWN) to stderr."""
    click.echo(f"{len(problems)} problem(s) found; nothing was imported.", err=True)
    for problem in problems[:MAX_PROBLEMS_SHOWN]:
        click.echo(f"  {problem}", err=True)
    if len(problems) > MAX_PROBLEMS_SHOWN:
        click.echo(f"  … and {len(problems) - MAX_PROBLEMS_SHOWN} more.", err=True)


@click.command("import-posts")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
@unitofwork.command
def import_posts_command(file: Path) -> None:
    """Import threads with replies from a JSON Lines FILE (docs/import-posts.md); all or nothing."""
    create_tables()
    lines = _read_lines(file)
    with click.progressbar(lines, label=f"Checking {file.name}", file=sys.stderr) as bar:
        records, problems = read_threads(bar)
    problems = sorted(problems + importing.resolve(records), key=lambda p: p.line)
    if problems:
        _report(problems)
        raise SystemExit(1)
    with click.progressbar(
        length=len(records), label=f"Writing {file.name}", file=sys.stderr
    ) as bar:
        created = importing.write_threads(records, utcnow(), progress=bar.update)
    replies = sum(len(r["replies"]) for r in records)
    unitofwork.after_commit(
        lambda: click.echo(f"Imported {len(created)} threads with {replies} replies.")
    )
