"""Fixtures: a fresh app per test on its own real database and a temp index folder.

The database is a SQLite file in the test's temp folder, or, when ``CATALOG_TEST_DATABASE_URL``
names a PostgreSQL server (``make test-postgres`` starts one), a database created for the test
and dropped after it.
"""

import os
import re
import uuid
from email import message_from_bytes
from email import policy
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from catalog import create_app
from catalog.accounts import operations as account_operations
from catalog.extensions import db
from catalog.marketplace import operations
from catalog.marketplace.models import Vendor
from catalog.marketplace.records import check_record
from catalog.models import create_all_tables

SERVER_URL = os.environ.get("CATALOG_TEST_DATABASE_URL")


@pytest.fixture
def make_database(tmp_path):
    """A factory of fresh, empty databases (SQLite files, or PostgreSQL databases); yields URLs."""
    created = []

    def make(name: str = "test") -> str:
        if not SERVER_URL:
            return f"sqlite:///{tmp_path / name}.sqlite"
        database = f"catalog_test_{uuid.uuid4().hex[:16]}"
        with _server().connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{database}"'))
        created.append(database)
        return make_url(SERVER_URL).set(database=database).render_as_string(hide_password=False)

    yield make
    for database in created:
        with _server().connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))


_SERVER_ENGINE = []


def _server():
    """One AUTOCOMMIT engine on the test server's maintenance database."""
    if not _SERVER_ENGINE:
        _SERVER_ENGINE.append(
            create_engine(SERVER_URL, isolation_level="AUTOCOMMIT", poolclass=NullPool)
        )
    return _SERVER_ENGINE[0]


@pytest.fixture
def database_url(make_database):
    """The URL of this test's own empty database."""
    return make_database()


def make_app(tmp_path, database_url: str, **overrides):
    """An application for tests on ``database_url``, with its tables created."""
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SEARCH_INDEX_DIR": str(tmp_path / "index"),
            "SERVER_NAME": "catalog.test",
            # scrypt with small parameters: the same code path, a hundred times faster.
            "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
            "MAIL_BACKEND": "file",
            "MAIL_FILE_DIR": str(tmp_path / "mail"),
            # Account mail inline, so a test reads it right after the request.
            "MAIL_ACCOUNT_IN_BACKGROUND": False,
            # Tests send many requests from one address; tests/test_rate_limits.py turns them on.
            "RATELIMIT_ENABLED": False,
            **overrides,
        }
    )
    with app.app_context():
        create_all_tables()
    return app


@pytest.fixture
def app(tmp_path, database_url):
    """An application on its own database, with its tables created."""
    app = make_app(tmp_path, database_url)
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


PASSWORD = "correct horse battery"
TOKEN_RE = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"'
)


class AuthActions:
    """Log in and out like a browser, and post forms with their CSRF token."""

    def __init__(self, client):
        self._client = client

    def token(self) -> str:
        """A CSRF token for this client's session, read from a form page ("" when CSRF is off)."""
        html = self._client.get("/account/reset").get_data(as_text=True)
        match = TOKEN_RE.search(html)
        return (match.group(1) or match.group(2)) if match else ""

    def post(self, url: str, data: dict | None = None, **kwargs):
        """POST a form with a valid CSRF token."""
        return self._client.post(url, data={"csrf_token": self.token(), **(data or {})}, **kwargs)

    def login(self, email: str, password: str = PASSWORD, next: str | None = None):
        """Log in through the login form."""
        url = "/account/login" + (f"?next={next}" if next else "")
        return self.post(url, {"email": email, "password": password})

    def logout(self):
        """Log out through the log-out button."""
        return self.post("/account/logout")


@pytest.fixture
def auth(client):
    """Browser-like log in, log out and form posting for ``client``."""
    return AuthActions(client)


def make_user(
    app, email: str, role: str = "customer", vendor: str | None = None, password: str = PASSWORD
) -> int:
    """Create a user (an ISV member of the vendor with slug ``vendor``); return its id."""
    with app.app_context():
        links = {}
        if vendor:
            links["vendor"] = db.session.scalar(db.select(Vendor).where(Vendor.slug == vendor))
        user = account_operations.create_user(
            email, email.split("@")[0].title(), password, role, **links
        )
        db.session.commit()
        return user.id


