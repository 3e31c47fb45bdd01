"""The index follows the database: commit → found, rollback → not, edits, deletes, hides, moves."""

import os
import time

from sqlalchemy import insert
from sqlalchemy import select
from whoosh import index as whoosh_index

from catalog.accounts.models import User
from catalog.db import utcnow
from catalog.extensions import db
from catalog.forum import moderation
from catalog.forum import operations
from catalog.forum.models import Post
from catalog.forum.models import Section
from catalog.forum.models import Thread
from catalog.search import engine as search
from catalog.search.indexing import cursor as cursors
from catalog.search.indexing import sync
from catalog.search.indexing.cli import run_indexer
from catalog.search.indexing.models import SearchOutbox
from tests.conftest import build_index

EVERYONE = ("public", "customers", "staff")


def found(app, q, allowed=EVERYONE) -> set[str]:
    """Ids of the documents a search finds."""
    results = search.search(app.config["SEARCH_INDEX_DIR"], q, allowed, per_page=50)
    return {hit.id for hit in results.hits}


def run_sync(app, timeout=5.0):
    """Apply the outbox as the indexer would."""
    with app.app_context():
        result = sync.sync(
            app.config["SEARCH_INDEX_DIR"], timeout, app.config["SEARCH_SYNC_OVERLAP"]
        )
        db.session.remove()
        return result


def _customer(world):
    """The customer of the world fixture."""
    return db.session.scalar(select(User).where(User.email == world["customer"]))


def _section(slug):
    """A section by slug."""
    return db.session.scalar(select(Section).where(Section.slug == slug))


def test_a_post_is_searchable_right_after_the_request_commits(app, auth, world, forum):
    build_index(app)
    auth.login(world["customer"])
    started = time.monotonic()
    auth.post(
        f"/forum/s/{forum['section']}/new",
        {"title": "Kangaroo filter misbehaves", "body": "Details."},
    )
    assert any(doc.startswith("thread:") for doc in found(app, "kangaroo"))
    assert time.monotonic() - started < 2.0


def test_rollback_indexes_nothing(app, world, forum):
    build_index(app)
    with app.app_context():
        operations.start_thread(
            _section(forum["section"]), _customer(world), "Platypus rollback", "never", utcnow()
        )
        db.session.flush()
        db.session.rollback()
    run_sync(app)
    assert found(app, "platypus") == set()


def test_flush_then_commit_is_found(app, world, forum):
    build_index(app)
    with app.app_context():
        thread = operations.start_thread(
            _section(forum["section"]), _customer(world), "Wombat first", "body", utcnow()
        )
        db.session.flush()
        thread.title = "Wombat flushed then committed"
        db.session.flush()
        db.session.commit()
        thread_id = thread.id
    run_sync(app)
    assert found(app, "wombat committed") == {f"thread:{thread_id}"}


def test_edit_replaces_the_old_text(app, forum):
    build_index(app)
    with app.app_context():
        operations.edit_post(
            db.session.get(Post, forum["reply_id"]), "Use the narwhal switch instead.", utcnow()
        )
        db.session.commit()
    run_sync(app)
    assert found(app, "narwhal") == {f"reply:{forum['reply_id']}"}
    assert found(app, "scheduler") == set()


def test_deleted_and_hidden_posts_leave_the_index(app, forum):
    build_index(app)
    assert f"reply:{forum['reply_id']}" in found(app, "scheduler")
    with app.app_context():
        moderation.moderate_post(db.session.get(Post, forum["reply_id"]), "hide")
        db.session.commit()
    run_sync(app)
    assert found(app, "scheduler") == set()
    with app.app_context():
        db.session.delete(db.session.get(Post, forum["reply_id"]))
        db.session.commit()
    run_sync(app)
    assert found(app, "scheduler") == set()


def test_hiding_a_thread_hides_its_replies_and_moving_it_moves_them(app, forum):
    build_index(app)
    with app.app_context():
        thread = db.session.get(Thread, forum["thread_id"])
        moderation.moderate_thread(thread, "move", _section("billing"))
        db.session.commit()
    run_sync(app)
    hits = search.search(app.config["SEARCH_INDEX_DIR"], "digest OR scheduler", EVERYONE).hits
    assert {hit.section for hit in hits} == {"billing"}
    with app.app_context():
        moderation.moderate_thread(db.session.get(Thread, forum["thread_id"]), "hide")
        db.session.commit()
    run_sync(app)
    assert found(app, "digest OR scheduler") == set()


