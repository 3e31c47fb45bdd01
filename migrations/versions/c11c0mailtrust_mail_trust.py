"""Authenticated mail: reply tokens, quarantine, held requests

Revision ID: c11c0mailtrust
Revises: c11b0integrity
Create Date: 2026-11-30 21:10:00

"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

import catalog.db  # noqa: F401

# revision identifiers, used by Alembic.
revision = "c11c0mailtrust"
down_revision = "c11b0integrity"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
