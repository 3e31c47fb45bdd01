"""/account/notifications: rows for ticket events and forum replies, the unread count in the
header, marking read, preferences and the daily digest (issue 13, point 5)."""

import re
from datetime import timedelta

from catalog.accounts.models import User
from catalog.accounts.models import UserNotification
from catalog.db import utcnow
from catalog.extensions import db
from catalog.forum import operations as forum_operations
from catalog.forum.models import Thread
from catalog.ticketmail.models import MailOutbox
from tests.conftest import make_user
from tests.support.tickets import make_ticket

CUSTOMER = "customer@example.com"
STAFF = "staff@example.com"


def _words(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def _rows(app, email: str) -> list[UserNotification]:
    with app.app_context():
        user_id = db.session.scalar(db.select(User.id).where(User.email == email))
        rows = db.session.scalars(
            db.select(UserNotification)
            .where(UserNotification.user_id == user_id)
            .order_by(UserNotification.id)
        ).all()
        for row in rows:
            db.session.expunge(row)
        return rows


def _mail_to(app, email: str, kind: str | None = None) -> list[MailOutbox]:
    with app.app_context():
        rows = db.session.scalars(db.select(MailOutbox).order_by(MailOutbox.id)).all()
        return [r for r in rows if email in r.recipients and (kind is None or r.kind == kind)]


def _set(app, email: str, **values) -> None:
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == email))
        for key, value in values.items():
            setattr(user, key, value)
        db.session.commit()


def _customer_ticket(app) -> str:
    with app.app_context():
        customer_id = db.session.scalar(db.select(User.id).where(User.email == CUSTOMER))
    return make_ticket(app, customer_id)


def _staff_replies(client, auth, reference: str) -> None:
    auth.login(STAFF)
    response = auth.post(f"/support/tickets/{reference}/reply", {"body": "Try the patch."})
    assert response.status_code == 302
    auth.logout()


def test_a_reply_on_a_ticket_gives_the_other_side_a_row_with_a_link(app, client, auth, world):
    reference = _customer_ticket(app)
    _staff_replies(client, auth, reference)
    [row] = _rows(app, CUSTOMER)
    assert row.kind == "replied" and row.link == f"/support/tickets/{reference}"
    assert row.title == f"{reference} · New reply: Test ticket" and row.read_at is None
    assert not _rows(app, STAFF)  # the replier is not told of their own reply
    assert _mail_to(app, CUSTOMER, "notification")


def test_the_header_counts_unread_rows_and_the_list_marks_them_in_words(app, client, auth, world):
    reference = _customer_ticket(app)
    _staff_replies(client, auth, reference)
    _staff_replies(client, auth, reference)
    auth.login(CUSTOMER)
    page = _words(client.get("/"))
    assert "Notifications 2 unread" in page
    listing = _words(client.get("/account/notifications"))
    assert listing.count("Unread ·") == 2
    assert "Mark all as read" in listing


def test_opening_a_row_marks_it_read_and_goes_to_its_page(app, client, auth, world):
    reference = _customer_ticket(app)
    _staff_replies(client, auth, reference)
    [row] = _rows(app, CUSTOMER)
    auth.login(CUSTOMER)
    response = auth.post(f"/account/notifications/{row.id}/open")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/support/tickets/{reference}"
    assert _rows(app, CUSTOMER)[0].read_at is not None
    assert "unread" not in _words(client.get("/"))


def test_mark_all_as_read(app, client, auth, world):
    reference = _customer_ticket(app)
    _staff_replies(client, auth, reference)
    _staff_replies(client, auth, reference)
    auth.login(CUSTOMER)
    assert auth.post("/account/notifications/read").status_code == 302
    assert all(row.read_at is not None for row in _rows(app, CUSTOMER))
    assert "Unread" not in _words(client.get("/account/notifications"))


def test_a_stored_link_to_another_site_is_never_followed(app, client, auth, world):
    with app.app_context():
        user_id = db.session.scalar(db.select(User.id).where(User.email == CUSTOMER))
        ids = []
        for link in ("//evil.example/x", "https://evil.example/", "/\\evil.example", "x"):
            row = UserNotification(
                user_id=user_id, kind="replied", title="t", link=link, created_at=utcnow()
            )
            db.session.add(row)
            db.session.flush()
            ids.append(row.id)
        db.session.commit()
    auth.login(CUSTOMER)
    for row_id in ids:
        response = auth.post(f"/account/notifications/{row_id}/open")
        assert response.headers["Location"] == "/account/notifications"


def test_another_users_row_is_404_and_stays_unread(app, client, auth, world):
    reference = _customer_ticket(app)
    _staff_replies(client, auth, reference)
    [row] = _rows(app, CUSTOMER)
    auth.login(world["isv_a"])
    assert auth.post(f"/account/notifications/{row.id}/open").status_code == 404
    assert _rows(app, CUSTOMER)[0].read_at is None
    assert "Test ticket" not in _words(client.get("/account/notifications"))


def test_opening_a_row_needs_a_csrf_token(app, client, auth, world):
    reference = _customer_ticket(app)
    _staff_replies(client, auth, reference)
    [row] = _rows(app, CUSTOMER)
    auth.login(CUSTOMER)
    assert client.post(f"/account/notifications/{row.id}/open").status_code == 400
    assert _rows(app, CUSTOMER)[0].read_at is None


