"""load-demo's issue-13 requests: what a newcomer needs to see the desk, made once."""

from sqlalchemy import func
from sqlalchemy import select

from catalog.accounts.models import User
from catalog.accounts.models import UserNotification
from catalog.extensions import db
from catalog.forum.models import Thread
from catalog.support.tickets.models import Ticket
from catalog.support.tickets.models import TicketMessage


def _load(runner) -> None:
    """Run load-demo, which must succeed."""
    result = runner.invoke(args=["load-demo"])
    assert result.exit_code == 0, result.output


def test_the_demo_has_isv_and_consulting_tickets_and_request_threads_one_escalated(app, runner):
    _load(runner)
    with app.app_context():
        tickets = db.session.scalars(
            select(Ticket)
            .join(User, Ticket.requester_id == User.id)
            .where(User.email == "customer@example.com")
        ).all()
        assert sorted((t.channel, t.status) for t in tickets) == [
            ("consulting", "awaiting_approval"),
            ("consulting", "new"),
            ("isv", "new"),
            ("isv", "new"),
        ]
        escalated = next(t for t in tickets if t.forum_thread_id is not None)
        assert escalated.channel == "isv"
        assert [(h.source_channel, h.target_channel) for h in escalated.handoffs] == [
            ("forum_dedicated", "isv")
        ]
        isv_ticket = next(t for t in tickets if t.channel == "isv" and t.forum_thread_id is None)
        assert isv_ticket.assignee.email == "isv@anantha.example.com"
        assert [m.internal for m in isv_ticket.messages] == [False, True, False]
        quoted = next(t for t in tickets if t.status == "awaiting_approval")
        assert [q.status for q in quoted.quotes] == ["proposed"]
        threads = db.session.scalars(select(Thread).where(Thread.reference.is_not(None))).all()
        assert {thread.author_id for thread in threads} == {isv_ticket.requester_id}
        assert escalated.reference in {thread.reference for thread in threads}
        assert len(threads) == 2
        second = db.session.scalar(select(User).where(User.email == "isv2@anantha.example.com"))
        assert second.vendor_id == isv_ticket.app.vendor_id
        told = db.session.scalars(
            select(UserNotification.title).where(
                UserNotification.user_id == isv_ticket.requester_id
            )
        ).all()
        assert any("New reply" in title for title in told)
        level_3 = db.session.scalar(
            select(Ticket)
            .join(User, Ticket.requester_id == User.id)
            .where(User.email == "grid@example.com")
        )
        assert (level_3.channel, level_3.severity) == ("professional", 2)
        assert not any("Internal note" in title for title in told)


def test_loading_the_demo_again_adds_no_requests(app, runner):
    _load(runner)
    with app.app_context():
        before = (
            db.session.scalar(select(func.count()).select_from(Ticket)),
            db.session.scalar(select(func.count()).select_from(TicketMessage)),
            db.session.scalar(select(func.count()).select_from(Thread)),
        )
    _load(runner)
    with app.app_context():
        after = (
            db.session.scalar(select(func.count()).select_from(Ticket)),
            db.session.scalar(select(func.count()).select_from(TicketMessage)),
            db.session.scalar(select(func.count()).select_from(Thread)),
        )
    assert after == before
