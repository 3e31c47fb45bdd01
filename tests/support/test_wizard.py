"""The request wizard end to end through the test client, and the route preview API."""

import re
from datetime import datetime
from html import unescape

from catalog.extensions import db
from catalog.support.tickets.models import Deflection
from catalog.support.tickets.models import Ticket
from tests.support.conftest import EXTERNAL_APP
from tests.support.conftest import FORUM_APP
from tests.support.conftest import ISV_APP
from tests.support.conftest import PRO_APP
from tests.support.conftest import subscribe

STATE_RE = re.compile(r'name="state" value="([^"]+)"')
DUE_RE = re.compile(r'id="due-(\w+)">\s*<h3>[^<]*<time datetime="([^"]+)"')
VERDICT_RE = re.compile(
    r'class="chip__label">([^<]+)</span>.*?class="legend-row__note">([^<]*)</p>', re.DOTALL
)


def _state(html: str) -> str:
    """The signed wizard state of a page."""
    return STATE_RE.search(html).group(1)


def walk(auth, client, app_slug: str, severity: int = 2, kind: str = "incident"):
    """Go through every step up to the decision page; return its HTML."""
    html = client.get(f"/support/new?app={app_slug}").get_data(as_text=True)
    assert "Step 2 of 5" in html
    steps = [
        ("describe", {"title": "Digest not sent", "text": "Since Monday no digest arrives."}),
        ("classify", {"severity": str(severity), "kind": kind}),
        ("deflect", {}),
    ]
    for step, data in steps:
        response = auth.post("/support/new", {"state": _state(html), "step": step, **data})
        assert response.status_code == 200, response.get_data(as_text=True)
        html = response.get_data(as_text=True)
    assert "Step 5 of 5" in html
    return html


def verdicts(html: str) -> dict[str, str]:
    """The decision page's note for each channel, by channel label, in the order shown."""
    decision = html.split('id="decision-heading"', 1)[1].split("</section>", 1)[0]
    return {label: unescape(note) for label, note in VERDICT_RE.findall(decision)}


def submit(auth, html: str):
    """Press the submit button of the decision page."""
    return auth.post("/support/new", {"state": _state(html), "step": "review"})


def test_professional_request_stores_the_due_times_shown_before_submitting(app, client, auth, apps):
    subscribe(app, apps["customer"])
    auth.login(apps["customer"])
    html = walk(auth, client, PRO_APP)
    assert "Your request goes to: Professional support" in html
    notes = verdicts(html)
    assert list(notes) == [
        "Public forum (casual)",
        "Dedicated forum",
        "Developer / ISV support",
        "Professional support",
        "Consulting",
    ]
    assert notes["Public forum (casual)"] == notes["Dedicated forum"] == "Not offered for this app."
    assert notes["Developer / ISV support"] == (
        "Not needed: your professional support covers this request."
    ), "an offered channel is never called 'not offered'"
    assert notes["Professional support"].startswith("Your subscription covers professional support")
    assert notes["Consulting"].startswith("Consulting is for custom or open-ended work")
    shown = dict(DUE_RE.findall(html))
    assert set(shown) == {"first_response", "workaround", "resolution"}
    assert "How this was worked out" in html and "Counted" in html
    response = submit(auth, html)
    assert response.status_code == 302
    with app.app_context():
        ticket = db.session.scalar(db.select(Ticket))
        stored = {clock.target: clock.due_at for clock in ticket.clocks}
        assert ticket.channel == "professional" and ticket.reference == "SUP-000001"
    assert {key: datetime.fromisoformat(value) for key, value in shown.items()} == stored
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "SUP-000001" in page and "opened the request" in page


def test_without_subscription_the_request_goes_to_the_isv_and_says_why(app, client, auth, apps):
    auth.login(apps["customer"])
    html = walk(auth, client, PRO_APP)
    assert "Your request goes to: Developer / ISV support" in html
    assert "Your organisation has no support subscription." in html
    assert len(DUE_RE.findall(html)) == 1
    assert submit(auth, html).status_code == 302
    with app.app_context():
        assert db.session.scalar(db.select(Ticket.channel)) == "isv"


def test_custom_work_asks_for_a_consulting_quote(app, client, auth, apps):
    auth.login(apps["customer"])
    html = walk(auth, client, PRO_APP, kind="custom")
    assert "Ask for a quote" in html and not DUE_RE.findall(html)
    submit(auth, html)
    with app.app_context():
        assert db.session.scalar(db.select(Ticket.channel)) == "consulting"


