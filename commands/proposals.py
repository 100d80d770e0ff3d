"""Use-cases of proposing integrations: propose, edit, show, rank, plan."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, Field
from sqlalchemy.orm import Session

from commands.actor import Actor
from commands.audit import record_change
from commands.economics import Economics, evaluate
from commands.errors import InvalidInput, NotAllowed, NotFound, PatchbayError
from commands.fields import (
    Form,
    Hours,
    LongText,
    Money,
    NoSecret,
    RequiredText,
    RowId,
    Score,
    UserId,
    raise_errors,
)
from commands.mapping import FieldPair, format_mapping, parse_mapping
from commands.notices import Notice, Say
from commands.outbox import Kind, owe
from commands.policy import Policy
from commands.teardown_plan import TeardownLine, line_of
from commands.vocabulary import (
    ENDED,
    IN_FLIGHT,
    OPEN_PROPOSAL,
    SENSITIVE,
    ConflictRule,
    DataClass,
    DataKind,
    Direction,
    Method,
    ReviewOutcome,
    State,
    Timing,
)
from storage.models import Integration, Tool
from storage.repositories import integrations as repo
from storage.repositories import security_reviews as review_repo
from storage.repositories import teardown as teardown_repo
from storage.repositories import tools as tool_repo

QUEUE_PAGE = 10
EDITABLE = frozenset(
    {State.PROPOSED, State.SECURITY_REVIEW, State.CHANGES_REQUESTED, State.AWAITING_APPROVAL}
)


def _mapping(value: Any) -> Any:
    return parse_mapping(value) if isinstance(value, str) else value


Title = Annotated[str, Field(min_length=1, max_length=120), NoSecret]
Mapping = Annotated[list[FieldPair], BeforeValidator(_mapping)]


class ProposalDraft(Form):
    """What a person fills in to propose (or edit) an integration."""

    field_messages = {
        "source_tool_id": "Pick the tool the data comes from.",
        "target_tool_id": "Pick the tool the data goes to.",
        "owner_id": "Pick who will own the integration.",
    }

    title: Title
    purpose: LongText = Field(min_length=1)
    source_tool_id: RowId
    target_tool_id: RowId
    trigger: RequiredText
    actions: LongText = Field(min_length=1)
    data_kinds: list[DataKind] = Field(default_factory=list)
    mapping: Mapping
    direction: Direction
    source_of_truth: LongText = ""
    conflict_rule: ConflictRule | None = None
    timing: Timing
    batch_minutes: int | None = Field(default=None, ge=1, le=43200)
    method: Method
    method_reason: LongText = Field(min_length=1)
    effort_hours: Hours
    owner_id: UserId
    frequency: Score
    impact: Score
    feasibility: Score
    hours_per_week: Hours
    monthly_cost: Money = Decimal(0)

    def mapping_text(self) -> str:
        return format_mapping(self.mapping)


class Similar(PatchbayError):
    """Integrations already connect these tools with overlapping data; saving needs a confirmation."""

    def __init__(self, matches: list[tuple[int, str, State]]) -> None:
        listed = ", ".join(f"#{i} {title} ({state.label.lower()})" for i, title, state in matches)
        super().__init__("Similar integrations already exist: {listed}.", listed=listed)
        self.matches = matches


class IntegrationCard(BaseModel):
    """An integration as people see it."""

    id: int
    title: str
    purpose: str
    source_tool: str
    target_tool: str
    draft: ProposalDraft
    proposer_id: str
    state: State
    economics: Economics
    queue_position: int | None
    in_flight: int
    inflight_cap: int
    currency: str
    payback_limit: int
    data_classes: list[DataClass] = []
    approvers: list[str] = []
    approvals_needed: int = 1
    reviewer_id: str | None = None
    review_outcome: ReviewOutcome | None = None
    pending_change: str = ""
    next_review_on: date | None = None
    teardown: list[TeardownLine] = []
    retested: bool = False

    @property
    def owner_id(self) -> str:
        return self.draft.owner_id

    @property
    def cap_reached(self) -> bool:
        return self.in_flight >= self.inflight_cap


class QueuePage(BaseModel):
    cards: list[IntegrationCard]
    first_rank: int
    total: int
    page: int
    pages: int
    focus_size: int


def active_tool(session: Session, tool_id: int, field: str) -> Tool:
    """The tool, or InvalidInput at `field` when it is unknown or retired."""
    tool = tool_repo.get(session, tool_id)
    if tool is None:
        raise InvalidInput({field: "That tool is not in the registry. Register it first."})
    if tool.retired_at is not None:
        raise InvalidInput({field: f"{tool.name} is retired. Pick a tool still in use."})
    return tool


def tool_pair_errors(
    session: Session, source_id: int | None, target_id: int | None, *, same: str
) -> dict[str, str]:
    """Field errors for a source and target picked from the registry: unknown, retired, or the same.

    A tool left unpicked (None) is the form's own error and is not looked up.
    """
    errors: dict[str, str] = {}
    for field, tool_id in (("source_tool_id", source_id), ("target_tool_id", target_id)):
        if tool_id is None:
            continue
        try:
            active_tool(session, tool_id, field)
        except InvalidInput as exc:
            errors.update(exc.errors)
    if source_id is not None and source_id == target_id:
        errors["target_tool_id"] = same
    return errors


def proposal_errors(*, session: Session, values: dict[str, Any]) -> dict[str, str]:
    """Rules that span fields or need the registry, over the valid values; each at its field."""
    errors = tool_pair_errors(
        session,
        values.get("source_tool_id"),
        values.get("target_tool_id"),
        same="The target must be a different tool from the source.",
    )
    if values.get("direction") is Direction.BI_DIRECTIONAL:
        if not values.get("source_of_truth") and "source_of_truth" in values:
            errors["source_of_truth"] = "Say which tool is the source of truth for each kind of data."
        if values.get("conflict_rule") is None and "conflict_rule" in values:
            errors["conflict_rule"] = "Pick what happens when both sides change the same record."
    if values.get("timing") is Timing.BATCH and not values.get("batch_minutes") and "batch_minutes" in values:
        errors["batch_minutes"] = "Say how often the batch runs, in minutes."
    return errors


def _economics(draft: ProposalDraft | Integration, policy: Policy) -> Economics:
    return evaluate(
        frequency=draft.frequency,
        impact=draft.impact,
        feasibility=draft.feasibility,
        hours_per_week=draft.hours_per_week,
        monthly_cost=draft.monthly_cost,
        effort_hours=draft.effort_hours,
        policy=policy,
    )


def _similar(session: Session, draft: ProposalDraft, exclude_id: int | None) -> list[tuple[int, str, State]]:
    found = repo.between(
        session,
        tool_a=draft.source_tool_id,
        tool_b=draft.target_tool_id,
        exclude_states=[s.value for s in ENDED],
        exclude_id=exclude_id,
    )
    wanted = {kind.value for kind in draft.data_kinds}
    return [
        (other.id, other.title, State(other.state))
        for other in found
        if not wanted or not other.data_kinds or wanted & set(other.data_kinds)
    ]


def _apply(integration: Integration, draft: ProposalDraft, economics: Economics) -> None:
    integration.title = draft.title
    integration.purpose = draft.purpose
    integration.source_tool_id = draft.source_tool_id
    integration.target_tool_id = draft.target_tool_id
    integration.trigger = draft.trigger
    integration.actions = draft.actions
    integration.data_kinds = [kind.value for kind in draft.data_kinds]
    integration.mapping = [pair.model_dump() for pair in draft.mapping]
    integration.direction = draft.direction.value
    integration.source_of_truth = draft.source_of_truth
    integration.conflict_rule = draft.conflict_rule.value if draft.conflict_rule else None
    integration.timing = draft.timing.value
    integration.batch_minutes = draft.batch_minutes if draft.timing is Timing.BATCH else None
    integration.method = draft.method.value
    integration.method_reason = draft.method_reason
    integration.effort_hours = draft.effort_hours
    integration.owner_id = draft.owner_id
    integration.frequency = draft.frequency
    integration.impact = draft.impact
    integration.feasibility = draft.feasibility
    integration.hours_per_week = draft.hours_per_week
    integration.monthly_cost = draft.monthly_cost
    integration.score = economics.score
    integration.payback_months = economics.payback_months


def draft_of(integration: Integration) -> ProposalDraft:
    return ProposalDraft.model_validate(
        {
            "title": integration.title,
            "purpose": integration.purpose,
            "source_tool_id": integration.source_tool_id,
            "target_tool_id": integration.target_tool_id,
            "trigger": integration.trigger,
            "actions": integration.actions,
            "data_kinds": integration.data_kinds,
            "mapping": [FieldPair.model_validate(pair) for pair in integration.mapping],
            "direction": integration.direction,
            "source_of_truth": integration.source_of_truth,
            "conflict_rule": integration.conflict_rule,
            "timing": integration.timing,
            "batch_minutes": integration.batch_minutes,
            "method": integration.method,
            "method_reason": integration.method_reason,
            "effort_hours": integration.effort_hours,
            "owner_id": integration.owner_id,
            "frequency": integration.frequency,
            "impact": integration.impact,
            "feasibility": integration.feasibility,
            "hours_per_week": integration.hours_per_week,
            "monthly_cost": integration.monthly_cost,
        }
    )


def snapshot(integration: Integration) -> dict[str, Any]:
    return {**draft_of(integration).model_dump(mode="json"), "state": integration.state}


def approvals_needed(data_classes: list[str], policy: Policy) -> int:
    """Two approvals (by default) for personal, financial or health data; one otherwise."""
    return policy.sensitive_approvals if {DataClass(c) for c in data_classes} & SENSITIVE else 1


def card_of(session: Session, integration: Integration, policy: Policy) -> IntegrationCard:
    state = State(integration.state)
    position = (
        repo.rank_of(session, integration, states=[s.value for s in OPEN_PROPOSAL])
        if state in OPEN_PROPOSAL
        else None
    )
    return cards_of(session, [(integration, position)], policy)[0]


def cards_of(
    session: Session, ranked: Sequence[tuple[Integration, int | None]], policy: Policy
) -> list[IntegrationCard]:
    """Cards for integrations whose queue positions are known, in a fixed number of queries."""
    integrations = [integration for integration, _ in ranked]
    ids = [integration.id for integration in integrations]
    names = tool_repo.names(
        session, {i.source_tool_id for i in integrations} | {i.target_tool_id for i in integrations}
    )
    reviews = review_repo.latest_of_each(session, ids)
    approvers = review_repo.approvers_of_each(session, {i.id: i.review_round for i in integrations})
    in_flight = repo.count_in(session, states=[s.value for s in IN_FLIGHT]) if integrations else 0
    teardowns = teardown_repo.items_of_each(
        session, [i.id for i in integrations if i.state in (State.RETIRING.value, State.RETIRED.value)]
    )
    cards = []
    for integration, position in ranked:
        review = reviews.get(integration.id)
        cards.append(
            IntegrationCard(
                id=integration.id,
                title=integration.title,
                purpose=integration.purpose,
                source_tool=names.get(integration.source_tool_id, "?"),
                target_tool=names.get(integration.target_tool_id, "?"),
                draft=draft_of(integration),
                proposer_id=integration.proposer_id,
                state=State(integration.state),
                economics=_economics(integration, policy),
                queue_position=position,
                in_flight=in_flight,
                inflight_cap=policy.inflight_cap,
                currency=policy.currency,
                payback_limit=policy.payback_months,
                data_classes=[DataClass(c) for c in integration.data_classes],
                approvers=approvers.get(integration.id, []),
                approvals_needed=approvals_needed(integration.data_classes, policy),
                reviewer_id=review.reviewer_id if review else None,
                review_outcome=ReviewOutcome(review.outcome) if review else None,
                pending_change=(integration.pending_change or {}).get("summary", ""),
                next_review_on=integration.next_review_on,
                teardown=[line_of(item) for item in teardowns.get(integration.id, [])],
                retested=integration.retested_at is not None,
            )
        )
    return cards


def get_integration(session: Session, integration_id: int) -> Integration:
    integration = repo.get(session, integration_id)
    if integration is None:
        raise NotFound(f"There is no integration #{integration_id}. `/patchbay queue` lists the open ones.")
    return integration


def propose_integration(
    *,
    session: Session,
    actor: Actor,
    draft: ProposalDraft,
    policy: Policy,
    now: datetime,
    confirmed: bool = False,
) -> IntegrationCard:
    """Record a new proposal; warns (Similar) about overlapping ones unless `confirmed`."""
    raise_errors(proposal_errors(session=session, values=dict(draft)))
    similar = _similar(session, draft, exclude_id=None)
    if similar and not confirmed:
        raise Similar(similar)
    economics = _economics(draft, policy)
    integration = Integration(
        proposer_id=actor.user_id, state=State.PROPOSED.value, created_at=now, updated_at=now
    )
    _apply(integration, draft, economics)
    repo.add(session, integration)
    record_change(
        session,
        actor=actor,
        now=now,
        action="integration.proposed",
        entity_type="integration",
        entity_id=integration.id,
        before=None,
        after=snapshot(integration),
    )
    owe(session, kind=Kind.CARD, integration_id=integration.id, now=now)
    if integration.owner_id != actor.user_id:
        owe(
            session,
            kind=Kind.DM,
            integration_id=integration.id,
            recipient=integration.owner_id,
            now=now,
            text=Notice(
                say=Say.PROPOSED_FOR_YOU,
                integration_id=integration.id,
                title=integration.title,
                actor_id=actor.user_id,
            ).model_dump_json(),
        )
    return card_of(session, integration, policy)


def can_edit(actor: Actor, card: IntegrationCard) -> bool:
    """Whether the actor may edit the proposal now: its proposer or owner, before approval."""
    return actor.user_id in (card.proposer_id, card.owner_id) and card.state in EDITABLE


def proposal_for_editor(
    *, session: Session, actor: Actor, integration_id: int, policy: Policy
) -> IntegrationCard:
    """The proposal, if the actor may edit it now; otherwise NotAllowed saying why."""
    integration = get_integration(session, integration_id)
    if actor.user_id not in (integration.proposer_id, integration.owner_id):
        raise NotAllowed(
            f"Only the proposer <@{integration.proposer_id}> or the owner <@{integration.owner_id}> "
            f"can edit #{integration.id}."
        )
    if State(integration.state) not in EDITABLE:
        raise NotAllowed(
            f"#{integration.id} is {State(integration.state).label.lower()}; it can no longer be edited."
        )
    return card_of(session, integration, policy)


def edit_proposal(
    *,
    session: Session,
    actor: Actor,
    integration_id: int,
    draft: ProposalDraft,
    policy: Policy,
    now: datetime,
    confirmed: bool = False,
) -> IntegrationCard:
    """Save an edit by the proposer or owner while the proposal is not yet approved."""
    proposal_for_editor(session=session, actor=actor, integration_id=integration_id, policy=policy)
    integration = get_integration(session, integration_id)
    raise_errors(proposal_errors(session=session, values=dict(draft)))
    similar = _similar(session, draft, exclude_id=integration.id)
    if similar and not confirmed:
        raise Similar(similar)
    before = snapshot(integration)
    _apply(integration, draft, _economics(draft, policy))
    integration.updated_at = now
    session.flush()
    after = snapshot(integration)
    if after != before:
        changed = sorted(key for key in after if after[key] != before.get(key))
        record_change(
            session,
            actor=actor,
            now=now,
            action="integration.edited",
            entity_type="integration",
            entity_id=integration.id,
            before={k: before.get(k) for k in changed},
            after={k: after[k] for k in changed},
        )
    owe(session, kind=Kind.CARD, integration_id=integration.id, now=now)
    return card_of(session, integration, policy)


def show_integration(*, session: Session, integration_id: int, policy: Policy) -> IntegrationCard:
    """One integration's card."""
    return card_of(session, get_integration(session, integration_id), policy)


