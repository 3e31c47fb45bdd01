"""Severity and kind changes re-time the clocks from the ticket's start; incidents go back."""

from datetime import UTC
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from catalog.accounts.models import User
from catalog.extensions import db
from catalog.support.plans.entitlement import incidents_used
from catalog.support.plans.models import IncidentUsage
from catalog.support.plans.models import Subscription
from catalog.support.tickets import clocks
from catalog.support.tickets import retriage
from catalog.support.tickets.models import Handoff
from catalog.support.tickets.models import Ticket
from catalog.support.tickets.models import TicketClock
from catalog.support.tickets.models import TicketPause
from catalog.support.tickets.operations import TicketError
from catalog.support.tickets.operations import record
from catalog.support.tickets.references import format_reference
from catalog.support.tickets.references import issue_number
from catalog.support.wizard.presenting import event_text
from catalog.ticketmail.models import MailOutbox
from tests.conftest import make_user
from tests.conftest import user_id
from tests.support.conftest import PRO_APP
from tests.support.conftest import subscribe

# Prague office hours with Friday 6 March 2026 off: a real calendar with a holiday in the way.
PRAGUE = {
    "timezone": "Europe/Prague",
    "windows": {day: [["09:00", "17:00"]] for day in ("mon", "tue", "wed", "thu", "fri")},
    "holidays": ["2026-03-06"],
}
TERMS = {
    "source": "plan",
    "name": "Test plan",
    "calendar": PRAGUE,
    "around_the_clock": ["1"],
    "targets": {
        "1": {"first_response": 60, "workaround": 240, "resolution": 480},
        "2": {"first_response": 480, "workaround": 2400, "resolution": "next_release"},
        "3": {"first_response": 960, "workaround": None, "resolution": None},
    },
}
# Wednesday 4 March 2026, 10:00 in Prague (CET, UTC+1).
START = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)
LATER = datetime(2026, 3, 4, 9, 30, tzinfo=UTC)


def utc(day: int, hour: int, minute: int = 0, month: int = 3) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


def _professional(app, email: str, severity: int = 2, created=START) -> int:
    """A professional severity-``severity`` ticket opened at ``created`` with its clocks."""
    subscription_id = _subscription(app, email)
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        number = issue_number(created)
        ticket = Ticket(
            number=number,
            reference=format_reference("SUP", number),
            app_id=_app_id(PRO_APP),
            channel="professional",
            severity=severity,
            kind="question",
            title="Mail stuck",
            status="new",
            requester=user,
            organisation_id=user.organisation_id,
            subscription_id=subscription_id,
            terms_snapshot=TERMS,
            created_at=created,
            last_activity_at=created,
        )
        for spec in clocks.clock_specs(TERMS, severity):
            warn, due = clocks.schedule(spec, created)
            ticket.clocks.append(
                TicketClock(
                    target=spec.target,
                    minutes=spec.minutes,
                    calendar=spec.calendar,
                    started_at=created,
                    warn_at=warn,
                    due_at=due,
                )
            )
        db.session.add(ticket)
        db.session.commit()
        return ticket.id


def _app_id(slug: str) -> int:
    from catalog.marketplace.models import App

    return db.session.scalar(select(App.id).where(App.slug == slug))


def _subscription(app, email: str) -> int:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        found = db.session.scalar(
            select(Subscription.id).where(Subscription.organisation_id == user.organisation_id)
        )
    return found or subscribe(app, email)


def _due(ticket: Ticket) -> dict[str, datetime | None]:
    return {clock.target: clock.due_at for clock in ticket.clocks}


