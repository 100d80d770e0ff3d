"""Run health: ingest tokens, reported runs, their hourly rollups, incidents and first-month check-ins.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)


def _integration() -> sa.ForeignKey:
    return sa.ForeignKey("integrations.id")


def upgrade() -> None:
    op.create_table(
        "ingest_tokens",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("integration_id", sa.Integer, _integration(), nullable=False, index=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("hint", sa.String(16), nullable=False),
        sa.Column("created_by", sa.String(32), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("revoked_at", TS, nullable=True),
    )
    op.create_table(
        "runs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("integration_id", sa.Integer, _integration(), nullable=False),
        sa.Column("run_id", sa.String(200), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("started_at", TS, nullable=False),
        sa.Column("finished_at", TS, nullable=False),
        sa.Column("duration_ms", sa.Integer, nullable=False),
        sa.Column("records", sa.Integer, nullable=True),
        sa.Column("error", sa.Text, nullable=False),
        sa.Column("source_event_at", TS, nullable=True),
        sa.Column("received_at", TS, nullable=False, index=True),
        sa.UniqueConstraint("integration_id", "run_id", name="uq_run_once"),
        sa.Index("ix_runs_recent", "integration_id", "finished_at"),
    )
    op.create_table(
        "run_hours",
        sa.Column("integration_id", sa.Integer, _integration(), primary_key=True),
        sa.Column("hour", TS, primary_key=True),
        sa.Column("runs", sa.Integer, nullable=False),
        sa.Column("successes", sa.Integer, nullable=False),
        sa.Column("errors", sa.Integer, nullable=False),
        sa.Column("partials", sa.Integer, nullable=False),
        sa.Column("records", sa.Integer, nullable=False),
        sa.Column("counted_runs", sa.Integer, nullable=False),
        sa.Column("lag_seconds", sa.Integer, nullable=False),
        sa.Column("lagged_runs", sa.Integer, nullable=False),
        sa.Column("last_success_at", TS, nullable=True),
    )
    op.create_table(
        "run_durations",
        sa.Column("integration_id", sa.Integer, _integration(), primary_key=True),
        sa.Column("hour", TS, primary_key=True),
        sa.Column("bucket", sa.Integer, primary_key=True),
        sa.Column("runs", sa.Integer, nullable=False),
    )
    op.create_table(
        "incidents",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("integration_id", sa.Integer, _integration(), nullable=False, index=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("open_key", sa.String(40), nullable=True, unique=True),
        sa.Column("detail", sa.JSON, nullable=False),
        sa.Column("opened_at", TS, nullable=False),
        sa.Column("acknowledged_at", TS, nullable=True),
        sa.Column("acknowledged_by", sa.String(32), nullable=True),
        sa.Column("snoozed_until", TS, nullable=True),
        sa.Column("escalated_at", TS, nullable=True),
        sa.Column("closed_at", TS, nullable=True),
    )
    op.create_table(
        "check_ins",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("integration_id", sa.Integer, _integration(), nullable=False, index=True),
        sa.Column("week", sa.Integer, nullable=False),
        sa.Column("due_at", TS, nullable=False),
        sa.Column("answer", sa.String(20), nullable=True),
        sa.Column("answered_by", sa.String(32), nullable=True),
        sa.Column("answered_at", TS, nullable=True),
        sa.UniqueConstraint("integration_id", "week", name="uq_check_in_week"),
    )


def downgrade() -> None:
    op.drop_table("check_ins")
    op.drop_table("incidents")
    op.drop_table("run_durations")
    op.drop_table("run_hours")
    op.drop_table("runs")
    op.drop_table("ingest_tokens")
