"""Fixtures: a fresh app per test on a real SQLite file and a temp index folder."""
import pytest

from catalog import create_app
from catalog.cli import create_tables
from catalog.extensions import db
from catalog.marketplace import operations
from catalog.marketplace.records import check_record


@pytest.fixture
def app(tmp_path):
    """An application on its own SQLite file, with its tables created."""
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'test.sqlite'}",
            "SEARCH_INDEX_DIR": str(tmp_path / "index"),
            "SERVER_NAME": "catalog.test",
        }
    )
    with app.app_context():
        create_tables()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def client(app):
    """A test client."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """A CLI runner."""
    return app.test_cli_runner()


def app_record(slug: str, **overrides) -> dict:
    """A valid import record with sensible defaults; ``overrides`` replace top-level fields."""
    record = {
        "slug": slug,
        "name": slug.replace("-", " ").title(),
        "vendor": "Northwind Software",
        "category": "Mail",
        "summary": f"Summary of {slug}.",
        "description": "Does **useful** things.",
        "version": "1.0",
        "updated": "2026-01-01T00:00:00Z",
    }
    record.update(overrides)
    return record


def add_apps(app, *records: dict) -> None:
    """Store apps through the real import path (validation and bulk write), then commit."""
    with app.app_context():
        clean = []
        for number, record in enumerate(records, start=1):
            value, problems = check_record(number, record)
            assert not problems, problems
            clean.append(value)
        operations.import_apps(clean)
        db.session.commit()
