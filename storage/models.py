"""The tables: one mapped class each."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware datetimes stored as UTC on every backend."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime")
        return value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON(), list[str]: JSON()}


class Tool(Base):
    __tablename__ = "tools"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    name_key: Mapped[str] = mapped_column(String(80), unique=True)
    category: Mapped[str] = mapped_column(String(40))
    owner_id: Mapped[str] = mapped_column(String(32), index=True)
    data_kinds: Mapped[list[str]] = mapped_column(default=list)
    data_other: Mapped[str] = mapped_column(String(200), default="")
    integration_options: Mapped[list[str]] = mapped_column(default=list)
    vendor_url: Mapped[str] = mapped_column(String(500), default="")
    monthly_cost: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    notes: Mapped[str] = mapped_column(Text, default="")
    renews_on: Mapped[date | None] = mapped_column(Date, index=True)
    auto_renews: Mapped[bool] = mapped_column(Boolean, default=False)
    successor_id: Mapped[int | None] = mapped_column(ForeignKey("tools.id"))
    successor: Mapped[Tool | None] = relationship(remote_side=[id], lazy="select")
    # When its owner said which tools it shares data with (or chose to skip); None: not asked yet.
    assessed_at: Mapped[datetime | None]
    # When its owner was found to have left Slack; cleared when someone else takes it over.
    owner_left_at: Mapped[datetime | None]
    retired_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class RenewalNotice(Base):
    """One reminder of a tool's renewal (60 or 30 days before it), and its owner's answer.

    The unique key is the claim: however many replicas run the daily job, one row (and one DM) is made.
    """

    __tablename__ = "renewal_notices"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tool_id: Mapped[int] = mapped_column(ForeignKey("tools.id"), index=True)
    renews_on: Mapped[date] = mapped_column(Date)
    days_before: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime]
    answer: Mapped[str | None] = mapped_column(String(12))
    answered_by: Mapped[str | None] = mapped_column(String(32))
    answered_at: Mapped[datetime | None]

    __table_args__ = (UniqueConstraint("tool_id", "renews_on", "days_before", name="uq_renewal_notice"),)


class Integration(Base):
    """A proposed integration and, once approved, the live integration it became."""

    __tablename__ = "integrations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(120))
    purpose: Mapped[str] = mapped_column(Text)
    source_tool_id: Mapped[int] = mapped_column(ForeignKey("tools.id"), index=True)
    target_tool_id: Mapped[int] = mapped_column(ForeignKey("tools.id"), index=True)
    trigger: Mapped[str] = mapped_column(String(300))
    actions: Mapped[str] = mapped_column(Text)
    data_kinds: Mapped[list[str]] = mapped_column(default=list)
    mapping: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    direction: Mapped[str] = mapped_column(String(20))
    source_of_truth: Mapped[str] = mapped_column(Text, default="")
    conflict_rule: Mapped[str | None] = mapped_column(String(20))
    timing: Mapped[str] = mapped_column(String(20))
    batch_minutes: Mapped[int | None] = mapped_column(Integer)
    method: Mapped[str] = mapped_column(String(20))
    method_reason: Mapped[str] = mapped_column(Text)
    effort_hours: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    owner_id: Mapped[str] = mapped_column(String(32), index=True)
    proposer_id: Mapped[str] = mapped_column(String(32), index=True)
    frequency: Mapped[int] = mapped_column(Integer)
    impact: Mapped[int] = mapped_column(Integer)
    feasibility: Mapped[int] = mapped_column(Integer)
    hours_per_week: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    monthly_cost: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    score: Mapped[int] = mapped_column(Integer)
    payback_months: Mapped[Decimal | None] = mapped_column(Numeric(10, 1))
    state: Mapped[str] = mapped_column(String(24), index=True)
    review_round: Mapped[int] = mapped_column(Integer, default=0)
    data_classes: Mapped[list[str]] = mapped_column(default=list)
    rotation_days: Mapped[int | None] = mapped_column(Integer)
    pending_change: Mapped[dict[str, Any] | None]
    resume_state: Mapped[str | None] = mapped_column(String(24))
    card_channel: Mapped[str | None] = mapped_column(String(32))
    card_ts: Mapped[str | None] = mapped_column(String(32))
    state_since: Mapped[datetime | None]
    live_at: Mapped[datetime | None]
    retested_at: Mapped[datetime | None]  # set by a retest after a suspension, cleared on redeploy
    next_review_on: Mapped[date | None] = mapped_column(Date, index=True)
    rotated_at: Mapped[datetime | None]
    orphaned_at: Mapped[datetime | None]
    nudged_for: Mapped[datetime | None]
    escalated_for: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(Integer, default=1)

    __table_args__ = (Index("ix_integrations_rank", "state", "score", "payback_months"),)
    __mapper_args__ = {"version_id_col": version}


class SecurityReview(Base):
    """One security review of an integration (or of a change to its scopes and data)."""

    __tablename__ = "security_reviews"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    integration_id: Mapped[int] = mapped_column(ForeignKey("integrations.id"), index=True)
    round: Mapped[int] = mapped_column(Integer)
    reviewer_id: Mapped[str] = mapped_column(String(32))
    scopes: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    access_level: Mapped[str] = mapped_column(String(20))
    credential_type: Mapped[str] = mapped_column(String(24))
    credential_storage: Mapped[str] = mapped_column(String(24))
    data_classes: Mapped[list[str]] = mapped_column(default=list)
    attestations: Mapped[list[str]] = mapped_column(default=list)
    encrypted_in_transit: Mapped[bool]
    encrypted_at_rest: Mapped[bool]
    rotation_days: Mapped[int] = mapped_column(Integer)
    outcome: Mapped[str] = mapped_column(String(20))
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]


class Approval(Base):
    """One approver's approval in one approval round; a round may need two."""

    __tablename__ = "approvals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    integration_id: Mapped[int] = mapped_column(ForeignKey("integrations.id"))
    round: Mapped[int] = mapped_column(Integer)
    approver_id: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime]

    __table_args__ = (UniqueConstraint("integration_id", "round", "approver_id", name="uq_approval_once"),)


