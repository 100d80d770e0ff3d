"""Workspaces Patchbay was removed from (uninstalled, or its bot token revoked)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.models import Removal


def record(session: Session, *, team_id: str, reason: str, at: datetime) -> None:
    """Mark `team_id` removed, or refresh why and when if it already is.

    One statement either way, so a removal recorded while another request clears it (or records it)
    never trips over a row that changed under it.
    """
    refresh = update(Removal).where(Removal.team_id == team_id).values(reason=reason, removed_at=at)
    if session.execute(refresh).rowcount:  # type: ignore[attr-defined]
        return
    try:
        with session.begin_nested():
            session.add(Removal(team_id=team_id, reason=reason, removed_at=at))
    except IntegrityError:  # recorded a moment ago by another request
        session.execute(refresh)


def first(session: Session) -> Removal | None:
    """The earliest removal still in force, if any."""
    return session.scalars(select(Removal).order_by(Removal.removed_at).limit(1)).first()


def is_removed(session: Session, team_id: str) -> bool:
    return session.get(Removal, team_id) is not None


def clear(session: Session, *, team_id: str | None = None) -> int:
    """Forget the removal of `team_id` (or every removal); how many were cleared."""
    query = delete(Removal) if team_id is None else delete(Removal).where(Removal.team_id == team_id)
    cleared = session.execute(query).rowcount  # type: ignore[attr-defined]
    session.flush()
    return int(cleared or 0)
