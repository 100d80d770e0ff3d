"""The living document of each integration: everything the registry knows, as plain data to render.

Free text passes through `redact`, so a credential that slipped into the registry never reaches a
document; the security summary names the kind of credential and where it is kept, never its value.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from pydantic import BaseModel
from sqlalchemy.orm import Session

from commands.history import integration_history
from commands.mapping import FieldPair
from commands.measures import MeasureLine, measures_of
from commands.proposals import get_integration
from commands.run_health import WATCHED, Health, health_of
from commands.secrets import redact
from commands.security_review import ScopeNeed
from commands.stackmap import orphan_of
from commands.teardown_plan import TeardownLine, teardown_of
from commands.vocabulary import (
    AccessLevel,
    Attestation,
    ConflictRule,
    CredentialStorage,
    CredentialType,
    DataClass,
    DataKind,
    Direction,
    Method,
    ReviewOutcome,
    State,
    Timing,
)
from storage.models import Integration
from storage.repositories import dashboard as dash_repo
from storage.repositories import reviews as reviews_repo
from storage.repositories import security_reviews as review_repo
from storage.repositories import tools as tool_repo

SCHEDULED = frozenset({State.LIVE, State.SUSPENDED})


class SecuritySummary(BaseModel):
    outcome: str
    reviewer_id: str
    reviewed_on: date
    access_level: str
    credential_type: str
    credential_storage: str
    scopes: list[ScopeNeed]
    data_classes: list[str]
    attestations: list[str]
    encrypted_in_transit: bool
    encrypted_at_rest: bool
    rotation_days: int


class HistoryLine(BaseModel):
    at: datetime
    actor_id: str
    what: str
    note: str


class ToolTerms(BaseModel):
    """One of the integration's two tools: when it renews and what replaces it."""

    name: str
    renews_on: date | None
    auto_renews: bool
    successor: str
    retired: bool

    @property
    def noteworthy(self) -> bool:
        return bool(self.renews_on or self.successor or self.retired)


class IntegrationDocument(BaseModel):
    id: int
    slug: str
    title: str
    purpose: str
    state: str
    source_tool: str
    target_tool: str
    trigger: str
    actions: str
    data_kinds: list[str]
    data_classes: list[str]
    mapping: list[FieldPair]
    direction: str
    bi_directional: bool
    source_of_truth: str
    conflict_rule: str
    timing: str
    method: str
    method_reason: str
    owner_id: str
    proposer_id: str
    security: SecuritySummary | None
    history: list[HistoryLine]
    last_review: str
    next_review: str
    measures: list[MeasureLine]
    teardown: list[TeardownLine] = []
    tools: list[ToolTerms] = []
    orphaned: str = ""  # why nobody can answer for it, when it is orphaned
    health: Health | None = None
    generated_at: datetime


def slug(integration_id: int, title: str) -> str:
    words = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60].strip("-")
    return f"{integration_id}-{words}" if words else str(integration_id)


def _security(session: Session, integration_id: int) -> SecuritySummary | None:
    review = review_repo.latest(session, integration_id)
    if review is None:
        return None
    return SecuritySummary(
        outcome=ReviewOutcome(review.outcome).label,
        reviewer_id=review.reviewer_id,
        reviewed_on=review.created_at.date(),
        access_level=AccessLevel(review.access_level).label,
        credential_type=CredentialType(review.credential_type).label,
        credential_storage=CredentialStorage(review.credential_storage).label,
        scopes=[
            ScopeNeed(scope=redact(need.scope), why=redact(need.why))
            for need in (ScopeNeed.model_validate(s) for s in review.scopes)
        ],
        data_classes=[DataClass(c).label for c in review.data_classes],
        attestations=[Attestation(a).label for a in review.attestations],
        encrypted_in_transit=review.encrypted_in_transit,
        encrypted_at_rest=review.encrypted_at_rest,
        rotation_days=review.rotation_days,
    )