class Outbox(Base):
    """Slack messages owed after a committed change; delivered, and retried, after the commit."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    integration_id: Mapped[int | None] = mapped_column(Integer, index=True)
    recipient: Mapped[str] = mapped_column(String(32), default="")
    thread_ts: Mapped[str] = mapped_column(String(32), default="")
    text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None] = mapped_column(index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(String(200), default="")
    # Slack may have taken the last attempt (a 5xx or a dropped connection after sending): it is
    # looked for among the messages posted after `look_after` (a Slack timestamp) before posting again.
    uncertain: Mapped[bool] = mapped_column(Boolean, default=False)
    look_after: Mapped[str] = mapped_column(String(32), default="")


class IdempotencyKey(Base):
    """One Slack request (a view, an action, an event) that changed something, and what it changed."""

    __tablename__ = "idempotency_keys"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    entity_type: Mapped[str | None] = mapped_column(String(40))
    entity_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime]


class ReviewThread(Base):
    """The DM thread a sweep opened with one owner on one day; its replies are the reviews due."""

    __tablename__ = "review_threads"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner_id: Mapped[str] = mapped_column(String(32))
    opened_on: Mapped[date] = mapped_column(Date)
    channel: Mapped[str] = mapped_column(String(32))
    ts: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime]

    __table_args__ = (UniqueConstraint("owner_id", "opened_on", name="uq_review_thread_per_day"),)


class ReviewCycle(Base):
    """One quarterly review (or key-rotation reminder) of one integration, due on one date."""

    __tablename__ = "review_cycles"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    integration_id: Mapped[int] = mapped_column(ForeignKey("integrations.id"), index=True)
    kind: Mapped[str] = mapped_column(String(12))
    due_on: Mapped[date] = mapped_column(Date)
    owner_id: Mapped[str] = mapped_column(String(32), index=True)
    status: Mapped[str] = mapped_column(String(12), index=True)
    claimed_until: Mapped[datetime | None]
    thread_id: Mapped[int | None] = mapped_column(ForeignKey("review_threads.id"))
    channel: Mapped[str | None] = mapped_column(String(32))
    ts: Mapped[str | None] = mapped_column(String(32))
    sent_at: Mapped[datetime | None]
    reminders_sent: Mapped[int] = mapped_column(Integer, default=0)
    escalated_at: Mapped[datetime | None]
    answered_at: Mapped[datetime | None]
    answered_by: Mapped[str | None] = mapped_column(String(32))
    outcome: Mapped[str | None] = mapped_column(String(20))
    answer: Mapped[dict[str, Any] | None]
    last_error: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime]

    __table_args__ = (UniqueConstraint("integration_id", "kind", "due_on", name="uq_review_cycle"),)


class AuditEvent(Base):
    """Append-only: the migration installs triggers that refuse UPDATE and DELETE."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    actor_id: Mapped[str] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(60))
    entity_type: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int] = mapped_column(Integer)
    before: Mapped[dict[str, Any] | None]
    after: Mapped[dict[str, Any] | None]
    note: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (Index("ix_audit_entity", "entity_type", "entity_id"),)


