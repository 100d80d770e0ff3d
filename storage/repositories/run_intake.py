"""What a run report is stored and checked with, read in one statement before it is stored.

POST /runs sends this with every request: the integration an active token reports for and its
state, the workspace policy values admins changed, the integration's own thresholds, and how many of
its incidents are open. These functions take the request's Core connection (no Session, no ORM).
"""

from __future__ import annotations

from typing import Any, NamedTuple

from sqlalchemy import Connection, Select, bindparam, func, select

from storage.models import Incident, IngestToken, Integration, IntegrationThresholds, WorkspacePolicy
from storage.repositories.policy import ROW


class Intake(NamedTuple):
    integration_id: int
    state: str
    workspace: dict[str, Any]
    own: dict[str, Any]
    open_incidents: int


def _with_context(key: Any) -> Select[Any]:
    open_incidents = (
        select(func.count())
        .where(Incident.integration_id == Integration.id, Incident.closed_at.is_(None))
        .scalar_subquery()
    )
    return (
        select(
            Integration.id,
            Integration.state,
            WorkspacePolicy.overrides,
            IntegrationThresholds.overrides,
            open_incidents,
        )
        .select_from(key)
        .outerjoin(IntegrationThresholds, IntegrationThresholds.integration_id == Integration.id)
        .outerjoin(WorkspacePolicy, WorkspacePolicy.id == ROW)
    )


# Built once: building a statement costs more than running this one.
_BY_TOKEN = _with_context(
    IngestToken.__table__.join(Integration.__table__, Integration.id == IngestToken.integration_id)
).where(IngestToken.token_hash == bindparam("token_hash"), IngestToken.revoked_at.is_(None))
_BY_INTEGRATION = _with_context(Integration.__table__).where(Integration.id == bindparam("integration_id"))


def _intake(row: Any) -> Intake | None:
    if row is None:
        return None
    return Intake(int(row[0]), str(row[1]), dict(row[2] or {}), dict(row[3] or {}), int(row[4]))


def by_token(connection: Connection, token_hash: str) -> Intake | None:
    """The integration an active token reports for, with its alert context; None for no such token."""
    return _intake(connection.execute(_BY_TOKEN, {"token_hash": token_hash}).first())


def by_integration(connection: Connection, integration_id: int) -> Intake | None:
    """One integration's alert context (runs reported from inside Patchbay: the shell's `:report`)."""
    return _intake(connection.execute(_BY_INTEGRATION, {"integration_id": integration_id}).first())
