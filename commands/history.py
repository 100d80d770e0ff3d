"""Reading the audit log: one integration's timeline, or everything as JSON lines."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime

from pydantic import BaseModel
from sqlalchemy.orm import Session

from commands.integrations import get_integration
from commands.notices import ChangeSummary, StepReason
from commands.review_items import Outcome
from storage.models import AuditEvent
from storage.repositories import audit


class HistoryEntry(BaseModel):
    """One audited change, as data: `bot/views/history.py` words it."""

    at: datetime
    actor_id: str
    action: str
    state: str | None = None  # the state it moved to
    changed: list[str] = []  # the fields an edit changed
    outcome: Outcome | None = None  # a quarterly review's answer
    note: str
    kept: str = ""  # the state a change not accepted left it in
    change: ChangeSummary | None = None  # what a change of scopes or data classes alters
    personal_account: bool = False  # the reviewed integration uses a person's own account
    reason: StepReason | None = None  # why, when Patchbay gave the reason (older rows: in `note`)


class History(BaseModel):
    integration_id: int
    title: str
    entries: list[HistoryEntry]


def _entry(event: AuditEvent) -> HistoryEntry:
    after = event.after or {}
    return HistoryEntry(
        at=event.at,
        actor_id=event.actor_id,
        action=event.action,
        state=str(after["state"]) if "state" in after and event.action != "integration.proposed" else None,
        changed=sorted(after) if event.action == "integration.edited" else [],
        outcome=Outcome(str(after["outcome"]))
        if event.action == "integration.reviewed" and "outcome" in after
        else None,
        note=event.note,
        kept=str(after.get("kept", "")),
        change=ChangeSummary.model_validate(after["change"])
        if isinstance(after.get("change"), dict)
        else None,
        personal_account=bool(after.get("personal_account")),
        reason=StepReason.model_validate(after["reason"]) if isinstance(after.get("reason"), dict) else None,
    )


def integration_history(*, session: Session, integration_id: int) -> History:
    """Everything that happened to one integration, oldest first."""
    integration = get_integration(session, integration_id)
    events = audit.for_entity(session, entity_type="integration", entity_id=integration_id)
    return History(
        integration_id=integration.id,
        title=integration.title,
        entries=[_entry(e) for e in events],
    )


def audit_lines(*, session: Session, since: datetime | None) -> Iterator[str]:
    """The audit log as JSON lines, oldest first."""
    for event in audit.since(session, at=since):
        yield json.dumps(
            {
                "id": event.id,
                "at": event.at.isoformat(),
                "actor": event.actor_id,
                "action": event.action,
                "entity": event.entity_type,
                "entity_id": event.entity_id,
                "before": event.before,
                "after": event.after,
                "note": event.note,
            },
            sort_keys=True,
        )
