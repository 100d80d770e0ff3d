"""The outbox of Slack messages owed after committed changes."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Outbox


def add(session: Session, item: Outbox) -> None:
    session.add(item)
    session.flush()


def claim_pending(session: Session, *, limit: int, max_attempts: int) -> Sequence[Outbox]:
    """Unsent items, oldest first, locked so another process skips them until this one commits."""
    query = (
        select(Outbox)
        .where(Outbox.sent_at.is_(None), Outbox.attempts < max_attempts)
        .order_by(Outbox.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return session.scalars(query).all()


def pending_count(session: Session) -> int:
    return len(session.scalars(select(Outbox.id).where(Outbox.sent_at.is_(None))).all())
