"""Accounts: sign-up, log in and out, throttling, passwords, reset links, next= safety."""

from datetime import timedelta

import pytest

from catalog.accounts import throttle
from catalog.accounts.access import safe_next
from catalog.accounts.models import User
from catalog.db import utcnow
from catalog.extensions import db
from tests.conftest import PASSWORD
from tests.conftest import link_in
from tests.conftest import make_user
from tests.conftest import read_mail


def _user(app, email):
    with app.app_context():
        return db.session.scalar(db.select(User).where(User.email == email))


def test_sign_up_creates_an_unverified_customer_with_an_organisation(app, client, auth):
    response = auth.post(
        "/account/sign-up",
        {
            "name": "Cleo",
            "email": " Cleo@Example.com ",
            "organisation": "Acme",
            "password": PASSWORD,
            "confirm": PASSWORD,
        },
    )
    assert response.status_code == 302
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == "cleo@example.com"))
        assert user.role == "customer" and user.organisation.name == "Acme"
        assert user.password_hash.startswith("scrypt:")
        assert not user.is_verified
    assert "Log out" not in client.get("/").get_data(as_text=True), "logged in by the link"
    assert auth.login("cleo@example.com").status_code == 302
    assert "Cleo" in client.get("/").get_data(as_text=True)


def test_sign_up_rejects_bad_input_with_400_and_keeps_what_was_typed(app, auth):
    response = auth.post(
        "/account/sign-up",
        {
            "name": "Cleo",
            "email": "not an address",
            "organisation": "Acme Widgets",
            "password": "short",
            "confirm": "other",
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "at least 10 characters" in html
    assert "not the same" in html
    assert 'value="Acme Widgets"' in html
    assert 'aria-describedby="email-error"' in html


def test_login_and_logout(app, client, auth):
    make_user(app, "user@example.com")
    assert auth.login("user@example.com").status_code == 302
    assert "Log out" in client.get("/").get_data(as_text=True)
    assert auth.logout().status_code == 302
    assert "Log in" in client.get("/").get_data(as_text=True)


def test_wrong_password_is_rejected_without_saying_which_part_was_wrong(app, auth):
    make_user(app, "user@example.com")
    for email in ("user@example.com", "nobody@example.com"):
        response = auth.login(email, "wrong password!")
        assert response.status_code == 400
        assert "do not match an account" in response.get_data(as_text=True)


def test_logout_needs_a_post(app, client, auth):
    make_user(app, "user@example.com")
    auth.login("user@example.com")
    assert client.get("/account/logout").status_code == 405


def test_failed_logins_are_throttled_per_account(app, client, auth):
    make_user(app, "user@example.com")
    for _ in range(5):
        assert auth.login("user@example.com", "wrong password!").status_code == 400
    response = auth.login("user@example.com")
    assert response.status_code == 429
    assert "wait 15 minutes" in response.get_data(as_text=True)


def test_failed_logins_are_throttled_per_address(app, auth):
    make_user(app, "user@example.com")
    app.config["LOGIN_FAILURES_PER_ADDRESS"] = 3
    for n in range(3):
        auth.login(f"guess{n}@example.com", "wrong password!")
    assert auth.login("user@example.com").status_code == 429


def test_throttle_window_passes_with_time(app):
    limits = throttle.Limits(per_account=2, per_address=10, window=timedelta(minutes=15))
    start = utcnow()
    with app.app_context():
        for minutes in (0, 1):
            assert throttle.reserve(
                "a@example.com", "10.0.0.1", start + timedelta(minutes=minutes), limits
            )
        assert not throttle.reserve(
            "A@example.com", "10.0.0.2", start + timedelta(minutes=14), limits
        )
        assert throttle.reserve("b@example.com", "10.0.0.1", start + timedelta(minutes=2), limits)
        assert throttle.reserve(
            "a@example.com", "10.0.0.2", start + timedelta(minutes=15, seconds=1), limits
        )


def test_successful_login_clears_the_accounts_failures(app, auth):
    make_user(app, "user@example.com")
    for _ in range(4):
        auth.login("user@example.com", "wrong password!")
    assert auth.login("user@example.com").status_code == 302
    auth.logout()
    for _ in range(4):
        auth.login("user@example.com", "wrong password!")
    assert auth.login("user@example.com").status_code == 302


def test_password_change_needs_the_current_password_and_ends_other_sessions(app, client, auth):
    make_user(app, "user@example.com")
    other = app.test_client()
    from tests.conftest import AuthActions

    AuthActions(other).login("user@example.com")
    auth.login("user@example.com")
    wrong = auth.post(
        "/account/password",
        {"current_password": "nope", "password": "new password 1", "confirm": "new password 1"},
    )
    assert wrong.status_code == 400 and "not your current password" in wrong.get_data(as_text=True)
    ok = auth.post(
        "/account/password",
        {"current_password": PASSWORD, "password": "new password 1", "confirm": "new password 1"},
    )
    assert ok.status_code == 302
    assert client.get("/account/password").status_code == 200
    assert other.get("/account/password").status_code == 302
    auth.logout()
    assert auth.login("user@example.com", "new password 1").status_code == 302


def test_password_reset_by_e_mailed_link_works_once(app, client, auth):
    make_user(app, "user@example.com")
    assert auth.post("/account/reset", {"email": "user@example.com"}).status_code == 302
    auth.post("/account/reset", {"email": "unknown@example.com"})
    messages = read_mail(app)
    assert [m["To"] for m in messages] == ["user@example.com"]
    link = link_in(messages[0])
    assert client.get(link).status_code == 200
    assert (
        auth.post(link, {"password": "brand new pass", "confirm": "brand new pass"}).status_code
        == 302
    )
    assert (
        auth.post(link, {"password": "another new one", "confirm": "another new one"}).status_code
        == 400
    )
    auth.logout()
    assert auth.login("user@example.com", "brand new pass").status_code == 302


def test_reset_link_expires(app, client, auth):
    make_user(app, "user@example.com")
    auth.post("/account/reset", {"email": "user@example.com"})
    app.config["PASSWORD_RESET_MAX_AGE"] = -1
    response = client.get(link_in(read_mail(app)[0]))
    assert response.status_code == 400
    assert "no longer works" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example/",
        "http://evil.example/",
        "https://evil.example/x",
        "/\\\\evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "evil.example",
        "/\tevil",
        "/\nevil",
        "",
        None,
        "///evil.example",
        " /apps",
        "http:/evil.example",
    ],
)
def test_next_rejects_anything_but_a_path_on_this_site(target):
    assert safe_next(target) is None


