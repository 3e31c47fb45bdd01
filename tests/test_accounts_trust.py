"""Issue 11, accounts and links: findings 3 (links from the Host header), 8 (throttle races),
9 (logout ends the session) and 11 (sign-up verifies the address, reveals nothing)."""

import threading
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager

import pytest
from flask_migrate import upgrade
from sqlalchemy import select
from sqlalchemy import text
from werkzeug.serving import make_server

from catalog import create_app
from catalog.accounts import operations
from catalog.accounts.models import User
from catalog.extensions import db
from catalog.ticketmail.models import MailOutbox
from tests.conftest import APP_A
from tests.conftest import PASSWORD
from tests.conftest import TOKEN_RE
from tests.conftest import AuthActions
from tests.conftest import add_apps
from tests.conftest import app_record
from tests.conftest import link_in
from tests.conftest import make_app
from tests.conftest import make_user
from tests.conftest import read_mail
from tests.support.tickets import make_ticket

SITE = "https://support.example.com/help"
EVIL = "evil.example"


@pytest.fixture
def site_app(tmp_path, database_url):
    """An app whose public address is SITE and that has no SERVER_NAME (as in production)."""
    app = make_app(tmp_path, database_url, SERVER_NAME=None, SITE_URL=SITE)
    yield app
    with app.app_context():
        db.engine.dispose()


def _body(message) -> str:
    """The plain-text body of a mail."""
    return message.get_body(("plain",)).get_content()


def _forged(client):
    """Make every request of ``client`` carry ``Host: evil.example``."""
    client.environ_base["HTTP_HOST"] = EVIL
    return AuthActions(client)


# Finding 3: links in e-mail come from SITE_URL, never from the request's Host header.


def test_finding_3_reset_link_goes_to_site_url_whatever_the_host_header(site_app):
    make_user(site_app, "user@example.com")
    auth = _forged(site_app.test_client())
    assert auth.post("/account/reset", {"email": "user@example.com"}).status_code == 302
    body = _body(read_mail(site_app)[0])
    assert f"{SITE}/account/reset/" in body
    assert EVIL not in body


def test_finding_3_reply_notification_links_to_site_url_whatever_the_host_header(site_app):
    add_apps(site_app, app_record(APP_A))
    make_user(site_app, "staff@example.com", "staff")
    customer_id = make_user(site_app, "buyer@example.com")
    reference = make_ticket(site_app, customer_id)
    auth = _forged(site_app.test_client())
    assert auth.login("buyer@example.com").status_code == 302
    response = auth.post(f"/support/tickets/{reference}/reply", {"body": "Any news?"})
    assert response.status_code == 302
    with site_app.app_context():
        raws = [row.raw.decode() for row in db.session.scalars(select(MailOutbox))]
    assert raws, "the reply queued a notification"
    assert all(EVIL not in raw for raw in raws)
    assert any(f"{SITE}/support/tickets/{reference}" in raw for raw in raws)


def test_external_url_builds_the_same_links_in_commands_without_a_request(site_app):
    from catalog.links import external_url

    with site_app.app_context():
        assert external_url("support.ticket", reference="SUP-000001") == (
            f"{SITE}/support/tickets/SUP-000001"
        )


def test_external_url_falls_back_to_server_name_then_the_dev_server(tmp_path, database_url):
    from catalog.links import external_url

    for config, expected in (
        ({"SERVER_NAME": "catalog.test"}, "http://catalog.test/account/login"),
        ({"SERVER_NAME": None}, "http://127.0.0.1:5000/account/login"),
    ):
        app = create_app({"TESTING": True, "SECRET_KEY": "x", **config})
        with app.app_context():
            assert external_url("accounts.login") == expected


def test_finding_3_a_malformed_site_url_is_refused_at_start(tmp_path):
    with pytest.raises(ValueError, match="SITE_URL"):
        create_app({"TESTING": True, "SECRET_KEY": "x", "SITE_URL": "support.example.com"})


def test_finding_3_trusted_hosts_refuse_other_hosts_with_our_400_page(tmp_path, database_url):
    app = make_app(
        tmp_path,
        database_url,
        SERVER_NAME=None,
        SITE_URL=SITE,
        TRUSTED_HOSTS=["support.example.com"],
    )
    make_user(app, "user@example.com")
    client = app.test_client()
    refused = client.get("/", headers={"Host": EVIL})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert "does not answer to that host name" in html
    assert 'href="/help/static/css/site.css"' in html, "our page, its links on SITE_URL"
    assert "Content-Security-Policy" in refused.headers
    reset = client.post(
        "/account/reset", data={"email": "user@example.com"}, headers={"Host": EVIL}
    )
    assert reset.status_code == 400 and read_mail(app) == []
    assert client.get("/", headers={"Host": "support.example.com"}).status_code == 200
    with app.app_context():
        db.engine.dispose()


