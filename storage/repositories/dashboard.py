"""Queries behind the App Home dashboard and the stack map. Read-only."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from storage.models import Integration, Tool


def integrations_of(session: Session, user_id: str) -> Sequence[Integration]:
    """Integrations the person owns or proposed, newest first."""
    where = or_(Integration.owner_id == user_id, Integration.proposer_id == user_id)
    return session.scalars(select(Integration).where(where).order_by(Integration.id.desc())).all()


def integrations_in(session: Session, *, states: Collection[str]) -> Sequence[Integration]:
    query = select(Integration).where(Integration.state.in_(list(states)))
    return session.scalars(query.order_by(Integration.id)).all()


def integrations_touching(session: Session, tool_ids: Collection[int]) -> Sequence[Integration]:
    ids = list(tool_ids)
    where = or_(Integration.source_tool_id.in_(ids), Integration.target_tool_id.in_(ids))
    return session.scalars(select(Integration).where(where).order_by(Integration.id)).all()


def active_tool_count(session: Session) -> int:
    query = select(func.count()).select_from(Tool).where(Tool.retired_at.is_(None))
    return session.scalar(query) or 0
