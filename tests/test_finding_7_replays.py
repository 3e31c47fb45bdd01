"""Finding 7: forms that create something carry a one-time token; a replay lands on the first
result instead of creating again, and so does a concurrent double submit."""

import threading

from catalog.extensions import db
from catalog.forum.models import Article
from catalog.forum.models import Post
from catalog.forum.models import Thread
from catalog.marketplace.models import Category
from catalog.marketplace.models import Vendor
from catalog.support.tickets.models import Ticket
from catalog.support.tickets.models import TicketMessage
from tests.conftest import AuthActions
from tests.conftest import user_id
from tests.support.conftest import PRO_APP
from tests.support.conftest import add_router_apps
from tests.support.conftest import subscribe
from tests.support.test_wizard import _state
from tests.support.test_wizard import walk
from tests.support.tickets import make_ticket

TOKEN_RE = r'name="submission" type="hidden" value="([^"]+)"'


def browser_twin(app, client):
    """A second test client with the same session cookie (another tab of the same browser)."""
    name = app.config["SESSION_COOKIE_NAME"]
    other = app.test_client()
    other.set_cookie(
        name, client.get_cookie(name, domain="catalog.test").value, domain="catalog.test"
    )
    return other


def _count(app, model) -> int:
    """How many rows of ``model`` exist."""
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(model))


def _review(app, world, client, auth) -> str:
    """A subscribed customer's wizard, walked up to the review page; returns the signed state."""
    add_router_apps(app)
    subscribe(app, world["customer"])
    auth.login(world["customer"])
    return _state(walk(auth, client, PRO_APP))


def test_finding_7_the_same_review_form_posted_three_times_makes_one_ticket(
    app, world, client, auth
):
    state = _review(app, world, client, auth)
    answers = [auth.post("/support/new", {"state": state, "step": "review"}) for _ in range(3)]
    assert [response.status_code for response in answers] == [302, 302, 302]
    assert _count(app, Ticket) == 1
    with app.app_context():
        reference = db.session.scalar(db.select(Ticket.reference))
    assert {response.headers["Location"] for response in answers} == {
        f"/support/tickets/{reference}"
    }
    page = client.get(answers[2].headers["Location"]).get_data(as_text=True)
    assert "That form was already sent" in page and reference in page


def test_finding_7_a_concurrent_double_submit_makes_one_ticket(app, world, client, auth):
    state = _review(app, world, client, auth)
    token = auth.token()
    barrier = threading.Barrier(2)
    answers = []

    def press():
        other = browser_twin(app, client)
        barrier.wait()
        answers.append(
            other.post("/support/new", data={"csrf_token": token, "state": state, "step": "review"})
        )

    threads = [threading.Thread(target=press) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(response.status_code for response in answers) == [302, 302]
    assert _count(app, Ticket) == 1
    assert len({response.headers["Location"] for response in answers}) == 1


def _form_token(client, url: str) -> str:
    """The one-time token of the form on ``url``."""
    import re

    return re.search(TOKEN_RE, client.get(url).get_data(as_text=True)).group(1)


def _post_three_times(auth, client, form_url: str, post_url: str, data: dict) -> list:
    """Post one shown form three times with its token; return the answers."""
    token = _form_token(client, form_url)
    return [auth.post(post_url, {"submission": token, **data}) for _ in range(3)]


def test_finding_7_forum_thread_reply_and_article_forms_are_one_time(app, world, forum, client):
    auth = AuthActions(client)
    auth.login(world["staff"])
    threads_before, posts_before = _count(app, Thread), _count(app, Post)
    new_thread = f"/forum/s/{forum['section']}/new"
    answers = _post_three_times(
        auth, client, new_thread, new_thread, {"title": "Once only", "body": "Posted once."}
    )
    assert {response.status_code for response in answers} == {302}
    assert len({response.headers["Location"] for response in answers}) == 1
    assert _count(app, Thread) == threads_before + 1
    thread_url = f"/forum/t/{forum['thread_id']}"
    answers = _post_three_times(
        auth, client, thread_url, f"{thread_url}/reply", {"body": "One reply."}
    )
    assert {response.status_code for response in answers} == {302}
    assert len({response.headers["Location"] for response in answers}) == 1
    assert _count(app, Post) == posts_before + 2
    articles_before = _count(app, Article)
    answers = _post_three_times(
        auth,
        client,
        "/forum/articles/new",
        "/forum/articles/new",
        {
            "title": "Once only, an article",
            "body": "Body.",
            "visibility": "public",
            "status": "draft",
            "source": "fresh",
            "app_id": "0",
            "section_id": "0",
        },
    )
    assert {response.status_code for response in answers} == {302}
    assert len({response.headers["Location"] for response in answers}) == 1
    assert _count(app, Article) == articles_before + 1


def test_finding_7_new_vendor_and_category_forms_are_one_time(app, world, client):
    auth = AuthActions(client)
    auth.login(world["staff"])
    vendors, categories = _count(app, Vendor), _count(app, Category)
    answers = _post_three_times(
        auth,
        client,
        "/operator/vendors/new",
        "/operator/vendors/new",
        {"name": "Once Vendor", "slug": "once-vendor"},
    )
    assert {response.status_code for response in answers} == {302}
    assert _count(app, Vendor) == vendors + 1
    answers = _post_three_times(
        auth,
        client,
        "/operator/categories",
        "/operator/categories",
        {"name": "Once Category", "slug": "once-category"},
    )
    assert {response.status_code for response in answers} == {302}
    assert _count(app, Category) == categories + 1


def test_finding_7_a_ticket_reply_posted_three_times_is_added_once(app, world, client):
    auth = AuthActions(client)
    auth.login(world["customer"])
    reference = make_ticket(app, user_id(app, world["customer"]))
    ticket_url = f"/support/tickets/{reference}"
    messages_before = _count(app, TicketMessage)
    answers = _post_three_times(
        auth, client, ticket_url, f"{ticket_url}/reply", {"body": "Still broken after restart."}
    )
    assert {response.status_code for response in answers} == {302}
    assert _count(app, TicketMessage) == messages_before + 1
