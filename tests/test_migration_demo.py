"""Upgrading a database that holds the demo data of the previous release keeps and converts it.

``tests/data/demo_at_c11c0mailtrust.json`` is the business part of ``load-demo`` as revision
``c11c0mailtrust`` stored it (catalog, accounts, plans, subscriptions, a ticket and its mail;
the forum is left out: no migration since touches it). The test writes it into a database at
that revision, upgrades to the newest one, and checks what the upgrade had to convert: the
plans' free-text contact methods became columns, severity 1's 24×7 flag became the list of
24×7 severities, and every row is still there. The desk's columns (``c13a0desk``) start as the
old behaviour was: tickets count against the month's incidents, messages are public, nobody is
assigned, users follow their organisation's zone and get every mail. It runs on SQLite and, under
``scripts/test-postgres``, on PostgreSQL.
"""

import base64
import json
import warnings
from datetime import date
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa
from flask_migrate import upgrade
from sqlalchemy import MetaData
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import text

from catalog.accounts.models import User
from catalog.extensions import db
from catalog.support.plans.models import Plan
from catalog.support.plans.models import Subscription
from catalog.support.tickets.models import Ticket
from tests.test_migrations import _app
from tests.test_migrations import _differences

DATA = Path(__file__).parent / "data" / "demo_at_c11c0mailtrust.json"
REVISION = "c11c0mailtrust"


def _value(column: sa.Column, value):
    """A value of the JSON dump as the column's type wants it."""
    if value is None:
        return None
    kind = column.type
    if isinstance(kind, sa.JSON):
        return json.loads(value) if isinstance(value, str) else value
    if isinstance(kind, sa.LargeBinary):
        return base64.b64decode(value["base64"])
    if isinstance(kind, sa.DateTime):
        return datetime.fromisoformat(value)
    if isinstance(kind, sa.Date):
        return date.fromisoformat(value)
    if isinstance(kind, sa.Boolean):
        return bool(value)
    if isinstance(kind, sa.Numeric) and not isinstance(kind, (sa.Integer, sa.Float)):
        return Decimal(str(value))
    return value


def _write_old_demo(app) -> dict[str, int]:
    """The dump written into the old schema, table by table; returns the row counts."""
    dump = json.loads(DATA.read_text())
    with app.app_context():
        metadata = MetaData()
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression")
            metadata.reflect(db.engine, only=list(dump))
        with db.engine.begin() as connection:
            for table in metadata.sorted_tables:
                rows = [
                    {key: _value(table.c[key], value) for key, value in row.items()}
                    for row in dump[table.name]
                ]
                if rows:
                    connection.execute(table.insert(), rows)
            if connection.dialect.name == "postgresql":
                _restart_sequences(connection, metadata)
        db.engine.dispose()
    return {table: len(rows) for table, rows in dump.items()}


def _restart_sequences(connection, metadata: MetaData) -> None:
    """Rows inserted with their ids leave PostgreSQL's sequences behind: move them on."""
    for table in metadata.sorted_tables:
        if "id" in table.c and isinstance(table.c.id.type, sa.Integer):
            connection.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"(SELECT coalesce(max(id), 0) + 1 FROM {table.name}), false)"
                )
            )


def test_upgrading_the_previous_demo_keeps_every_row_and_converts_the_plans(make_database):
    app = _app(make_database("demo"))
    with app.app_context():
        upgrade(revision=REVISION)
        db.engine.dispose()
    counts = _write_old_demo(app)
    with app.app_context():
        upgrade()
        for table, count in counts.items():
            assert db.session.scalar(text(f"SELECT count(*) FROM {table}")) == count, table
        plans = {plan.slug: plan for plan in db.session.scalars(select(Plan))}
        level_2, level_3, basic = plans["level-2"], plans["level-3"], plans["basic"]
        assert (level_2.phone, level_2.chat_experts, level_2.remote_session) == (True, 3, False)
        assert (level_3.chat_experts, level_3.remote_session) == (7, True)
        assert level_3.around_the_clock == ["1"] and level_2.around_the_clock == []
        assert (basic.email, basic.phone, basic.chat_experts) == (True, False, None)
        assert all(plan.covers_all_apps and plan.retired_at is None for plan in plans.values())
        assert db.session.scalar(select(func.min(Subscription.environments))) == 1
        ticket = db.session.scalar(select(Ticket))
        assert ticket.terms_snapshot["sev1_24x7"] is False  # history is not rewritten
        assert ticket.counts_as_incident is True and ticket.assignee_id is None
        assert ticket.forum_thread_id is None and ticket.handoffs == []
        assert [message.internal for message in ticket.messages] == [False]
        users = list(db.session.scalars(select(User)))
        assert {(u.timezone, u.pending_email, u.daily_digest) for u in users} == {
            (None, None, False)
        }
        assert all(user.notification_prefs == {} for user in users)
        db.session.remove()
        db.engine.dispose()
    assert _differences(app) == []


def test_the_upgraded_demo_serves_its_pages_and_takes_load_demo_again(make_database):
    app = _app(make_database("demo"))
    with app.app_context():
        upgrade(revision=REVISION)
        db.engine.dispose()
    _write_old_demo(app)
    with app.app_context():
        upgrade()
        db.session.remove()
    result = app.test_cli_runner().invoke(args=["load-demo"])
    assert result.exit_code == 0, result.output
    client = app.test_client()
    assert client.get("/apps/mailguard-antispam").status_code == 200
    with app.app_context():
        assert db.session.scalar(select(func.count(Plan.id))) == 4
        db.session.remove()
        db.engine.dispose()