def test_external_isv_ends_with_its_link_and_creates_nothing(app, client, auth, apps):
    auth.login(apps["customer"])
    html = walk(auth, client, EXTERNAL_APP)
    assert "https://vendor.example/support" in html and "Submit the request" not in html
    assert submit(auth, html).status_code == 400
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Ticket.id))) == 0


def test_forum_only_app_ends_with_the_forum_link(client, auth, apps):
    auth.login(apps["customer"])
    html = walk(auth, client, FORUM_APP, severity=1)
    assert "https://forum.example.org/c/forum-app" in html
    assert "Forums carry no response time" in html


def _to_deflection(auth, client, title: str, text: str) -> str:
    """Walk the wizard for ISV_APP up to the deflection step; return its page."""
    html = client.get(f"/support/new?app={ISV_APP}").get_data(as_text=True)
    for step, data in [
        ("describe", {"title": title, "text": text}),
        ("classify", {"severity": "3", "kind": "question"}),
    ]:
        html = auth.post("/support/new", {"state": _state(html), "step": step, **data}).get_data(
            as_text=True
        )
    return html


def test_deflection_step_says_so_when_nothing_matches(client, auth, apps):
    auth.login(apps["customer"])
    assert "No suggestions" in _to_deflection(
        auth, client, "Licence key rejected", "The key says expired."
    )


def test_deflection_suggests_matching_knowledge_and_records_this_solved_it(
    app, client, auth, apps, forum
):
    from catalog.search.indexing.sync import reindex

    with app.app_context():
        reindex(app.config["SEARCH_INDEX_DIR"])
    auth.login(apps["customer"])
    html = _to_deflection(auth, client, "Runbook zebrafinch", "Where is the zebrafinch runbook?")
    assert "Runbook public zebrafinch" in html and "Runbook customers zebrafinch" in html
    assert "Runbook staff zebrafinch" not in html
    ref = f"article:{forum['article']['public']}"
    response = auth.post(
        "/support/new/solved", {"state": _state(html), "kind": "article", "ref": ref}
    )
    assert response.status_code == 302
    with app.app_context():
        row = db.session.scalar(db.select(Deflection))
        assert (row.suggestion_ref, row.title) == (ref, "Runbook zebrafinch")
        assert db.session.scalar(db.select(db.func.count(Ticket.id))) == 0


def test_a_tampered_state_starts_again(auth, apps):
    auth.login(apps["customer"])
    response = auth.post(
        "/support/new", {"state": "forged", "step": "describe", "title": "x", "text": "y"}
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("/support/new")


def test_step_errors_are_shown_with_400(client, auth, apps):
    auth.login(apps["customer"])
    html = client.get(f"/support/new?app={PRO_APP}").get_data(as_text=True)
    response = auth.post(
        "/support/new", {"state": _state(html), "step": "describe", "title": "", "text": ""}
    )
    assert response.status_code == 400 and "Give your request a short title." in response.get_data(
        as_text=True
    )


def test_route_api_returns_the_decision_with_every_verdict(client, apps):
    body = client.get(f"/api/v1/route?app={PRO_APP}&severity=1&kind=incident").get_json()
    assert body["channel"] == "isv" and body["outcome"] == "ticket"
    assert [v["channel"] for v in body["verdicts"]] == [
        "forum_casual",
        "forum_dedicated",
        "isv",
        "professional",
        "consulting",
    ]
    assert all(v["reason"] for v in body["verdicts"])
    assert body["targets"][0]["target"] == "first_response" and body["targets"][0]["explanation"]
    assert client.get("/api/v1/route?app=nope").status_code == 404
    assert client.get(f"/api/v1/route?app={PRO_APP}&severity=9").status_code == 400


def test_suggestions_about_the_requests_app_come_first_keeping_their_ranking(monkeypatch):
    from catalog.support.wizard import deflection

    ranked = [
        {"id": f"thread:{n}", "type": "thread", "title": f"T{n}", "url": f"/t/{n}", "app": app}
        for n, app in enumerate(["other", "mine", "other", "mine", None])
    ]
    monkeypatch.setattr(deflection, "suggest_for", lambda user, title, text, limit: list(ranked))
    assert [s.ref for s in deflection.suggestions(None, "t", "x", "mine")] == [
        "thread:1",
        "thread:3",
        "thread:0",
        "thread:2",
        "thread:4",
    ]
