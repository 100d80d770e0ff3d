"""The integration card: an integration as people see it, read in a fixed number of queries."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from pydantic import BaseModel
from sqlalchemy.orm import Session

from commands.economics import Economics, evaluate
from commands.integrations import get_integration
from commands.notices import ChangeSummary
from commands.policy import Policy
from commands.proposal_form import ProposalDraft, draft_of
from commands.teardown_plan import TeardownLine, line_of
from commands.vocabulary import IN_FLIGHT, OPEN_PROPOSAL, SENSITIVE, DataClass, ReviewOutcome, State
from storage.models import Integration
from storage.repositories import integrations as repo
from storage.repositories import security_reviews as review_repo
from storage.repositories import teardown as teardown_repo
from storage.repositories import tools as tool_repo


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
    pending_change: ChangeSummary | None = None
    next_review_on: date | None = None
    teardown: list[TeardownLine] = []
    retested: bool = False

    @property
    def tool_names(self) -> dict[int, str]:
        """Its two tools' names by id, for the pickers of a form that edits it."""
        return {self.draft.source_tool_id: self.source_tool, self.draft.target_tool_id: self.target_tool}

    @property
    def owner_id(self) -> str:
        return self.draft.owner_id

    @property
    def cap_reached(self) -> bool:
        return self.in_flight >= self.inflight_cap


def economics_of(draft: ProposalDraft | Integration, policy: Policy) -> Economics:
    """The score and payback of a draft or of the row it was saved to."""
    return evaluate(
        frequency=draft.frequency,
        impact=draft.impact,
        feasibility=draft.feasibility,
        hours_per_week=draft.hours_per_week,
        monthly_cost=draft.monthly_cost,
        effort_hours=draft.effort_hours,
        policy=policy,
    )


def pending_of(integration: Integration) -> ChangeSummary | None:
    """The change of scopes or data classes waiting for review, if there is one."""
    pending = integration.pending_change or {}
    if "change" in pending:
        return ChangeSummary.model_validate(pending["change"])
    return ChangeSummary(summary=pending["summary"]) if pending.get("summary") else None


def approvals_needed(data_classes: list[str], policy: Policy) -> int:
    """Two approvals (by default) for personal, financial or health data; one otherwise."""
    return policy.sensitive_approvals if {DataClass(c) for c in data_classes} & SENSITIVE else 1


def card_of(session: Session, integration: Integration, policy: Policy) -> IntegrationCard:
    """One integration's card, with its place in the queue while it is an open proposal."""
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
                economics=economics_of(integration, policy),
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
                pending_change=pending_of(integration),
                next_review_on=integration.next_review_on,
                teardown=[line_of(item) for item in teardowns.get(integration.id, [])],
                retested=integration.retested_at is not None,
            )
        )
    return cards


def show_integration(*, session: Session, integration_id: int, policy: Policy) -> IntegrationCard:
    """One integration's card."""
    return card_of(session, get_integration(session, integration_id), policy)
