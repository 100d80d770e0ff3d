"""The one row of policy values admins changed in Slack."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.models import WorkspacePolicy

ROW = 1


def current(session: Session) -> WorkspacePolicy | None:
    return session.scalars(select(WorkspacePolicy).where(WorkspacePolicy.id == ROW)).one_or_none()


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
