"""Success measures of live integrations. Functions flush; the caller commits."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Measurement


def add(session: Session, measurement: Measurement) -> Measurement:
    session.add(measurement)
    session.flush()
    return measurement


def of_integration(session: Session, integration_id: int) -> Sequence[Measurement]:
    """Oldest first."""
    query = select(Measurement).where(Measurement.integration_id == integration_id)
    return session.scalars(query.order_by(Measurement.recorded_at, Measurement.id)).all()


def latest_of(session: Session, integration_ids: Collection[int]) -> dict[int, Measurement]:
    """The most recent measurement of each of these integrations that has one."""
    if not integration_ids:
        return {}
    query = select(Measurement).where(Measurement.integration_id.in_(list(integration_ids)))
    latest: dict[int, Measurement] = {}
    for row in session.scalars(query.order_by(Measurement.recorded_at, Measurement.id)):
        latest[row.integration_id] = row
    return latest
