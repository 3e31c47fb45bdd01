"""Several machines on one database: each index folder follows the outbox by its own cursor.

Each "machine" is an app of its own with its own ``SEARCH_INDEX_DIR``, all on one database
(PostgreSQL when ``CATALOG_TEST_DATABASE_URL`` is set, else one SQLite file). The outbox is a log
with retention: reading it never consumes it, and ``search purge-outbox`` trims only old entries.
"""

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy import update

from catalog.accounts.models import User
from catalog.db import utcnow
from catalog.extensions import db
from catalog.forum import operations
from catalog.forum.models import Section
from catalog.forum.sections import ensure_general_sections
from catalog.search import engine as search
from catalog.search.indexing import cursor as cursors
from catalog.search.indexing import documents
from catalog.search.indexing import sync
from catalog.search.indexing.models import SearchOutbox
from tests.conftest import make_app
from tests.conftest import make_user

EVERYONE = {"public", "customers", "staff"}


@pytest.fixture
def machine(tmp_path, make_database):
    """A factory of apps on one shared database, each with its own index folder."""
    url, made = make_database("shared"), []

    def make(name: str):
        app = make_app(tmp_path, url, SEARCH_INDEX_DIR=str(tmp_path / name))
        made.append(app)
        return app

    yield make
    for app in made:
        with app.app_context():
            db.engine.dispose()


@pytest.fixture
def first(machine):
    """Machine A with a forum user, the general sections and an index built from the start."""
    app = machine("a")
    make_user(app, "writer@example.com")
    with app.app_context():
        ensure_general_sections()
        db.session.commit()
    rebuild(app)
    return app


def rebuild(app) -> None:
    """``search reindex`` into the app's folder (one process)."""
    with app.app_context():
        sync.reindex(app.config["SEARCH_INDEX_DIR"], procs=1)
        db.session.remove()


def follow(app) -> int:
    """One pass of the app's indexer; return the outbox entries applied."""
    with app.app_context():
        result = sync.sync(app.config["SEARCH_INDEX_DIR"], 10.0, app.config["SEARCH_SYNC_OVERLAP"])
        db.session.remove()
    assert not (result.busy or result.unavailable)
    return result.entries


def post(app, word: str) -> set[str]:
    """A thread and a reply mentioning ``word``, committed; return their document ids."""
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "writer@example.com"))
        section = db.session.scalar(select(Section).where(Section.slug == "billing"))
        now = utcnow()
        thread = operations.start_thread(
            section, user, f"Question about {word}", f"Where is the {word} setting?", now
        )
        reply = operations.reply(thread, user, f"The {word} setting is under Billing.", now)
        db.session.commit()
        return {f"thread:{thread.id}", f"reply:{reply.id}"}


def found(app, word: str) -> set[str]:
    """The ids of every document the app's index finds for ``word``."""
    results = search.search(
        app.config["SEARCH_INDEX_DIR"], word, EVERYONE, per_page=50, facets=False
    )
    return {hit.id for hit in results.hits}


def cursor_of(app) -> int:
    """The last outbox id the app's folder applied."""
    return cursors.read(app.config["SEARCH_INDEX_DIR"]).last_id


def outbox_ids(app) -> list[int]:
    """The ids left in the outbox."""
    with app.app_context():
        return list(db.session.scalars(select(SearchOutbox.id).order_by(SearchOutbox.id)))


def test_two_folders_follow_one_database_each_by_its_own_cursor(first, machine):
    second = machine("b")
    rebuild(second)
    quokka = post(first, "quokka")
    assert follow(first) == 2
    assert found(first, "quokka") == quokka and found(second, "quokka") == set()
    assert cursor_of(first) > cursor_of(second)
    assert follow(second) == 2  # A's pass consumed nothing: the outbox is a log, not a queue
    assert found(second, "quokka") == quokka
    wombat = post(second, "wombat")  # written through B, followed by both
    follow(second)
    follow(first)
    assert found(first, "wombat") == found(second, "wombat") == wombat
    assert cursor_of(first) == cursor_of(second) == max(outbox_ids(first))


def test_a_new_machine_rebuilds_then_follows_including_posts_made_during_its_rebuild(
    first, machine, monkeypatch
):
    quokka = post(first, "quokka")
    follow(first)
    during = set()
    every_document = documents.all_documents

    def write_once_threads_are_read():
        """Yield the rebuild's documents; once the threads are read, another machine posts."""
        for document in every_document():
            if document.type != "thread" and not during:
                during.update(post(first, "numbat"))
            yield document

    monkeypatch.setattr(documents, "all_documents", write_once_threads_are_read)
    newcomer = machine("c")
    rebuild(newcomer)
    assert found(newcomer, "quokka") == quokka
    assert found(newcomer, "numbat") == set()  # committed after the rebuild read the threads
    follow(newcomer)
    assert found(newcomer, "numbat") == during
    follow(first)
    assert found(first, "numbat") == during


def _age_outbox(app, days: int) -> None:
    """Pretend every outbox entry so far was written ``days`` days ago."""
    with app.app_context():
        db.session.execute(update(SearchOutbox).values(created_at=utcnow() - timedelta(days=days)))
        db.session.commit()


def test_purge_outbox_deletes_old_entries_but_none_a_known_cursor_has_not_applied(first, machine):
    lagging = machine("b")
    rebuild(lagging)
    post(first, "quokka")
    follow(first)
    applied_by_a = outbox_ids(first)
    wombat = post(first, "wombat")
    unapplied = [i for i in outbox_ids(first) if i not in applied_by_a]
    _age_outbox(first, 30)
    recent = post(first, "numbat")
    runner = first.test_cli_runner()

    result = runner.invoke(
        args=[
            "search",
            "purge-outbox",
            "--older-than",
            "7",
            "--index-dir",
            lagging.config["SEARCH_INDEX_DIR"],
        ]
    )
    assert result.exit_code == 0, result.output
    assert "Deleted 0 outbox entries" in result.output  # B has applied nothing yet
    follow(lagging)
    result = runner.invoke(args=["search", "purge-outbox", "--older-than", "7"])
    assert "Deleted 2 outbox entries" in result.output, result.output
    assert outbox_ids(first)[:2] == unapplied  # old, but A has not applied them: kept
    follow(first)
    assert found(first, "wombat") == wombat and found(first, "numbat") == recent
    runner.invoke(args=["search", "purge-outbox", "--older-than", "7"])
    assert len(outbox_ids(first)) == 2  # only the recent entries are left

    newcomer = machine("c")  # a machine added after the purge builds from the database itself
    rebuild(newcomer)
    follow(newcomer)
    everything = found(first, "quokka") | wombat | recent
    assert (
        found(newcomer, "quokka") | found(newcomer, "wombat") | found(newcomer, "numbat")
        == everything
    )


def test_purge_outbox_without_a_known_cursor_goes_by_age_alone(machine):
    app = machine("nowhere")
    make_user(app, "writer@example.com")
    with app.app_context():
        ensure_general_sections()
        db.session.commit()
    post(app, "quokka")
    _age_outbox(app, 10)
    post(app, "wombat")
    result = app.test_cli_runner().invoke(args=["search", "purge-outbox", "--older-than", "7"])
    assert "Deleted 2 outbox entries older than 7 days." in result.output
    assert len(outbox_ids(app)) == 2
    assert (
        app.test_cli_runner().invoke(args=["search", "purge-outbox", "--older-than", "0"]).exit_code
        != 0
    )
