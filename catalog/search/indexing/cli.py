"""``flask --app catalog search …``: reindex, sync, status and the long-running indexer."""

import logging
import sys
import time
from datetime import timedelta

import click
from flask import current_app
from flask.cli import AppGroup

from catalog import unitofwork
from catalog.db import utcnow
from catalog.extensions import db
from catalog.models import create_tables
from catalog.search import engine as search
from catalog.search.indexing import cursor as cursors
from catalog.search.indexing import documents
from catalog.search.indexing import heartbeat
from catalog.search.indexing import sync

search_cli = AppGroup("search", help="Build and update the Whoosh search index.")
log = logging.getLogger(__name__)


def _folder() -> str:
    """The configured index folder."""
    return current_app.config["SEARCH_INDEX_DIR"]


def reindex_with_progress(label: str = "Indexing") -> int:
    """Rebuild the index with a click progress bar on stderr; return the documents indexed."""
    total = sum(documents.database_counts().values())
    with click.progressbar(length=total, label=label, file=sys.stderr) as bar:

        def progress(done, _total):
            bar.update(done - bar.pos)

        count = sync.reindex(
            _folder(), progress=progress, procs=current_app.config["SEARCH_BUILD_PROCS"]
        )
    db.session.remove()
    return count


@search_cli.command("reindex")
@unitofwork.command
def reindex_command() -> None:
    """Rebuild the index from the database into a fresh folder and swap it in."""
    create_tables()
    count = reindex_with_progress()
    click.echo(f"Indexed {count} documents into {_folder()}.")


@search_cli.command("sync")
@unitofwork.command
def sync_command() -> None:
    """Apply the outbox entries the index has not seen yet."""
    config = current_app.config
    result = sync.sync(_folder(), config["SEARCH_WRITE_TIMEOUT"], config["SEARCH_SYNC_OVERLAP"])
    if result.unavailable or not search.health(_folder()).ok:
        raise click.ClickException(
            "The search index is missing or damaged; run `flask --app catalog search reindex`."
        )
    if result.busy:
        raise click.ClickException("The index stayed busy; nothing more was applied. Try again.")
    click.echo(f"Applied {result.entries} outbox entries ({result.documents} document changes).")


@search_cli.command("status")
@unitofwork.command
def status_command() -> None:
    """Show indexed vs. database counts, the outbox backlog and the cursor."""
    folder = _folder()
    health = search.health(folder)
    counts = documents.database_counts()
    click.echo(f"Index folder: {folder}")
    click.echo(f"Index state:  {health.state}{' — ' + health.detail if health.detail else ''}")
    click.echo(f"Indexed documents: {health.doc_count}")
    if health.ok and not health.answers:
        click.echo(
            "Suggestions: this index predates the answers index, so the request wizard "
            "suggests nothing; run `flask --app catalog search reindex`."
        )
    click.echo(
        f"Database documents: {sum(counts.values())} "
        f"({', '.join(f'{k} {v}' for k, v in counts.items())})"
    )
    click.echo(
        f"Outbox: cursor at {cursors.read(folder).last_id}, newest entry {sync.outbox_max_id()}, "
        f"backlog {sync.outbox_backlog(folder)}"
    )


@search_cli.command("purge-outbox")
@click.option(
    "--older-than",
    "days",
    type=click.IntRange(min=1),
    required=True,
    help="Delete entries written more than DAYS days ago.",
)
@click.option(
    "--index-dir",
    "folders",
    multiple=True,
    type=click.Path(file_okay=False),
    help="Another index folder whose cursor must be respected (repeatable).",
)
@unitofwork.command
def purge_outbox_command(days: int, folders: tuple[str, ...]) -> None:
    """Delete old outbox entries, never one a known index (this machine's, --index-dir) lacks."""
    known = [folder for folder in (_folder(), *folders) if cursors.known(folder)]
    slowest = min((cursors.read(folder).last_id for folder in known), default=None)
    deleted = sync.purge_outbox(utcnow() - timedelta(days=days), slowest)
    kept = (
        f", none after entry {slowest} (the slowest of {len(known)} known cursors)" if known else ""
    )
    click.echo(f"Deleted {deleted} outbox entries older than {days} days{kept}.")


BATCHES_PER_PASS = 4


def run_indexer(
    folder: str, interval: float, timeout: float, overlap: float, should_stop=lambda: False
) -> None:
    """Apply the outbox every ``interval`` s until ``should_stop()``; other errors propagate.

    Each pass applies at most ``BATCHES_PER_PASS`` batches, so the heartbeat (which tells web
    requests to leave their changes to this indexer) keeps beating while a backlog drains; a
    full pass is followed at once by the next one.
    """
    warned = False
    with heartbeat.Heartbeat(folder) as beating:
        while not should_stop():
            beating.beat()
            with unitofwork.unit_of_work():  # a pass only reads; the unit ends its transaction
                result = sync.sync(folder, timeout, overlap, max_batches=BATCHES_PER_PASS)
            if result.unavailable and not warned:
                log.warning(
                    "search index at %s is missing or damaged; waiting for a reindex", folder
                )
            warned = result.unavailable
            if result.entries:
                log.info("applied %d outbox entries", result.entries)
            db.session.remove()
            if result.entries < BATCHES_PER_PASS * sync.BATCH:
                time.sleep(interval)


@search_cli.command("run-indexer")
@click.option(
    "--interval",
    default=0.2,
    show_default=True,
    help="Seconds between polls of the outbox (a poll is one indexed query when nothing is new).",
)
@unitofwork.worker
def run_indexer_command(interval: float) -> None:
    """Keep the index in step with the outbox; run one beside the web server (docs/search.md)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    config = current_app.config
    click.echo(f"Indexer following the outbox into {_folder()} every {interval}s (Ctrl+C stops).")
    try:
        run_indexer(
            _folder(), interval, config["SEARCH_WRITE_TIMEOUT"], config["SEARCH_SYNC_OVERLAP"]
        )
    except KeyboardInterrupt:
        click.echo("Indexer stopped.")
