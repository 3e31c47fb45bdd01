"""The migrations build exactly the schema the models describe, and keep data when upgrading."""

import warnings
from datetime import UTC
from datetime import datetime

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import MetaData
from sqlalchemy import insert
from sqlalchemy import inspect
from sqlalchemy import select
from sqlalchemy import text

from catalog import create_app
from catalog.extensions import db
from catalog.marketplace.models import App
from catalog.models import create_all_tables
from catalog.models import create_tables
from tests.conftest import add_apps
from tests.conftest import app_record


def _app(url):
    """An application on the database at ``url``."""
    return create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": url})


def _differences(app) -> list:
    """What autogenerate would still change (expression indexes are beyond its reach: the
    reflection warning about them is expected, and they are checked by name instead)."""
    with app.app_context(), db.engine.connect() as connection, warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore", "Skipped unsupported reflection of expression-based index"
        )
        warnings.filterwarnings(
            "ignore", "autogenerate skipping metadata-specified expression-based index"
        )
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    with app.app_context():
        db.engine.dispose()
    return differences


def test_migrations_build_the_schema_of_the_models(make_database):
    app = _app(make_database("migrated"))
    with app.app_context():
        create_tables()
        query = (
            "SELECT indexname FROM pg_indexes"
            if db.engine.dialect.name == "postgresql"
            else "SELECT name FROM sqlite_master WHERE type = 'index'"
        )
        indexes = set(db.session.scalars(text(query)))
        db.session.remove()
    assert _differences(app) == []
    assert "ix_app_published_lower_name" in indexes
    with app.app_context():
        db.engine.dispose()


def test_init_db_adopts_a_database_created_before_migrations(make_database, tmp_path):
    app = _app(make_database("legacy"))
    with app.app_context():
        create_all_tables()
    add_apps(app, app_record("kept-app"))
    result = app.test_cli_runner().invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert "alembic_version" in inspect(db.engine).get_table_names()
        assert db.session.scalar(select(App.slug)) == "kept-app"
        db.session.remove()
        db.engine.dispose()


def insert_old_apps(app, names: dict[str, str]) -> None:
    """Apps (slug: name) written straight into an older schema, as that revision's code did."""
    with app.app_context():
        metadata = MetaData()
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression")
            metadata.reflect(db.engine, only=["vendor", "category", "app"])
        now = datetime.now(UTC).replace(tzinfo=None)
        with db.engine.begin() as connection:
            vendor_id = connection.execute(
                insert(metadata.tables["vendor"]).values(
                    slug="old-vendor", name="Old Vendor", description="", created_at=now
                )
            ).inserted_primary_key[0]
            category_id = connection.execute(
                insert(metadata.tables["category"]).values(slug="old", name="Old")
            ).inserted_primary_key[0]
            for slug, name in names.items():
                connection.execute(
                    insert(metadata.tables["app"]).values(
                        slug=slug,
                        name=name,
                        vendor_id=vendor_id,
                        category_id=category_id,
                        summary="",
                        description="",
                        version="",
                        published=True,
                        updated_at=now,
                        created_at=now,
                    )
                )
        db.engine.dispose()


def test_upgrading_a_database_that_holds_data_keeps_it(make_database):
    from alembic.script import ScriptDirectory
    from flask_migrate import upgrade

    app = _app(make_database("old"))
    with app.app_context():
        script = ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config())
        revisions = [r.revision for r in script.walk_revisions()][::-1]
        assert len(revisions) >= 2, "this test needs a revision after the baseline"
        upgrade(revision=revisions[0])
        db.engine.dispose()
    insert_old_apps(app, {"old-app": "Old App", "other-app": "Other App"})
    with app.app_context():
        before = db.session.execute(select(App.slug, App.name).order_by(App.slug)).all()
        db.session.remove()  # an open read would block the upgrade's ALTER TABLE app
        upgrade()
        assert db.session.execute(select(App.slug, App.name).order_by(App.slug)).all() == before
        assert {"mail_outbox", "mail_inbound"} <= set(inspect(db.engine).get_table_names())
        db.session.remove()
        db.engine.dispose()
    assert _differences(app) == []