def test_a_lower_severity_counts_from_the_start_over_the_holiday_and_drops_a_target(app, apps):
    ticket_id = _professional(app, apps["customer"], severity=2)
    with app.app_context():
        ticket = db.session.get(Ticket, ticket_id)
        actor = db.session.get(User, user_id(app, apps["staff"]))
        retriage.retriage(ticket, actor, 3, "question", "Only a question after all.", LATER)
        db.session.commit()
        ticket = db.session.get(Ticket, ticket_id)
        # 16 business hours from Wed 10:00: Wed 7 h, Thu 8 h, Friday is a holiday, Mon 1 h.
        assert _due(ticket) == {"first_response": utc(9, 9)}
        assert ticket.clocks[0].started_at == START
        assert ticket.clocks[0].warn_at == utc(5, 13, 48)  # 80 %: 12 h 48 min
        event = ticket.events[-1]
        assert event.action == "retriaged" and event.detail["note"] == "Only a question after all."
        assert event.detail["change"] == "severity 2 → 3"
        assert "First response due Mon 9 Mar 2026 10:00 CET" in event.detail["due_text"]
        # The stored moments are worded for each reader: the service window's zone, and theirs.
        assert event_text(event).endswith(
            "due times now: First response due Mon 9 Mar 2026 10:00 CET: Only a question after all."
        )
        assert "10:00 CET — 14:30 IST for you" in event_text(event, ZoneInfo("Asia/Kolkata"))


def test_severity_one_runs_around_the_clock_and_gains_a_resolution_target(app, apps):
    ticket_id = _professional(app, apps["customer"], severity=2)
    with app.app_context():
        ticket = db.session.get(Ticket, ticket_id)
        actor = db.session.get(User, user_id(app, apps["staff"]))
        retriage.retriage(ticket, actor, 1, "incident", "Production is down.", LATER)
        db.session.commit()
        ticket = db.session.get(Ticket, ticket_id)
        assert _due(ticket) == {
            "first_response": utc(4, 10),
            "workaround": utc(4, 13),
            "resolution": utc(4, 17),
        }
        assert {clock.started_at for clock in ticket.clocks} == {START}
        assert ticket.kind == "incident" and ticket.severity == 1


def test_met_clocks_stay_met_and_a_gained_target_already_reached_is_met(app, apps):
    ticket_id = _professional(app, apps["customer"], severity=3)
    with app.app_context():
        ticket = db.session.get(Ticket, ticket_id)
        actor = db.session.get(User, user_id(app, apps["staff"]))
        ticket.clocks[0].met_at = utc(4, 9, 20)
        ticket.workaround = "Restart the queue."
        resolved = record(
            ticket, actor, "status_changed", utc(4, 9, 25), source="new", target="resolved"
        )
        ticket.resolved_at = resolved.at
        retriage.retriage(ticket, actor, 2, "question", "It impairs sending.", LATER)
        db.session.commit()
        ticket = db.session.get(Ticket, ticket_id)
        first, workaround = ticket.clocks
        assert first.met_at == utc(4, 9, 20) and first.minutes == 960  # untouched
        assert workaround.target == "workaround" and workaround.met_at == utc(4, 9, 25)


def test_pauses_still_count_when_the_clocks_are_timed_again(app, apps):
    ticket_id = _professional(app, apps["customer"], severity=2)
    with app.app_context():
        ticket = db.session.get(Ticket, ticket_id)
        # Waited on the customer from Wed 12:00 to Thu 12:00 Prague time.
        ticket.pauses.append(TicketPause(started_at=utc(4, 11), ended_at=utc(5, 11)))
        actor = db.session.get(User, user_id(app, apps["staff"]))
        retriage.retriage(ticket, actor, 3, "question", "A question.", utc(5, 12))
        db.session.commit()
        # Wed 10–12 (2 h), Thu 12–17 (5 h), Fri holiday, Mon 8 h, Tue 9–10 (1 h).
        assert _due(db.session.get(Ticket, ticket_id)) == {"first_response": utc(10, 9)}


def test_nothing_changes_without_a_new_severity_or_kind(app, apps):
    ticket_id = _professional(app, apps["customer"], severity=2)
    with app.app_context():
        ticket = db.session.get(Ticket, ticket_id)
        actor = db.session.get(User, user_id(app, apps["staff"]))
        with pytest.raises(TicketError):
            retriage.retriage(ticket, actor, 2, "question", "Same.", LATER)


