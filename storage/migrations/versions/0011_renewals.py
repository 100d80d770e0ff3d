"""Tools with renewals and a successor, the renewal reminders, and whether a new tool was assessed.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("tools") as batch:
        batch.add_column(sa.Column("renews_on", sa.Date, nullable=True))
        batch.add_column(sa.Column("auto_renews", sa.Boolean, nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("successor_id", sa.Integer, nullable=True))
        batch.add_column(sa.Column("assessed_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_foreign_key("fk_tools_successor", "tools", ["successor_id"], ["id"])
        batch.create_index("ix_tools_renews_on", ["renews_on"])
    # Tools registered before the assessment existed are not listed as waiting for one.
    op.execute("UPDATE tools SET assessed_at = created_at")

    op.create_table(
        "renewal_notices",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("tool_id", sa.Integer, sa.ForeignKey("tools.id"), nullable=False, index=True),
        sa.Column("renews_on", sa.Date, nullable=False),
        sa.Column("days_before", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answer", sa.String(12), nullable=True),
        sa.Column("answered_by", sa.String(32), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("tool_id", "renews_on", "days_before", name="uq_renewal_notice"),
    )


def downgrade() -> None:
    op.drop_table("renewal_notices")
    with op.batch_alter_table("tools") as batch:
        batch.drop_index("ix_tools_renews_on")
        batch.drop_constraint("fk_tools_successor", type_="foreignkey")
        batch.drop_column("assessed_at")
        batch.drop_column("successor_id")
        batch.drop_column("auto_renews")
        batch.drop_column("renews_on")