class Flow(Base):
    """Data that moves between two tools: by hand, by a CSV export/import, or by an integration."""

    __tablename__ = "flows"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_tool_id: Mapped[int] = mapped_column(ForeignKey("tools.id"), index=True)
    target_tool_id: Mapped[int] = mapped_column(ForeignKey("tools.id"), index=True)
    data: Mapped[str] = mapped_column(String(200))
    data_kinds: Mapped[list[str]] = mapped_column(default=list)
    mode: Mapped[str] = mapped_column(String(20), index=True)
    integration_id: Mapped[int | None] = mapped_column(ForeignKey("integrations.id"), index=True)
    times_per_week: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    minutes_each: Mapped[int] = mapped_column(Integer)
    done_by: Mapped[str | None] = mapped_column(String(32))
    created_by: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    automated_at: Mapped[datetime | None]


class Measurement(Base):
    """What a live integration achieves, recorded by its owner at go-live and at each review."""

    __tablename__ = "measurements"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    integration_id: Mapped[int] = mapped_column(ForeignKey("integrations.id"), index=True)
    recorded_at: Mapped[datetime]
    hours_saved_per_week: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    errors_avoided: Mapped[int] = mapped_column(Integer)
    freshness_minutes: Mapped[int] = mapped_column(Integer)
    recorded_by: Mapped[str] = mapped_column(String(32))


class Removal(Base):
    """A workspace that uninstalled Patchbay or revoked its bot token: nothing is posted there."""

    __tablename__ = "slack_removals"

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    reason: Mapped[str] = mapped_column(String(32))
    removed_at: Mapped[datetime] = mapped_column(UTCDateTime)


class IngestToken(Base):
    """A per-integration token for reporting runs; only its SHA-256 hash is kept."""

    __tablename__ = "ingest_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    integration_id: Mapped[int] = mapped_column(ForeignKey("integrations.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hint: Mapped[str] = mapped_column(String(16))
    created_by: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class Run(Base):
    """One reported run of a live integration: kept for the retention period, then pruned.

    Inserting a run counts it into `run_hours` and `run_durations` (a database trigger: migration
    0012) by its `hour`, `duration_bucket` and `lag_seconds`, worked out when it arrives; runs stored
    before 0012 have NULL there.
    """

    __tablename__ = "runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    integration_id: Mapped[int] = mapped_column(ForeignKey("integrations.id"))
    run_id: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(10))
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime]
    duration_ms: Mapped[int] = mapped_column(Integer)
    records: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str] = mapped_column(Text, default="")
    source_event_at: Mapped[datetime | None]
    received_at: Mapped[datetime] = mapped_column(index=True)
    hour: Mapped[datetime | None]
    duration_bucket: Mapped[int | None] = mapped_column(Integer)
    lag_seconds: Mapped[int | None] = mapped_column(Integer)

    __table_args__ = (
        UniqueConstraint("integration_id", "run_id", name="uq_run_once"),
        Index("ix_runs_recent", "integration_id", "finished_at"),
    )


