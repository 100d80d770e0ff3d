"""The append-only audit log."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.models import AuditEvent


def record(
    session: Session,
    *,
    at: datetime,
    actor_id: str,
    action: str,
    entity_type: str,
    entity_id: int,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    note: str = "",
) -> AuditEvent:
    event = AuditEvent(
        at=at,
        actor_id=actor_id,
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        before=before,
        after=after,
        note=note,
    )
    session.add(event)
    session.flush()
    return event


def for_entity(
    session: Session, *, entity_type: str, entity_id: int, offset: int = 0, limit: int | None = None
) -> Sequence[AuditEvent]:
    """One entity's events, oldest first (all of them without `limit`)."""
    query = select(AuditEvent).where(AuditEvent.entity_type == entity_type, AuditEvent.entity_id == entity_id)
    return session.scalars(query.order_by(AuditEvent.id).offset(offset).limit(limit)).all()


def count_for_entity(session: Session, *, entity_type: str, entity_id: int) -> int:
    query = (
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.entity_type == entity_type, AuditEvent.entity_id == entity_id)
    )
    return session.scalar(query) or 0


def since(session: Session, *, at: datetime | None) -> Sequence[AuditEvent]:
    query = select(AuditEvent)
    if at is not None:
        query = query.where(AuditEvent.at >= at)
    return session.scalars(query.order_by(AuditEvent.id)).all()


def count_since(session: Session, *, action: str, since: datetime) -> int:
    """How many events of one action were recorded since `since`."""
    query = (
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.action == action, AuditEvent.at >= since)
    )
    return int(session.scalar(query) or 0)
