"""Reading the audit log: one integration's timeline, or everything as JSON lines."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime

from pydantic import BaseModel
from sqlalchemy.orm import Session

from commands.proposals import get_integration
from commands.reviews import Outcome
from storage.repositories import audit

WORDS = {
    "integration.proposed": "proposed it",
    "integration.edited": "edited it",
    "integration.start_review": "started the security review",
    "integration.submit_review": "recorded the security review",
    "integration.approval_recorded": "approved it (more approvals needed)",
    "integration.approve": "approved it",
    "integration.request_changes": "requested changes",
    "integration.reject": "rejected it",
    "integration.resubmit": "resubmitted it",
    "integration.record_sandbox": "recorded the sandbox test",
    "integration.deploy": "deployed it to production",
    "integration.suspend": "suspended it",
    "integration.resume": "resumed it",
    "integration.retire": "started retiring it",
    "integration.finish_teardown": "settled the last teardown item",
    "teardown.done": "ticked a teardown item",
    "teardown.not_applicable": "marked a teardown item not applicable",
    "integration.change_security": "changed its scopes or data",
    "integration.needs_changes": "said it needs changes",
    "integration.reviewed": "answered the quarterly review",
    "integration.key_rotated": "recorded a key rotation",
    "integration.orphaned": "flagged it orphaned: the owner left Slack",
    "integration.reassigned": "reassigned it",
    "integration.measured": "recorded success measures",
    "integration.tool_replaced": "recorded that one of its tools is being replaced",
}


class HistoryEntry(BaseModel):
    at: datetime
    actor_id: str
    what: str
    note: str


class History(BaseModel):
    integration_id: int
    title: str
    entries: list[HistoryEntry]


def _describe(action: str, after: dict[str, object] | None) -> str:
    what = WORDS.get(action, action)
    if after and "state" in after and action != "integration.proposed":
        what += f" -> {str(after['state']).replace('_', ' ')}"
    if after and "changed" not in what and action == "integration.edited":
        what += " (" + ", ".join(sorted(after)) + ")"
    if after and action == "integration.reviewed" and "outcome" in after:
        what += ": " + Outcome(str(after["outcome"])).label.lower()
    return what


def integration_history(*, session: Session, integration_id: int) -> History:
    """Everything that happened to one integration, oldest first."""
    integration = get_integration(session, integration_id)
    events = audit.for_entity(session, entity_type="integration", entity_id=integration_id)
    return History(
        integration_id=integration.id,
        title=integration.title,
        entries=[
            HistoryEntry(at=e.at, actor_id=e.actor_id, what=_describe(e.action, e.after), note=e.note)
            for e in events
        ],
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
