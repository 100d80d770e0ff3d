"""Run reports: one validated model for POST /runs and `patchbay runs import`, stored exactly once."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError, model_validator
from sqlalchemy import Connection
from sqlalchemy.orm import Session

from commands.actor import Actor
from commands.audit import record_change
from commands.durations import bucket_of
from commands.errors import NotAllowed
from commands.integrations import get_integration
from commands.secrets import redact
from commands.vocabulary import State
from storage.repositories import runs as repo

MAX_BATCH = 500
REPORTABLE = frozenset({State.LIVE, State.SUSPENDED})
ERROR_CHARS = 2000


class RunStatus(StrEnum):
    SUCCESS = "success"
    ERROR = "error"
    PARTIAL = "partial"


class RunReport(BaseModel):
    """One run as a platform reports it."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    run_id: Annotated[str, Field(min_length=1, max_length=200, pattern=r"^[\x21-\x7e]+$")]
    status: RunStatus
    started_at: AwareDatetime
    finished_at: AwareDatetime
    records: Annotated[int | None, Field(ge=0, le=2_000_000_000)] = None
    error: Annotated[str, Field(max_length=ERROR_CHARS)] = ""
    source_event_at: AwareDatetime | None = None

    @model_validator(mode="after")
    def _ordered(self) -> RunReport:
        if self.finished_at < self.started_at:
            raise ValueError("finished_at is before started_at")
        if self.source_event_at is not None and self.source_event_at > self.finished_at:
            raise ValueError("source_event_at is after finished_at")
        return self


class RunBatch(BaseModel):
    """A batch of runs in one request: {"runs": [...]}, up to MAX_BATCH."""

    model_config = ConfigDict(extra="forbid")

    runs: Annotated[list[RunReport], Field(min_length=1, max_length=MAX_BATCH)]


class IngestResult(BaseModel):
    """What happened to a batch: how many runs were new, how many were already stored."""

    accepted: int
    duplicates: int


class ImportLine(BaseModel):
    """One line of an import file that was refused, and why (field -> message)."""

    line: int
    errors: dict[str, str]


class ImportResult(BaseModel):
    accepted: int
    duplicates: int
    rejected: list[ImportLine]


def field_errors(error: ValidationError, *, prefix: str = "") -> dict[str, str]:
    """Each bad field named by its path (runs.3.status) with pydantic's message."""
    found: dict[str, str] = {}
    for item in error.errors(include_url=False):
        path = ".".join(str(part) for part in item["loc"]) or "body"
        found[prefix + path] = item["msg"]
    return found


def parse_batch(payload: Any) -> RunBatch:
    """One run object or {"runs": [...]}, validated; raises ValidationError naming each bad field."""
    if isinstance(payload, dict) and "runs" in payload:
        return RunBatch.model_validate(payload)
    return RunBatch(runs=[RunReport.model_validate(payload)])


def ingest_runs(
    *, connection: Connection, integration_id: int, reports: Iterable[RunReport], now: datetime
) -> IngestResult:
    """Store the runs not already stored (by run id), on the caller's connection (POST /runs runs no
    Session; an import passes its session's). The database counts each run it stores into the hourly
    rollups, in the same statement."""
    rows: dict[str, dict[str, Any]] = {}
    received = 0
    for report in reports:
        received += 1
        started, finished = report.started_at.astimezone(UTC), report.finished_at.astimezone(UTC)
        source = report.source_event_at.astimezone(UTC) if report.source_event_at else None
        duration_ms = int((finished - started).total_seconds() * 1000)
        rows.setdefault(
            report.run_id,
            {
                "integration_id": integration_id,
                "run_id": report.run_id,
                "status": report.status.value,
                "started_at": started,
                "finished_at": finished,
                "duration_ms": duration_ms,
                "records": report.records,
                "error": redact(report.error),
                "source_event_at": source,
                "received_at": now,
                "hour": finished.replace(minute=0, second=0, microsecond=0),
                "duration_bucket": bucket_of(duration_ms),
                "lag_seconds": int((finished - source).total_seconds()) if source else None,
            },
        )
    inserted = repo.insert_new(connection, list(rows.values()))
    return IngestResult(accepted=inserted, duplicates=received - inserted)


def _file_lines(text: str) -> Iterable[tuple[int, Any]]:
    """(line number, raw record) from JSON lines, or from CSV with a header row."""
    stripped = text.lstrip()
    if stripped.startswith("{"):
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                yield number, json.loads(line)
            except json.JSONDecodeError as exc:
                yield number, exc
        return
    reader = csv.DictReader(io.StringIO(text))
    for number, row in enumerate(reader, start=2):
        yield number, {key: value for key, value in row.items() if key and value not in (None, "")}


def import_runs(
    *, session: Session, actor: Actor, integration_id: int, text: str, now: datetime
) -> ImportResult:
    """Import runs from CSV or JSON lines with the same validation as POST /runs; bad lines are listed."""
    integration = get_integration(session, integration_id)
    state = State(integration.state)
    if state not in REPORTABLE:
        raise NotAllowed(
            f"#{integration.id} is {state.label.lower()}; runs are imported for live integrations."
        )
    good: list[RunReport] = []
    rejected: list[ImportLine] = []
    for number, raw in _file_lines(text):
        if isinstance(raw, json.JSONDecodeError):
            rejected.append(ImportLine(line=number, errors={"line": f"not JSON: {raw.msg}"}))
            continue
        try:
            good.append(RunReport.model_validate(raw))
        except ValidationError as exc:
            rejected.append(ImportLine(line=number, errors=field_errors(exc)))
    accepted = duplicates = 0
    for start in range(0, len(good), MAX_BATCH):
        result = ingest_runs(
            connection=session.connection(),
            integration_id=integration_id,
            reports=good[start : start + MAX_BATCH],
            now=now,
        )
        accepted, duplicates = accepted + result.accepted, duplicates + result.duplicates
    record_change(
        session,
        actor=actor,
        now=now,
        action="integration.runs_imported",
        entity_type="integration",
        entity_id=integration.id,
        before=None,
        after={"accepted": accepted, "duplicates": duplicates, "rejected": len(rejected)},
    )
    return ImportResult(accepted=accepted, duplicates=duplicates, rejected=rejected)
