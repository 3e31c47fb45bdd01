"""Users administration: search and pages, new accounts and invitations, roles, deactivation,
the last administrator, and what a deactivated user is told at the login."""

import html
import re
from email import message_from_bytes
from email import policy

import pytest
from sqlalchemy import event
from sqlalchemy import func
from sqlalchemy import insert
from sqlalchemy import select

from catalog.accounts.models import LoginThrottle
from catalog.accounts.models import Organisation
from catalog.accounts.models import User
from catalog.accounts.operations import hash_password
from catalog.extensions import db
from catalog.marketplace.models import Vendor
from catalog.operator.userforms import LAST_ADMIN
from catalog.operator.userforms import UserRoleForm
from catalog.ticketmail.models import MailOutbox
from tests.conftest import PASSWORD
from tests.conftest import VENDOR_A
from tests.conftest import AuthActions
from tests.conftest import make_user
from tests.conftest import user_id

SITE = "https://support.example.org"
NEW_PASSWORD = "a brand new passphrase"


@pytest.fixture
def admin(world, auth):
    """Logged in as the administrator."""
    auth.login(world["admin"])
    return auth


def _add_people(app, count: int, role: str = "customer", prefix: str = "person") -> None:
    """Many accounts at once (one hash for all: only the list is under test)."""
    with app.app_context():
        password_hash = hash_password(PASSWORD)
        rows = [
            {
                "email": f"{prefix}{n:04}@example.net",
                "name": f"{prefix.title()} {n:04}",
                "password_hash": password_hash,
                "role": role,
                "active": True,
                "session_generation": 0,
                "organisation_role": "member",
            }
            for n in range(count)
        ]
        db.session.execute(insert(User), rows)
        db.session.commit()


def _emails(page: str) -> list[str]:
    """The addresses listed in the users table, in order."""
    return re.findall(r'/operator/users/\d+">([^<]+)</a>', page)


def _user(app, email: str) -> User:
    """The stored account (detached; read its columns only)."""
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        db.session.expunge(user)
        return user


def _letters(app) -> list:
    """Letters in the outbox, parsed."""
    with app.app_context():
        rows = db.session.scalars(select(MailOutbox).order_by(MailOutbox.id)).all()
        return [(row.kind, message_from_bytes(row.raw, policy=policy.default)) for row in rows]


def test_user_list_pages_through_more_than_one_page_in_order(app, client, admin):
    _add_people(app, 120)
    first = client.get("/operator/users?q=person").get_data(as_text=True)
    assert "120 users, 1–50 shown" in first
    assert len(_emails(first)) == 50
    third = client.get("/operator/users?q=person&page=3").get_data(as_text=True)
    assert _emails(third) == [f"person{n:04}@example.net" for n in range(100, 120)]
    assert 'href="/operator/users?q=person&amp;page=2"' in third
    # A page past the end is the last page, never an error.
    assert _emails(client.get("/operator/users?q=person&page=99999").get_data(as_text=True)) == (
        _emails(third)
    )


def test_user_search_matches_name_or_address_in_any_case(app, client, admin):
    _add_people(app, 30)
    by_name = client.get("/operator/users?q=PERSON+0017").get_data(as_text=True)
    assert _emails(by_name) == ["person0017@example.net"]
    by_address = client.get("/operator/users?q=0021%40EXAMPLE").get_data(as_text=True)
    assert _emails(by_address) == ["person0021@example.net"]
    none = client.get("/operator/users?q=nobody-like-this").get_data(as_text=True)
    assert "0 users" in none and "Nobody matches" in none
    # Wildcards are text, not patterns.
    assert _emails(client.get("/operator/users?q=%25").get_data(as_text=True)) == []


def test_user_list_filters_by_role_and_state(app, client, admin):
    _add_people(app, 60, role="staff", prefix="agent")
    _add_people(app, 5)
    staff = client.get("/operator/users?role=staff").get_data(as_text=True)
    assert "61 users" in staff  # the world's staff member and the 60 agents
    assert all(email.startswith(("agent", "staff@")) for email in _emails(staff))
    with app.app_context():
        db.session.get(User, user_id(app, "person0003@example.net")).active = False
        db.session.commit()
    gone = client.get("/operator/users?state=deactivated").get_data(as_text=True)
    assert _emails(gone) == ["person0003@example.net"]
    # Unknown filter values are ignored rather than failing.
    assert client.get("/operator/users?role=emperor&state=zombie&page=x").status_code == 200


