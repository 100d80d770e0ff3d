"""Scheduling quarterly reviews and key rotations: one cycle row per (integration, kind, due date)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from commands.review_items import CycleKind, Status
from commands.vocabulary import State
from storage.models import Integration, ReviewCycle
from storage.repositories import reviews as repo

REVIEWED_STATES = (State.LIVE.value, State.SUSPENDED.value)


def _ensure(session: Session, integration: Integration, kind: CycleKind, due_on: date, now: datetime) -> bool:
    if repo.exists(session, integration_id=integration.id, kind=kind.value, due_on=due_on):
        return False
    try:
        with session.begin_nested():
            repo.add(
                session,
                ReviewCycle(
                    integration_id=integration.id,
                    kind=kind.value,
                    due_on=due_on,
                    owner_id=integration.owner_id,
                    status=Status.PENDING.value,
                    created_at=now,
                ),
            )
    except IntegrityError:  # another sweep created it first
        return False
    return True


def rotation_due_on(integration: Integration) -> date | None:
    """When the integration's key is next due for rotation, if it is rotated on a schedule."""
    if not integration.rotation_days:
        return None
    last = integration.rotated_at or integration.live_at
    return last.date() + timedelta(days=integration.rotation_days) if last else None


def schedule_due(*, session: Session, as_of: date, now: datetime) -> int:
    """Create a cycle for every review and key rotation due by `as_of`; how many were new."""
    created = 0
    for integration in repo.integrations_in(session, states=REVIEWED_STATES):
        if integration.next_review_on and integration.next_review_on <= as_of:
            created += _ensure(session, integration, CycleKind.REVIEW, integration.next_review_on, now)
        rotation = rotation_due_on(integration)
        if rotation and rotation <= as_of:
            created += _ensure(session, integration, CycleKind.ROTATION, rotation, now)
    return created
