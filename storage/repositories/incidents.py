"""Run-health incidents. Every change is a conditional UPDATE, so replicas act once. Functions flush."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import Connection, bindparam, func, select, update
from sqlalchemy.orm import Session

from storage.models import Incident
from storage.repositories.runs import insert_ignore


def open_key(integration_id: int, kind: str) -> str:
    return f"{integration_id}:{kind}"


def open_once(
    session: Session, *, integration_id: int, kind: str, detail: dict[str, Any], now: datetime
) -> int | None:
    """Open an incident unless one of this kind is open already; the new incident's id, or None."""
    key = open_key(integration_id, kind)
    row = {
        "integration_id": integration_id,
        "kind": kind,
        "open_key": key,
        "detail": detail,
        "opened_at": now,
    }
    inserted = session.execute(insert_ignore(session, Incident, [row], ["open_key"]).returning(Incident.id))
    found = inserted.scalar()
    session.flush()
    return int(found) if found is not None else None


class OpenIncident(NamedTuple):
    id: int
    integration_id: int
    kind: str


_OPEN = select(Incident.id, Incident.integration_id, Incident.kind).where(
    Incident.integration_id == bindparam("integration_id"), Incident.closed_at.is_(None)
)


def open_of(connection: Connection, integration_id: int) -> dict[str, OpenIncident]:
    """The integration's open incidents by kind (a statement built once: asked after run reports)."""
    rows = connection.execute(_OPEN, {"integration_id": integration_id})
    return {str(kind): OpenIncident(int(id_), int(of), str(kind)) for id_, of, kind in rows}


def latest_of(session: Session, integration_id: int) -> Incident | None:
    """The integration's most recently opened incident, open or closed."""
    query = select(Incident).where(Incident.integration_id == integration_id)
    return session.scalars(query.order_by(Incident.id.desc()).limit(1)).first()


def get(session: Session, incident_id: int) -> Incident | None:
    return session.get(Incident, incident_id)


def close(session: Session, incident_id: int, *, now: datetime) -> bool:
    """Close an open incident; False when another process closed it first."""
    result = session.execute(
        update(Incident)
        .where(Incident.id == incident_id, Incident.closed_at.is_(None))
        .values(closed_at=now, open_key=None)
        .execution_options(synchronize_session=False)
    )
    session.flush()
    return bool(result.rowcount)  # type: ignore[attr-defined]


def acknowledge(session: Session, incident_id: int, *, by: str, now: datetime) -> bool:
    """Record the first acknowledgement of an open incident; False if it was acknowledged or closed."""
    result = session.execute(
        update(Incident)
        .where(Incident.id == incident_id, Incident.closed_at.is_(None), Incident.acknowledged_at.is_(None))
        .values(acknowledged_at=now, acknowledged_by=by)
        .execution_options(synchronize_session=False)
    )
    session.flush()
    return bool(result.rowcount)  # type: ignore[attr-defined]


def snooze(session: Session, incident_id: int, *, until: datetime) -> bool:
    result = session.execute(
        update(Incident)
        .where(Incident.id == incident_id, Incident.closed_at.is_(None))
        .values(snoozed_until=until)
        .execution_options(synchronize_session=False)
    )
    session.flush()
    return bool(result.rowcount)  # type: ignore[attr-defined]


def claim_escalations(session: Session, *, opened_before: datetime, now: datetime) -> Sequence[int]:
    """Mark open, unacknowledged, unsnoozed incidents opened before `opened_before` as escalated."""
    due = select(Incident.id).where(
        Incident.closed_at.is_(None),
        Incident.acknowledged_at.is_(None),
        Incident.escalated_at.is_(None),
        Incident.opened_at < opened_before,
        (Incident.snoozed_until.is_(None)) | (Incident.snoozed_until < now),
    )
    claimed = []
    for incident_id in session.scalars(due.order_by(Incident.id)).all():
        result = session.execute(
            update(Incident)
            .where(Incident.id == incident_id, Incident.escalated_at.is_(None))
            .values(escalated_at=now)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount:  # type: ignore[attr-defined]
            claimed.append(incident_id)
    session.flush()
    return claimed


def open_count(session: Session) -> int:
    return int(
        session.scalar(select(func.count()).select_from(Incident).where(Incident.closed_at.is_(None))) or 0
    )
