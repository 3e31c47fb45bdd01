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


def test_the_demo_has_an_isv_ticket_two_consulting_tickets_and_a_request_thread(app, runner):
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
        ]
        isv_ticket = next(t for t in tickets if t.channel == "isv")
        assert isv_ticket.assignee.email == "isv@anantha.example.com"
        assert [m.internal for m in isv_ticket.messages] == [False, True, False]
        quoted = next(t for t in tickets if t.status == "awaiting_approval")
        assert [q.status for q in quoted.quotes] == ["proposed"]
        thread = db.session.scalar(select(Thread).where(Thread.reference.is_not(None)))
        assert thread.author_id == isv_ticket.requester_id
        assert thread.reference.startswith("SUP-")
        second = db.session.scalar(select(User).where(User.email == "isv2@anantha.example.com"))
        assert second.vendor_id == isv_ticket.app.vendor_id
        told = db.session.scalars(
            select(UserNotification.title).where(
                UserNotification.user_id == isv_ticket.requester_id
            )
        ).all()
        assert any("New reply" in title for title in told)
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
