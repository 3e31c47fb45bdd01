"""The JSON API: lists with the catalog's filters, one app with its legend and terms."""

from tests.conftest import add_apps
from tests.conftest import app_record


def test_api_lists_apps_with_pagination_and_filters(app, client):
    add_apps(
        app,
        *(
            app_record(
                f"app-{n:02d}",
                support={"isv": {"contact_email": "a@b.example"}} if n % 3 == 0 else {},
            )
            for n in range(25)
        ),
    )
    body = client.get("/api/v1/apps?per_page=10").get_json()
    assert (body["total"], body["pages"], body["page"], len(body["items"])) == (25, 3, 1, 10)
    assert body["links"]["next"] == "http://catalog.test/api/v1/apps?page=2&per_page=10"
    assert "prev" not in body["links"]
    filtered = client.get("/api/v1/apps?channel=isv&per_page=100").get_json()
    assert [item["slug"] for item in filtered["items"]] == [f"app-{n:02d}" for n in range(0, 25, 3)]
    assert filtered["items"][0]["channels"] == ["isv"]
    assert filtered["items"][0]["support_summary"] == "Support offered: Developer / ISV support."


def test_api_rejects_bad_parameters_with_reasons(client):
    response = client.get("/api/v1/apps?channel=nope&per_page=1000")
    assert response.status_code == 400
    body = response.get_json()
    assert body["error"] == "Some query parameters are not valid."
    assert any("not a support channel" in d for d in body["details"])
    assert any("page size must be between 1 and 100" in d for d in body["details"])


def test_api_page_past_the_end_is_404_with_json(app, client):
    add_apps(app, app_record("only-one"))
    response = client.get("/api/v1/apps?page=2")
    assert response.status_code == 404
    assert response.get_json()["error"] == "There is no page 2; the last page is 1."


def test_api_app_detail_has_legend_terms_and_links(app, client):
    add_apps(
        app,
        app_record(
            "full",
            support={
                "forum_url": "https://forum.example.org/full",
                "dedicated_forum": True,
                "isv": {
                    "contact_email": "help@v.example",
                    "first_response_minutes": {"1": 60},
                    "languages": ["en"],
                },
                "operator": {
                    "professional": True,
                    "consulting": True,
                    "knowledge": "expert",
                    "rate_min": 100,
                    "rate_max": 250,
                    "justification": "We know it well.",
                },
            },
        ),
    )
    body = client.get("/api/v1/apps/full").get_json()
    assert [c["key"] for c in body["legend"]] == [
        "forum_casual",
        "forum_dedicated",
        "isv",
        "professional",
        "consulting",
    ]
    assert all(c["offered"] for c in body["legend"])
    assert body["isv_terms"]["first_response_minutes"] == {"1": 60}
    assert body["operator"]["consulting_rate"] == {"min": "100.00", "max": "250.00"}
    assert body["operator"]["factors"]["knowledge"] == "expert"
    assert body["links"]["badge"] == "http://catalog.test/apps/full/badge.svg"


def test_api_unknown_app_is_404_json(client):
    response = client.get("/api/v1/apps/ghost")
    assert response.status_code == 404
    assert response.is_json and response.get_json()["error"] == "There is no page at this address."
