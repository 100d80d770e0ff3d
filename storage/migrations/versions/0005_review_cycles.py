"""Quarterly reviews, key-rotation reminders and nudges for proposals left waiting.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("integrations") as batch:
        batch.add_column(sa.Column("rotated_at", TS, nullable=True))
        batch.add_column(sa.Column("orphaned_at", TS, nullable=True))
        batch.add_column(sa.Column("nudged_for", TS, nullable=True))
        batch.add_column(sa.Column("escalated_for", TS, nullable=True))
    op.create_table(
        "review_threads",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("owner_id", sa.String(32), nullable=False),
        sa.Column("opened_on", sa.Date, nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("ts", sa.String(32), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.UniqueConstraint("owner_id", "opened_on", name="uq_review_thread_per_day"),
    )
    op.create_table(
        "review_cycles",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("integration_id", sa.Integer, sa.ForeignKey("integrations.id"), nullable=False, index=True),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("due_on", sa.Date, nullable=False),
        sa.Column("owner_id", sa.String(32), nullable=False, index=True),
        sa.Column("status", sa.String(12), nullable=False, index=True),
        sa.Column("claimed_until", TS, nullable=True),
        sa.Column("thread_id", sa.Integer, sa.ForeignKey("review_threads.id"), nullable=True),
        sa.Column("channel", sa.String(32), nullable=True),
        sa.Column("ts", sa.String(32), nullable=True),
        sa.Column("sent_at", TS, nullable=True),
        sa.Column("reminders_sent", sa.Integer, nullable=False),
        sa.Column("escalated_at", TS, nullable=True),
        sa.Column("answered_at", TS, nullable=True),
        sa.Column("answered_by", sa.String(32), nullable=True),
        sa.Column("outcome", sa.String(20), nullable=True),
        sa.Column("answer", sa.JSON, nullable=True),
        sa.Column("last_error", sa.String(200), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.UniqueConstraint("integration_id", "kind", "due_on", name="uq_review_cycle"),
    )


def downgrade() -> None:
    op.drop_table("review_cycles")
    op.drop_table("review_threads")
    with op.batch_alter_table("integrations") as batch:
        batch.drop_column("escalated_for")
        batch.drop_column("nudged_for")
        batch.drop_column("orphaned_at")
        batch.drop_column("rotated_at")
