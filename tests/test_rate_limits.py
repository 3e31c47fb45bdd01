"""Rate limits per client address: login, sign-up, reset requests, tickets, search and the API.

The rest of the suite runs with limits off; here they are on, and small.
"""

import itertools

import pytest

from catalog.extensions import db
from tests.conftest import build_index
from tests.conftest import make_app

LIMITS = {
    "RATELIMIT_ENABLED": True,
    "RATELIMIT_LOGIN": "3 per minute",
    "RATELIMIT_SIGN_UP": "2 per minute",
    "RATELIMIT_PASSWORD_RESET": "2 per minute",
    "RATELIMIT_TICKETS": "2 per minute",
    "RATELIMIT_SEARCH": "4 per minute",
    "RATELIMIT_SUGGEST": "5 per minute",
    "RATELIMIT_API": "6 per minute",
}


@pytest.fixture
def app(tmp_path, database_url):
    """An application with small rate limits."""
    app = make_app(tmp_path, database_url, **LIMITS)
    yield app
    with app.app_context():
        db.engine.dispose()


def _until_limited(send, allowed: int):
    """Send ``allowed`` requests that must pass, then one that must be refused; return it."""
    for number in range(allowed):
        response = send()
        assert response.status_code != 429, f"request {number + 1} of {allowed} was refused"
    return send()


def _assert_page_429(response):
    """Our error page, in words, with Retry-After."""
    assert response.status_code == 429
    assert 1 <= int(response.headers["Retry-After"]) <= 60
    html = response.get_data(as_text=True)
    assert "Too many requests" in html and "Please wait" in html and "try again" in html
    assert 'class="error-page"' in html


def _assert_json_429(response):
    """The API's error JSON, with Retry-After."""
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) >= 1
    body = response.get_json()
    assert "Please wait" in body["error"] and body["details"] == []


def test_login_posts_are_limited_per_address(app, world, client, auth):
    emails = (f"nobody{number}@example.com" for number in itertools.count())

    def send():
        return auth.post("/account/login", {"email": next(emails), "password": "wrong"})

    _assert_page_429(_until_limited(send, 3))
    assert client.get("/account/login").status_code == 200, "showing the form is not limited"
    elsewhere = auth.post(
        "/account/login",
        {"email": next(emails), "password": "wrong"},
        environ_base={"REMOTE_ADDR": "192.0.2.7"},
    )
    assert elsewhere.status_code == 400, "another address still gets an answer"


def test_sign_up_posts_are_limited(app, client, auth):
    _assert_page_429(
        _until_limited(lambda: auth.post("/account/sign-up", {"email": "not an address"}), 2)
    )


def test_password_reset_requests_are_limited(app, world, client, auth):
    _assert_page_429(
        _until_limited(lambda: auth.post("/account/reset", {"email": world["customer"]}), 2)
    )


def test_only_the_wizard_submit_counts_towards_the_ticket_limit(app, world, client, auth):
    auth.login(world["customer"])
    for _ in range(5):
        assert auth.post("/support/new", {"step": "app", "state": "bad"}).status_code != 429
    _assert_page_429(
        _until_limited(lambda: auth.post("/support/new", {"step": "review", "state": "bad"}), 2)
    )


def test_search_page_and_search_api_share_one_limit(app, client):
    build_index(app)
    for _ in range(2):
        assert client.get("/search?q=backup").status_code == 200
        assert client.get("/api/v1/search?q=backup").status_code == 200
    _assert_page_429(client.get("/search?q=backup"))
    _assert_json_429(client.get("/api/v1/search?q=backup"))


def test_suggestions_as_you_type_have_their_own_budget(app, client):
    build_index(app)
    _assert_page_429(_until_limited(lambda: client.get("/search?q=backup"), 4))
    typed = (f"/api/v1/search/suggest?q=backup+{n}" for n in itertools.count())
    _assert_json_429(
        _until_limited(lambda: client.get(next(typed)), 5)
    )  # searches used up did not stop the suggestions, which are still bounded


def test_the_whole_api_is_limited(app, client):
    _assert_json_429(_until_limited(lambda: client.get("/api/v1/apps"), 6))
    assert client.get("/apps").status_code == 200, "pages outside the API are not limited"


def test_addresses_behind_a_proxy_are_counted_apart(tmp_path, make_database):
    app = make_app(tmp_path, make_database("proxied"), PROXY_COUNT=1, **LIMITS)
    client = app.test_client()
    for _ in range(6):
        assert (
            client.get("/api/v1/apps", headers={"X-Forwarded-For": "198.51.100.1"}).status_code
            == 200
        )
    assert (
        client.get("/api/v1/apps", headers={"X-Forwarded-For": "198.51.100.1"}).status_code == 429
    )
    assert (
        client.get("/api/v1/apps", headers={"X-Forwarded-For": "198.51.100.2"}).status_code == 200
    )
    with app.app_context():
        db.engine.dispose()


def test_only_profile_posts_that_change_the_address_are_limited(app, world, client, auth):
    auth.login(world["customer"])
    form = {"name": "Casey Customer", "timezone": "", "email": world["customer"]}
    for _ in range(4):
        assert auth.post("/account/profile", form).status_code != 429
    addresses = (f"new{number}@elsewhere.example" for number in itertools.count())
    _assert_page_429(
        _until_limited(lambda: auth.post("/account/profile", form | {"email": next(addresses)}), 2)
    )
