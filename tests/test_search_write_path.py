"""A post's index update leaves the request when an indexer runs, and is searchable within 2 s.

The indexer (``search run-indexer``) touches a heartbeat file in the index folder every second;
while it is fresh, a request that committed a post answers without writing the index, and the
author still sees the post on the thread page (read from the database). Without an indexer the
request applies the outbox itself, as before.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from catalog.search import engine as search
from catalog.search.indexing import heartbeat
from catalog.search.indexing import sync
from tests.conftest import build_index

ROOT = Path(__file__).resolve().parent.parent
EVERYONE = ("public", "customers", "staff")


def found(app, q) -> set[str]:
    """Ids of the documents a search for ``q`` finds."""
    results = search.search(app.config["SEARCH_INDEX_DIR"], q, EVERYONE, per_page=50)
    return {hit.id for hit in results.hits}


def backlog(app) -> int:
    """Outbox entries the index has not applied."""
    with app.app_context():
        return sync.outbox_backlog(app.config["SEARCH_INDEX_DIR"])


def start_thread(auth, forum, title: str):
    """Post a new thread through the form; return the response (a redirect to the thread)."""
    return auth.post(f"/forum/s/{forum['section']}/new", {"title": title, "body": "Details."})


def test_a_fresh_heartbeat_leaves_the_post_to_the_indexer(app, client, auth, world, forum):
    build_index(app)
    heartbeat.touch(app.config["SEARCH_INDEX_DIR"])
    auth.login(world["customer"])
    response = start_thread(auth, forum, "Wombat exporter stalls")
    assert response.status_code == 302
    assert found(app, "wombat") == set()
    assert backlog(app) > 0
    # The author sees the new thread at once: the page after the redirect reads the database.
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Wombat exporter stalls" in page
    with app.app_context():
        sync.sync(app.config["SEARCH_INDEX_DIR"], 5.0, app.config["SEARCH_SYNC_OVERLAP"])
    assert any(doc.startswith("thread:") for doc in found(app, "wombat"))


def test_a_stale_heartbeat_means_the_request_applies_the_post_itself(app, auth, world, forum):
    build_index(app)
    folder = app.config["SEARCH_INDEX_DIR"]
    heartbeat.touch(folder)
    old = time.time() - app.config["SEARCH_INDEXER_FRESH"] - 5
    os.utime(os.path.join(folder, heartbeat.HEARTBEAT_FILE), (old, old))
    auth.login(world["customer"])
    start_thread(auth, forum, "Narwhal quota warning")
    assert any(doc.startswith("thread:") for doc in found(app, "narwhal"))
    assert backlog(app) == 0


def test_a_stuck_indexer_loop_stops_the_heartbeat(tmp_path):
    folder = str(tmp_path / "index")
    with heartbeat.Heartbeat(folder, period=0.05, stall=0.2) as beating:
        beating.beat()
        time.sleep(0.15)
        assert heartbeat.indexer_running(folder, fresh=0.1)
        time.sleep(0.6)  # no beat(): the loop looks stuck, the file is no longer touched
        assert not heartbeat.indexer_running(folder, fresh=0.2)
    assert not os.path.exists(os.path.join(folder, heartbeat.HEARTBEAT_FILE))


def _indexer(app, tmp_path) -> subprocess.Popen:
    """``flask --app catalog search run-indexer`` on the test app's database and index."""
    env = {
        **os.environ,
        "CATALOG_SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        "CATALOG_SEARCH_INDEX_DIR": app.config["SEARCH_INDEX_DIR"],
        "CATALOG_SECRET_KEY": "test-indexer",
    }
    log = (tmp_path / "indexer.log").open("w")
    with log:
        return subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "catalog", "search", "run-indexer"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )


def test_with_a_running_indexer_a_post_is_searchable_within_two_seconds(
    app, auth, world, forum, tmp_path
):
    build_index(app)
    folder = app.config["SEARCH_INDEX_DIR"]
    indexer = _indexer(app, tmp_path)
    try:
        deadline = time.monotonic() + 60
        while not heartbeat.indexer_running(folder, app.config["SEARCH_INDEXER_FRESH"]):
            assert indexer.poll() is None, (tmp_path / "indexer.log").read_text()
            assert time.monotonic() < deadline, "the indexer did not start within 60 s"
            time.sleep(0.1)
        auth.login(world["customer"])
        response = start_thread(auth, forum, "Axolotl backup skips mailboxes")
        answered = time.monotonic()
        assert response.status_code == 302
        while not any(doc.startswith("thread:") for doc in found(app, "axolotl")):
            assert time.monotonic() - answered <= 2.0, "not searchable within 2 s of the answer"
            time.sleep(0.05)
    finally:
        indexer.send_signal(signal.SIGINT)
        indexer.wait(timeout=30)
    assert indexer.returncode == 0, (tmp_path / "indexer.log").read_text()
    assert not heartbeat.indexer_running(folder, 60.0)  # a clean stop removes the heartbeat
