"""Accounts trust: login attempts, session generation, verified addresses

Revision ID: c11a0accounts
Revises: b48c8351d4c9
Create Date: 2026-11-30 21:10:00

"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

import catalog.db  # noqa: F401

# revision identifiers, used by Alembic.
revision = "c11a0accounts"
down_revision = "b48c8351d4c9"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
