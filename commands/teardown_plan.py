"""What retiring an integration has to undo, built from what Patchbay knows of it."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel
from sqlalchemy.orm import Session

from commands.vocabulary import CredentialStorage, CredentialType, Labelled, Method
from storage.models import Integration, TeardownItem
from storage.repositories import flows as flow_repo
from storage.repositories import security_reviews as review_repo
from storage.repositories import teardown as repo
from storage.repositories import tools as tool_repo


class TeardownKind(Labelled):
    AUTOMATION_OFF = ("automation_off", "Switch the automation off")
    REVOKE_CREDENTIAL = ("revoke_credential", "Revoke its access")
    DELETE_CREDENTIAL = ("delete_credential", "Delete the stored credential")
    REMOVE_WEBHOOKS = ("remove_webhooks", "Remove its webhooks")
    TELL_DOWNSTREAM = ("tell_downstream", "Tell the people downstream")
    ARCHIVE_DOCUMENT = ("archive_document", "Archive its document")


class TeardownStatus(StrEnum):
    OPEN = "open"
    DONE = "done"
    NOT_APPLICABLE = "not_applicable"


class ManualFlow(BaseModel):
    """A flow this integration automated: done by hand again once it is gone."""

    id: int
    data: str
    done_by: str | None


class TeardownFacts(BaseModel):
    """What an item's wording draws on: the method, credential, scopes, people and flows."""

    method: Method | None = None
    source_tool: str = ""
    target_tool: str = ""
    credential_type: CredentialType | None = None
    credential_storage: CredentialStorage | None = None
    scopes: list[str] = []
    people: list[str] = []
    flows: list[ManualFlow] = []


class TeardownLine(BaseModel):
    id: int
    kind: TeardownKind
    status: TeardownStatus
    facts: TeardownFacts
    reason: str
    settled_by: str | None


def line_of(item: TeardownItem) -> TeardownLine:
    return TeardownLine(
        id=item.id,
        kind=TeardownKind(item.kind),
        status=TeardownStatus(item.status),
        facts=TeardownFacts.model_validate(item.facts),
        reason=item.reason,
        settled_by=item.settled_by,
    )


def _facts(session: Session, integration: Integration) -> TeardownFacts:
    review = review_repo.latest_passed(session, integration.id)
    names = tool_repo.names(session, {integration.source_tool_id, integration.target_tool_id})
    flows = flow_repo.of_integration(session, integration.id)
    target = tool_repo.get(session, integration.target_tool_id)
    people = [f.done_by for f in flows if f.done_by] + ([target.owner_id] if target else [])
    people = [p for p in dict.fromkeys(people) if p != integration.owner_id]
    return TeardownFacts(
        method=Method(integration.method),
        source_tool=names.get(integration.source_tool_id, "?"),
        target_tool=names.get(integration.target_tool_id, "?"),
        credential_type=CredentialType(review.credential_type) if review else None,
        credential_storage=CredentialStorage(review.credential_storage) if review else None,
        scopes=[str(s.get("scope", "")) for s in (review.scopes if review else []) if s.get("scope")],
        people=people,
        flows=[ManualFlow(id=f.id, data=f.data, done_by=f.done_by) for f in flows],
    )


def open_teardown(session: Session, integration: Integration, *, now: datetime) -> list[TeardownLine]:
    """Add the checklist of a retiring integration (called once, inside the move to retiring)."""
    facts: dict[str, Any] = _facts(session, integration).model_dump(mode="json")
    items = [
        TeardownItem(
            integration_id=integration.id,
            kind=kind.value,
            position=position,
            facts=facts,
            status=TeardownStatus.OPEN.value,
            reason="",
            created_at=now,
        )
        for position, kind in enumerate(TeardownKind)
    ]
    repo.add(session, items)
    return [line_of(item) for item in items]


def teardown_of(session: Session, integration_id: int) -> list[TeardownLine]:
    return [line_of(item) for item in repo.items_of(session, integration_id)]
