"""The support desk: hand-offs, assignment, internal notes, profiles and notifications

- ``ticket_handoff``: a request moving between channels under one reference (proposed,
  accepted, declined, withdrawn), with the terms and clocks of the channel it left.
- ``ticket``: ``assignee_id``, ``forum_thread_id`` (the thread it was escalated from) and
  ``counts_as_incident`` (false once staff return it to the month's quota; existing tickets
  count, as they did).
- ``ticket_message.internal``: notes for the agent side only (existing messages are public).
- ``consulting_quote.currency``: existing quotes were shown in the site's currency; they get
  EUR, the default CURRENCY. A site that set another CURRENCY should update the column.
- ``forum_thread``: ``support_number`` and ``reference`` for threads opened by the request
  wizard (from the ticket number sequence, so a reference is never reused).
- ``user_account``: ``timezone``, ``pending_email``, ``notification_prefs``, ``daily_digest``,
  ``digest_sent_at``; ``user_notification``: the notifications list.

Revision ID: c13a0desk
Revises: c12b0invitations
Create Date: 2026-12-01 01:31:30.871916

"""

import warnings

import sqlalchemy as sa
from alembic import op

import catalog.db

# revision identifiers, used by Alembic.
revision = "c13a0desk"
down_revision = "c12b0invitations"
branch_labels = None
depends_on = None


def upgrade():
    # On SQLite, batch mode reflects related tables and warns that it cannot reflect the app
    # table's expression index (which it does not need to rebuild these tables).
    with warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore", "Skipped unsupported reflection of expression-based index"
        )
        _upgrade()


def _upgrade():
    op.create_table(
        "ticket_handoff",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=40), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("thread_id", sa.Integer(), nullable=True),
        sa.Column("source_channel", sa.String(length=20), nullable=False),
        sa.Column("target_channel", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("clock_policy", sa.String(length=20), nullable=False),
        sa.Column("proposed_by_id", sa.Integer(), nullable=True),
        sa.Column("proposed_at", catalog.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", catalog.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("previous_snapshot", sa.JSON(), nullable=True),
        sa.Column("previous_clocks", sa.JSON(), nullable=True),
        sa.CheckConstraint(
            "status IN ('proposed', 'accepted', 'declined', 'withdrawn')",
            name=op.f("ck_ticket_handoff_handoff_status"),
        ),
        sa.CheckConstraint(
            "ticket_id IS NOT NULL OR thread_id IS NOT NULL",
            name=op.f("ck_ticket_handoff_handoff_subject"),
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["user_account.id"],
            name=op.f("fk_ticket_handoff_decided_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["proposed_by_id"],
            ["user_account.id"],
            name=op.f("fk_ticket_handoff_proposed_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["thread_id"],
            ["forum_thread.id"],
            name=op.f("fk_ticket_handoff_thread_id_forum_thread"),
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["ticket.id"], name=op.f("fk_ticket_handoff_ticket_id_ticket")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket_handoff")),
    )
    with op.batch_alter_table("ticket_handoff", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ticket_handoff_reference"), ["reference"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_ticket_handoff_thread_id"), ["thread_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_ticket_handoff_ticket_id"), ["ticket_id"], unique=False
        )

    op.create_table(
        "user_notification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("link", sa.String(length=300), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("thread_id", sa.Integer(), nullable=True),
        sa.Column("created_at", catalog.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("read_at", catalog.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("digested_at", catalog.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["thread_id"],
            ["forum_thread.id"],
            name=op.f("fk_user_notification_thread_id_forum_thread"),
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["ticket.id"], name=op.f("fk_user_notification_ticket_id_ticket")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_user_notification_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_notification")),
    )
    with op.batch_alter_table("user_notification", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_user_notification_created_at"), ["created_at"], unique=False
        )
        batch_op.create_index(
            "ix_user_notification_user_read", ["user_id", "read_at"], unique=False
        )

    with op.batch_alter_table("consulting_quote", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("currency", sa.String(length=3), server_default="EUR", nullable=False)
        )

    with op.batch_alter_table("forum_thread", schema=None) as batch_op:
        batch_op.add_column(sa.Column("support_number", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("reference", sa.String(length=40), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_forum_thread_reference"), ["reference"])
        batch_op.create_unique_constraint(
            batch_op.f("uq_forum_thread_support_number"), ["support_number"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_forum_thread_support_number_ticket_number"),
            "ticket_number",
            ["support_number"],
            ["id"],
        )

    with op.batch_alter_table("ticket", schema=None) as batch_op:
        batch_op.add_column(sa.Column("assignee_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("forum_thread_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("counts_as_incident", sa.Boolean(), server_default=sa.true(), nullable=False)
        )
        batch_op.create_index(batch_op.f("ix_ticket_assignee_id"), ["assignee_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_ticket_forum_thread_id"), ["forum_thread_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_ticket_forum_thread_id_forum_thread"),
            "forum_thread",
            ["forum_thread_id"],
            ["id"],
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_ticket_assignee_id_user_account"),
            "user_account",
            ["assignee_id"],
            ["id"],
        )

    with op.batch_alter_table("ticket_message", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("internal", sa.Boolean(), server_default=sa.false(), nullable=False)
        )

    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("timezone", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("pending_email", sa.String(length=254), nullable=True))
        batch_op.add_column(
            sa.Column("notification_prefs", sa.JSON(), server_default="{}", nullable=False)
        )
        batch_op.add_column(
            sa.Column("daily_digest", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(
            sa.Column("digest_sent_at", catalog.db.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade():
    with warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore", "Skipped unsupported reflection of expression-based index"
        )
        _downgrade()


def _downgrade():
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_column("digest_sent_at")
        batch_op.drop_column("daily_digest")
        batch_op.drop_column("notification_prefs")
        batch_op.drop_column("pending_email")
        batch_op.drop_column("timezone")

    with op.batch_alter_table("ticket_message", schema=None) as batch_op:
        batch_op.drop_column("internal")

    with op.batch_alter_table("ticket", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_ticket_assignee_id_user_account"), type_="foreignkey"
        )
        batch_op.drop_constraint(
            batch_op.f("fk_ticket_forum_thread_id_forum_thread"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_ticket_forum_thread_id"))
        batch_op.drop_index(batch_op.f("ix_ticket_assignee_id"))
        batch_op.drop_column("counts_as_incident")
        batch_op.drop_column("forum_thread_id")
        batch_op.drop_column("assignee_id")

    with op.batch_alter_table("forum_thread", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_forum_thread_support_number_ticket_number"), type_="foreignkey"
        )
        batch_op.drop_constraint(batch_op.f("uq_forum_thread_support_number"), type_="unique")
        batch_op.drop_constraint(batch_op.f("uq_forum_thread_reference"), type_="unique")
        batch_op.drop_column("reference")
        batch_op.drop_column("support_number")

    with op.batch_alter_table("consulting_quote", schema=None) as batch_op:
        batch_op.drop_column("currency")

    with op.batch_alter_table("user_notification", schema=None) as batch_op:
        batch_op.drop_index("ix_user_notification_user_read")
        batch_op.drop_index(batch_op.f("ix_user_notification_created_at"))

    op.drop_table("user_notification")
    with op.batch_alter_table("ticket_handoff", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ticket_handoff_ticket_id"))
        batch_op.drop_index(batch_op.f("ix_ticket_handoff_thread_id"))
        batch_op.drop_index(batch_op.f("ix_ticket_handoff_reference"))

    op.drop_table("ticket_handoff")
