"""Finding 5: counters that cannot drift under concurrency (helpful votes, reply counts, the
monthly incident quota), each driven by real threads against real SQLite and PostgreSQL."""

import threading

from catalog.extensions import db
from catalog.forum.models import Post
from catalog.forum.models import Thread
from catalog.forum.models import Vote
from catalog.support.plans.models import Plan
from catalog.support.tickets.models import Ticket
from tests.conftest import AuthActions
from tests.support.conftest import PRO_APP
from tests.support.conftest import add_router_apps
from tests.support.conftest import subscribe
from tests.support.test_wizard import _state
from tests.support.test_wizard import walk

THREADS = 16


def _all_at_once(work, count: int = THREADS) -> list:
    """Run ``work(i)`` in ``count`` threads released together; return what each returned."""
    barrier = threading.Barrier(count)
    results = [None] * count

    def run(number):
        barrier.wait()
        results[number] = work(number)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def _logged_in_clients(app, email: str, count: int = THREADS) -> list:
    """``count`` clients logged in as ``email``, each with its CSRF token."""
    clients = []
    for _ in range(count):
        client = app.test_client()
        auth = AuthActions(client)
        auth.login(email)
        clients.append((client, auth.token()))
    return clients


def test_finding_5_concurrent_helpful_toggles_keep_the_count_equal_to_the_votes(app, world, forum):
    clients = _logged_in_clients(app, world["customer"])
    url = f"/forum/p/{forum['reply_id']}/helpful"
    statuses = _all_at_once(
        lambda n: clients[n][0].post(url, data={"csrf_token": clients[n][1]}).status_code
    )
    assert all(status < 500 for status in statuses), statuses
    with app.app_context():
        count = db.session.get(Post, forum["reply_id"]).helpful_count
        votes = db.session.scalar(
            db.select(db.func.count(Vote.id)).where(Vote.post_id == forum["reply_id"])
        )
    assert votes in (0, 1)
    assert count == votes


def test_finding_5_concurrent_replies_keep_the_reply_count_equal_to_the_replies(app, world, forum):
    clients = _logged_in_clients(app, world["customer"])
    url = f"/forum/t/{forum['thread_id']}/reply"
    statuses = _all_at_once(
        lambda n: (
            clients[n][0]
            .post(url, data={"csrf_token": clients[n][1], "body": f"Reply number {n}."})
            .status_code
        )
    )
    assert statuses == [302] * THREADS
    with app.app_context():
        thread = db.session.get(Thread, forum["thread_id"])
        replies = db.session.scalar(
            db.select(db.func.count(Post.id)).where(
                Post.thread_id == thread.id, Post.is_opening.is_(False)
            )
        )
    assert replies == 1 + THREADS
    assert thread.reply_count == replies


def test_finding_5_parallel_requests_against_a_quota_of_k_make_exactly_k_tickets(app, world):
    add_router_apps(app)
    subscribe(app, world["customer"])
    with app.app_context():
        plan = db.session.scalar(db.select(Plan).where(Plan.slug == "level-2"))
        plan.incidents_per_month = 3
        db.session.commit()
    clients = _logged_in_clients(app, world["customer"], 8)
    states = [_state(walk(AuthActions(client), client, PRO_APP)) for client, _ in clients]

    def submit(n):
        client, token = clients[n]
        data = {"csrf_token": token, "state": states[n], "step": "review"}
        return client.post("/support/new", data=data).status_code

    statuses = _all_at_once(submit, 8)
    assert all(status < 500 for status in statuses), statuses
    with app.app_context():
        professional = db.session.scalar(
            db.select(db.func.count(Ticket.id)).where(Ticket.channel == "professional")
        )
    assert professional == 3
