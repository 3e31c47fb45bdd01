"""/account/profile: name, e-mail change with re-verification, time zone, mail preferences and
the daily digest option (issue 13, point 5)."""

import re
from email import message_from_bytes
from email import policy

from catalog.accounts.models import User
from catalog.extensions import db
from catalog.ticketmail.models import MailOutbox
from tests.conftest import PASSWORD
from tests.conftest import make_user

CUSTOMER = "customer@example.com"
FORM = {
    "name": "Cora Customer",
    "email": CUSTOMER,
    "timezone": "",
    "notify_tickets": "y",
    "notify_handoffs": "y",
    "notify_assignments": "y",
    "notify_forum": "y",
    "current_password": PASSWORD,  # needed only when the address changes
}


def _user(app, email: str = CUSTOMER) -> User:
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == email))
        db.session.expunge(user)
        return user


def _letters(app, kind: str) -> list[tuple[list, str]]:
    """(recipients, plain text) of the outbox letters of a kind, oldest first."""
    with app.app_context():
        rows = db.session.scalars(
            db.select(MailOutbox).where(MailOutbox.kind == kind).order_by(MailOutbox.id)
        ).all()
        return [
            (
                row.recipients,
                message_from_bytes(row.raw, policy=policy.default)
                .get_body(("plain",))
                .get_content(),
            )
            for row in rows
        ]


def _link(text: str) -> str:
    """The site path of the first link in a letter."""
    return re.search(r"https?://[^/\s]+(/\S+)", text).group(1)


def test_the_profile_shows_the_stored_values_and_links_the_password_page(client, auth, world):
    auth.login(CUSTOMER)
    html = client.get("/account/profile").get_data(as_text=True)
    assert 'value="customer@example.com"' in html
    assert 'href="/account/password"' in html
    assert "Use the site&#39;s zone (UTC)" in html or "Use the site's zone (UTC)" in html
    assert '<option value="Europe/Prague">' in html
    # Every preference is on until turned off.
    for group in ("tickets", "handoffs", "assignments", "forum"):
        assert f'<input checked id="notify_{group}"' in html
    assert '<input checked id="daily_digest"' not in html


def test_the_header_links_the_profile(client, auth, world):
    auth.login(CUSTOMER)
    html = client.get("/").get_data(as_text=True)
    assert 'href="/account/profile"' in html


def test_saving_the_name_zone_preferences_and_digest(app, client, auth, world):
    auth.login(CUSTOMER)
    form = FORM | {"timezone": "Asia/Kolkata", "daily_digest": "y"}
    del form["notify_forum"]  # an unticked box is not sent
    response = auth.post("/account/profile", form)
    assert response.status_code == 302
    user = _user(app)
    assert user.name == "Cora Customer" and user.timezone == "Asia/Kolkata"
    assert user.notification_prefs == {
        "tickets": True,
        "handoffs": True,
        "assignments": True,
        "forum": False,
    }
    assert user.daily_digest is True
    auth.post("/account/profile", FORM)
    assert _user(app).timezone is None and _user(app).daily_digest is False


def test_a_customer_in_an_organisation_is_offered_its_zone_as_the_empty_choice(
    app, client, auth, world
):
    with app.app_context():
        from catalog.accounts.models import Organisation

        user = db.session.scalar(db.select(User).where(User.email == CUSTOMER))
        user.organisation = Organisation(name="Acme", timezone="Europe/Prague")
        db.session.commit()
    auth.login(CUSTOMER)
    html = client.get("/account/profile").get_data(as_text=True)
    assert "Use my organisation&#39;s zone (Europe/Prague)" in html


def test_an_unknown_time_zone_is_refused_with_400_and_nothing_saved(app, client, auth, world):
    auth.login(CUSTOMER)
    response = auth.post("/account/profile", FORM | {"timezone": "Mars/Olympus", "name": "New"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Choose a time zone from the list" in html
    assert 'value="New"' in html  # what was typed stays
    assert _user(app).name != "New" and _user(app).timezone is None


def test_an_empty_name_is_refused(app, client, auth, world):
    auth.login(CUSTOMER)
    response = auth.post("/account/profile", FORM | {"name": "  "})
    assert response.status_code == 400
    assert "Tell us your name." in response.get_data(as_text=True)


def test_the_profile_refuses_a_post_without_a_csrf_token(app, client, auth, world):
    auth.login(CUSTOMER)
    response = client.post("/account/profile", data=FORM | {"name": "Forged"})
    assert response.status_code == 400
    assert _user(app).name != "Forged"


def test_changing_the_address_waits_for_the_link_mailed_to_the_new_one(app, client, auth, world):
    auth.login(CUSTOMER)
    auth.post("/account/profile", FORM | {"email": "Cora@New.example"})
    user = _user(app)
    assert user.email == CUSTOMER and user.pending_email == "cora@new.example"
    assert "Waiting for confirmation" in client.get("/account/profile").get_data(as_text=True)
    [(to, text)] = _letters(app, "email-change")
    assert to == ["cora@new.example"]
    response = client.get(_link(text))
    assert response.status_code == 302
    user = _user(app, "cora@new.example")
    assert user.pending_email is None and user.email_verified_at is not None
    [(old, notice)] = _letters(app, "email-changed")
    assert old == [CUSTOMER] and "cora@new.example" in notice
    # The link works once: the change it names is no longer pending.
    assert client.get(_link(text)).status_code == 400
    auth.logout()
    assert auth.login("cora@new.example").headers["Location"] != "/account/login"


def test_the_link_changes_nothing_for_another_account_or_a_visitor(app, client, auth, world):
    auth.login(CUSTOMER)
    auth.post("/account/profile", FORM | {"email": "cora@new.example"})
    [(_, text)] = _letters(app, "email-change")
    auth.logout()
    assert "/account/login" in client.get(_link(text)).headers["Location"]
    auth.login(world["staff"])
    assert client.get(_link(text)).status_code == 404
    assert _user(app).pending_email == "cora@new.example"


def test_a_cancelled_change_makes_its_link_useless(app, client, auth, world):
    auth.login(CUSTOMER)
    auth.post("/account/profile", FORM | {"email": "cora@new.example"})
    [(_, text)] = _letters(app, "email-change")
    assert auth.post("/account/profile/email/cancel").status_code == 302
    assert _user(app).pending_email is None
    response = client.get(_link(text))
    assert response.status_code == 400
    assert _user(app).email == CUSTOMER


def test_a_taken_address_is_refused_when_asked(app, client, auth, world):
    auth.login(CUSTOMER)
    response = auth.post("/account/profile", FORM | {"email": world["staff"]})
    assert response.status_code == 400
    assert "Another account uses that address" in response.get_data(as_text=True)
    assert _user(app).pending_email is None and not _letters(app, "email-change")


def test_an_address_taken_after_the_link_was_sent_is_refused_when_confirmed(
    app, client, auth, world
):
    auth.login(CUSTOMER)
    auth.post("/account/profile", FORM | {"email": "cora@new.example"})
    [(_, text)] = _letters(app, "email-change")
    make_user(app, "cora@new.example")
    response = client.get(_link(text))
    assert response.status_code == 400
    assert "Another account uses that address" in response.get_data(as_text=True)
    assert _user(app).email == CUSTOMER and not _letters(app, "email-changed")


def test_a_forged_link_is_refused(app, client, auth, world):
    auth.login(CUSTOMER)
    response = client.get("/account/profile/email/not-a-token")
    assert response.status_code == 400
    assert "broken or older than seven days" in response.get_data(as_text=True)
