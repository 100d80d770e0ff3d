"""Run-health thresholds an integration sets for itself, and when it was retested after a suspension.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("integrations", sa.Column("retested_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "integration_thresholds",
        sa.Column("integration_id", sa.Integer, sa.ForeignKey("integrations.id"), primary_key=True),
        sa.Column("overrides", sa.JSON, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(32), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("integration_thresholds")
    op.drop_column("integrations", "retested_at")
