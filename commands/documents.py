"""The living document of each integration: everything the registry knows, as plain data to render.

Free text passes through `redact`, so a credential that slipped into the registry never reaches a
document; the security summary names the kind of credential and where it is kept, never its value.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from pydantic import BaseModel
from sqlalchemy.orm import Session

from commands.history import HistoryEntry, integration_history
from commands.integrations import get_integration
from commands.mapping import FieldPair
from commands.measures import MeasureLine, measures_of
from commands.policy import Policy
from commands.run_health import WATCHED, Health, health_of
from commands.secrets import redact
from commands.security_review import ScopeNeed
from commands.stackmap import Orphan, orphan_of
from commands.teardown_plan import TeardownLine, teardown_of
from commands.thresholds import IntegrationThresholds, thresholds_of
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
    batch_minutes: int | None
    method: str
    method_reason: str
    owner_id: str
    proposer_id: str
    security: SecuritySummary | None
    history: list[HistoryEntry]
    last_answered_on: date | None
    last_outcome: str | None
    review_scheduled: bool
    next_review_on: date | None
    measures: list[MeasureLine]
    teardown: list[TeardownLine] = []
    tools: list[ToolTerms] = []
    orphan: Orphan | None = None  # why nobody can answer for it, when it is orphaned
    health: Health | None = None
    thresholds: IntegrationThresholds | None = None
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


def _last_answer(session: Session, integration_id: int) -> tuple[date | None, str | None]:
    """When the last quarterly review was answered, and how (None, None when none was)."""
    answered = reviews_repo.last_answered(session, integration_id)
    if answered is not None and answered.answered_at is not None and answered.outcome:
        return answered.answered_at.date(), answered.outcome
    return None, None


def document_of(
    session: Session, integration: Integration, now: datetime, policy: Policy | None = None
) -> IntegrationDocument:
    watched = State(integration.state) in WATCHED
    tools = {t.id: t for t in tool_repo.all_tools(session)}
    names = {t.id: t.name for t in tools.values()}
    ends = [tools[i] for i in (integration.source_tool_id, integration.target_tool_id) if i in tools]
    orphan = orphan_of(integration, tools)
    security = _security(session, integration.id)
    answered_on, outcome = _last_answer(session, integration.id)
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
        timing=Timing(integration.timing).label,
        batch_minutes=integration.batch_minutes if integration.timing == Timing.BATCH.value else None,
        method=Method(integration.method).label,
        method_reason=redact(integration.method_reason),
        owner_id=integration.owner_id,
        proposer_id=integration.proposer_id,
        security=security,
        history=[e.model_copy(update={"note": redact(e.note)}) for e in history.entries],
        last_answered_on=answered_on,
        last_outcome=outcome,
        review_scheduled=State(integration.state) in SCHEDULED,
        next_review_on=integration.next_review_on,
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
        orphan=orphan,
        health=health_of(session=session, integration_id=integration.id, now=now) if watched else None,
        thresholds=thresholds_of(session=session, integration=integration, policy=policy)
        if watched and policy is not None
        else None,
        generated_at=now,
    )


def integration_document(
    *, session: Session, integration_id: int, now: datetime, policy: Policy | None = None
) -> IntegrationDocument:
    """One integration's living document (with its alert thresholds, given the policy in force)."""
    return document_of(session, get_integration(session, integration_id), now, policy)


def catalog(*, session: Session, now: datetime, policy: Policy | None = None) -> list[IntegrationDocument]:
    """The documents of every integration, in id order, for the Markdown catalog."""
    states = [s.value for s in State]
    return [document_of(session, i, now, policy) for i in dash_repo.integrations_in(session, states=states)]
