"""Tickets through the web: visibility (404 for other organisations), replies, pauses, quotes."""

import io
from datetime import timedelta

from catalog.accounts.models import User
from catalog.db import utcnow
from catalog.extensions import db
from catalog.support.tickets.models import Ticket
from tests.conftest import make_user
from tests.support.conftest import ISV_APP
from tests.support.conftest import PRO_APP
from tests.support.conftest import customer
from tests.support.tickets import make_ticket


def _id(app, email):
    with app.app_context():
        return db.session.scalar(db.select(User.id).where(User.email == email))


def _ticket(app, reference):
    return db.session.scalar(db.select(Ticket).where(Ticket.reference == reference))


def test_other_organisations_and_vendors_get_404_for_url_and_reference(app, client, auth, apps):
    reference = make_ticket(app, _id(app, apps["customer"]), channel="isv", app_slug=ISV_APP)
    customer(app, "other@example.com")
    make_user(app, "dev2@northwind.example", "isv", "northwind-software")
    for email in ("other@example.com", apps["isv_a"]):
        auth.login(email)
        assert client.get(f"/support/tickets/{reference}").status_code == 404
        assert (
            client.get(f"/support/tickets?ref={reference}", follow_redirects=True).status_code
            == 404
        )
        assert client.get(f"/support/tickets/{reference}/attachments/1").status_code == 404
        assert reference not in client.get("/support/tickets").get_data(as_text=True)
        auth.logout()
    auth.login(apps["isv_b"])  # Contoso develops ISV_APP: the ticket is in its queue
    assert reference in client.get("/support/tickets").get_data(as_text=True)
    assert client.get(f"/support/tickets/{reference.lower()}").status_code == 200


def test_operator_queue_holds_professional_and_consulting_only_nearest_due_first(
    app, client, auth, apps
):
    owner = _id(app, apps["customer"])
    isv_ref = make_ticket(app, owner, channel="isv", app_slug=ISV_APP)
    late, soon = make_ticket(app, owner), make_ticket(app, owner, channel="consulting")
    with app.app_context():
        from catalog.support.tickets.models import TicketClock

        for ref, hours in ((late, 5), (soon, -1)):
            db.session.add(
                TicketClock(
                    ticket=_ticket(app, ref),
                    target="first_response",
                    minutes=60,
                    calendar={"timezone": "UTC", "always_open": True},
                    started_at=utcnow(),
                    warn_at=utcnow() - timedelta(hours=9),
                    due_at=utcnow() + timedelta(hours=hours),
                )
            )
        db.session.commit()
    auth.login(apps["staff"])
    html = client.get("/support/tickets").get_data(as_text=True)
    assert isv_ref not in html and html.index(soon) < html.index(late)
    assert "overdue" in html and "80 % of the time used" in html


def test_waiting_on_the_customer_pauses_the_clock_and_their_reply_resumes_it(
    app, client, auth, apps
):
    from catalog.marketplace.models import App
    from catalog.support.tickets.operations import open_ticket
    from catalog.support.wizard.intake import assess

    with app.app_context():
        user = db.session.get(User, _id(app, apps["customer"]))
        intake = assess(
            db.session.scalar(db.select(App).where(App.slug == ISV_APP)),
            user,
            3,
            "question",
            utcnow(),
        )
        reference = open_ticket(intake, user, "t", "x", utcnow(), "SUP").reference
        db.session.commit()
    auth.login(apps["isv_b"])
    auth.post(
        f"/support/tickets/{reference}/reply", {"body": "Which version?", "wait_on_customer": "y"}
    )
    with app.app_context():
        clock = _ticket(app, reference).clocks[0]
        assert clock.met_at is not None  # the developer's reply was the first response
        assert _ticket(app, reference).open_pause is not None
    auth.logout()
    auth.login(apps["customer"])
    assert auth.post(f"/support/tickets/{reference}/reply", {"body": "6.3.2"}).status_code == 302
    with app.app_context():
        ticket = _ticket(app, reference)
        assert ticket.open_pause is None and ticket.pauses[0].ended_at is not None
        assert [e.action for e in ticket.events] == [
            "created",
            "replied",
            "waiting_on_customer",
            "replied",
            "clock_resumed",
        ]


def test_attachments_are_limited_by_size_count_and_type(app, client, auth, apps):
    reference = make_ticket(app, _id(app, apps["customer"]))
    app.config["TICKET_ATTACHMENT_MAX_BYTES"] = 10
    auth.login(apps["customer"])

    def send(*files):
        data = {
            "body": "see attached",
            "attachments": [(io.BytesIO(content), name) for name, content in files],
        }
        return auth.post(
            f"/support/tickets/{reference}/reply", data, content_type="multipart/form-data"
        )

    assert "larger than" in send(("big.log", b"x" * 11)).get_data(as_text=True)
    assert "cannot be attached" in send(("run.exe", b"MZ")).get_data(as_text=True)
    assert "at most 5" in send(*[(f"{n}.txt", b"x") for n in range(6)]).get_data(as_text=True)
    assert send(("ok.log", b"fine")).status_code == 302
    with app.app_context():
        files = [a.filename for m in _ticket(app, reference).messages for a in m.attachments]
        assert files == ["log.txt", "ok.log"]


