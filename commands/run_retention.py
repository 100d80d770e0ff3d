"""Keeping raw runs for the retention period; the hourly rollups and the audit log are kept for good."""

from __future__ import annotations

from datetime import datetime, timedelta

from pydantic import BaseModel
from sqlalchemy.orm import Session

from storage.repositories import runs as repo


class PruneResult(BaseModel):
    pruned: int
    before: datetime


def prune_runs(*, session: Session, now: datetime, retention_days: int) -> PruneResult:
    """Delete raw runs received more than `retention_days` ago."""
    before = now - timedelta(days=retention_days)
    return PruneResult(pruned=repo.prune(session, before=before), before=before)