def test_finding_3_trusted_hosts_may_be_a_comma_separated_string(tmp_path):
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "TRUSTED_HOSTS": "a.example, b.example"})
    assert app.config["TRUSTED_HOSTS"] == ["a.example", "b.example"]


# Finding 8: parallel login attempts never check more passwords than the limit.


@contextmanager
def _served(app):
    """The app on a real threaded HTTP server on 127.0.0.1; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(10)


def _post_login(base: str, email: str, password: str) -> int:
    """POST the login form (CSRF off in these tests); the status code."""
    data = urllib.parse.urlencode({"email": email, "password": password}).encode()
    request = urllib.request.Request(f"{base}/account/login", data=data, method="POST")
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=120) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Report redirects as they are (a 302 after logging in)."""

    def redirect_request(self, *args, **kwargs):
        return None


def _parallel(base: str, attempts: list[tuple[str, str]]) -> list[int]:
    """Send the login attempts all at once from separate threads; their status codes."""
    barrier = threading.Barrier(len(attempts))
    statuses = [None] * len(attempts)

    def attempt(index: int, email: str, password: str) -> None:
        barrier.wait()
        statuses[index] = _post_login(base, email, password)

    threads = [
        threading.Thread(target=attempt, args=(i, email, password))
        for i, (email, password) in enumerate(attempts)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(180)
    return statuses


@pytest.fixture
def counted_checks(monkeypatch):
    """Count every password check of the login (the real scrypt check still runs)."""
    calls = []
    real = operations.check_password_hash

    def counting(pwhash: str, password: str) -> bool:
        calls.append(password)
        return real(pwhash, password)

    monkeypatch.setattr(operations, "check_password_hash", counting)
    return calls


@pytest.fixture
def served_app(tmp_path, database_url):
    """An app with the production password hash (slow, as an attacker meets it), CSRF off."""
    app = make_app(tmp_path, database_url, PASSWORD_HASH_METHOD="scrypt", WTF_CSRF_ENABLED=False)
    yield app
    with app.app_context():
        db.engine.dispose()


def test_finding_8_forty_parallel_wrong_passwords_check_at_most_the_account_limit(
    served_app, counted_checks
):
    make_user(served_app, "victim@example.com")
    limit = served_app.config["LOGIN_FAILURES_PER_ACCOUNT"]
    with _served(served_app) as base:
        statuses = _parallel(base, [("victim@example.com", f"guess {n:04}") for n in range(40)])
        assert len(counted_checks) <= limit, f"{len(counted_checks)} passwords checked"
        assert statuses.count(400) == len(counted_checks)
        assert statuses.count(429) == 40 - len(counted_checks)
        assert _post_login(base, "victim@example.com", PASSWORD) == 429, "still throttled"
    assert PASSWORD not in counted_checks


def test_finding_8_parallel_attempts_from_one_address_check_at_most_the_address_limit(
    served_app, counted_checks
):
    served_app.config["LOGIN_FAILURES_PER_ADDRESS"] = 6
    with _served(served_app) as base:
        statuses = _parallel(base, [(f"user{n}@example.com", "wrong password") for n in range(30)])
    assert len(counted_checks) <= 6
    assert statuses.count(429) >= 24


def test_a_successful_login_is_not_held_against_the_address(app, auth):
    app.config["LOGIN_FAILURES_PER_ADDRESS"] = 3
    make_user(app, "user@example.com")
    for _ in range(5):
        assert auth.login("user@example.com").status_code == 302
        auth.logout()
    assert auth.login("nobody@example.com", "wrong password!").status_code == 400


# Finding 9: logging out ends the session for every copy of its cookie.


def _session_cookie(client) -> str:
    """The value of the client's session cookie."""
    return client.get_cookie("session", domain="catalog.test").value


def _replay(app, cookie: str):
    """A fresh client that only has the saved session cookie."""
    client = app.test_client()
    client.set_cookie("session", cookie, domain="catalog.test")
    return client


def test_finding_9_a_cookie_saved_before_logout_no_longer_works(app, client, auth):
    make_user(app, "user@example.com")
    auth.login("user@example.com")
    saved = _session_cookie(client)
    assert _replay(app, saved).get("/account/password").status_code == 200
    auth.logout()
    assert _replay(app, saved).get("/account/password").status_code == 302


def test_password_change_and_deactivation_end_sessions(app, client, auth):
    user_id = make_user(app, "user@example.com")
    auth.login("user@example.com")
    saved = _session_cookie(client)
    with app.app_context():
        operations.set_password(db.session.get(User, user_id), "another password")
        db.session.commit()
    assert _replay(app, saved).get("/account/password").status_code == 302
    auth.login("user@example.com", "another password")
    saved = _session_cookie(client)
    with app.app_context():
        operations.set_active(db.session.get(User, user_id), False)
        db.session.commit()
    assert _replay(app, saved).get("/account/password").status_code == 302


def test_deactivating_through_the_admin_page_ends_the_users_session(app, world):
    victim = AuthActions(app.test_client())
    victim.login(world["customer"])
    saved = _session_cookie(victim._client)
    admin = AuthActions(app.test_client())
    admin.login(world["admin"])
    with app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.email == world["customer"]))
    response = admin.post(f"/operator/users/{user_id}", {"role": "customer", "vendor_id": "0"})
    assert response.status_code == 302
    assert _replay(app, saved).get("/account/password").status_code == 302


