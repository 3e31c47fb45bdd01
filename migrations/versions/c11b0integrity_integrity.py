"""Integrity: unique app names, counters, one-time form tokens

Revision ID: c11b0integrity
Revises: c11a0accounts
Create Date: 2026-11-30 21:10:00

"""

import warnings
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

import catalog.db

# revision identifiers, used by Alembic.
revision = "c11b0integrity"
down_revision = "c11a0accounts"
branch_labels = None
depends_on = None

NAME_LENGTH = 120


def _key(name: str) -> str:
    """The name as compared for uniqueness (``records.name_key`` as of this revision)."""
    return " ".join(name.casefold().split())


def _fill_name_keys() -> None:
    """Give every app its name key; a name another app already had gets a suffix " (2)" …."""
    app = sa.table("app", sa.column("id", sa.Integer), sa.column("name"), sa.column("name_key"))
    connection = op.get_bind()
    rows = connection.execute(sa.select(app.c.id, app.c.name).order_by(app.c.id)).all()
    taken = set()
    for app_id, name in rows:
        new_name, number = name, 1
        while _key(new_name) in taken:
            number += 1
            suffix = f" ({number})"
            new_name = name[: NAME_LENGTH - len(suffix)] + suffix
        taken.add(_key(new_name))
        connection.execute(
            app.update().where(app.c.id == app_id).values(name=new_name, name_key=_key(new_name))
        )


def upgrade():
    with op.batch_alter_table("app", schema=None) as batch_op:
        batch_op.add_column(sa.Column("name_key", sa.String(length=360), nullable=True))
    _fill_name_keys()
    with _expression_index_skipped(), op.batch_alter_table("app", schema=None) as batch_op:
        batch_op.alter_column("name_key", existing_type=sa.String(length=360), nullable=False)
        batch_op.create_unique_constraint(batch_op.f("uq_app_name_key"), ["name_key"])
    _restore_expression_index()

    op.create_table(
        "form_submission",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("result_url", sa.String(length=500), nullable=False),
        sa.Column("created_at", catalog.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_form_submission_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_form_submission")),
        sa.UniqueConstraint("token", name=op.f("uq_form_submission_token")),
    )
    with op.batch_alter_table("form_submission", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_form_submission_created_at"), ["created_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_form_submission_user_id"), ["user_id"], unique=False)


@contextmanager
def _expression_index_skipped():
    """Reflection cannot read the expression index (it is made again afterwards): no warning."""
    with warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore", "Skipped unsupported reflection of expression-based index"
        )
        yield


def _restore_expression_index() -> None:
    """SQLite's batch mode copies the table without its expression index: make it again."""
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute("DROP INDEX IF EXISTS ix_app_published_lower_name")
    op.create_index(
        "ix_app_published_lower_name", "app", ["published", sa.text("lower(name)"), "id"]
    )


def downgrade():
    with op.batch_alter_table("form_submission", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_form_submission_user_id"))
        batch_op.drop_index(batch_op.f("ix_form_submission_created_at"))
    op.drop_table("form_submission")

    with _expression_index_skipped(), op.batch_alter_table("app", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_app_name_key"), type_="unique")
        batch_op.drop_column("name_key")
    _restore_expression_index()
