"""Add poitiers_request.notified: when the requester was last told of the answer by email.

Revision ID: b7e2d9c4f1a3
Revises: a1c0f3e2b7d4
Create Date: 2026-11-27 01:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = "b7e2d9c4f1a3"
down_revision = "a1c0f3e2b7d4"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("poitiers_request", sa.Column("notified", sa.DateTime, nullable=True))


def downgrade():
    op.drop_column("poitiers_request", "notified")
