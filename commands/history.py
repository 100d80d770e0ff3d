"""Reading the audit log: one integration's or one tool's timeline, or everything as JSON lines."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime

from pydantic import BaseModel
from sqlalchemy.orm import Session

from commands.integrations import get_integration
from commands.notices import ChangeSummary, StepReason
from commands.review_items import Outcome
from commands.tools import find_tool, get_tool
from storage.models import AuditEvent
from storage.repositories import audit

TOOL_PAGE_SIZE = 40


class HistoryEntry(BaseModel):
    """One audited change of an integration or a tool, as data: `bot/views/history.py` words it."""

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
    # A tool's changes: its new owner, the renewal date a reminder or answer was about (or the date a
    # renewal moved it to), how many days before it a reminder went, the answer, the successor.
    owner_id: str = ""
    renews_on: date | None = None
    auto_renews: bool = False
    days_before: int | None = None
    answer: str = ""
    successor: str = ""


class History(BaseModel):
    integration_id: int
    title: str
    entries: list[HistoryEntry]


class ToolHistory(BaseModel):
    """One page of a tool's history, oldest first."""

    tool_id: int
    name: str
    retired: bool
    entries: list[HistoryEntry]
    total: int
    page: int
    pages: int


def _changed(event: AuditEvent) -> list[str]:
    after = event.after or {}
    if event.action == "integration.edited":
        return sorted(after)
    if event.action == "tool.updated":
        before = event.before or {}
        return [field for field in after if before.get(field) != after[field]]
    return []


def _entry(event: AuditEvent) -> HistoryEntry:
    after = event.after or {}
    tool_event = event.entity_type == "tool"
    return HistoryEntry(
        at=event.at,
        actor_id=event.actor_id,
        action=event.action,
        state=str(after["state"]) if "state" in after and event.action != "integration.proposed" else None,
        changed=_changed(event),
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
        owner_id=str(after.get("owner_id", "")) if tool_event else "",
        renews_on=date.fromisoformat(str(after["renews_on"]))
        if tool_event and after.get("renews_on")
        else None,
        auto_renews=tool_event and bool(after.get("auto_renews")),
        days_before=int(after["days_before"]) if tool_event and "days_before" in after else None,
        answer=str(after.get("answer", "")) if tool_event else "",
        successor=str(after.get("successor") or "") if tool_event else "",
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


def tool_history(*, session: Session, tool_id: int, page: int = 1) -> ToolHistory:
    """Everything that happened to one tool (retired ones too), oldest first, one page."""
    tool = get_tool(session=session, tool_id=tool_id)
    total = audit.count_for_entity(session, entity_type="tool", entity_id=tool.id)
    pages = max((total + TOOL_PAGE_SIZE - 1) // TOOL_PAGE_SIZE, 1)
    page = min(max(page, 1), pages)
    events = audit.for_entity(
        session,
        entity_type="tool",
        entity_id=tool.id,
        offset=(page - 1) * TOOL_PAGE_SIZE,
        limit=TOOL_PAGE_SIZE,
    )
    return ToolHistory(
        tool_id=tool.id,
        name=tool.name,
        retired=tool.retired,
        entries=[_entry(e) for e in events],
        total=total,
        page=page,
        pages=pages,
    )


def tool_history_named(*, session: Session, name: str) -> ToolHistory:
    """The first page of the history of the tool with this name; NotFound (with near names) otherwise."""
    return tool_history(session=session, tool_id=find_tool(session=session, name=name).id)


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
