"""Reference numbers: 8 processes × 50 tickets on one database give 400 distinct references."""

import multiprocessing

from catalog import create_app
from catalog.accounts.models import User
from catalog.db import utcnow
from catalog.extensions import db
from catalog.marketplace.models import App
from catalog.support.tickets.models import Ticket
from catalog.support.tickets.models import TicketNumber
from catalog.support.tickets.operations import open_ticket
from catalog.support.tickets.references import format_reference
from catalog.support.wizard.intake import assess
from tests.support.conftest import ISV_APP

PROCESSES, PER_PROCESS = 8, 50


def _worker(uri: str, email: str) -> None:
    """Open PER_PROCESS tickets, one transaction each, as a separate process would."""
    # SQLite: wait for the write lock instead of failing at once.
    options = {"connect_args": {"timeout": 60}} if uri.startswith("sqlite") else {}
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": uri, "SECRET_KEY": "x", "SQLALCHEMY_ENGINE_OPTIONS": options}
    )
    with app.app_context():
        for _ in range(PER_PROCESS):
            user = db.session.scalar(db.select(User).where(User.email == email))
            target = db.session.scalar(db.select(App).where(App.slug == ISV_APP))
            open_ticket(
                assess(target, user, 3, "question", utcnow()), user, "load", "x", utcnow(), "SUP"
            )
            db.session.commit()
        db.engine.dispose()


def test_concurrent_processes_never_share_a_reference(app, apps):
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    with app.app_context():
        db.engine.dispose()
    context = multiprocessing.get_context("spawn")
    workers = [
        context.Process(target=_worker, args=(uri, apps["customer"])) for _ in range(PROCESSES)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=240)
    assert [worker.exitcode for worker in workers] == [0] * PROCESSES
    with app.app_context():
        references = list(db.session.scalars(db.select(Ticket.reference)))
        assert len(references) == len(set(references)) == PROCESSES * PER_PROCESS


def test_numbers_are_never_reused_after_a_delete(app):
    from catalog.support.tickets.references import issue_number

    with app.app_context():
        first = issue_number(utcnow())
        db.session.commit()
        db.session.execute(db.delete(TicketNumber))
        db.session.commit()
        assert issue_number(utcnow()) == first + 1
        assert format_reference("SUP", 123) == "SUP-000123"
        assert format_reference("SUP", 1234567) == "SUP-1234567"
