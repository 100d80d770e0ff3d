"""First-month check-ins. Created insert-or-ignore per (integration, week); answered once. Functions flush."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.orm import Session

from storage.models import CheckIn
from storage.repositories.runs import insert_ignore


def create_once(session: Session, *, integration_id: int, week: int, due_at: datetime) -> int | None:
    """The new check-in's id, or None when this week's check-in exists already."""
    row = {"integration_id": integration_id, "week": week, "due_at": due_at}
    statement = insert_ignore(session, CheckIn, [row], ["integration_id", "week"]).returning(CheckIn.id)
    found = session.execute(statement).scalar()
    session.flush()
    return int(found) if found is not None else None


def get(session: Session, check_in_id: int) -> CheckIn | None:
    return session.get(CheckIn, check_in_id)


def answer(session: Session, check_in_id: int, *, answer: str, by: str, now: datetime) -> bool:
    """Record the first answer; False when it was answered already."""
    result = session.execute(
        update(CheckIn)
        .where(CheckIn.id == check_in_id, CheckIn.answered_at.is_(None))
        .values(answer=answer, answered_by=by, answered_at=now)
        .execution_options(synchronize_session=False)
    )
    session.flush()
    return bool(result.rowcount)  # type: ignore[attr-defined]
