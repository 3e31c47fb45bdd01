"""Standing for professional support: subscriptions, named contacts, quotas per calendar month."""

from datetime import UTC
from datetime import date
from datetime import datetime

from catalog.accounts.models import User
from catalog.extensions import db
from catalog.marketplace.models import App
from catalog.support.plans.entitlement import month_bounds
from catalog.support.plans.entitlement import standing
from catalog.support.tickets.operations import open_ticket
from catalog.support.wizard.intake import assess
from tests.support.conftest import PRO_APP
from tests.support.conftest import customer
from tests.support.conftest import subscribe

UTC = UTC


def _user(email):
    return db.session.scalar(db.select(User).where(User.email == email))


def _open(email, when):
    """Open a professional-or-not ticket for PRO_APP at ``when``; return its channel."""
    app = db.session.scalar(db.select(App).where(App.slug == PRO_APP))
    intake = assess(app, _user(email), 2, "incident", when)
    ticket = open_ticket(intake, _user(email), "t", "x", when, "SUP")
    db.session.commit()
    return ticket.channel


def test_month_bounds_follow_the_plan_time_zone():
    start, end = month_bounds(datetime(2026, 2, 28, 23, 30, tzinfo=UTC), "Europe/Prague")
    assert (
        start.isoformat() == "2026-03-01T00:00:00+01:00"
        and end.isoformat() == "2026-04-01T00:00:00+02:00"
    )


def test_two_incidents_a_month_then_the_router_offers_the_next_channel(app, apps):
    subscribe(
        app, apps["customer"], plan="level-1", starts=date(2026, 1, 1), ends=date(2026, 12, 31)
    )
    with app.app_context():
        march = datetime(2026, 3, 10, 10, tzinfo=UTC)
        assert [_open(apps["customer"], march) for _ in range(3)] == [
            "professional",
            "professional",
            "isv",
        ]
        decision = assess(
            db.session.scalar(db.select(App).where(App.slug == PRO_APP)),
            _user(apps["customer"]),
            2,
            "incident",
            march,
        ).decision
        assert "used all of this month's incidents" in decision.verdict("professional").reason
        # A new month in Prague starts a new quota, even though it is still March in UTC.
        assert _open(apps["customer"], datetime(2026, 3, 31, 22, 30, tzinfo=UTC)) == "professional"


def test_lapsed_and_not_yet_started_subscriptions_are_lapsed(app, apps):
    subscribe(app, apps["customer"], starts=date(2025, 1, 1), ends=date(2025, 12, 31))
    with app.app_context():
        assert (
            standing(_user(apps["customer"]), datetime(2026, 1, 1, 12, tzinfo=UTC)).state
            == "lapsed"
        )
        assert (
            standing(_user(apps["customer"]), datetime(2025, 6, 1, 12, tzinfo=UTC)).state
            == "active"
        )
        assert (
            standing(_user(apps["customer"]), datetime(2024, 6, 1, 12, tzinfo=UTC)).state
            == "lapsed"
        )


def test_only_named_contacts_open_professional_incidents(app, apps):
    subscribe(app, apps["customer"])
    customer(app, "colleague@example.com", organisation_of=apps["customer"])
    with app.app_context():
        now = datetime.now(UTC)
        assert standing(_user("colleague@example.com"), now).state == "not_named_contact"
        assert _open("colleague@example.com", now) == "isv"
        assert _open(apps["customer"], now) == "professional"


def test_no_organisation_or_subscription_means_none(app, apps):
    with app.app_context():
        assert standing(_user(apps["customer"]), datetime.now(UTC)).state == "none"
        assert standing(None, datetime.now(UTC)).state == "none"


def _race_for_an_incident(uri: str, email: str, barrier, results) -> None:
    """Assess first (every racer sees incidents left), wait for the others, then file."""
    from catalog import create_app
    from catalog.support.tickets.operations import QuotaTaken

    options = {"connect_args": {"timeout": 60}} if uri.startswith("sqlite") else {}
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": uri, "SECRET_KEY": "x", "SQLALCHEMY_ENGINE_OPTIONS": options}
    )
    with app.app_context():
        when = datetime(2026, 3, 10, 10, tzinfo=UTC)
        user = _user(email)
        intake = assess(
            db.session.scalar(db.select(App).where(App.slug == PRO_APP)), user, 2, "incident", when
        )
        assert intake.decision.channel == "professional"
        db.session.rollback()
        barrier.wait(timeout=60)
        try:
            open_ticket(intake, user, "race", "x", when, "SUP")
            db.session.commit()
            results.put("ticket")
        except QuotaTaken:
            db.session.rollback()
            results.put("quota taken")
        db.engine.dispose()


def test_concurrent_requests_never_take_more_incidents_than_the_plan_allows(app, apps):
    import multiprocessing

    subscribe(
        app, apps["customer"], plan="level-1", starts=date(2026, 1, 1), ends=date(2026, 12, 31)
    )
    with app.app_context():
        uri = app.config["SQLALCHEMY_DATABASE_URI"]
        db.engine.dispose()
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(5), context.Queue()
    racers = [
        context.Process(
            target=_race_for_an_incident, args=(uri, apps["customer"], barrier, results)
        )
        for _ in range(5)
    ]
    for racer in racers:
        racer.start()
    for racer in racers:
        racer.join(timeout=120)
    assert [racer.exitcode for racer in racers] == [0] * 5
    outcomes = sorted(results.get(timeout=5) for _ in range(5))
    assert outcomes == ["quota taken"] * 3 + ["ticket"] * 2
