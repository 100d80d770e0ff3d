"""The one row of policy values admins changed in Slack."""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.models import WorkspacePolicy

ROW = 1


class PolicyRow(NamedTuple):
    overrides: dict[str, Any]
    version: int
    updated_by: str
    updated_at: datetime


# Read on every request and every run report: a Core statement built once, no ORM identity map.
_CURRENT = select(
    WorkspacePolicy.overrides, WorkspacePolicy.version, WorkspacePolicy.updated_by, WorkspacePolicy.updated_at
).where(WorkspacePolicy.id == ROW)


def current(session: Session) -> PolicyRow | None:
    row = session.connection().execute(_CURRENT).first()
    return PolicyRow(dict(row[0] or {}), int(row[1]), str(row[2]), row[3]) if row else None


def save(
    session: Session, *, overrides: dict[str, Any], expected_version: int, at: datetime, by: str
) -> bool:
    """Store `overrides` if the row is still at `expected_version` (0: no row yet); False if it moved on."""
    values = {"overrides": overrides, "updated_at": at, "updated_by": by, "version": expected_version + 1}
    if expected_version == 0:
        try:
            with session.begin_nested():
                session.execute(insert(WorkspacePolicy).values(id=ROW, **values))
        except IntegrityError:
            return False
        return True
    result = session.execute(
        update(WorkspacePolicy)
        .where(WorkspacePolicy.id == ROW, WorkspacePolicy.version == expected_version)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    session.expire_all()
    return result.rowcount == 1  # type: ignore[attr-defined]
