"""Ingest tokens for run reports, by hash. Functions flush; the caller commits."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from storage.models import IngestToken


def add(session: Session, token: IngestToken) -> IngestToken:
    session.add(token)
    session.flush()
    return token


def revoke_all(session: Session, integration_id: int, *, now: datetime) -> int:
    """Revoke every active token of the integration; how many were active."""
    result = session.execute(
        update(IngestToken)
        .where(IngestToken.integration_id == integration_id, IngestToken.revoked_at.is_(None))
        .values(revoked_at=now)
        .execution_options(synchronize_session=False)
    )
    session.flush()
    return int(result.rowcount)  # type: ignore[attr-defined]


def active_of(session: Session, integration_id: int) -> IngestToken | None:
    query = select(IngestToken).where(
        IngestToken.integration_id == integration_id, IngestToken.revoked_at.is_(None)
    )
    return session.scalars(query.order_by(IngestToken.id.desc()).limit(1)).first()


def integration_of_any(session: Session, token_hash: str) -> int | None:
    """The integration a token was issued for, revoked or not."""
    query = select(IngestToken.integration_id).where(IngestToken.token_hash == token_hash).limit(1)
    found = session.scalars(query).first()
    return int(found) if found is not None else None
