"""Idempotency keys: a unique row per Slack request that changed something."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.models import IdempotencyKey


def claim(session: Session, *, key: str, now: datetime) -> IdempotencyKey | None:
    """Insert the key; when another transaction holds or committed it, wait for it and return its row."""
    try:
        with session.begin_nested():
            session.add(IdempotencyKey(key=key, created_at=now))
            session.flush()
    except IntegrityError:
        return session.scalars(
            select(IdempotencyKey).where(IdempotencyKey.key == key).execution_options(populate_existing=True)
        ).one()
    return None


def settle(session: Session, *, key: str, entity: tuple[str, int] | None) -> None:
    """Record what the request changed, or let the key go when it changed nothing."""
    if entity is None:
        session.execute(delete(IdempotencyKey).where(IdempotencyKey.key == key))
    else:
        session.execute(
            update(IdempotencyKey)
            .where(IdempotencyKey.key == key)
            .values(entity_type=entity[0], entity_id=entity[1])
            .execution_options(synchronize_session=False)
        )