def _usage(app, ticket_id: int, used: int) -> None:
    with app.app_context():
        ticket = db.session.get(Ticket, ticket_id)
        db.session.add(
            IncidentUsage(subscription_id=ticket.subscription_id, month="2026-03", used=used)
        )
        db.session.commit()


def test_returning_an_incident_gives_the_month_of_its_opening_one_back(app, apps):
    first = _professional(app, apps["customer"])
    second = _professional(app, apps["customer"], created=utc(10, 9))
    _usage(app, first, 2)
    with app.app_context():
        ticket = db.session.get(Ticket, first)
        subscription = db.session.get(Subscription, ticket.subscription_id)
        assert incidents_used(subscription, utc(20, 9)) == 2
        actor = db.session.get(User, user_id(app, apps["staff"]))
        retriage.not_an_incident(ticket, actor, "A billing question.", utc(1, 9, month=4))
        db.session.commit()
        assert incidents_used(subscription, utc(20, 9)) == 1
        usage = db.session.scalar(select(IncidentUsage))
        assert usage.used == 1 and usage.month == "2026-03"
        assert db.session.get(Ticket, second).counts_as_incident is True
        with pytest.raises(TicketError):  # once only
            retriage.not_an_incident(
                db.session.get(Ticket, first), actor, "Again.", utc(1, 9, month=4)
            )


def test_the_months_incidents_never_fall_below_the_tickets_that_still_count(app, apps):
    first = _professional(app, apps["customer"])
    _professional(app, apps["customer"], created=utc(10, 9))
    _usage(app, first, 1)  # a usage row behind the tickets (two counted)
    with app.app_context():
        actor = db.session.get(User, user_id(app, apps["staff"]))
        retriage.not_an_incident(db.session.get(Ticket, first), actor, "Billing.", LATER)
        db.session.commit()
        assert db.session.scalar(select(IncidentUsage.used)) == 0  # never below zero
        subscription = db.session.scalar(select(Subscription))
        assert incidents_used(subscription, utc(10, 9)) == 1  # the ticket that still counts


def _outbox(app) -> list[MailOutbox]:
    with app.app_context():
        rows = list(db.session.scalars(select(MailOutbox).order_by(MailOutbox.id)))
        db.session.expunge_all()
        return rows


def _reference(app, ticket_id: int) -> str:
    with app.app_context():
        return db.session.get(Ticket, ticket_id).reference


def test_staff_change_severity_with_a_reason_and_the_customer_is_mailed_the_due_times(
    app, client, auth, apps
):
    reference = _reference(app, _professional(app, apps["customer"], severity=2))
    auth.login(apps["staff"])
    url = f"/support/tickets/{reference}/retriage"
    response = auth.post(url, {"severity": "3", "kind": "question", "reason": ""})
    assert response.status_code == 400
    assert "Say why the severity or kind changes." in response.get_data(as_text=True)
    long = auth.post(url, {"severity": "3", "kind": "question", "reason": "x" * 1001})
    assert long.status_code == 400 and "1,000 characters" in long.get_data(as_text=True)
    same = auth.post(url, {"severity": "2", "kind": "question", "reason": "Same."})
    assert same.status_code == 400 and "Choose another severity" in same.get_data(as_text=True)
    assert (
        auth.post(url, {"severity": "3", "kind": "question", "reason": "A question."}).status_code
        == 302
    )
    page = client.get(f"/support/tickets/{reference}").get_data(as_text=True)
    assert "severity 2 → 3" in page and "A question." in page
    mail = [row for row in _outbox(app) if apps["customer"] in row.recipients][-1]
    assert "New due times" in mail.subject
    assert b"Mon 9 Mar 2026 10:00 CET" in mail.raw and b"A question." in mail.raw


