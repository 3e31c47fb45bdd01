"""Two processes post at once on one database and one index: every post is found."""

import multiprocessing

from catalog import create_app
from catalog.extensions import db
from catalog.search import engine as search
from catalog.search.indexing import sync
from tests.conftest import AuthActions
from tests.conftest import build_index

POSTS_PER_PROCESS = 8


def _post_threads(config: dict, email: str, section: str, worker: int) -> None:
    """In a fresh process with its own app, log in and post threads through the test client."""
    app = create_app(config)
    client = app.test_client()
    auth = AuthActions(client)
    auth.login(email)
    for n in range(POSTS_PER_PROCESS):
        response = auth.post(
            f"/forum/s/{section}/new",
            {"title": f"Concurrent meerkat {worker} {n}", "body": f"meerkat{worker}x{n}"},
        )
        assert response.status_code == 302, response.status_code
    with app.app_context():
        db.engine.dispose()


def test_two_processes_posting_at_once_lose_nothing(app, world, forum):
    build_index(app)
    config = {
        key: app.config[key]
        for key in ("SECRET_KEY", "SQLALCHEMY_DATABASE_URI", "SEARCH_INDEX_DIR", "SERVER_NAME")
    }
    # SQLite: wait for the write lock rather than fail at once (PostgreSQL needs no option).
    options = (
        {"connect_args": {"timeout": 30}}
        if config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite")
        else {}
    )
    config |= {"TESTING": True, "WTF_CSRF_ENABLED": False, "SQLALCHEMY_ENGINE_OPTIONS": options}
    context = multiprocessing.get_context("fork")
    workers = [
        context.Process(target=_post_threads, args=(config, world[who], forum["section"], n))
        for n, who in enumerate(("customer", "isv_a"))
    ]
    for process in workers:
        process.start()
    for process in workers:
        process.join(120)
    assert [p.exitcode for p in workers] == [0, 0]
    with app.app_context():
        sync.sync(app.config["SEARCH_INDEX_DIR"], 10.0, 5.0)
    results = search.search(app.config["SEARCH_INDEX_DIR"], "meerkat", ("public",), per_page=50)
    assert results.total == 2 * POSTS_PER_PROCESS