def read_mail(app) -> list:
    """Every message the file mail backend wrote, oldest first."""
    folder = Path(app.config["MAIL_FILE_DIR"])
    files = (
        sorted(folder.glob("*.eml"), key=lambda path: path.stat().st_mtime_ns)
        if folder.exists()
        else []
    )
    return [message_from_bytes(path.read_bytes(), policy=policy.default) for path in files]


def link_in(message) -> str:
    """The path of the first link to this site in a message."""
    body = message.get_body(("plain",)).get_content()
    return re.search(r"https?://catalog\.test(/\S+)", body).group(1)


VENDOR_A = "northwind-software"
VENDOR_B = "contoso"
APP_A = "mail-shield"
APP_B = "contoso-backup"


@pytest.fixture
def world(app):
    """Two vendors with one app each and a user of every role; returns the e-mails by role."""
    add_apps(
        app,
        app_record(APP_A, support={"forum_url": "https://forum.example.org/c/shield"}),
        app_record(APP_B, vendor={"name": "Contoso", "slug": VENDOR_B}, category="Backup"),
    )
    users = {
        "customer": ("customer@example.com", "customer", None),
        "isv_a": ("dev@northwind.example", "isv", VENDOR_A),
        "isv_b": ("dev@contoso.example", "isv", VENDOR_B),
        "staff": ("staff@example.com", "staff", None),
        "admin": ("admin@example.com", "admin", None),
    }
    for email, role, vendor in users.values():
        make_user(app, email, role, vendor)
    return {key: email for key, (email, _, _) in users.items()}


@pytest.fixture(autouse=True)
def instant_search_refresh(monkeypatch):
    """Cached searchers see every index commit at once (production checks every second)."""
    from catalog.search.engine import searcher

    monkeypatch.setattr(searcher, "REFRESH_SECONDS", 0.0)


def build_index(app) -> int:
    """Rebuild the app's search index from its database (one process, as tests run many)."""
    from catalog.search.indexing import sync

    with app.app_context():
        count = sync.reindex(app.config["SEARCH_INDEX_DIR"], procs=1)
        db.session.remove()
        return count


def user_id(app, email: str) -> int:
    """The id of the user with this e-mail address."""
    from catalog.accounts.models import User

    with app.app_context():
        return db.session.scalar(db.select(User.id).where(User.email == email))


@pytest.fixture
def forum(app, world):
    """APP_A's dedicated section and a general one, a thread by the customer with a reply by
    ISV A, and articles of every visibility; returns their ids and slugs."""
    from catalog.accounts.models import User
    from catalog.db import utcnow
    from catalog.forum import articles
    from catalog.forum import operations as forum_operations
    from catalog.forum.sections import ensure_app_section
    from catalog.forum.sections import ensure_general_sections
    from catalog.marketplace.models import App

    with app.app_context():
        now = utcnow()
        ensure_general_sections()
        section = ensure_app_section(
            db.session.scalar(db.select(App).where(App.slug == APP_A)), now
        )
        customer = db.session.scalar(db.select(User).where(User.email == world["customer"]))
        isv = db.session.scalar(db.select(User).where(User.email == world["isv_a"]))
        thread = forum_operations.start_thread(
            section,
            customer,
            "Quarantine digest never arrives",
            "The daily quarantine digest stopped after the upgrade.",
            now,
        )
        reply = forum_operations.reply(
            thread, isv, "Re-enable the digest task in the scheduler.", now
        )
        made = {}
        for visibility in ("public", "customers", "staff"):
            values = {
                "title": f"Runbook {visibility} zebrafinch",
                "body": f"Only for {visibility} readers: zebrafinch.",
                "visibility": visibility,
                "status": "published",
                "source": "fresh",
            }
            made[visibility] = articles.save_article(None, values, None, now).id
        draft = articles.save_article(
            None,
            {
                "title": "Draft about zebrafinch",
                "body": "Unfinished zebrafinch.",
                "visibility": "public",
                "status": "draft",
            },
            None,
            now,
        )
        db.session.commit()
        return {
            "section": section.slug,
            "thread_id": thread.id,
            "reply_id": reply.id,
            "opening_id": thread.posts[0].id,
            "article": made,
            "draft_id": draft.id,
        }