def queue(*, session: Session, policy: Policy, page: int = 1) -> QueuePage:
    """Open proposals ranked by score, then payback; the first `focus_size` are the focus."""
    page = max(page, 1)
    found, total = repo.ranked(
        session, states=[s.value for s in OPEN_PROPOSAL], offset=(page - 1) * QUEUE_PAGE, limit=QUEUE_PAGE
    )
    first = (page - 1) * QUEUE_PAGE + 1
    # Every row is an open proposal in rank order, so its position is the page's offset plus its place.
    cards = cards_of(session, [(integration, first + n) for n, integration in enumerate(found)], policy)
    return QueuePage(
        cards=cards,
        first_rank=first,
        total=total,
        page=page,
        pages=max((total + QUEUE_PAGE - 1) // QUEUE_PAGE, 1),
        focus_size=policy.focus_size,
    )


class QueueSizes(BaseModel):
    """How many integrations wait in the queue, are in flight (approved, not yet live) and are live."""

    open_proposals: int
    in_flight: int
    live: int


def queue_sizes(*, session: Session) -> QueueSizes:
    """The queue's sizes from one grouped count by state."""
    by_state = repo.count_by_state(session)
    return QueueSizes(
        open_proposals=sum(by_state.get(s.value, 0) for s in OPEN_PROPOSAL),
        in_flight=sum(by_state.get(s.value, 0) for s in IN_FLIGHT),
        live=by_state.get(State.LIVE.value, 0),
    )


class PlanRow(BaseModel):
    id: int
    integration: str
    method: str
    reason: str
    effort_hours: Decimal
    owner_id: str
    score: int
    payback_months: Decimal | None
    status: str


PLAN_COLUMNS = (
    "id",
    "integration",
    "method",
    "reason",
    "effort_hours",
    "owner",
    "score",
    "payback_months",
    "status",
)


def plan(*, session: Session) -> list[PlanRow]:
    """The decision table: every integration not rejected or retired, best first."""
    states = [s.value for s in State if s not in ENDED]
    names = {tool.id: tool.name for tool in tool_repo.all_tools(session)}
    return [
        PlanRow(
            id=i.id,
            integration=f"{i.title} ({names.get(i.source_tool_id, '?')} -> "
            f"{names.get(i.target_tool_id, '?')})",
            method=Method(i.method).label,
            reason=i.method_reason,
            effort_hours=i.effort_hours,
            owner_id=i.owner_id,
            score=i.score,
            payback_months=i.payback_months,
            status=State(i.state).label,
        )
        for i in repo.all_in(session, states=states)
    ]


def plan_csv(*, session: Session) -> str:
    """The decision table as CSV."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(PLAN_COLUMNS)
    for row in plan(session=session):
        writer.writerow(
            (
                row.id,
                row.integration,
                row.method,
                row.reason,
                row.effort_hours,
                row.owner_id,
                row.score,
                "" if row.payback_months is None else row.payback_months,
                row.status,
            )
        )
    return out.getvalue()