def test_consulting_work_waits_for_the_customer_to_approve_the_quote(app, client, auth, apps):
    reference = make_ticket(app, _id(app, apps["customer"]), channel="consulting", app_slug=PRO_APP)
    auth.login(apps["staff"])
    auth.post(f"/support/tickets/{reference}/status", {"target": "triaged"})
    response = auth.post(f"/support/tickets/{reference}/status", {"target": "in_progress"})
    assert response.status_code == 400 and "approves a quote" in response.get_data(as_text=True)
    bad = auth.post(
        f"/support/tickets/{reference}/quotes",
        {"rate": "300", "hours": "4", "completion_on": "2031-01-31"},
    )
    assert bad.status_code == 400 and "at most 200.00" in bad.get_data(as_text=True)
    assert (
        auth.post(
            f"/support/tickets/{reference}/quotes",
            {"rate": "150", "hours": "4", "completion_on": "2031-01-31"},
        ).status_code
        == 302
    )
    auth.logout()
    auth.login(apps["customer"])
    with app.app_context():
        quote_id = _ticket(app, reference).quotes[0].id
        assert _ticket(app, reference).status == "awaiting_approval"
    auth.post(f"/support/tickets/{reference}/quotes/{quote_id}", {"decision": "approve"})
    with app.app_context():
        ticket = _ticket(app, reference)
        assert ticket.status == "in_progress" and ticket.quotes[0].status == "approved"


def test_resolution_is_recorded_reopen_and_quiet_close(app, client, auth, runner, apps):
    reference = make_ticket(app, _id(app, apps["customer"]), status="in_progress")
    auth.login(apps["staff"])
    assert (
        auth.post(f"/support/tickets/{reference}/status", {"target": "resolved"}).status_code == 400
    )
    auth.post(f"/support/tickets/{reference}/classify", {"classification": "environment"})
    auth.post(
        f"/support/tickets/{reference}/status",
        {"target": "resolved", "note": "Raised the mail size limit."},
    )
    auth.logout()
    auth.login(apps["customer"])
    auth.post(f"/support/tickets/{reference}/status", {"target": "in_progress"})
    with app.app_context():
        assert _ticket(app, reference).status == "in_progress"
    auth.logout()
    auth.login(apps["staff"])
    auth.post(
        f"/support/tickets/{reference}/status", {"target": "resolved", "note": "Really fixed."}
    )
    assert "Closed 0" in runner.invoke(args=["tickets", "close-quiet"]).output
    result = runner.invoke(args=["tickets", "close-quiet", "--days", "0"])
    assert f"Closed 1 quiet ticket(s): {reference}" in result.output
    with app.app_context():
        ticket = _ticket(app, reference)
        assert (ticket.status, ticket.classification, ticket.resolution) == (
            "closed",
            "environment",
            "Really fixed.",
        )
        assert ticket.events[-1].actor_id is None


def test_snapshot_keeps_the_terms_that_applied(app, client, auth, apps):
    from catalog.marketplace.models import App
    from catalog.support.tickets.operations import open_ticket
    from catalog.support.wizard.intake import assess

    with app.app_context():
        user = db.session.get(User, _id(app, apps["customer"]))
        target = db.session.scalar(db.select(App).where(App.slug == ISV_APP))
        reference = open_ticket(
            assess(target, user, 1, "incident", utcnow()), user, "t", "x", utcnow(), "HELP"
        ).reference
        target.terms.isv_response_minutes = {"1": 5}
        db.session.commit()
        assert reference.startswith("HELP-") and _ticket(app, reference).terms_snapshot["targets"][
            "1"
        ] == {"first_response": 120}


def test_flag_clocks_records_each_warning_and_breach_once(app, runner, apps):
    from catalog.support.tickets.models import TicketClock

    reference = make_ticket(app, _id(app, apps["customer"]))
    with app.app_context():
        db.session.add(
            TicketClock(
                ticket=_ticket(app, reference),
                target="first_response",
                minutes=60,
                calendar={"timezone": "UTC", "always_open": True},
                started_at=utcnow(),
                warn_at=utcnow() - timedelta(minutes=1),
                due_at=utcnow() + timedelta(hours=1),
            )
        )
        db.session.commit()
    assert "1 clock(s) at 80 %" in runner.invoke(args=["tickets", "flag-clocks"]).output
    assert "0 clock(s) at 80 %" in runner.invoke(args=["tickets", "flag-clocks"]).output
