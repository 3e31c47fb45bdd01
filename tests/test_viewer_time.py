"""Every date and time in the viewer's zone with its abbreviation; due times also in the
service window's zone where it differs (issue 13, point 5)."""

import re
from datetime import UTC
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from catalog.accounts.models import Organisation
from catalog.accounts.models import User
from catalog.extensions import db
from catalog.support.tickets.models import Ticket
from catalog.support.tickets.models import TicketClock
from catalog.viewertime import due_in_both
from catalog.viewertime import moment_in
from catalog.viewertime import zone_name_for
from tests.conftest import make_user
from tests.support.tickets import make_ticket

PRAGUE = "Europe/Prague"
KOLKATA = "Asia/Kolkata"
# 1 Dec 2026 16:00 UTC: 17:00 in Prague (CET), 21:30 in Kolkata (IST).
WRITTEN = datetime(2026, 12, 1, 16, 0, tzinfo=UTC)
DUE = datetime(2027, 12, 7, 16, 0, tzinfo=UTC)  # Tue 7 Dec 2027 17:00 CET, far from "now"


def _words(response) -> str:
    """A page's text without tags, white space collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def _set_zone(app, email: str, zone: str | None) -> None:
    with app.app_context():
        db.session.scalar(db.select(User).where(User.email == email)).timezone = zone
        db.session.commit()


def _ticket_at(app, world, moments=(WRITTEN,), clock_zone: str | None = None) -> str:
    """A professional ticket of the customer whose messages were written at ``moments``."""
    customer_id = db_id(app, world["customer"])
    reference = make_ticket(app, customer_id)
    with app.app_context():
        ticket = db.session.scalar(db.select(Ticket).where(Ticket.reference == reference))
        first = ticket.messages[0]
        first.created_at = moments[0]
        for moment in moments[1:]:
            db.session.add(
                type(first)(ticket=ticket, author=first.author, body="More.", created_at=moment)
            )
        if clock_zone:
            db.session.add(
                TicketClock(
                    ticket=ticket,
                    target="resolution",
                    minutes=60,
                    calendar={"timezone": clock_zone, "always_open": True},
                    started_at=WRITTEN,
                    warn_at=DUE,
                    due_at=DUE,
                )
            )
        db.session.commit()
    return reference


def db_id(app, email: str) -> int:
    with app.app_context():
        return db.session.scalar(db.select(User.id).where(User.email == email))


def test_the_same_ticket_page_shows_each_viewer_the_message_time_in_their_zone(
    app, client, auth, world
):
    reference = _ticket_at(app, world)
    _set_zone(app, world["customer"], KOLKATA)
    _set_zone(app, world["staff"], PRAGUE)
    auth.login(world["customer"])
    customer_page = client.get(f"/support/tickets/{reference}")
    assert "Tue 1 Dec 2026 21:30 IST" in _words(customer_page)
    assert "16:00 UTC" not in _words(customer_page)
    auth.logout()
    auth.login(world["staff"])
    staff_page = client.get(f"/support/tickets/{reference}")
    assert "Tue 1 Dec 2026 17:00 CET" in _words(staff_page)
    assert "21:30 IST" not in _words(staff_page)
    # The <time> element keeps the UTC instant whoever looks.
    for page in (customer_page, staff_page):
        assert 'datetime="2026-12-01T16:00:00+00:00"' in page.get_data(as_text=True)


def test_without_a_zone_of_their_own_a_user_reads_their_organisations_zone_then_the_sites(
    app, client, auth, world
):
    reference = _ticket_at(app, world)
    with app.app_context():
        customer = db.session.scalar(db.select(User).where(User.email == world["customer"]))
        customer.organisation.timezone = "Asia/Tokyo"
        db.session.commit()
    auth.login(world["customer"])
    assert "Wed 2 Dec 2026 01:00 JST" in _words(client.get(f"/support/tickets/{reference}"))
    auth.logout()
    app.config["DISPLAY_TIMEZONE"] = "America/New_York"
    auth.login(world["staff"])
    assert "Tue 1 Dec 2026 11:00 EST" in _words(client.get(f"/support/tickets/{reference}"))


def test_a_due_time_shows_in_the_service_windows_zone_and_the_viewers_where_they_differ(
    app, client, auth, world
):
    reference = _ticket_at(app, world, clock_zone=PRAGUE)
    _set_zone(app, world["customer"], KOLKATA)
    _set_zone(app, world["staff"], PRAGUE)
    auth.login(world["customer"])
    page = _words(client.get(f"/support/tickets/{reference}"))
    assert "due Tue 7 Dec 2027 17:00 CET — 21:30 IST for you" in page
    auth.logout()
    auth.login(world["staff"])
    page = _words(client.get(f"/support/tickets/{reference}"))
    assert "due Tue 7 Dec 2027 17:00 CET" in page and "for you" not in page


def test_times_across_a_daylight_saving_change_carry_each_sides_abbreviation(
    app, client, auth, world
):
    # Prague moves from CET to CEST at 01:00 UTC on 29 Mar 2026.
    before, after = (
        datetime(2026, 3, 29, 0, 30, tzinfo=UTC),
        datetime(2026, 3, 29, 1, 30, tzinfo=UTC),
    )
    reference = _ticket_at(app, world, moments=(before, after))
    _set_zone(app, world["customer"], PRAGUE)
    auth.login(world["customer"])
    page = _words(client.get(f"/support/tickets/{reference}"))
    assert "Sun 29 Mar 2026 01:30 CET" in page
    assert "Sun 29 Mar 2026 03:30 CEST" in page


def test_an_unknown_stored_zone_falls_back_to_the_organisations_then_the_default():
    class Someone:
        timezone = "Mars/Olympus"
        organisation = Organisation(name="Acme", timezone="Asia/Tokyo")

    assert zone_name_for(Someone(), "UTC") == "Asia/Tokyo"
    Someone.organisation = None
    assert zone_name_for(Someone(), "Europe/Prague") == "Europe/Prague"
    assert zone_name_for(None, "No/Such") == "UTC"


@pytest.mark.parametrize(
    ("due", "viewer", "expected"),
    [
        (
            datetime(2026, 12, 1, 17, 0, tzinfo=ZoneInfo(PRAGUE)),
            KOLKATA,
            "Tue 1 Dec 2026 17:00 CET — 21:30 IST for you",
        ),
        (datetime(2026, 12, 1, 17, 0, tzinfo=ZoneInfo(PRAGUE)), PRAGUE, "Tue 1 Dec 2026 17:00 CET"),
        (
            datetime(2026, 12, 1, 23, 0, tzinfo=ZoneInfo(PRAGUE)),
            KOLKATA,
            "Tue 1 Dec 2026 23:00 CET — Wed 2 Dec 03:30 IST for you",
        ),
        (
            datetime(2026, 7, 1, 9, 0, tzinfo=ZoneInfo(KOLKATA)),
            PRAGUE,
            "Wed 1 Jul 2026 09:00 IST — 05:30 CEST for you",
        ),
    ],
)
def test_a_due_time_names_the_viewers_day_only_when_it_differs(due, viewer, expected):
    assert due_in_both(due, ZoneInfo(viewer)) == expected


def test_a_stored_naive_moment_is_read_as_utc():
    assert moment_in(datetime(2026, 12, 1, 16, 0), ZoneInfo(PRAGUE)) == "Tue 1 Dec 2026 17:00 CET"


def test_an_unknown_display_timezone_stops_the_app(tmp_path):
    from catalog import create_app

    with pytest.raises(RuntimeError, match="DISPLAY_TIMEZONE"):
        create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "x",
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db",
                "DISPLAY_TIMEZONE": "Nowhere/Else",
            }
        )


def test_other_users_pages_show_times_in_the_viewers_zone_too(app, client, auth, world):
    make_user(app, "visitor@example.com")
    _set_zone(app, "visitor@example.com", KOLKATA)
    auth.login("visitor@example.com")
    # The catalog's "updated" moment of an app (imported as 2026-01-01T00:00:00Z).
    assert "Thu 1 Jan 2026 05:30 IST" in _words(client.get("/apps/mail-shield"))
