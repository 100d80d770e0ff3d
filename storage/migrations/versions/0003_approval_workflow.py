"""Approval workflow: security reviews, approvals, the governance card and the Slack outbox.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("integrations") as batch:
        batch.add_column(sa.Column("review_round", sa.Integer, nullable=False, server_default="0"))
        batch.add_column(sa.Column("data_classes", sa.JSON, nullable=False, server_default="[]"))
        batch.add_column(sa.Column("rotation_days", sa.Integer, nullable=True))
        batch.add_column(sa.Column("pending_change", sa.JSON, nullable=True))
        batch.add_column(sa.Column("resume_state", sa.String(24), nullable=True))
        batch.add_column(sa.Column("card_channel", sa.String(32), nullable=True))
        batch.add_column(sa.Column("card_ts", sa.String(32), nullable=True))
        batch.add_column(sa.Column("state_since", TS, nullable=True))
        batch.add_column(sa.Column("live_at", TS, nullable=True))
        batch.add_column(sa.Column("next_review_on", sa.Date, nullable=True))
        batch.create_index("ix_integrations_next_review_on", ["next_review_on"])
    op.create_table(
        "security_reviews",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("integration_id", sa.Integer, sa.ForeignKey("integrations.id"), nullable=False, index=True),
        sa.Column("round", sa.Integer, nullable=False),
        sa.Column("reviewer_id", sa.String(32), nullable=False),
        sa.Column("scopes", sa.JSON, nullable=False),
        sa.Column("access_level", sa.String(20), nullable=False),
        sa.Column("credential_type", sa.String(24), nullable=False),
        sa.Column("credential_storage", sa.String(24), nullable=False),
        sa.Column("data_classes", sa.JSON, nullable=False),
        sa.Column("attestations", sa.JSON, nullable=False),
        sa.Column("encrypted_in_transit", sa.Boolean, nullable=False),
        sa.Column("encrypted_at_rest", sa.Boolean, nullable=False),
        sa.Column("rotation_days", sa.Integer, nullable=False),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("notes", sa.Text, nullable=False),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_table(
        "approvals",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("integration_id", sa.Integer, sa.ForeignKey("integrations.id"), nullable=False),
        sa.Column("round", sa.Integer, nullable=False),
        sa.Column("approver_id", sa.String(32), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.UniqueConstraint("integration_id", "round", "approver_id", name="uq_approval_once"),
    )
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("integration_id", sa.Integer, nullable=True, index=True),
        sa.Column("recipient", sa.String(32), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("sent_at", TS, nullable=True, index=True),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("last_error", sa.String(200), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("outbox")
    op.drop_table("approvals")
    op.drop_table("security_reviews")
    with op.batch_alter_table("integrations") as batch:
        batch.drop_index("ix_integrations_next_review_on")
        for column in (
            "next_review_on",
            "live_at",
            "state_since",
            "card_ts",
            "card_channel",
            "resume_state",
            "pending_change",
            "rotation_days",
            "data_classes",
            "review_round",
        ):
            batch.drop_column(column)