# Finding 11: sign-up verifies the address and never reveals whether one has an account.


def _plain(page: str, email: str) -> str:
    """A page without its CSRF token (each client has its own) and the address typed."""
    return TOKEN_RE.sub("", page).replace(email, "")


def _sign_up(auth, email: str, password: str = PASSWORD):
    """Post the sign-up form."""
    return auth.post(
        "/account/sign-up",
        {
            "name": "Mallory",
            "email": email,
            "organisation": "Acme",
            "password": password,
            "confirm": password,
        },
    )


def test_finding_11_sign_up_is_unverified_until_the_mailed_link(app, client, auth, forum):
    response = _sign_up(auth, "new@example.com")
    assert response.status_code == 302 and response.headers["Location"] == "/account/login"
    [mail] = read_mail(app)
    assert mail["To"] == "new@example.com"
    link = link_in(mail)
    assert link.startswith("/account/verify/")
    assert auth.login("new@example.com").status_code == 302
    article = f"/forum/articles/{forum['article']['customers']}"
    assert client.get(article).status_code == 404
    refused = client.get("/support/new")
    assert refused.status_code == 403
    assert "Send the link again" in refused.get_data(as_text=True)
    assert auth.post("/account/verify/resend").status_code == 302
    assert len(read_mail(app)) == 2
    assert client.get(link).status_code == 302
    assert client.get(article).status_code == 200
    assert client.get("/support/new").status_code == 200


def test_finding_11_sign_up_does_not_reveal_whether_an_address_has_an_account(app):
    make_user(app, "taken@example.com")
    answers = []
    for email in ("taken@example.com", "free@example.com"):
        client = app.test_client()
        response = _sign_up(AuthActions(client), email, "an attackers password")
        page = client.get(response.headers["Location"]).get_data(as_text=True)
        answers.append((response.status_code, response.headers["Location"], _plain(page, email)))
    assert answers[0] == answers[1]
    mails = {m["To"]: _body(m) for m in read_mail(app)}
    assert "tried to create a new Support Catalog account" in mails["taken@example.com"]
    assert "/account/verify/" in mails["free@example.com"]
    with app.app_context():
        assert db.session.scalar(select(db.func.count(User.id))) == 2
        taken = operations.user_by_email("taken@example.com")
        assert operations.authenticate("taken@example.com", PASSWORD) is taken


def test_reset_answers_the_same_for_known_and_unknown_addresses(app):
    make_user(app, "known@example.com")
    answers = []
    for email in ("known@example.com", "unknown@example.com"):
        client = app.test_client()
        response = AuthActions(client).post("/account/reset", {"email": email})
        page = client.get(response.headers["Location"]).get_data(as_text=True)
        answers.append((response.status_code, response.headers["Location"], _plain(page, email)))
    assert answers[0] == answers[1]


def test_a_confirmation_link_for_an_old_address_confirms_nothing(app, client):
    from catalog.accounts import tokens

    user_id = make_user(app, "old@example.com")
    with app.app_context():
        user = db.session.get(User, user_id)
        user.email_verified_at = None
        token = tokens.verify_token(user)
        user.email = "new@example.com"
        db.session.commit()
    assert client.get(f"/account/verify/{token}").status_code == 400
    assert client.get("/account/verify/not-a-token").status_code == 400
    with app.app_context():
        assert db.session.get(User, user_id).email_verified_at is None


def test_the_migration_counts_existing_accounts_as_verified(make_database):
    app = create_app(
        {"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": make_database("old")}
    )
    with app.app_context():
        upgrade(revision="b48c8351d4c9")
        db.session.execute(
            text(
                "INSERT INTO user_account (email, name, password_hash, role, active, created_at)"
                " VALUES ('old@example.com', 'Old', 'x', 'admin', true, CURRENT_TIMESTAMP)"
            )
        )
        db.session.commit()
        upgrade(revision="c11a0accounts")
        row = db.session.execute(
            text("SELECT email_verified_at, session_generation FROM user_account")
        ).one()
        assert row.email_verified_at is not None and row.session_generation == 0
        db.session.remove()
        db.engine.dispose()
