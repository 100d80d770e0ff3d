"""Exactly once: one key per Slack request that changed something; outbox posts Slack may have taken.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "idempotency_keys",
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("entity_type", sa.String(40), nullable=True),
        sa.Column("entity_id", sa.Integer, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("uncertain", sa.Boolean, nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("look_after", sa.String(32), nullable=False, server_default=""))
        batch.add_column(sa.Column("thread_ts", sa.String(32), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("thread_ts")
        batch.drop_column("look_after")
        batch.drop_column("uncertain")
    op.drop_table("idempotency_keys")
