"""Integration proposals with their scores and economics.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "integrations",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("title", sa.String(120), nullable=False),
        sa.Column("purpose", sa.Text, nullable=False),
        sa.Column("source_tool_id", sa.Integer, sa.ForeignKey("tools.id"), nullable=False, index=True),
        sa.Column("target_tool_id", sa.Integer, sa.ForeignKey("tools.id"), nullable=False, index=True),
        sa.Column("trigger", sa.String(300), nullable=False),
        sa.Column("actions", sa.Text, nullable=False),
        sa.Column("data_kinds", sa.JSON, nullable=False),
        sa.Column("mapping", sa.JSON, nullable=False),
        sa.Column("direction", sa.String(20), nullable=False),
        sa.Column("source_of_truth", sa.Text, nullable=False),
        sa.Column("conflict_rule", sa.String(20), nullable=True),
        sa.Column("timing", sa.String(20), nullable=False),
        sa.Column("batch_minutes", sa.Integer, nullable=True),
        sa.Column("method", sa.String(20), nullable=False),
        sa.Column("method_reason", sa.Text, nullable=False),
        sa.Column("effort_hours", sa.Numeric(10, 2), nullable=False),
        sa.Column("owner_id", sa.String(32), nullable=False, index=True),
        sa.Column("proposer_id", sa.String(32), nullable=False, index=True),
        sa.Column("frequency", sa.Integer, nullable=False),
        sa.Column("impact", sa.Integer, nullable=False),
        sa.Column("feasibility", sa.Integer, nullable=False),
        sa.Column("hours_per_week", sa.Numeric(10, 2), nullable=False),
        sa.Column("monthly_cost", sa.Numeric(12, 2), nullable=False),
        sa.Column("score", sa.Integer, nullable=False),
        sa.Column("payback_months", sa.Numeric(10, 1), nullable=True),
        sa.Column("state", sa.String(24), nullable=False, index=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.CheckConstraint(
            "frequency BETWEEN 1 AND 5 AND impact BETWEEN 1 AND 5 AND feasibility BETWEEN 1 AND 5",
            name="ck_integrations_scores",
        ),
        sa.CheckConstraint("source_tool_id <> target_tool_id", name="ck_integrations_two_tools"),
    )
    op.create_index("ix_integrations_rank", "integrations", ["state", "score", "payback_months"])


def downgrade() -> None:
    op.drop_table("integrations")
