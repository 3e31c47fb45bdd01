"""Organisation invitations as rows: single-use, withdrawable, expiring

An invitation link used to carry the organisation, address and role, signed, and nothing
recorded its use: a removed member could rejoin with it until it expired. The link now names an
``organisation_invitation`` row, which records when it was accepted (and by whom) or withdrawn.
Links mailed before this migration name no row and stop working; invite again.

Revision ID: c12b0invitations
Revises: c12a0business
Create Date: 2026-12-01 00:10:00

"""

import sqlalchemy as sa
from alembic import op

import catalog.db

# revision identifiers, used by Alembic.
revision = "c12b0invitations"
down_revision = "c12a0business"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "organisation_invitation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("role", sa.String(length=10), nullable=False),
        sa.Column("invited_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", catalog.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", catalog.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("accepted_at", catalog.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("accepted_by_id", sa.Integer(), nullable=True),
        sa.Column("withdrawn_at", catalog.db.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "role IN ('member', 'admin')", name=op.f("ck_organisation_invitation_known_role")
        ),
        sa.ForeignKeyConstraint(
            ["accepted_by_id"],
            ["user_account.id"],
            name=op.f("fk_organisation_invitation_accepted_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["invited_by_id"],
            ["user_account.id"],
            name=op.f("fk_organisation_invitation_invited_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_organisation_invitation_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisation_invitation")),
    )
    op.create_index(
        "ix_organisation_invitation_organisation_id",
        "organisation_invitation",
        ["organisation_id"],
    )


def downgrade():
    op.drop_index(
        "ix_organisation_invitation_organisation_id", table_name="organisation_invitation"
    )
    op.drop_table("organisation_invitation")
