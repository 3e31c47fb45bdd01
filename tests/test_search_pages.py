"""The search page and API: visibility, safe highlights, filters, notices, 503 and suggestions."""

import os
import shutil

from catalog.search import engine as search
from catalog.search.web.suggestions import suggest_for
from tests.conftest import build_index

PAYLOAD = "<script>alert(1)</script><img src=x onerror=alert(2)>\"'&"


def test_staff_only_article_never_shows_for_others_not_even_in_counts(
    app, client, auth, world, forum
):
    build_index(app)
    anonymous = client.get("/api/v1/search?q=zebrafinch&facets=1").get_json()
    assert {i["title"] for i in anonymous["items"]} == {"Runbook public zebrafinch"}
    assert anonymous["total"] == 1 and anonymous["facets"]["type"] == {"article": 1}
    auth.login(world["customer"])
    customer = client.get("/api/v1/search?q=zebrafinch").get_json()
    assert customer["total"] == 2 and "staff" not in str(customer["items"])
    assert "Runbook staff" not in client.get("/search?q=zebrafinch").get_data(as_text=True)
    auth.logout()
    auth.login(world["staff"])
    assert (
        client.get("/api/v1/search?q=zebrafinch").get_json()["total"] == 3
    )  # the draft is never indexed


def test_a_page_cached_for_staff_is_not_served_to_the_next_anonymous_visitor(
    app, client, auth, world, forum
):
    """The same worker's result cache answers the same words for staff, then anonymously."""
    build_index(app)
    auth.login(world["staff"])
    for _ in range(2):
        staff = client.get("/api/v1/search?q=zebrafinch&facets=1").get_json()
        assert staff["total"] == 3 and staff["facets"]["type"] == {"article": 3}
        assert "Runbook staff" in client.get("/search?q=zebrafinch").get_data(as_text=True)
    auth.logout()
    anonymous = client.get("/api/v1/search?q=zebrafinch&facets=1").get_json()
    assert [i["title"] for i in anonymous["items"]] == ["Runbook public zebrafinch"]
    assert anonymous["facets"]["type"] == {"article": 1}
    assert "Runbook staff" not in client.get("/search?q=zebrafinch").get_data(as_text=True)
    assert app.extensions["search_result_cache"].hits >= 2


def test_the_api_counts_facets_only_when_asked(app, client, forum):
    build_index(app)
    plain = client.get("/api/v1/search?q=zebrafinch").get_json()
    assert plain["facets"] is None and plain["total"] == 1
    asked = client.get("/api/v1/search?q=zebrafinch&facets=1").get_json()
    assert asked["facets"]["type"] == {"article": 1} and asked["facets_sampled"] is False


def test_suggestions_respect_visibility(app, client, auth, world, forum):
    build_index(app)
    items = client.get("/api/v1/search/suggest?title=zebrafinch+runbook&text=").get_json()["items"]
    assert [i["title"] for i in items] == ["Runbook public zebrafinch"]
    with app.test_request_context():
        assert len(suggest_for(None, "zebrafinch runbook", "")) == 1


def test_highlights_cannot_inject_markup(app, client, auth, world, forum):
    auth.login(world["customer"])
    build_index(app)
    auth.post(
        f"/forum/s/{forum['section']}/new",
        {"title": f"Gecko {PAYLOAD}", "body": f"gecko body {PAYLOAD}"},
    )
    html = client.get("/search?q=gecko").get_data(as_text=True)
    assert "<mark>Gecko</mark>" in html
    assert "<script>" not in html and "<img" not in html
    item = client.get("/api/v1/search?q=gecko").get_json()["items"][0]
    assert "<script" not in item["title_html"] and "&lt;script&gt;" in item["title_html"]


def test_filters_counts_sort_and_pages(app, client, auth, world, forum):
    build_index(app)
    auth.login(world["customer"])
    for n in range(12):
        auth.post(
            f"/forum/s/{forum['section']}/new", {"title": f"Lemur question {n}", "body": "lemur"}
        )
    data = client.get("/api/v1/search?q=lemur&sort=date&per_page=5&page=2&facets=1").get_json()
    assert (
        data["total"] == 12
        and data["pages"] == 3
        and len(data["items"]) == 5
        and data["sort"] == "date"
    )
    assert data["facets"]["section"] == {forum["section"]: 12} and data["facets"]["app"] == {
        "mail-shield": 12
    }
    page = client.get(f"/search?q=lemur&section={forum['section']}&type=thread").get_data(
        as_text=True
    )
    assert "12 results" in page and "Next →" in page
    assert client.get("/api/v1/search?q=lemur&type=article").get_json()["total"] == 0


def test_did_you_mean_and_long_query_notice(app, client, forum):
    build_index(app)
    assert client.get("/api/v1/search?q=quarantnie").get_json()["did_you_mean"] == "quarantine"
    html = client.get("/search?q=" + "digest " * 100).get_data(as_text=True)
    assert "only its beginning was used" in html
    assert client.get("/api/v1/search?q=" + "x" * 1500).get_json()["truncated"] is True
    too_long = client.get("/api/v1/search?q=" + "x" * 5000)
    assert too_long.status_code == 400 and "longer than" in too_long.get_json()["error"]


def test_empty_search_page_explains_what_to_type(client):
    assert "Type a few words" in client.get("/search").get_data(as_text=True)


def test_missing_index_gives_503_and_other_pages_still_work(app, client, forum):
    assert client.get("/search?q=digest").status_code == 503
    assert "being rebuilt" in client.get("/search?q=digest").get_data(as_text=True)
    api = client.get("/api/v1/search?q=digest")
    assert api.status_code == 503 and "rebuilt" in api.get_json()["error"]
    assert client.get("/api/v1/search/suggest?title=digest").status_code == 503
    for url in ("/", "/apps", "/forum/", f"/forum/t/{forum['thread_id']}", "/forum/articles"):
        assert client.get(url).status_code == 200, url
    with app.test_request_context():
        assert suggest_for(None, "digest", "") == []


def test_damaged_index_gives_503_and_reindex_repairs_it(app, client, forum):
    build_index(app)
    path = search.health(app.config["SEARCH_INDEX_DIR"]).path
    for name in os.listdir(path):
        if name.endswith(".toc"):
            with open(os.path.join(path, name), "wb") as toc:
                toc.write(b"garbage")
    assert client.get("/api/v1/search?q=digest").status_code == 503
    assert client.get("/forum/").status_code == 200
    build_index(app)
    assert client.get("/api/v1/search?q=digest").status_code == 200


def test_deleted_index_folder_gives_503(app, client, forum):
    build_index(app)
    client.get("/api/v1/search?q=digest")
    shutil.rmtree(app.config["SEARCH_INDEX_DIR"])
    assert client.get("/api/v1/search?q=digest").status_code == 503