def test_marking_not_an_incident_through_the_page_returns_the_quota(app, client, auth, apps):
    ticket_id = _professional(app, apps["customer"], created=utc(2, 9, month=12))
    reference = _reference(app, ticket_id)
    auth.login(apps["staff"])
    url = f"/support/tickets/{reference}/not-an-incident"
    assert auth.post(url, {"reason": ""}).status_code == 400
    assert auth.post(url, {"reason": "A billing question."}).status_code == 302
    with app.app_context():
        assert db.session.get(Ticket, ticket_id).counts_as_incident is False
    page = client.get(f"/support/tickets/{reference}").get_data(as_text=True)
    assert "Not counted as one of the month" in page and "billing question" in page
    assert auth.post(url, {"reason": "Again."}).status_code == 400


def test_an_isv_ticket_is_never_returned_to_a_quota(app, client, auth, apps):
    from tests.support.conftest import ISV_APP
    from tests.support.tickets import make_ticket

    reference = make_ticket(app, user_id(app, apps["customer"]), "isv", ISV_APP)
    auth.login(apps["isv_b"])
    assert (
        auth.post(f"/support/tickets/{reference}/not-an-incident", {"reason": "x"}).status_code
        == 403
    )


def test_take_assign_and_unassign_tell_the_new_assignee_only(app, client, auth, apps):
    colleague = make_user(app, "colleague@example.com", "staff")
    reference = _reference(app, _professional(app, apps["customer"]))
    auth.login(apps["staff"])
    url = f"/support/tickets/{reference}/assign"
    before = len(_outbox(app))
    assert auth.post(url, {"assignee": "me"}).status_code == 302
    assert len(_outbox(app)) == before  # taking it mails nobody
    assert auth.post(url, {"assignee": str(colleague)}).status_code == 302
    rows = _outbox(app)[before:]
    assert [row.recipients for row in rows] == [["colleague@example.com"]]
    assert "Assigned to you" in rows[0].subject
    isv = user_id(app, apps["isv_a"])
    assert auth.post(url, {"assignee": str(isv)}).status_code == 400  # not a colleague
    assert auth.post(url, {"assignee": "none"}).status_code == 302
    with app.app_context():
        ticket = db.session.scalar(select(Ticket).where(Ticket.reference == reference))
        assert ticket.assignee_id is None
        assert [e.detail["assignee"] for e in ticket.events if e.action == "assigned"] == [
            "Staff",
            "Colleague",
            "nobody",
        ]
    page = client.get(f"/support/tickets/{reference}").get_data(as_text=True)
    assert "assigned the ticket to Colleague" in page and "Take it" in page


def test_a_developer_assigns_isv_tickets_to_its_own_members_only(app, client, auth, apps):
    from tests.support.conftest import ISV_APP
    from tests.support.tickets import make_ticket

    member = make_user(app, "second@contoso.example", "isv", "contoso")
    reference = make_ticket(app, user_id(app, apps["customer"]), "isv", ISV_APP)
    auth.login(apps["isv_b"])
    url = f"/support/tickets/{reference}/assign"
    staff = user_id(app, apps["staff"])
    assert auth.post(url, {"assignee": str(staff)}).status_code == 400
    assert auth.post(url, {"assignee": str(member)}).status_code == 302


def test_an_incident_claimed_by_a_move_counts_and_returns_in_the_month_of_the_move(app, apps):
    moved = _professional(app, apps["customer"], created=utc(20, 9, month=2))
    april = utc(2, 10, month=4)
    with app.app_context():
        ticket = db.session.get(Ticket, moved)
        db.session.add(
            Handoff(
                reference=ticket.reference,
                ticket=ticket,
                source_channel="isv",
                target_channel="professional",
                status="accepted",
                clock_policy="restart",
                proposed_at=april,
                decided_at=april,
            )
        )
        db.session.add(
            IncidentUsage(subscription_id=ticket.subscription_id, month="2026-04", used=1)
        )
        db.session.commit()
        subscription = db.session.get(Subscription, ticket.subscription_id)
        assert incidents_used(subscription, april) == 1  # opened in February, claimed in April
        actor = db.session.get(User, user_id(app, apps["staff"]))
        retriage.not_an_incident(db.session.get(Ticket, moved), actor, "A duplicate.", april)
        db.session.commit()
        assert incidents_used(subscription, april) == 0
        assert ticket.events[-1].detail["month"] == "2026-04"