def test_next_accepts_local_paths():
    assert safe_next("/isv/apps/x?tab=1") == "/isv/apps/x?tab=1"


@pytest.mark.parametrize(
    "target, expected",
    [
        ("/support-channels", "/support-channels"),
        ("//evil.example/", "/"),
        ("http://evil.example/", "/"),
        ("/\\\\evil.example", "/"),
    ],
)
def test_login_follows_next_only_to_our_own_site(app, auth, target, expected):
    make_user(app, "user@example.com")
    response = auth.login("user@example.com", next=target)
    assert response.status_code == 302
    assert response.headers["Location"] == expected


def test_protected_page_sends_anonymous_visitors_to_log_in_and_back(app, client, auth):
    make_user(app, "user@example.com")
    response = client.get("/account/password")
    assert response.status_code == 302 and "/account/login?next=" in response.headers["Location"]
    next_url = response.headers["Location"].split("next=")[1].replace("%2F", "/")
    assert auth.login("user@example.com", next=next_url).headers["Location"] == "/account/password"


def test_create_user_command_prompts_for_the_password_twice(app, runner):
    result = runner.invoke(
        args=["create-user", "--email", "root@example.com", "--role", "admin"],
        input="long enough pw\nlong enough pw\n",
    )
    assert result.exit_code == 0, result.output
    assert _user(app, "root@example.com").role == "admin"


def test_create_user_command_reads_the_password_from_stdin(app, runner, auth):
    result = runner.invoke(
        args=["create-user", "--email", "s@example.com", "--role", "staff", "--password-stdin"],
        input="long enough pw\n",
    )
    assert result.exit_code == 0, result.output
    assert auth.login("s@example.com", "long enough pw").headers["Location"] == "/operator/"


def test_create_user_command_refuses_a_short_password_and_an_isv_without_vendor(app, runner):
    short = runner.invoke(
        args=["create-user", "--email", "a@example.com", "--password-stdin"], input="short\n"
    )
    assert short.exit_code != 0 and "10 to" in short.output
    isv = runner.invoke(
        args=["create-user", "--email", "b@example.com", "--role", "isv", "--password-stdin"],
        input="long enough pw\n",
    )
    assert isv.exit_code != 0 and "--vendor" in isv.output


def test_session_cookie_flags(app, auth):
    make_user(app, "user@example.com")
    response = auth.login("user@example.com")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert app.config["SESSION_COOKIE_SECURE"] is False


def test_console_mail_prints_links_whole(app, capsys):
    from catalog.notify import send_mail

    app.config["MAIL_BACKEND"] = "console"
    link = "https://catalog.test/account/invite/" + "x" * 150
    with app.test_request_context():
        send_mail("someone@example.com", "Your invitation", f"Open this link:\n{link}\n")
    printed = capsys.readouterr().err
    assert link in printed and "Subject: Your invitation" in printed


def test_create_user_command_refuses_an_address_nobody_could_log_in_with(app, runner):
    result = runner.invoke(
        args=["create-user", "--email", "notanemail", "--role", "admin", "--password-stdin"],
        input="a long enough password\n",
    )
    assert result.exit_code != 0 and "is not an e-mail address" in result.output
