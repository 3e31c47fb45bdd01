"""The queues' filters and sorts: each narrows what the role may see, never more; bad values 400."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from catalog.db import utcnow
from catalog.extensions import db
from catalog.support.tickets.models import Ticket
from catalog.support.tickets.models import TicketClock
from catalog.support.tickets.models import TicketPause
from tests.conftest import make_user
from tests.conftest import user_id
from tests.support.conftest import ISV_APP
from tests.support.conftest import PRO_APP
from tests.support.conftest import customer
from tests.support.tickets import make_ticket


def _set(app, reference: str, **values) -> None:
    """Change columns of a ticket directly."""
    with app.app_context():
        ticket = db.session.scalar(select(Ticket).where(Ticket.reference == reference))
        for name, value in values.items():
            setattr(ticket, name, value)
        db.session.commit()


def _clock(app, reference: str, warn_hours: float, due_hours: float) -> None:
    """A first-response clock whose warning and due instants are this far from now."""
    with app.app_context():
        ticket = db.session.scalar(select(Ticket).where(Ticket.reference == reference))
        now = utcnow()
        db.session.add(
            TicketClock(
                ticket=ticket,
                target="first_response",
                minutes=60,
                calendar={"timezone": "UTC", "always_open": True},
                started_at=now - timedelta(hours=1),
                warn_at=now + timedelta(hours=warn_hours),
                due_at=now + timedelta(hours=due_hours),
            )
        )
        db.session.commit()


def _shown(client, query: str = "") -> str:
    response = client.get(f"/support/tickets{query}")
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_data(as_text=True)


@pytest.fixture
def desk(app, apps):
    """Tickets of two organisations in every channel: professional, consulting and ISV."""
    mine = user_id(app, apps["customer"])
    other = customer(app, "other@example.com")
    tickets = {
        "pro": make_ticket(app, mine, app_slug=PRO_APP),
        "consulting": make_ticket(app, mine, channel="consulting", app_slug=PRO_APP),
        "isv": make_ticket(app, mine, channel="isv", app_slug=ISV_APP),
        "other_pro": make_ticket(app, other, app_slug=PRO_APP),
        "other_isv": make_ticket(app, other, channel="isv", app_slug=ISV_APP),
    }
    return {**apps, **tickets}


def test_staff_see_their_channels_by_default_and_isv_tickets_when_asked(app, client, auth, desk):
    auth.login(desk["staff"])
    html = _shown(client)
    assert desk["pro"] in html and desk["consulting"] in html and desk["isv"] not in html
    html = _shown(client, "?channel=isv")
    assert desk["isv"] in html and desk["other_isv"] in html and desk["pro"] not in html
    html = _shown(client, "?channel=consulting")
    assert desk["consulting"] in html and desk["pro"] not in html
    html = _shown(client, "?channel=any")
    assert all(desk[key] in html for key in ("pro", "consulting", "isv", "other_isv"))


def test_status_filter_open_by_default_one_status_or_any(app, client, auth, desk):
    _set(app, desk["pro"], status="closed")
    _set(app, desk["consulting"], status="triaged")
    auth.login(desk["staff"])
    assert desk["pro"] not in _shown(client) and desk["consulting"] in _shown(client)
    html = _shown(client, "?status=closed")
    assert desk["pro"] in html and desk["consulting"] not in html
    html = _shown(client, "?status=triaged")
    assert desk["consulting"] in html and desk["other_pro"] not in html
    assert desk["pro"] in _shown(client, "?status=any")


def test_severity_app_and_organisation_filters(app, client, auth, desk):
    _set(app, desk["other_pro"], severity=1)
    auth.login(desk["staff"])
    html = _shown(client, "?severity=1")
    assert desk["other_pro"] in html and desk["pro"] not in html
    html = _shown(client, "?channel=any&app=isv+a")
    assert desk["isv"] in html and desk["pro"] not in html
    assert "0 tickets" in _shown(client, "?app=100%25")  # a wildcard is taken literally
    html = _shown(client, "?organisation=other")
    assert desk["other_pro"] in html and desk["pro"] not in html


def test_assignee_filter_me_unassigned_or_a_colleague(app, client, auth, desk):
    colleague = make_user(app, "colleague@example.com", "staff")
    _set(app, desk["pro"], assignee_id=user_id(app, desk["staff"]))
    _set(app, desk["consulting"], assignee_id=colleague)
    auth.login(desk["staff"])
    html = _shown(client, "?assignee=me")
    assert desk["pro"] in html and desk["consulting"] not in html
    assert "assigned to Staff" in html
    html = _shown(client, "?assignee=unassigned")
    assert desk["other_pro"] in html and desk["pro"] not in html
    html = _shown(client, f"?assignee={colleague}")
    assert desk["consulting"] in html and desk["pro"] not in html
    # A developer is nobody's colleague at the operator: not a choice.
    isv = user_id(app, desk["isv_a"])
    assert client.get(f"/support/tickets?assignee={isv}").status_code == 400


def test_due_soon_and_overdue(app, client, auth, desk):
    _clock(app, desk["pro"], warn_hours=-1, due_hours=2)  # 80 % used
    _clock(app, desk["consulting"], warn_hours=-3, due_hours=-1)  # overdue
    _clock(app, desk["other_pro"], warn_hours=5, due_hours=6)
    auth.login(desk["staff"])
    html = _shown(client, "?due=soon")
    assert desk["pro"] in html and desk["consulting"] in html and desk["other_pro"] not in html
    html = _shown(client, "?due=breached")
    assert desk["consulting"] in html and desk["pro"] not in html


def test_sorts_due_newest_and_last_activity(app, client, auth, desk):
    now = utcnow()
    _clock(app, desk["other_pro"], warn_hours=1, due_hours=2)
    _clock(app, desk["pro"], warn_hours=5, due_hours=6)
    _set(app, desk["pro"], created_at=now - timedelta(days=3), last_activity_at=now)
    _set(app, desk["consulting"], created_at=now, last_activity_at=now - timedelta(days=2))
    _set(
        app,
        desk["other_pro"],
        created_at=now - timedelta(days=1),
        last_activity_at=now - timedelta(days=1),
    )
    auth.login(desk["staff"])

    def order(query):
        html = _shown(client, query)
        return sorted(("pro", "consulting", "other_pro"), key=lambda key: html.index(desk[key]))

    assert order("") == ["other_pro", "pro", "consulting"]  # due first; no clock last
    assert order("?sort=newest") == ["consulting", "other_pro", "pro"]
    assert order("?sort=activity") == ["pro", "other_pro", "consulting"]


def test_pagination_keeps_the_filters(app, client, auth, desk):
    app.config["TICKETS_PAGE_SIZE"] = 1
    auth.login(desk["staff"])
    html = _shown(client, "?channel=any&sort=newest")
    assert "5 tickets, 1–1 shown" in html
    assert "page=2" in html and "channel=any" in html and "sort=newest" in html
    second = _shown(client, "?channel=any&sort=newest&page=2")
    assert "5 tickets, 2–2 shown" in second


@pytest.mark.parametrize(
    "query, message",
    [
        ("?status=bogus", "Not a valid choice"),
        ("?severity=9", "Not a valid choice"),
        ("?sort=price", "Not a valid choice"),
        ("?due=tomorrow", "Not a valid choice"),
        ("?channel=forum", "Not a valid choice"),
        ("?assignee=99999", "Not a valid choice"),
        ("?app=" + "x" * 101, "100 characters or fewer"),
    ],
)
def test_bad_values_are_a_400_with_the_message(app, client, auth, desk, query, message):
    auth.login(desk["staff"])
    response = client.get(f"/support/tickets{query}")
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_no_filter_shows_another_organisations_or_vendors_tickets(app, client, auth, desk):
    auth.login(desk["customer"])
    for query in ("?status=any", "?channel=any&severity=2", "?organisation=other", "?app=app"):
        html = _shown(client, query)
        assert desk["other_pro"] not in html and desk["other_isv"] not in html
        assert desk["pro"] in html
    assert 'id="queue-severity"' not in _shown(client)  # customers filter by status and app
    auth.logout()
    auth.login(desk["isv_a"])  # Northwind develops neither app with tickets here
    for query in ("?status=any", "?channel=any", "?organisation=customer", "?app=isv"):
        assert "0 tickets" in _shown(client, query)
    auth.logout()
    auth.login(desk["isv_b"])  # Contoso: its own ISV tickets only, whatever the channel says
    html = _shown(client, "?channel=professional&status=any")
    assert desk["isv"] in html and desk["pro"] not in html


def test_an_empty_result_says_which_filters_hide_everything_and_links_clear(
    app, client, auth, desk
):
    auth.login(desk["staff"])
    html = _shown(client, "?severity=1&app=zzz")
    assert "0 tickets" in html and "No ticket matches Severity, App name contains" in html
    assert 'href="/support/tickets">Clear filters' in html


def test_a_ticket_waiting_on_the_customer_says_so_in_each_queue(app, client, auth, desk):
    with app.app_context():
        ticket = db.session.scalar(select(Ticket).where(Ticket.reference == desk["isv"]))
        ticket.pauses.append(TicketPause(started_at=utcnow()))
        db.session.commit()
    auth.login(desk["customer"])
    row = _row(_shown(client), desk["isv"])
    assert "waiting on you" in row
    assert "waiting on" not in _row(_shown(client), desk["pro"])
    auth.logout()
    auth.login(desk["isv_b"])  # Contoso develops the ISV app
    assert "waiting on the customer" in _row(_shown(client), desk["isv"])


def _row(html: str, reference: str) -> str:
    """The queue row of one ticket."""
    start = html.index(f">{reference}</a>")
    return html[start : html.index("</li>", start)]
