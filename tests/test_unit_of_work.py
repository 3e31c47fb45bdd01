"""One unit of work: a request or a command commits once, in ``catalog.unitofwork``, or never."""

from pathlib import Path

import click
import pytest
from flask import abort
from flask.cli import with_appcontext
from sqlalchemy import func
from sqlalchemy import select

from catalog import unitofwork
from catalog.extensions import db
from catalog.marketplace.models import Category
from catalog.search.indexing import events as search_events
from catalog.ticketmail import events as mail_events
from tests.conftest import make_app

CATALOG = Path(__file__).resolve().parent.parent / "catalog"


def _add_category(slug: str) -> None:
    """What an operation does: add a row and flush it (never commit)."""
    db.session.add(Category(slug=slug, name=slug.title()))
    db.session.flush()


def _count(app, slug: str) -> int:
    """Rows with this slug, read on a fresh session (so only committed rows count)."""
    with app.app_context():
        db.session.remove()
        return db.session.scalar(select(func.count()).where(Category.slug == slug))


@pytest.fixture
def uow_app(tmp_path, database_url):
    """An app with test views that flush and then end in every way a view can end."""
    app = make_app(tmp_path, database_url)

    def returns():
        _add_category("returns")
        return "ok"

    def raises():
        _add_category("raises")
        raise RuntimeError("boom after a flush")

    def aborts():
        _add_category("aborts")
        abort(403)

    def refuses():
        _add_category("refuses")
        return "no", 400

    def refuses_but_keeps():
        _add_category("kept")
        unitofwork.keep_changes()
        return "no, but noted", 400

    def discards():
        _add_category("discarded")
        unitofwork.discard_changes()
        return "fine"

    for view in (returns, raises, aborts, refuses, refuses_but_keeps, discards):
        app.add_url_rule(f"/_uow/{view.__name__}", view_func=view)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    yield app
    with app.app_context():
        db.engine.dispose()


def test_a_view_that_returns_normally_is_committed(uow_app):
    assert uow_app.test_client().get("/_uow/returns").status_code == 200
    assert _count(uow_app, "returns") == 1


def test_a_view_that_flushes_and_raises_leaves_nothing_behind(uow_app):
    assert uow_app.test_client().get("/_uow/raises").status_code == 500
    assert _count(uow_app, "raises") == 0


def test_a_view_that_flushes_and_aborts_leaves_nothing_behind(uow_app):
    assert uow_app.test_client().get("/_uow/aborts").status_code == 403
    assert _count(uow_app, "aborts") == 0


def test_an_error_answer_rolls_back_unless_the_view_keeps_its_changes(uow_app):
    client = uow_app.test_client()
    assert client.get("/_uow/refuses").status_code == 400
    assert client.get("/_uow/refuses_but_keeps").status_code == 400
    assert _count(uow_app, "refuses") == 0
    assert _count(uow_app, "kept") == 1


def test_a_view_may_discard_half_done_work_and_answer_normally(uow_app):
    assert uow_app.test_client().get("/_uow/discards").status_code == 200
    assert _count(uow_app, "discarded") == 0


def test_strict_mode_fails_loudly_when_a_request_leaves_flushed_work_uncommitted(uow_app):
    @uow_app.after_request
    def writes_too_late(response):
        _add_category("too-late")
        return response

    with pytest.raises(unitofwork.UnfinishedWork, match="flushed changes"):
        uow_app.test_client().get("/_uow/returns")
    assert _count(uow_app, "too-late") == 0


def test_strict_mode_also_catches_changes_never_flushed(uow_app):
    @uow_app.after_request
    def adds_without_flush(response):
        db.session.add(Category(slug="never-flushed", name="x"))
        return response

    with pytest.raises(unitofwork.UnfinishedWork, match="unflushed changes to Category"):
        uow_app.test_client().get("/_uow/returns")


def test_a_command_commits_once_when_it_returns_and_nothing_when_it_fails(uow_app):
    ran_after_commit = []

    @click.command("uow-ok")
    @with_appcontext
    @unitofwork.command
    def ok():
        _add_category("cmd-ok")
        unitofwork.after_commit(lambda: ran_after_commit.append(_count(uow_app, "cmd-ok")))

    @click.command("uow-fails")
    @with_appcontext
    @unitofwork.command
    def fails():
        _add_category("cmd-fails")
        unitofwork.after_commit(lambda: ran_after_commit.append("must not run"))
        raise click.ClickException("refused")

    uow_app.cli.add_command(ok)
    uow_app.cli.add_command(fails)
    runner = uow_app.test_cli_runner()
    assert runner.invoke(args=["uow-ok"]).exit_code == 0
    assert runner.invoke(args=["uow-fails"]).exit_code == 1
    assert _count(uow_app, "cmd-ok") == 1
    assert _count(uow_app, "cmd-fails") == 0
    assert ran_after_commit == [1], "after-commit work sees the committed row, and only then"


def _commands(group, prefix=""):
    """Every command under a click group, by its full name."""
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            yield from _commands(command, f"{prefix}{name} ")
        else:
            yield f"{prefix}{name}", command


def test_every_cli_command_of_ours_is_one_unit_of_work_or_a_worker_loop(app):
    ours = [
        (name, command)
        for name, command in _commands(app.cli)
        if command.callback.__module__.startswith("catalog")
    ]
    assert len(ours) >= 15
    unmarked = [
        name
        for name, command in ours
        if getattr(command.callback, "unit_of_work", None) not in ("command", "worker")
    ]
    assert unmarked == []


def test_only_the_unit_of_work_commits():
    committing = sorted(
        str(path.relative_to(CATALOG))
        for path in CATALOG.rglob("*.py")
        if "session.commit()" in path.read_text(encoding="utf-8")
    )
    assert committing == ["unitofwork.py"]


def test_session_listeners_are_registered_once_in_the_stated_order(app, tmp_path, database_url):
    second = make_app(tmp_path / "second", database_url)  # it must register nothing twice
    with second.app_context():
        db.engine.dispose()
    with app.app_context():
        before_commit = list(db.session().dispatch.before_commit)
    assert before_commit.count(search_events._write_outbox) == 1
    assert before_commit.index(mail_events._write_outbox) < before_commit.index(
        search_events._write_outbox
    ), "the search outbox is written last, after the mail outbox has flushed its rows"