class RunHour(Base):
    """Runs of one integration in one hour, counted as they arrive; kept for good."""

    __tablename__ = "run_hours"

    integration_id: Mapped[int] = mapped_column(ForeignKey("integrations.id"), primary_key=True)
    hour: Mapped[datetime] = mapped_column(primary_key=True)
    runs: Mapped[int] = mapped_column(Integer, default=0)
    successes: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[int] = mapped_column(Integer, default=0)
    partials: Mapped[int] = mapped_column(Integer, default=0)
    records: Mapped[int] = mapped_column(Integer, default=0)
    counted_runs: Mapped[int] = mapped_column(Integer, default=0)
    lag_seconds: Mapped[int] = mapped_column(Integer, default=0)
    lagged_runs: Mapped[int] = mapped_column(Integer, default=0)
    last_success_at: Mapped[datetime | None]


class RunDuration(Base):
    """How many runs of one integration in one hour fell into one duration bucket (a histogram)."""

    __tablename__ = "run_durations"

    integration_id: Mapped[int] = mapped_column(ForeignKey("integrations.id"), primary_key=True)
    hour: Mapped[datetime] = mapped_column(primary_key=True)
    bucket: Mapped[int] = mapped_column(Integer, primary_key=True)
    runs: Mapped[int] = mapped_column(Integer, default=0)


class Incident(Base):
    """A run-health alert on one integration, from opening to recovery.

    `open_key` is "<integration id>:<kind>" while the incident is open and NULL once it is closed,
    so a unique constraint lets only one open incident of a kind exist per integration.
    """

    __tablename__ = "incidents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    integration_id: Mapped[int] = mapped_column(ForeignKey("integrations.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    open_key: Mapped[str | None] = mapped_column(String(40), unique=True)
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
    opened_at: Mapped[datetime]
    acknowledged_at: Mapped[datetime | None]
    acknowledged_by: Mapped[str | None] = mapped_column(String(32))
    snoozed_until: Mapped[datetime | None]
    escalated_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]


class CheckIn(Base):
    """One weekly check-in in an integration's first month live, and the owner's answer."""

    __tablename__ = "check_ins"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    integration_id: Mapped[int] = mapped_column(ForeignKey("integrations.id"), index=True)
    week: Mapped[int] = mapped_column(Integer)
    due_at: Mapped[datetime]
    answer: Mapped[str | None] = mapped_column(String(20))
    answered_by: Mapped[str | None] = mapped_column(String(32))
    answered_at: Mapped[datetime | None]

    __table_args__ = (UniqueConstraint("integration_id", "week", name="uq_check_in_week"),)


class WorkspacePolicy(Base):
    """The policy values admins changed in Slack; one row, read on every request.

    Only values that differ from the environment's are kept, so the rest follow the environment.
    `version` goes up with every change; a submission made against an older version is refused.
    """

    __tablename__ = "workspace_policy"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    overrides: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime]
    updated_by: Mapped[str] = mapped_column(String(32))
    version: Mapped[int] = mapped_column(Integer, default=1)


class TeardownItem(Base):
    """One thing to undo when an integration is retired; ticked done or marked not applicable."""

    __tablename__ = "teardown_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    integration_id: Mapped[int] = mapped_column(ForeignKey("integrations.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    position: Mapped[int] = mapped_column(Integer)
    facts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(16), default="open")
    reason: Mapped[str] = mapped_column(Text, default="")
    settled_by: Mapped[str | None] = mapped_column(String(32))
    settled_at: Mapped[datetime | None]
    created_at: Mapped[datetime]

    __table_args__ = (UniqueConstraint("integration_id", "kind", name="uq_teardown_item"),)


class IntegrationThresholds(Base):
    """The run-health thresholds one integration sets for itself; the rest follow the workspace policy.

    `overrides` holds only the values set (field -> value); `version` goes up with every change.
    """

    __tablename__ = "integration_thresholds"

    integration_id: Mapped[int] = mapped_column(ForeignKey("integrations.id"), primary_key=True)
    overrides: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime]
    updated_by: Mapped[str] = mapped_column(String(32))
    version: Mapped[int] = mapped_column(Integer, default=1)
