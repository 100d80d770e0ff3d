"""What a run report is checked with, read in one statement: the token's live integration, the
workspace's and the integration's own thresholds as stored, and how many of its incidents are open."""

from __future__ import annotations

from sqlalchemy.orm import Session

from storage.models import Incident, IngestToken, IntegrationThresholds, WorkspacePolicy
from storage.repositories import run_intake as repo
from storage.repositories.policy import ROW
from tests.storage.rows import NOW, integration


def _token(db: Session, integration_id: int, token_hash: str, *, revoked: bool = False) -> None:
    db.add(
        IngestToken(
            integration_id=integration_id,
            token_hash=token_hash,
            hint="pbr_test",
            created_by="U0BOB0002",
            created_at=NOW,
            revoked_at=NOW if revoked else None,
        )
    )
    db.flush()


def _incident(db: Session, integration_id: int, kind: str, *, closed: bool = False) -> None:
    key = None if closed else f"{integration_id}:{kind}"
    db.add(
        Incident(
            integration_id=integration_id,
            kind=kind,
            open_key=key,
            detail={},
            opened_at=NOW,
            closed_at=NOW if closed else None,
        )
    )
    db.flush()


def test_an_active_token_reads_its_integration_with_nothing_set(db: Session) -> None:
    live = integration(db, score=3, payback=None, state="live").id
    _token(db, live, "a" * 64)

    assert repo.by_token(db.connection(), "a" * 64) == repo.Intake(live, "live", {}, {}, 0)
    assert repo.by_integration(db.connection(), live) == repo.Intake(live, "live", {}, {}, 0)


def test_unknown_and_revoked_tokens_read_nothing(db: Session) -> None:
    live = integration(db, score=3, payback=None, state="live").id
    _token(db, live, "r" * 64, revoked=True)

    assert repo.by_token(db.connection(), "r" * 64) is None
    assert repo.by_token(db.connection(), "u" * 64) is None
    assert repo.by_integration(db.connection(), live + 1000) is None


def test_the_stored_thresholds_and_the_open_incidents_come_with_it(db: Session) -> None:
    live = integration(db, score=3, payback=None, state="suspended").id
    other = integration(db, score=3, payback=None, state="live").id
    _token(db, live, "b" * 64)
    db.add(WorkspacePolicy(id=ROW, overrides={"alert_min_runs": 3}, updated_at=NOW, updated_by="U0ALICE01"))
    db.add(
        IntegrationThresholds(
            integration_id=live, overrides={"alert_error_rate": 0.5}, updated_at=NOW, updated_by="U0BOB0002"
        )
    )
    _incident(db, live, "error_rate")
    _incident(db, live, "records")
    _incident(db, live, "silence", closed=True)
    _incident(db, other, "silence")

    found = repo.by_token(db.connection(), "b" * 64)

    assert found == repo.Intake(live, "suspended", {"alert_min_runs": 3}, {"alert_error_rate": 0.5}, 2)
    assert repo.by_integration(db.connection(), other) == repo.Intake(
        other, "live", {"alert_min_runs": 3}, {}, 1
    )