def test_the_list_is_paginated_newest_first_and_empty_says_what_comes(app, client, auth, world):
    auth.login(CUSTOMER)
    assert "No notifications yet" in _words(client.get("/account/notifications"))
    with app.app_context():
        user_id = db.session.scalar(db.select(User.id).where(User.email == CUSTOMER))
        start = utcnow()
        for n in range(25):
            db.session.add(
                UserNotification(
                    user_id=user_id,
                    kind="replied",
                    title=f"Event number {n:02d}",
                    link="/",
                    created_at=start + timedelta(minutes=n),
                )
            )
        db.session.commit()
    first = _words(client.get("/account/notifications"))
    assert "Event number 24" in first and "Event number 04" not in first
    assert first.index("Event number 24") < first.index("Event number 23")
    second = _words(client.get("/account/notifications?page=2"))
    assert "Event number 04" in second and "Event number 24" not in second
    assert client.get("/account/notifications?page=x").status_code == 200


def test_forum_replies_tell_the_threads_participants_but_not_the_replier(
    app, client, auth, world, forum
):
    # The forum fixture: the customer's thread, answered by ISV A.
    [row] = _rows(app, CUSTOMER)
    assert row.kind == "forum_reply" and row.thread_id == forum["thread_id"]
    assert row.link.startswith("/forum/p/")
    assert not _rows(app, world["isv_a"])
    [letter] = _mail_to(app, CUSTOMER, "forum-reply")
    assert "New reply" in letter.subject
    auth.login(world["isv_b"])
    response = auth.post(f"/forum/t/{forum['thread_id']}/reply", {"body": "Same here."})
    assert response.status_code == 302
    assert len(_rows(app, CUSTOMER)) == 2
    assert len(_rows(app, world["isv_a"])) == 1  # a participant now
    assert not _rows(app, world["isv_b"])


def test_forum_participants_who_may_no_longer_see_the_thread_are_not_told(
    app, client, auth, world, forum
):
    make_user(app, "gone@example.com")
    with app.app_context():
        thread = db.session.get(Thread, forum["thread_id"])

        def user(email):
            return db.session.scalar(db.select(User).where(User.email == email))

        forum_operations.reply(thread, user(world["isv_b"]), "Same here.", utcnow())
        forum_operations.reply(thread, user("gone@example.com"), "Me too.", utcnow())
        user("gone@example.com").active = False
        thread.hidden = True  # only its moderators (ISV A, staff) may see it now
        forum_operations.reply(thread, user(CUSTOMER), "Still broken.", utcnow())
        db.session.commit()
    # ISV A moderates the section: told of all three replies.
    assert len(_rows(app, world["isv_a"])) == 3
    # ISV B heard of the reply after theirs, not of the one in the hidden thread.
    assert len(_rows(app, world["isv_b"])) == 1
    assert not _rows(app, "gone@example.com")


def test_a_group_turned_off_stops_the_mail_but_not_the_row(app, client, auth, world, forum):
    _set(app, CUSTOMER, notification_prefs={"tickets": False, "forum": False})
    before = len(_mail_to(app, CUSTOMER))
    reference = _customer_ticket(app)
    _staff_replies(client, auth, reference)
    auth.login(world["isv_b"])
    auth.post(f"/forum/t/{forum['thread_id']}/reply", {"body": "Same here."})
    kinds = [row.kind for row in _rows(app, CUSTOMER)]
    assert kinds.count("replied") == 1 and kinds.count("forum_reply") == 2
    assert len(_mail_to(app, CUSTOMER)) == before


def test_the_daily_digest_gathers_the_days_mail_into_one_letter_once_a_day(
    app, client, auth, runner, world
):
    _set(app, CUSTOMER, daily_digest=True, timezone="Asia/Kolkata")
    reference = _customer_ticket(app)
    _staff_replies(client, auth, reference)
    _staff_replies(client, auth, reference)
    assert not _mail_to(app, CUSTOMER)
    result = runner.invoke(args=["notifications", "send-digest"])
    assert result.exit_code == 0, result.output
    assert "1 digest queued" in result.output
    [letter] = _mail_to(app, CUSTOMER, "digest")
    assert "2 notifications" in letter.subject
    from email import message_from_bytes
    from email import policy

    text = message_from_bytes(letter.raw, policy=policy.default).get_body(("plain",)).get_content()
    assert f"/support/tickets/{reference}" in text and " IST: " in text
    assert all(row.digested_at is not None for row in _rows(app, CUSTOMER))
    # Idempotent per day: a second run the same day sends nothing.
    _staff_replies(client, auth, reference)
    again = runner.invoke(args=["notifications", "send-digest"])
    assert "0 digests queued" in again.output
    assert len(_mail_to(app, CUSTOMER, "digest")) == 1


def test_a_thread_tells_only_its_most_recent_participants(app, world, forum):
    from catalog.accounts.forumreplies import MAX_THREAD_PARTICIPANTS
    from catalog.accounts.forumreplies import thread_participants

    assert MAX_THREAD_PARTICIPANTS == 200
    with app.app_context():
        thread = db.session.get(Thread, forum["thread_id"])
        for email, minutes in ((world["isv_a"], 30), (world["isv_b"], 60)):
            author = db.session.scalar(db.select(User).where(User.email == email))
            forum_operations.reply(thread, author, "Later.", utcnow() + timedelta(minutes=minutes))
        recent = thread_participants(thread, limit=2)
        assert {user.email for user in recent} == {world["isv_a"], world["isv_b"]}
        db.session.rollback()


def test_a_ticket_mail_gives_each_reader_the_event_times_in_their_zone(app, client, auth, world):
    from email import message_from_bytes
    from email import policy

    _set(app, CUSTOMER, timezone="Asia/Kolkata")
    reference = _customer_ticket(app)
    _staff_replies(client, auth, reference)
    [letter] = _mail_to(app, CUSTOMER, "notification")
    text = message_from_bytes(letter.raw, policy=policy.default).get_body(("plain",)).get_content()
    assert re.search(r"- \w{3} \d+ \w{3} \d{4} \d\d:\d\d IST: Staff replied", text), text
    assert " UTC: " not in text
