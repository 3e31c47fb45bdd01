"""Issue 13 under attack: what one account can make the site do to many others."""

from datetime import timedelta

from catalog.accounts.models import User
from catalog.db import utcnow
from catalog.extensions import db
from catalog.forum import operations as forum_operations
from catalog.forum.models import Thread
from catalog.ticketmail.models import MailOutbox

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
