"""The tables: one mapped class each."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, Numeric, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware datetimes stored as UTC on every backend."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime")
        return value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON(), list[str]: JSON()}


class Tool(Base):
    __tablename__ = "tools"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    name_key: Mapped[str] = mapped_column(String(80), unique=True)
    category: Mapped[str] = mapped_column(String(40))
    owner_id: Mapped[str] = mapped_column(String(32), index=True)
    data_kinds: Mapped[list[str]] = mapped_column(default=list)
    data_other: Mapped[str] = mapped_column(String(200), default="")
    integration_options: Mapped[list[str]] = mapped_column(default=list)
    vendor_url: Mapped[str] = mapped_column(String(500), default="")
    monthly_cost: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    notes: Mapped[str] = mapped_column(Text, default="")
    retired_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class Integration(Base):
    """A proposed integration and, once approved, the live integration it became."""

    __tablename__ = "integrations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(120))
    purpose: Mapped[str] = mapped_column(Text)
    source_tool_id: Mapped[int] = mapped_column(ForeignKey("tools.id"), index=True)
    target_tool_id: Mapped[int] = mapped_column(ForeignKey("tools.id"), index=True)
    trigger: Mapped[str] = mapped_column(String(300))
    actions: Mapped[str] = mapped_column(Text)
    data_kinds: Mapped[list[str]] = mapped_column(default=list)
    mapping: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    direction: Mapped[str] = mapped_column(String(20))
    source_of_truth: Mapped[str] = mapped_column(Text, default="")
    conflict_rule: Mapped[str | None] = mapped_column(String(20))
    timing: Mapped[str] = mapped_column(String(20))
    batch_minutes: Mapped[int | None] = mapped_column(Integer)
    method: Mapped[str] = mapped_column(String(20))
    method_reason: Mapped[str] = mapped_column(Text)
    effort_hours: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    owner_id: Mapped[str] = mapped_column(String(32), index=True)
    proposer_id: Mapped[str] = mapped_column(String(32), index=True)
    frequency: Mapped[int] = mapped_column(Integer)
    impact: Mapped[int] = mapped_column(Integer)
    feasibility: Mapped[int] = mapped_column(Integer)
    hours_per_week: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    monthly_cost: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    score: Mapped[int] = mapped_column(Integer)
    payback_months: Mapped[Decimal | None] = mapped_column(Numeric(10, 1))
    state: Mapped[str] = mapped_column(String(24), index=True)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(Integer, default=1)

    __table_args__ = (Index("ix_integrations_rank", "state", "score", "payback_months"),)
    __mapper_args__ = {"version_id_col": version}


class AuditEvent(Base):
    """Append-only: the migration installs triggers that refuse UPDATE and DELETE."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    actor_id: Mapped[str] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(60))
    entity_type: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int] = mapped_column(Integer)
    before: Mapped[dict[str, Any] | None]
    after: Mapped[dict[str, Any] | None]
    note: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (Index("ix_audit_entity", "entity_type", "entity_id"),)