def _last_review(session: Session, integration_id: int, security: SecuritySummary | None) -> str:
    """The last quarterly review answered, else the security review, else that there was none."""
    answered = reviews_repo.last_answered(session, integration_id)
    if answered is not None and answered.answered_at is not None and answered.outcome:
        return f"{answered.answered_at.date().isoformat()} ({answered.outcome.replace('_', ' ')})"
    return f"{security.reviewed_on.isoformat()} (security review)" if security else "not reviewed yet"


def _timing(integration: Integration) -> str:
    if integration.timing == Timing.BATCH.value and integration.batch_minutes:
        return f"Batch, every {integration.batch_minutes} minutes"
    return Timing(integration.timing).label


def _next_review(integration: Integration) -> str:
    if State(integration.state) not in SCHEDULED:
        return "scheduled when it goes live"
    return integration.next_review_on.isoformat() if integration.next_review_on else "not scheduled"


def document_of(session: Session, integration: Integration, now: datetime) -> IntegrationDocument:
    tools = {t.id: t for t in tool_repo.all_tools(session)}
    names = {t.id: t.name for t in tools.values()}
    ends = [tools[i] for i in (integration.source_tool_id, integration.target_tool_id) if i in tools]
    orphan = orphan_of(integration, tools)
    security = _security(session, integration.id)
    history = integration_history(session=session, integration_id=integration.id)
    return IntegrationDocument(
        id=integration.id,
        slug=slug(integration.id, integration.title),
        title=redact(integration.title),
        purpose=redact(integration.purpose),
        state=State(integration.state).label,
        source_tool=names.get(integration.source_tool_id, "?"),
        target_tool=names.get(integration.target_tool_id, "?"),
        trigger=redact(integration.trigger),
        actions=redact(integration.actions),
        data_kinds=[DataKind(k).label for k in integration.data_kinds],
        data_classes=[DataClass(c).label for c in integration.data_classes],
        mapping=[
            FieldPair(source=redact(p.source), target=redact(p.target), transform=redact(p.transform))
            for p in (FieldPair.model_validate(pair) for pair in integration.mapping)
        ],
        direction=Direction(integration.direction).label,
        bi_directional=integration.direction == Direction.BI_DIRECTIONAL.value,
        source_of_truth=redact(integration.source_of_truth),
        conflict_rule=ConflictRule(integration.conflict_rule).label if integration.conflict_rule else "",
        timing=_timing(integration),
        method=Method(integration.method).label,
        method_reason=redact(integration.method_reason),
        owner_id=integration.owner_id,
        proposer_id=integration.proposer_id,
        security=security,
        history=[
            HistoryLine(at=e.at, actor_id=e.actor_id, what=e.what, note=redact(e.note))
            for e in history.entries
        ],
        last_review=_last_review(session, integration.id, security),
        next_review=_next_review(integration),
        measures=measures_of(session=session, integration_id=integration.id),
        teardown=teardown_of(session, integration.id),
        tools=[
            ToolTerms(
                name=t.name,
                renews_on=t.renews_on,
                auto_renews=t.auto_renews,
                successor=names.get(t.successor_id, "") if t.successor_id else "",
                retired=t.retired_at is not None,
            )
            for t in ends
        ],
        orphaned=orphan.why() if orphan else "",
        health=health_of(session=session, integration_id=integration.id, now=now)
        if State(integration.state) in WATCHED
        else None,
        generated_at=now,
    )


def integration_document(*, session: Session, integration_id: int, now: datetime) -> IntegrationDocument:
    """One integration's living document."""
    return document_of(session, get_integration(session, integration_id), now)


def catalog(*, session: Session, now: datetime) -> list[IntegrationDocument]:
    """The documents of every integration, in id order, for the Markdown catalog."""
    states = [s.value for s in State]
    return [document_of(session, i, now) for i in dash_repo.integrations_in(session, states=states)]
