"""Create the poitiers_request table (dataset proposals and problem reports).

Revision ID: a1c0f3e2b7d4
Revises:
Create Date: 2026-11-25 21:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = "a1c0f3e2b7d4"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "poitiers_request",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("kind", sa.UnicodeText, nullable=False),
        sa.Column("title", sa.UnicodeText, nullable=False),
        sa.Column("message", sa.UnicodeText, nullable=False),
        sa.Column("dataset_id", sa.UnicodeText, nullable=True),
        sa.Column("name", sa.UnicodeText, nullable=True),
        sa.Column("email", sa.UnicodeText, nullable=True),
        sa.Column("user_id", sa.UnicodeText, nullable=True),
        sa.Column("status", sa.UnicodeText, nullable=False, server_default="open"),
        sa.Column("answer", sa.UnicodeText, nullable=True),
        sa.Column("answered_by", sa.UnicodeText, nullable=True),
        sa.Column("created", sa.DateTime, nullable=False, server_default=sa.func.now()),
        sa.Column("answered", sa.DateTime, nullable=True),
    )
    op.create_index("idx_poitiers_request_status", "poitiers_request", ["status", "created"])


def downgrade():
    op.drop_index("idx_poitiers_request_status", table_name="poitiers_request")
    op.drop_table("poitiers_request")
