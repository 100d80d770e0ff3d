"""Queries over the tool registry. Functions flush; the caller commits."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import bindparam, func, or_, select, update
from sqlalchemy.orm import Session

from storage.models import Tool


def name_key(name: str) -> str:
    """The form names are compared in: case- and space-insensitive."""
    return "".join(name.split()).casefold()


def get(session: Session, tool_id: int) -> Tool | None:
    return session.get(Tool, tool_id)


def by_name(session: Session, name: str) -> Tool | None:
    return session.scalar(select(Tool).where(Tool.name_key == name_key(name)))


def add(session: Session, tool: Tool) -> Tool:
    session.add(tool)
    session.flush()
    return tool


def search(
    session: Session,
    *,
    category: str | None = None,
    owner_id: str | None = None,
    fragment: str | None = None,
    include_retired: bool = False,
    offset: int = 0,
    limit: int = 20,
) -> tuple[Sequence[Tool], int]:
    """One page of tools by name, and how many match in all."""
    query = select(Tool)
    if not include_retired:
        query = query.where(Tool.retired_at.is_(None))
    if category:
        query = query.where(Tool.category == category)
    if owner_id:
        query = query.where(Tool.owner_id == owner_id)
    if fragment:
        key = name_key(fragment).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(or_(Tool.name_key.like(f"%{key}%", escape="\\")))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    page = session.scalars(query.order_by(Tool.name_key).offset(offset).limit(limit)).all()
    return page, total


def all_tools(session: Session) -> Sequence[Tool]:
    return session.scalars(select(Tool).order_by(Tool.name_key)).all()


_NAMES = select(Tool.id, Tool.name).where(Tool.id.in_(bindparam("ids", expanding=True)))


def names(session: Session, ids: Collection[int]) -> dict[int, str]:
    """The names of the tools with these ids, in one query."""
    if not ids:
        return {}
    return {tool_id: name for tool_id, name in session.execute(_NAMES, {"ids": sorted(set(ids))})}


def mark_assessed(session: Session, tool_id: int, at: datetime) -> bool:
    """Record that the tool was assessed; False when it already was (a second form, another replica)."""
    result = session.execute(
        update(Tool)
        .where(Tool.id == tool_id, Tool.assessed_at.is_(None))
        .values(assessed_at=at, version=Tool.version + 1)
        .execution_options(synchronize_session=False)
    )
    session.expire_all()
    return result.rowcount == 1  # type: ignore[attr-defined]


def unassessed_of(session: Session, owner_id: str) -> Sequence[Tool]:
    """The owner's active tools nobody said yet which tools they share data with."""
    query = select(Tool).where(
        Tool.owner_id == owner_id, Tool.assessed_at.is_(None), Tool.retired_at.is_(None)
    )
    return session.scalars(query.order_by(Tool.name_key)).all()


def active_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Tool).where(Tool.retired_at.is_(None))) or 0


def owners_of_active(session: Session) -> set[str]:
    """Owners of tools not retired whose owner is not known to have left."""
    query = select(Tool.owner_id).where(Tool.retired_at.is_(None), Tool.owner_left_at.is_(None)).distinct()
    return set(session.scalars(query))


def flag_owner_left(session: Session, owner_id: str, at: datetime) -> list[int]:
    """Mark the active tools of an owner who left, each by a conditional update (so replicas running
    the same check mark each once); the ids of the tools this call marked."""
    candidates = select(Tool.id).where(
        Tool.owner_id == owner_id, Tool.retired_at.is_(None), Tool.owner_left_at.is_(None)
    )
    marked = []
    for tool_id in session.scalars(candidates.order_by(Tool.id)).all():
        result = session.execute(
            update(Tool)
            .where(Tool.id == tool_id, Tool.owner_id == owner_id, Tool.owner_left_at.is_(None))
            .values(owner_left_at=at, version=Tool.version + 1)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount == 1:  # type: ignore[attr-defined]
            marked.append(tool_id)
    session.expire_all()
    return marked


def owner_left(session: Session) -> Sequence[Tool]:
    """Active tools whose owner left Slack, longest orphaned first."""
    query = select(Tool).where(Tool.retired_at.is_(None), Tool.owner_left_at.is_not(None))
    return session.scalars(query.order_by(Tool.owner_left_at, Tool.name_key)).all()
