"""The search outbox is written in the change's own transaction, and only if it commits."""

import pytest
from sqlalchemy import select

from catalog.extensions import db
from catalog.marketplace.models import App
from catalog.search.indexing.events import take_committed_flag
from catalog.search.indexing.models import SearchOutbox
from tests.conftest import add_apps
from tests.conftest import app_record


def outbox(app) -> list[str]:
    """Document ids in the outbox, in order."""
    with app.app_context():
        return list(db.session.scalars(select(SearchOutbox.doc_id).order_by(SearchOutbox.id)))


@pytest.fixture
def one_app(app):
    """An app, with the outbox emptied after its import."""
    add_apps(app, app_record("alpha"))
    with app.app_context():
        db.session.execute(db.delete(SearchOutbox))
        db.session.commit()
        return db.session.scalar(select(App.id))


def _rename(app, app_id, name, finish):
    """Rename an app and finish the transaction with ``finish(session)``."""
    with app.app_context():
        db.session.get(App, app_id).name = name
        finish(db.session)


def test_import_records_changed_apps_only(app):
    add_apps(app, app_record("alpha"), app_record("beta"))
    assert sorted(outbox(app)) == ["app:1", "app:2"]
    add_apps(app, app_record("alpha"), app_record("beta", name="Beta Two"))
    assert outbox(app)[2:] == ["app:2"]


def test_commit_writes_an_outbox_row(app, one_app):
    _rename(app, one_app, "Renamed", lambda s: s.commit())
    assert outbox(app) == [f"app:{one_app}"]


def test_rollback_writes_nothing(app, one_app):
    _rename(app, one_app, "Renamed", lambda s: (s.flush(), s.rollback()))
    assert outbox(app) == []


def test_flush_then_commit_is_recorded_once(app, one_app):
    def flush_twice_then_commit(session):
        session.flush()
        session.get(App, one_app).summary = "Changed again"
        session.flush()
        session.commit()

    _rename(app, one_app, "Renamed", flush_twice_then_commit)
    assert outbox(app) == [f"app:{one_app}"]


def test_commit_flag_is_raised_once_per_commit_that_wrote_rows(app, one_app):
    with app.app_context():
        db.session.get(App, one_app).name = "Renamed"
        db.session.commit()
        assert take_committed_flag(db.session) is True
        assert take_committed_flag(db.session) is False
        db.session.commit()
        assert take_committed_flag(db.session) is False


def test_outbox_ids_are_not_reused_after_a_purge(app, one_app):
    _rename(app, one_app, "One", lambda s: s.commit())
    with app.app_context():
        first = db.session.scalar(select(SearchOutbox.id))
        db.session.execute(db.delete(SearchOutbox))
        db.session.commit()
    _rename(app, one_app, "Two", lambda s: s.commit())
    with app.app_context():
        assert db.session.scalar(select(SearchOutbox.id)) > first
