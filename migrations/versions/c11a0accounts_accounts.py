"""Accounts trust: login attempts, session generation, verified addresses

Revision ID: c11a0accounts
Revises: b48c8351d4c9
Create Date: 2026-11-30 21:10:00

"""

import sqlalchemy as sa
from alembic import op

import catalog.db

# revision identifiers, used by Alembic.
revision = "c11a0accounts"
down_revision = "b48c8351d4c9"
branch_labels = None
depends_on = None


def upgrade():
    # Attempts are counted per key with a conditional UPDATE; the failure log goes.
    op.create_table(
        "login_throttle",
        sa.Column("key", sa.String(length=400), nullable=False),
        sa.Column("window_start", catalog.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_login_throttle")),
    )
    with op.batch_alter_table("login_throttle", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_login_throttle_window_start"), ["window_start"], unique=False
        )
    with op.batch_alter_table("login_failure", schema=None) as batch_op:
        batch_op.drop_index("ix_login_failure_email_at")
        batch_op.drop_index("ix_login_failure_address_at")
    op.drop_table("login_failure")

    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("email_verified_at", catalog.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("session_generation", sa.Integer(), server_default="0", nullable=False)
        )
    # Accounts made before sign-up verified addresses count as verified (demo users, users made
    # by create-user or an invitation, and earlier sign-ups alike).
    user_account = sa.table(
        "user_account",
        sa.column("created_at", catalog.db.UTCDateTime(timezone=True)),
        sa.column("email_verified_at", catalog.db.UTCDateTime(timezone=True)),
    )
    op.execute(
        user_account.update()
        .where(user_account.c.email_verified_at.is_(None))
        .values(email_verified_at=user_account.c.created_at)
    )


def downgrade():
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_column("session_generation")
        batch_op.drop_column("email_verified_at")

    op.create_table(
        "login_failure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("at", catalog.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_failure")),
    )
    with op.batch_alter_table("login_failure", schema=None) as batch_op:
        batch_op.create_index("ix_login_failure_address_at", ["address", "at"], unique=False)
        batch_op.create_index("ix_login_failure_email_at", ["email", "at"], unique=False)
    with op.batch_alter_table("login_throttle", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_login_throttle_window_start"))
    op.drop_table("login_throttle")