def test_accepting_an_answer_marks_thread_and_reply(app, forum):
    build_index(app)
    with app.app_context():
        operations.toggle_accepted(
            db.session.get(Thread, forum["thread_id"]), db.session.get(Post, forum["reply_id"])
        )
        db.session.commit()
    run_sync(app)
    hits = search.search(app.config["SEARCH_INDEX_DIR"], "digest OR scheduler", EVERYONE).hits
    assert all(hit.accepted for hit in hits) and len(hits) == 2


def test_busy_index_leaves_the_work_for_later(app, forum):
    build_index(app)
    with app.app_context():
        db.session.get(Post, forum["reply_id"]).body = "Try the ocelot option."
        db.session.commit()
    path = search.health(app.config["SEARCH_INDEX_DIR"]).path
    writer = whoosh_index.open_dir(path).writer()
    try:
        result = run_sync(app, timeout=0.2)
    finally:
        writer.cancel()
    assert result.busy and found(app, "ocelot") == set()
    assert run_sync(app).entries >= 1 and found(app, "ocelot") == {f"reply:{forum['reply_id']}"}


def test_busy_sync_lock_leaves_the_work_for_later(app, forum):
    build_index(app)
    with cursors.locked(app.config["SEARCH_INDEX_DIR"], None):
        assert run_sync(app, timeout=0.1).busy


def test_an_id_committed_out_of_order_is_found_by_the_overlap_window(app, forum):
    build_index(app)
    folder = app.config["SEARCH_INDEX_DIR"]
    with app.app_context():
        thread = db.session.get(Thread, forum["thread_id"])
        thread.title = "Capybara late commit"
        db.session.commit()
        late_id = db.session.scalar(select(SearchOutbox.id).order_by(SearchOutbox.id.desc()))
        db.session.execute(insert(SearchOutbox), [{"doc_id": "app:1", "created_at": utcnow()}])
        db.session.commit()
    # Another indexer already applied the newer entry: the cursor is past the late one.
    cursors.write(folder, cursors.Cursor(last_id=late_id + 1, recent={late_id + 1: time.time()}))
    run_sync(app)
    assert f"thread:{forum['thread_id']}" in found(app, "capybara")


def test_reindex_sets_the_cursor_to_the_outbox_at_its_start(app, forum):
    build_index(app)
    with app.app_context():
        assert cursors.read(app.config["SEARCH_INDEX_DIR"]).last_id == sync.outbox_max_id() > 0
        assert sync.outbox_backlog(app.config["SEARCH_INDEX_DIR"]) == 0


def test_indexer_loop_applies_the_outbox_until_told_to_stop(app, forum):
    build_index(app)
    with app.app_context():
        db.session.get(Thread, forum["thread_id"]).title = "Axolotl from the indexer"
        db.session.commit()
        loops = iter(range(3))
        run_indexer(
            app.config["SEARCH_INDEX_DIR"],
            0.01,
            1.0,
            5.0,
            should_stop=lambda: next(loops, None) is None,
        )
    assert f"thread:{forum['thread_id']}" in found(app, "axolotl")


def test_search_commands(app, runner, forum):
    result = runner.invoke(args=["search", "reindex"])
    assert result.exit_code == 0 and "Indexed" in result.output
    status = runner.invoke(args=["search", "status"]).output
    assert "Index state:  ok" in status and "backlog 0" in status
    with app.app_context():
        db.session.get(Thread, forum["thread_id"]).title = "Quokka via the sync command"
        db.session.commit()
    assert "backlog 1" in runner.invoke(args=["search", "status"]).output
    result = runner.invoke(args=["search", "sync"])
    assert result.exit_code == 0 and "outbox entries" in result.output
    assert found(app, "quokka")


def test_sync_command_says_when_the_index_is_missing(runner, forum):
    result = runner.invoke(args=["search", "sync"])
    assert result.exit_code != 0 and "search reindex" in result.output


def test_requests_never_fail_when_the_index_is_missing(app, auth, world, forum):
    auth.login(world["customer"])
    response = auth.post(
        f"/forum/s/{forum['section']}/new", {"title": "Posted while search is down", "body": "ok"}
    )
    assert response.status_code == 302
    assert not os.path.exists(os.path.join(app.config["SEARCH_INDEX_DIR"], "current"))
