"""The run-health thresholds integrations set for themselves. Functions flush; the caller commits."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.models import IntegrationThresholds


def of(session: Session, integration_id: int) -> IntegrationThresholds | None:
    return session.get(IntegrationThresholds, integration_id, populate_existing=True)


def of_each(session: Session, integration_ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    """The overrides of each integration that has any, in one query."""
    if not integration_ids:
        return {}
    query = select(IntegrationThresholds.integration_id, IntegrationThresholds.overrides).where(
        IntegrationThresholds.integration_id.in_(list(integration_ids))
    )
    return {int(row[0]): dict(row[1] or {}) for row in session.execute(query)}


def save(
    session: Session,
    *,
    integration_id: int,
    overrides: dict[str, Any],
    expected_version: int,
    at: datetime,
    by: str,
) -> bool:
    """Store `overrides` if the row is still at `expected_version` (0: no row yet); False if it moved on."""
    values = {"overrides": overrides, "updated_at": at, "updated_by": by, "version": expected_version + 1}
    if expected_version == 0:
        try:
            with session.begin_nested():
                session.execute(insert(IntegrationThresholds).values(integration_id=integration_id, **values))
        except IntegrityError:
            return False
        return True
    result = session.execute(
        update(IntegrationThresholds)
        .where(
            IntegrationThresholds.integration_id == integration_id,
            IntegrationThresholds.version == expected_version,
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    session.flush()
    return result.rowcount == 1  # type: ignore[attr-defined]
