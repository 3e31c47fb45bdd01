"""The wizard's forum routes keep what was typed, and an app with no channel is said so plainly."""

from html import unescape

import pytest

from catalog.extensions import db
from catalog.forum.models import Section
from catalog.forum.models import Thread
from catalog.forum.sections import ensure_general_sections
from tests.conftest import add_apps
from tests.conftest import app_record
from tests.support.conftest import EXTERNAL_APP
from tests.support.conftest import FORUM_APP
from tests.support.test_wizard import _state
from tests.support.test_wizard import submit
from tests.support.test_wizard import walk

DEDICATED_APP = "dedicated-app"  # the dedicated forum only: the request becomes a thread
SILENT_APP = "silent-app"  # no support channel at all
TITLE = "Digest not sent"
TEXT = "Since Monday no digest arrives."


@pytest.fixture
def forum_apps(app, apps):
    """The router's apps, one with only a dedicated forum, one with no channel, and the general
    forum sections."""
    add_apps(
        app,
        app_record(DEDICATED_APP, support={"dedicated_forum": True}),
        app_record(SILENT_APP),
    )
    with app.app_context():
        ensure_general_sections()
        db.session.commit()
    return apps


def _threads(app) -> list[Thread]:
    """Every thread, oldest first."""
    with app.app_context():
        threads = list(db.session.scalars(db.select(Thread).order_by(Thread.id)))
        for thread in threads:
            _ = thread.section.app_id
        return threads


def test_a_dedicated_forum_request_becomes_a_thread_with_a_reference(app, client, auth, forum_apps):
    auth.login(forum_apps["customer"])
    html = unescape(walk(auth, client, DEDICATED_APP, severity=3, kind="question"))
    assert "Post this as a new thread in Dedicated App" in html
    assert TITLE in html and TEXT in html
    response = submit(auth, html)
    assert response.status_code == 302 and "/forum/t/" in response.headers["Location"]
    [thread] = _threads(app)
    assert thread.reference == "SUP-000001" and thread.support_number == 1
    assert thread.title == TITLE and thread.section.app_id is not None
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Your request is thread SUP-000001." in page
    assert "Support request <strong>SUP-000001</strong>" in page and "your</em> request" in page
    assert TEXT in page
    replay = submit(auth, html)
    assert replay.headers["Location"] == response.headers["Location"]
    assert len(_threads(app)) == 1


def test_the_section_is_made_as_the_sync_would_when_the_first_request_needs_it(
    app, client, auth, forum_apps
):
    with app.app_context():
        assert db.session.scalar(db.select(Section).where(Section.name == "Dedicated App")) is None
    auth.login(forum_apps["customer"])
    submit(auth, walk(auth, client, DEDICATED_APP, severity=3, kind="question"))
    with app.app_context():
        section = db.session.scalar(db.select(Section).where(Section.name == "Dedicated App"))
        assert section.slug == DEDICATED_APP and section.app.slug == DEDICATED_APP


def test_a_thread_reference_leads_to_the_thread_unless_it_is_hidden(app, client, auth, forum_apps):
    auth.login(forum_apps["customer"])
    location = submit(auth, walk(auth, client, DEDICATED_APP, 3, "question")).headers["Location"]
    direct = client.get("/support/tickets/SUP-000001")
    assert direct.status_code == 302 and direct.headers["Location"] == location
    looked_up = client.get("/support/tickets?ref=sup-000001", follow_redirects=True)
    assert looked_up.request.path == location
    with app.app_context():
        db.session.scalar(db.select(Thread)).hidden = True
        db.session.commit()
    assert client.get("/support/tickets/SUP-000001").status_code == 404
    auth.logout()
    auth.login(forum_apps["staff"])
    assert client.get("/support/tickets/SUP-000001").status_code == 302
    assert client.get("/support/tickets/SUP-999999").status_code == 404


def test_the_casual_forum_route_carries_the_typed_request(app, client, auth, forum_apps):
    auth.login(forum_apps["customer"])
    html = walk(auth, client, FORUM_APP, severity=3, kind="question")
    box = html.split('id="request-copy-text"', 1)[1].split("</textarea>", 1)[0]
    assert TITLE in box and TEXT in box and "readonly" in box
    assert 'data-copy-from="request-copy-text"' in html and 'role="status"' in html
    assert "js/copy-request.js" in html
    prepared = html.split('id="general-heading"', 1)[1]
    assert 'action="/forum/s/platform/new"' in prepared
    assert f'value="{TITLE}"' in prepared and f"{TEXT}</textarea>" in prepared
    assert "Carry on with it" in client.get("/support/new").get_data(as_text=True)
    form = {
        "title": TITLE,
        "body": TEXT,
        "submission": prepared.split('name="submission"')[1].split('value="')[1].split('"')[0],
    }
    assert auth.post("/forum/s/platform/new", form).status_code == 302
    assert [t.title for t in _threads(app)] == [TITLE]


def test_the_developers_own_support_link_carries_the_typed_request(app, client, auth, forum_apps):
    auth.login(forum_apps["customer"])
    html = walk(auth, client, EXTERNAL_APP, severity=3, kind="question")
    assert "https://vendor.example/support" in html
    box = html.split('id="request-copy-text"', 1)[1].split("</textarea>", 1)[0]
    assert TITLE in box and TEXT in box
    assert 'id="general-heading"' not in html


def test_not_chosen_channels_are_not_struck_through_like_not_offered_ones(
    app, client, auth, forum_apps
):
    auth.login(forum_apps["customer"])
    html = walk(auth, client, EXTERNAL_APP, severity=3, kind="question")
    decision = html.split('id="decision-heading"', 1)[1].split("</section>", 1)[0]
    chips = decision.split('<li class="chip ')[1:]
    status = {chip.split('"', 1)[0].split()[0]: chip for chip in chips}
    assert "chip--off" not in status["chip--forum_dedicated"]
    assert "Offered, not chosen" in status["chip--forum_dedicated"]
    assert (
        "chip--off" in status["chip--professional"]
        and "Not offered" in status["chip--professional"]
    )
    assert "Chosen" in status["chip--isv"] and "legend-row--chosen" in decision


def test_an_app_with_no_channel_offers_no_get_support_button(app, client, auth, forum_apps):
    page = client.get(f"/apps/{SILENT_APP}").get_data(as_text=True)
    assert "This app offers no support channel" in page
    assert f"/support/new?app={SILENT_APP}" not in page
    auth.login(forum_apps["customer"])
    html = unescape(client.get(f"/support/new?app={SILENT_APP}").get_data(as_text=True))
    assert "Silent App offers no support channel" in html and "Step 1 of 5" in html
    refused = auth.post("/support/new", {"state": _state(html), "step": "app", "app": SILENT_APP})
    assert refused.status_code == 400
    assert "offers no support channel; choose another app." in unescape(
        refused.get_data(as_text=True)
    )
    assert "No channel can take this request" not in refused.get_data(as_text=True)


def test_the_thread_page_names_the_request_only_for_its_author(app, client, auth, forum_apps):
    auth.login(forum_apps["customer"])
    location = submit(auth, walk(auth, client, DEDICATED_APP, 3, "question")).headers["Location"]
    auth.logout()
    page = client.get(location).get_data(as_text=True)
    assert "SUP-000001" in page and "your</em> request" not in page
