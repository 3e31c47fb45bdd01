"""Authenticated mail: reply tokens, quarantine, held requests

Revision ID: c11c0mailtrust
Revises: c11b0integrity
Create Date: 2026-11-30 21:10:00

"""

import contextlib
import warnings

import sqlalchemy as sa
from alembic import op

import catalog.db

# revision identifiers, used by Alembic.
revision = "c11c0mailtrust"
down_revision = "c11b0integrity"
branch_labels = None
depends_on = None


def upgrade():
    # Existing log rows get an empty excerpt (the default fills them), then the default goes.
    with _expression_index_skipped(), op.batch_alter_table("mail_inbound") as batch_op:
        batch_op.add_column(sa.Column("excerpt", sa.Text(), nullable=False, server_default=""))
        batch_op.create_index(
            "ix_mail_inbound_outcome_received", ["outcome", "received_at"], unique=False
        )
    with _expression_index_skipped(), op.batch_alter_table("mail_inbound") as batch_op:
        batch_op.alter_column("excerpt", server_default=None)

    op.create_table(
        "mail_reply_token",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("created_at", catalog.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", catalog.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["ticket.id"], name=op.f("fk_mail_reply_token_ticket_id_ticket")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_mail_reply_token_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_reply_token")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_mail_reply_token_token_hash")),
    )
    with op.batch_alter_table("mail_reply_token", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_mail_reply_token_ticket_id"), ["ticket_id"], unique=False
        )
        batch_op.create_index(
            "ix_mail_reply_token_user_ticket", ["user_id", "ticket_id"], unique=False
        )

    op.create_table(
        "mail_held_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("app_id", sa.Integer(), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("raw", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", catalog.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", catalog.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("confirmed_at", catalog.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["app_id"], ["app.id"], name=op.f("fk_mail_held_request_app_id_app")
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["ticket.id"], name=op.f("fk_mail_held_request_ticket_id_ticket")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_mail_held_request_user_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_held_request")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_mail_held_request_token_hash")),
    )
    with op.batch_alter_table("mail_held_request", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mail_held_request_user_id"), ["user_id"], unique=False)


def downgrade():
    with op.batch_alter_table("mail_held_request", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mail_held_request_user_id"))
    op.drop_table("mail_held_request")
    with op.batch_alter_table("mail_reply_token", schema=None) as batch_op:
        batch_op.drop_index("ix_mail_reply_token_user_ticket")
        batch_op.drop_index(batch_op.f("ix_mail_reply_token_ticket_id"))
    op.drop_table("mail_reply_token")
    with _expression_index_skipped(), op.batch_alter_table("mail_inbound") as batch_op:
        batch_op.drop_index("ix_mail_inbound_outcome_received")
        batch_op.drop_column("excerpt")


@contextlib.contextmanager
def _expression_index_skipped():
    """SQLite's batch mode reflects the tables ``mail_inbound`` refers to, ``app`` among them,
    whose ``lower(name)`` expression index reflection cannot read (and need not: it is not
    copied): no warning."""
    with warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore", "Skipped unsupported reflection of expression-based index"
        )
        yield
