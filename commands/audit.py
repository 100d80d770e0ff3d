"""Recording changes: every write goes through `record_change`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from commands.actor import Actor
from storage.repositories import audit

CHANGES = "patchbay.changes"


def record_change(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    action: str,
    entity_type: str,
    entity_id: int,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    note: str = "",
) -> None:
    """Append one audit event for a change the actor made."""
    session.info.setdefault(CHANGES, []).append((entity_type, entity_id))
    audit.record(
        session,
        at=now,
        actor_id=actor.user_id,
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        before=before,
        after=after,
        note=note,
    )


def first_change(session: Session) -> tuple[str, int] | None:
    """The first entity this session's transaction changed, if it changed any."""
    changes = session.info.get(CHANGES) or []
    return changes[0] if changes else None
