"""The suggestion endpoint as the search box and the wizard call it while the user types."""

import pytest

from catalog.accounts.models import User
from catalog.db import utcnow
from catalog.extensions import db
from catalog.forum import operations as forum_operations
from catalog.forum.models import Thread
from tests.conftest import build_index

URL = "/api/v1/search/suggest"


def solve(app, thread_id: int) -> None:
    """Accept the thread's first reply as its answer (a solved thread can be suggested)."""
    with app.app_context():
        thread = db.session.get(Thread, thread_id)
        forum_operations.toggle_accepted(thread, thread.posts[1])
        db.session.commit()


def titles(response) -> list[str]:
    """The suggested titles of a 200 answer."""
    assert response.status_code == 200, response.get_data(as_text=True)
    return [item["title"] for item in response.get_json()["items"]]


def test_a_typed_search_suggests_only_what_the_visitor_may_read(app, client, auth, world, forum):
    build_index(app)
    assert titles(client.get(f"{URL}?q=zebrafinch+runbook")) == ["Runbook public zebrafinch"]
    auth.login(world["customer"])
    assert set(titles(client.get(f"{URL}?q=zebrafinch"))) == {
        "Runbook public zebrafinch",
        "Runbook customers zebrafinch",
    }
    auth.logout()
    auth.login(world["staff"])
    assert len(titles(client.get(f"{URL}?q=zebrafinch"))) == 3, "the draft is never indexed"


def test_a_solved_thread_is_suggested_and_an_unsolved_one_is_not(app, client, forum):
    build_index(app)
    assert titles(client.get(f"{URL}?q=quarantine+digest")) == []
    solve(app, forum["thread_id"])
    build_index(app)
    item = client.get(f"{URL}?q=quarantine+digest").get_json()["items"][0]
    assert item["title"] == "Quarantine digest never arrives" and item["type"] == "thread"
    assert item["url"].endswith(f"/forum/t/{forum['thread_id']}")
    draft = client.get(f"{URL}?title=Digest+missing&text=the+quarantine+digest+stopped")
    assert titles(draft) == ["Quarantine digest never arrives"]


def test_the_word_being_typed_is_completed(app, client, auth, world, forum):
    build_index(app)
    assert titles(client.get(f"{URL}?q=zebraf")) == ["Runbook public zebrafinch"]
    assert titles(client.get(f"{URL}?q=runbook+zebr")) == ["Runbook public zebrafinch"]
    assert titles(client.get(f"{URL}?q=ze")) == [], "two letters complete nothing"
    assert titles(client.get(f"{URL}?q=zebraq")) == []
    auth.login(world["customer"])
    assert len(titles(client.get(f"{URL}?q=zebraf"))) == 2, "completion keeps visibility"


def test_blank_input_suggests_nothing(app, client, forum):
    build_index(app)
    for query in ("", "?q=", "?q=+++", "?title=&text=", "?q=&title=&text="):
        assert titles(client.get(URL + query)) == [], query


@pytest.mark.parametrize(
    "query, says",
    [
        ("q=" + "x" * 201, "q (at most 200 characters)"),
        ("title=" + "x" * 201, "title (at most 200 characters)"),
        ("title=a&text=" + "y" * 1501, "text (at most 1500 characters)"),
        ("q=digest&title=digest", "not both"),
        ("q=digest&text=digest", "not both"),
        ("q=%00digest", "cannot be stored"),
    ],
)
def test_bad_input_is_a_400_in_json(app, client, forum, query, says):
    build_index(app)
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 400 and response.is_json
    assert says in response.get_json()["error"]


def test_input_at_the_caps_is_answered(app, client, forum):
    build_index(app)
    assert client.get(f"{URL}?q=" + "digest " * 28 + "dige").status_code == 200
    assert client.get(f"{URL}?title=t&text=" + "digest " * 214 + "di").status_code == 200


def test_typed_search_is_503_json_while_the_index_is_missing(client, forum):
    response = client.get(f"{URL}?q=digest")
    assert response.status_code == 503 and "rebuilt" in response.get_json()["error"]


def test_titles_come_back_as_plain_text_in_json(app, client, auth, world, forum):
    auth.login(world["customer"])
    build_index(app)
    payload = "<img src=x onerror=alert(1)> okapiwidget"
    auth.post(f"/forum/s/{forum['section']}/new", {"title": payload, "body": "okapiwidget body"})
    with app.app_context():
        thread = db.session.scalar(db.select(Thread).where(Thread.title == payload))
        isv = db.session.scalar(db.select(User).where(User.email == world["isv_a"]))
        forum_operations.reply(thread, isv, "Turn the widget off and on.", utcnow())
        db.session.commit()
        thread_id = thread.id
    solve(app, thread_id)
    build_index(app)
    response = client.get(f"{URL}?q=okapiwidget")
    assert titles(response) == [payload], "the title as typed, for the script's textContent"
    assert response.mimetype == "application/json"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
