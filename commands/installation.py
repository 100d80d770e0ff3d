"""Whether Patchbay is still installed in its workspace: removal stops every post until reinstall."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel
from sqlalchemy.orm import Session

from storage.repositories import audit
from storage.repositories import removals as repo

SLACK_ACTOR = "slack"


class RemovalReason(StrEnum):
    UNINSTALLED = "uninstalled"
    TOKENS_REVOKED = "tokens_revoked"


class RemovalState(BaseModel):
    """A removal still in force: which workspace, why and since when."""

    team_id: str
    reason: RemovalReason
    removed_at: datetime


def record_removal(*, session: Session, team_id: str, reason: RemovalReason, now: datetime) -> None:
    """Patchbay was uninstalled from `team_id` or lost its bot token there: stop posting."""
    repo.record(session, team_id=team_id, reason=reason.value, at=now)
    _audit(session, now=now, action=f"workspace.{reason.value}", team_id=team_id)


def record_reinstall(*, session: Session, team_id: str | None, now: datetime) -> bool:
    """Slack reached us again from `team_id` (None: the token works again): resume posting."""
    present = repo.first(session) is not None if team_id is None else repo.is_removed(session, team_id)
    if not present or repo.clear(session, team_id=team_id) == 0:
        return False
    _audit(session, now=now, action="workspace.reinstalled", team_id=team_id or "")
    return True


def current_removal(*, session: Session) -> RemovalState | None:
    """The removal in force, if any; while there is one, nothing is posted to Slack."""
    removal = repo.first(session)
    return RemovalState.model_validate(removal, from_attributes=True) if removal else None


def is_removed(*, session: Session, team_id: str) -> bool:
    """Was Patchbay removed from `team_id` and not reinstalled since?"""
    return repo.is_removed(session, team_id)


def _audit(session: Session, *, now: datetime, action: str, team_id: str) -> None:
    audit.record(
        session,
        at=now,
        actor_id=SLACK_ACTOR,
        action=action,
        entity_type="workspace",
        entity_id=0,
        before=None,
        after=None,
        note=team_id,
    )
