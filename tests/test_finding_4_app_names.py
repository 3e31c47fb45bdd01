"""Finding 4 (names): app names are unique in the marketplace, ignoring case and spaces; the
import and the ISV form refuse a taken name, the database refuses it too, and upgrading a
database that already holds such duplicates renames them instead of failing."""

import pytest
from flask_migrate import upgrade
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from catalog import create_app
from catalog.extensions import db
from catalog.marketplace.models import App
from tests.conftest import APP_A
from tests.conftest import APP_B
from tests.conftest import add_apps
from tests.conftest import app_record
from tests.test_import import write_lines
from tests.test_isv_portal import _form
from tests.test_migrations import insert_old_apps


def test_finding_4_name_key_ignores_case_and_spaces():
    from catalog.marketplace.identifiers import name_key

    assert name_key("  Mail   SHIELD ") == name_key("mail shield") == "mail shield"
    assert name_key("Straße") == name_key("STRASSE")


def test_finding_4_import_refuses_two_lines_with_the_same_name(app, runner, tmp_path):
    path = write_lines(
        tmp_path / "apps.jsonl",
        app_record("urgent-one", name="Urgent"),
        app_record("urgent-two", name="  URGENT "),
    )
    result = runner.invoke(args=["import-apps", path])
    assert result.exit_code == 1
    assert "line 2, name: “  URGENT ” is already the name of the app on line 1" in result.output
    with app.app_context():
        assert db.session.scalar(select(db.func.count(App.id))) == 0


def test_finding_4_import_refuses_a_name_another_app_carries(app, runner, tmp_path):
    add_apps(app, app_record("relay-keeper", name="Urgent"))
    path = write_lines(
        tmp_path / "apps.jsonl",
        app_record("fine-app", name="Fine App"),
        app_record("capture", name="urgent"),
    )
    result = runner.invoke(args=["import-apps", path])
    assert result.exit_code == 1
    assert "line 2, name: another app (relay-keeper) is already called “urgent”" in result.output
    with app.app_context():
        assert db.session.scalars(select(App.slug)).all() == ["relay-keeper"]


def test_finding_4_an_app_may_change_the_case_of_its_own_name_by_import(app, runner, tmp_path):
    add_apps(app, app_record("relay-keeper", name="Urgent"))
    path = write_lines(tmp_path / "apps.jsonl", app_record("relay-keeper", name="URGENT"))
    assert runner.invoke(args=["import-apps", path]).exit_code == 0
    with app.app_context():
        assert db.session.scalar(select(App.name)) == "URGENT"


def test_finding_4_isv_cannot_rename_its_app_to_another_apps_name(app, world, auth, client):
    auth.login(world["isv_a"])
    response = auth.post(f"/isv/apps/{APP_A}", _form(app, name="  contoso   BACKUP "))
    assert response.status_code == 400
    assert "Another app is already called “contoso   BACKUP”" in response.get_data(as_text=True)
    with app.app_context():
        names = dict(db.session.execute(select(App.slug, App.name)).all())
    assert names == {APP_A: "Mail Shield", APP_B: "Contoso Backup"}
    renamed = auth.post(f"/isv/apps/{APP_A}", _form(app, name="MAIL  shield"))
    assert renamed.status_code == 302


def test_finding_4_the_database_refuses_a_second_app_with_the_same_name(app, world):
    with app.app_context():
        other = db.session.scalar(select(App).where(App.slug == APP_B))
        other.name = "MAIL SHIELD"
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()


def test_finding_4_upgrading_renames_existing_duplicates_instead_of_failing(make_database):
    from alembic.script import ScriptDirectory

    app = create_app(
        {"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": make_database("dups")}
    )
    with app.app_context():
        script = ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config())
        upgrade(revision=script.get_revision("c11b0integrity").down_revision)
        db.engine.dispose()
    insert_old_apps(app, {"first": "Urgent", "second": " URGENT", "third": "urgent"})
    with app.app_context():
        upgrade(revision="c11b0integrity")
        rows = db.session.execute(
            db.text("SELECT slug, name, name_key FROM app ORDER BY slug")
        ).all()
        db.session.remove()
        db.engine.dispose()
    assert [tuple(row) for row in rows] == [
        ("first", "Urgent", "urgent"),
        ("second", " URGENT (2)", "urgent (2)"),
        ("third", "urgent (3)", "urgent (3)"),
    ]


def test_finding_4_an_import_may_swap_two_apps_names(app, runner, tmp_path):
    add_apps(app, app_record("first-app", name="Alpha"), app_record("second-app", name="Beta"))
    path = write_lines(
        tmp_path / "apps.jsonl",
        app_record("first-app", name="Beta"),
        app_record("second-app", name="alpha"),
    )
    result = runner.invoke(args=["import-apps", path])
    assert result.exit_code == 0, result.output
    with app.app_context():
        names = dict(db.session.execute(select(App.slug, App.name)).all())
    assert names == {"first-app": "Beta", "second-app": "alpha"}