def test_user_list_is_for_administrators_only(app, world, client, auth):
    auth.login(world["staff"])
    assert client.get("/operator/users").status_code == 403
    assert client.get("/operator/users/new").status_code == 403


def test_admin_creates_a_user_with_a_password_who_can_log_in(app, client, admin):
    with app.app_context():
        db.session.add(Organisation(name="Fabrikam"))
        db.session.commit()
    response = admin.post(
        "/operator/users/new",
        {
            "email": "New.Person@Fabrikam.example",
            "name": "New Person",
            "role": "customer",
            "vendor_id": "0",
            "organisation": "fabrikam",
            "access": "password",
            "password": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    user = _user(app, "new.person@fabrikam.example")
    assert response.headers["Location"].endswith(f"/operator/users/{user.id}")
    assert user.is_verified and user.organisation_id is not None
    assert _letters(app) == []
    other = AuthActions(app.test_client())
    assert other.login("new.person@fabrikam.example", NEW_PASSWORD).status_code == 302


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"email": "admin@example.com"}, "email", "already has an account"),
        ({"email": "not-an-address"}, "email", "like name@example.com"),
        ({"role": "isv", "vendor_id": "0"}, "vendor_id", "Choose the vendor"),
        ({"organisation": "No Such Org"}, "organisation", "No organisation is called"),
        ({"role": "staff", "organisation": "#1"}, "organisation", "Only customers"),
        ({"access": "password", "password": ""}, "password", "or send an invitation"),
        ({"access": "password", "password": "short"}, "password", "at least 10 characters"),
        ({"name": ""}, "name", "Enter the person's name"),
    ],
)
def test_new_user_form_refuses_bad_input_next_to_the_field(
    app, client, admin, changes, field, message
):
    data = {
        "email": "someone@example.net",
        "name": "Some One",
        "role": "customer",
        "vendor_id": "0",
        "access": "invite",
        **changes,
    }
    response = admin.post("/operator/users/new", data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    error = re.search(rf'<p class="field__error" id="{field}-error">([^<]*)</p>', page)
    assert error and message in html.unescape(error.group(1))
    if changes.get("name") != "":
        assert 'value="Some One"' in page  # what was typed stays
    with app.app_context():
        assert db.session.scalar(select(func.count(User.id))) == 5
    assert _letters(app) == []


def test_invitation_letter_sets_a_password_confirms_the_address_and_logs_in(app, client, admin):
    app.config["SITE_URL"] = SITE
    with app.app_context():
        vendor_id = db.session.scalar(select(Vendor.id).where(Vendor.slug == VENDOR_A))
    response = admin.post(
        "/operator/users/new",
        {
            "email": "invitee@northwind.example",
            "name": "Ina Vitee",
            "role": "isv",
            "vendor_id": str(vendor_id),
            "access": "invite",
        },
    )
    assert response.status_code == 302
    user = _user(app, "invitee@northwind.example")
    assert not user.is_verified and user.vendor_id == vendor_id
    [(kind, letter)] = _letters(app)
    assert kind == "invitation" and letter["To"] == "invitee@northwind.example"
    body = letter.get_body(("plain",)).get_content()
    link = re.search(rf"{re.escape(SITE)}(/account/reset/\S+)", body).group(1)
    assert "Ina Vitee" in body
    # Nobody knows the account's first password: logging in fails until the link is used.
    newcomer = app.test_client()
    assert AuthActions(newcomer).login("invitee@northwind.example", "").status_code == 400
    assert newcomer.get(link).status_code == 200
    answer = AuthActions(newcomer).post(link, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/isv/")
    assert newcomer.get("/isv/").status_code == 200
    assert _user(app, "invitee@northwind.example").is_verified
    # The link works once.
    assert newcomer.get(link).status_code == 400


def test_replayed_new_user_form_lands_on_the_first_account(app, client, admin):
    page = client.get("/operator/users/new").get_data(as_text=True)
    token = re.search(r'name="submission" type="hidden" value="([^"]+)"', page).group(1)
    data = {
        "submission": token,
        "email": "once@example.net",
        "name": "Once",
        "role": "customer",
        "vendor_id": "0",
        "access": "invite",
    }
    first = admin.post("/operator/users/new", data)
    again = admin.post("/operator/users/new", data)
    assert again.status_code == 302 and again.headers["Location"] == first.headers["Location"]
    assert len(_letters(app)) == 1


def _edit(admin, app, email: str, **data):
    """Post the user form of ``email``."""
    return admin.post(f"/operator/users/{user_id(app, email)}", {"vendor_id": "0", **data})


def _flash(client) -> str:
    """The page after a redirect, for its flashed message."""
    return client.get("/operator/users").get_data(as_text=True)


def test_messages_say_what_happened_to_the_account(app, world, client, admin):
    customer = world["customer"]
    assert _edit(admin, app, customer, role="customer").status_code == 302
    assert f"{customer} is deactivated; their sessions have ended." in _flash(client)
    assert _edit(admin, app, customer, role="customer", active="y").status_code == 302
    assert f"{customer} is active again." in _flash(client)
    assert _edit(admin, app, customer, role="staff", active="y").status_code == 302
    assert f"{customer} is now Operator staff." in _flash(client)
    assert _edit(admin, app, customer, role="staff", active="y").status_code == 302
    assert f"Nothing changed for {customer}." in _flash(client)


def test_admin_cannot_demote_or_deactivate_themselves(app, world, client, admin):
    make_user(app, "second-admin@example.com", "admin")
    response = _edit(admin, app, world["admin"], role="staff", active="y")
    assert response.status_code == 400
    assert "You cannot change your own role" in response.get_data(as_text=True)
    response = _edit(admin, app, world["admin"], role="admin")
    assert response.status_code == 400
    assert "You cannot deactivate yourself" in response.get_data(as_text=True)
    assert _user(app, world["admin"]).active


def test_the_last_active_administrator_can_be_neither_demoted_nor_deactivated(app, world):
    make_user(app, "second-admin@example.com", "admin")
    second = AuthActions(app.test_client())
    second.login("second-admin@example.com")
    # With two active admins, one may demote the other …
    assert _edit(second, app, world["admin"], role="staff", active="y").status_code == 302
    # … and a deactivated admin does not count as a second one.
    make_user(app, "dormant-admin@example.com", "admin")
    with app.app_context():
        db.session.get(User, user_id(app, "dormant-admin@example.com")).active = False
        db.session.commit()
    # Whoever edits the last active admin (here the staff member, checked by the form itself,
    # as a request racing another admin's would be) cannot demote or deactivate them.
    with app.app_context():
        last = db.session.get(User, user_id(app, "second-admin@example.com"))
        editor = db.session.get(User, user_id(app, world["staff"]))
        for data in ({"role": "staff", "active": "y"}, {"role": "admin"}):
            with app.test_request_context(method="POST", data={"vendor_id": "0", **data}):
                form = UserRoleForm(last, editor, meta={"csrf": False})
                assert not form.validate()
                assert LAST_ADMIN in [*form.role.errors, *form.active.errors]
    assert _user(app, "second-admin@example.com").role == "admin"


def test_deactivated_user_is_told_so_only_after_the_right_password(app, world, client, auth):
    with app.app_context():
        db.session.get(User, user_id(app, world["customer"])).active = False
        db.session.commit()
    wrong = auth.login(world["customer"], "not the password")
    assert wrong.status_code == 400
    page = wrong.get_data(as_text=True)
    assert "do not match an account" in page and "deactivated" not in page
    right = auth.login(world["customer"])
    assert right.status_code == 400
    page = right.get_data(as_text=True)
    assert "This account is deactivated; ask an administrator" in page
    assert "do not match" not in page
    assert client.get("/account/password").status_code == 302  # not logged in
    with app.app_context():
        counted = db.session.scalar(
            select(LoginThrottle.attempts).where(
                LoginThrottle.key == f"account:{world['customer']}"
            )
        )
    assert counted == 2  # both attempts counted: a deactivated login is no success


def test_deactivated_account_attempts_are_still_throttled(app, world, client, auth):
    app.config["LOGIN_FAILURES_PER_ACCOUNT"] = 2
    with app.app_context():
        db.session.get(User, user_id(app, world["customer"])).active = False
        db.session.commit()
    assert auth.login(world["customer"]).status_code == 400
    assert auth.login(world["customer"]).status_code == 400
    refused = auth.login(world["customer"])
    assert refused.status_code == 429
    assert "deactivated" not in refused.get_data(as_text=True)


def test_user_list_reads_one_page_of_rows_from_the_database(app, client, admin):
    _add_people(app, 300)
    statements = []

    def note(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", note)
    try:
        assert client.get("/operator/users?page=4").status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", note)
    listing = [s for s in statements if "FROM user_account" in s and "count(" not in s.lower()]
    assert any("LIMIT" in s and "OFFSET" in s for s in listing), listing
