"""Issue 13 under attack: what one account can make the site do to many others."""

from datetime import timedelta

from catalog.accounts.models import User
from catalog.db import utcnow
from catalog.extensions import db
from catalog.forum import operations as forum_operations
from catalog.forum.models import Thread
from catalog.ticketmail.models import MailOutbox
from tests.conftest import PASSWORD

CUSTOMER = "customer@example.com"


def _forum_mail_to(app, email: str) -> int:
    with app.app_context():
        rows = db.session.scalars(db.select(MailOutbox).where(MailOutbox.kind == "forum-reply"))
        return sum(email in row.recipients for row in rows)


def test_a_burst_of_forum_replies_mails_each_participant_once(app, world, forum):
    assert _forum_mail_to(app, CUSTOMER) == 1  # the fixture's reply by ISV A
    now = utcnow()
    with app.app_context():
        thread = db.session.get(Thread, forum["thread_id"])
        spammer = db.session.scalar(db.select(User).where(User.email == world["isv_b"]))
        for minutes in range(1, 21):
            forum_operations.reply(thread, spammer, "Bump.", now + timedelta(minutes=minutes))
        db.session.commit()
    # Every reply is on the list; a letter only once the thread was quiet for a while.
    assert _forum_mail_to(app, CUSTOMER) == 1
    with app.app_context():
        thread = db.session.get(Thread, forum["thread_id"])
        spammer = db.session.scalar(db.select(User).where(User.email == world["isv_b"]))
        forum_operations.reply(thread, spammer, "Still there?", now + timedelta(minutes=90))
        db.session.commit()
    assert _forum_mail_to(app, CUSTOMER) == 2


def _pending_and_letters(app, email: str) -> tuple[str | None, int]:
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == email))
        rows = db.session.scalars(db.select(MailOutbox).where(MailOutbox.kind == "email-change"))
        return user.pending_email, len(list(rows))


def test_changing_the_address_asks_for_the_current_password(app, client, auth, world):
    # Whoever holds a signed-in session (a borrowed laptop) must not move the account's mail,
    # and with it every password reset, to an address of their own.
    auth.login(CUSTOMER)
    form = {"name": "Cora", "timezone": "", "email": "thief@elsewhere.example"}
    for password in ("", "wrong password"):
        response = auth.post("/account/profile", form | {"current_password": password})
        assert response.status_code == 400
        assert "current password" in response.get_data(as_text=True)
        assert _pending_and_letters(app, CUSTOMER) == (None, 0)
    response = auth.post("/account/profile", form | {"current_password": PASSWORD})
    assert response.status_code == 302
    assert _pending_and_letters(app, CUSTOMER) == ("thief@elsewhere.example", 1)


def test_saving_the_name_or_zone_needs_no_password(app, client, auth, world):
    auth.login(CUSTOMER)
    form = {"name": "Cora C.", "timezone": "Asia/Kolkata", "email": CUSTOMER}
    assert auth.post("/account/profile", form).status_code == 302
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == CUSTOMER))
        assert (user.name, user.timezone) == ("Cora C.", "Asia/Kolkata")
