"""Data flows between tools (the stack map) and success measures of live integrations.

A flow names the integration that automates it, or the proposal made from it, in `integration_id`.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "flows",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("source_tool_id", sa.Integer, sa.ForeignKey("tools.id"), nullable=False, index=True),
        sa.Column("target_tool_id", sa.Integer, sa.ForeignKey("tools.id"), nullable=False, index=True),
        sa.Column("data", sa.String(200), nullable=False),
        sa.Column("data_kinds", sa.JSON, nullable=False),
        sa.Column("mode", sa.String(20), nullable=False, index=True),
        sa.Column("integration_id", sa.Integer, sa.ForeignKey("integrations.id"), nullable=True, index=True),
        sa.Column("times_per_week", sa.Numeric(10, 2), nullable=False),
        sa.Column("minutes_each", sa.Integer, nullable=False),
        sa.Column("done_by", sa.String(32), nullable=True),
        sa.Column("created_by", sa.String(32), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("automated_at", TS, nullable=True),
    )
    op.create_table(
        "measurements",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("integration_id", sa.Integer, sa.ForeignKey("integrations.id"), nullable=False, index=True),
        sa.Column("recorded_at", TS, nullable=False),
        sa.Column("hours_saved_per_week", sa.Numeric(10, 2), nullable=False),
        sa.Column("errors_avoided", sa.Integer, nullable=False),
        sa.Column("freshness_minutes", sa.Integer, nullable=False),
        sa.Column("recorded_by", sa.String(32), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("measurements")
    op.drop_table("flows")
