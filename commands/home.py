"""The App Home dashboard: my tools, my integrations, what waits for me, the queue and stack totals."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel
from sqlalchemy.orm import Session

from commands.actor import Actor
from commands.assessment import unassessed_tools
from commands.flows import MANUAL_MODES, hours_per_week
from commands.lifecycle import Step, next_steps, refusal
from commands.measures import MeasureLine, line_of
from commands.policy import Policy
from commands.run_health import WATCHED, Health, health_of_each
from commands.stackmap import Orphan, OrphanTool, find_orphan_tools, find_orphans
from commands.tools import ToolCard
from commands.vocabulary import ENDED, IN_FLIGHT, OPEN_PROPOSAL, Category, State
from commands.workflow import facts_of
from storage.repositories import dashboard as repo
from storage.repositories import flows as flow_repo
from storage.repositories import integrations as integration_repo
from storage.repositories import measurements as measure_repo
from storage.repositories import security_reviews as review_repo
from storage.repositories import teardown as teardown_repo
from storage.repositories import tools as tool_repo

# The steps that put an integration on someone's waiting list (bot/views/home.py words each).
WAITING_STEPS = frozenset(
    {
        Step.START_REVIEW,
        Step.SUBMIT_REVIEW,
        Step.APPROVE,
        Step.RESUBMIT,
        Step.RECORD_SANDBOX,
        Step.DEPLOY,
        Step.RESUME,
        Step.REDEPLOY,
    }
)
HOME_ORDER = (
    State.LIVE,
    State.SUSPENDED,
    State.RETIRING,
    State.IN_SANDBOX,
    State.APPROVED,
    State.AWAITING_APPROVAL,
    State.SECURITY_REVIEW,
    State.CHANGES_REQUESTED,
    State.PROPOSED,
    State.REJECTED,
    State.RETIRED,
)
STATE_ORDER = {state: rank for rank, state in enumerate(HOME_ORDER)}


class Section(StrEnum):
    """The dashboard's lists, each with a "see more" path."""

    TOOLS = "tools"
    INTEGRATIONS = "integrations"
    WAITING = "waiting"


class ToolLine(BaseModel):
    id: int
    name: str
    category: Category
    renews_on: date | None = None
    auto_renews: bool = False


class MyIntegration(BaseModel):
    id: int
    title: str
    state: State
    source_tool: str
    target_tool: str
    owner: bool
    next_review_on: date | None
    measures: list[MeasureLine]

    @property
    def measurable(self) -> bool:
        return self.owner and self.state in (State.LIVE, State.SUSPENDED)


class Waiting(BaseModel):
    """An integration waiting on the person: for a step, their teardown, or a review now due."""

    id: int
    title: str
    step: Step | None = None
    teardown_left: int | None = None
    review_due: date | None = None


class QueueLine(BaseModel):
    rank: int
    id: int
    title: str
    score: int
    state: State


class StackTotals(BaseModel):
    tools: int
    live: int
    in_flight: int
    open_proposals: int
    manual_hours: Decimal
    saved_hours: Decimal
    measured: int


class Home(BaseModel):
    user_id: str
    tools: list[ToolLine]
    tools_total: int
    integrations: list[MyIntegration]
    integrations_total: int
    waiting: list[Waiting]
    waiting_total: int
    queue: list[QueueLine]
    totals: StackTotals
    orphans: list[Orphan] = []  # for admins: live or in-flight integrations nobody can answer for
    orphan_tools: list[OrphanTool] = []  # for admins: tools whose owner left Slack
    to_assess: list[ToolCard] = []  # the person's tools nobody said yet which tools they share data with
    health: dict[int, Health] = {}  # on App Home: each of the listed live or suspended integrations' runs


def waiting_for(session: Session, actor: Actor, today: date) -> list[Waiting]:
    """Steps only the actor (or people like them) can take now, and live integrations due a review."""
    found: list[Waiting] = []
    states = [s.value for s in State if s not in ENDED]
    for integration in repo.integrations_in(session, states=states):
        facts = facts_of(session, integration)
        for step in next_steps(facts.state):
            if step not in WAITING_STEPS or refusal(step, actor, facts) is not None:
                continue
            if step is Step.APPROVE and actor.user_id in review_repo.approvers(
                session, integration.id, integration.review_round
            ):
                continue
            found.append(Waiting(id=integration.id, title=integration.title, step=step))
            break
        else:
            if facts.state is State.RETIRING and actor.user_id == facts.owner_id:
                left = teardown_repo.open_count(session, integration.id)
                found.append(Waiting(id=integration.id, title=integration.title, teardown_left=left))
                continue
            due = integration.next_review_on
            if facts.state is State.LIVE and actor.user_id == facts.owner_id and due and due <= today:
                found.append(Waiting(id=integration.id, title=integration.title, review_due=due))
    return found


def stack_totals(session: Session) -> StackTotals:
    """Tools, live integrations, manual hours per week left and hours per week saved by live ones.

    Hours saved count the latest success measure of each live integration, or its proposal's estimate
    where none was recorded yet.
    """
    live = repo.integrations_in(session, states=[State.LIVE.value])
    latest = measure_repo.latest_of(session, [i.id for i in live])
    saved = sum(
        (latest[i.id].hours_saved_per_week if i.id in latest else i.hours_per_week for i in live), Decimal(0)
    )
    manual = flow_repo.in_modes(session, modes=[m.value for m in MANUAL_MODES])
    return StackTotals(
        tools=repo.active_tool_count(session),
        live=len(live),
        in_flight=integration_repo.count_in(session, states=[s.value for s in IN_FLIGHT]),
        open_proposals=integration_repo.count_in(session, states=[s.value for s in OPEN_PROPOSAL]),
        manual_hours=sum((hours_per_week(f.times_per_week, f.minutes_each) for f in manual), Decimal(0)),
        saved_hours=saved,
        measured=len(latest),
    )


def _my_integrations(session: Session, user_id: str) -> list[MyIntegration]:
    names = {tool.id: tool.name for tool in tool_repo.all_tools(session)}
    mine = list(repo.integrations_of(session, user_id))
    mine.sort(key=lambda i: (STATE_ORDER[State(i.state)], -i.id))
    return [
        MyIntegration(
            id=i.id,
            title=i.title,
            state=State(i.state),
            source_tool=names.get(i.source_tool_id, "?"),
            target_tool=names.get(i.target_tool_id, "?"),
            owner=i.owner_id == user_id,
            next_review_on=i.next_review_on,
            measures=[line_of(m) for m in measure_repo.of_integration(session, i.id)]
            if i.state in (State.LIVE.value, State.SUSPENDED.value)
            else [],
        )
        for i in mine
    ]


def home(*, session: Session, actor: Actor, policy: Policy, today: date, limit: int | None = 8) -> Home:
    """The dashboard of one person; each list holds at most `limit` items (all when None)."""
    tools, tools_total = tool_repo.search(session, owner_id=actor.user_id, limit=limit or 10_000)
    integrations = _my_integrations(session, actor.user_id)
    waiting = waiting_for(session, actor, today)
    top, _ = integration_repo.ranked(
        session, states=[s.value for s in OPEN_PROPOSAL], limit=policy.focus_size
    )
    return Home(
        user_id=actor.user_id,
        tools=[
            ToolLine(
                id=t.id,
                name=t.name,
                category=Category(t.category),
                renews_on=t.renews_on,
                auto_renews=t.auto_renews,
            )
            for t in tools
        ],
        tools_total=tools_total,
        integrations=integrations[:limit],
        integrations_total=len(integrations),
        waiting=waiting[:limit],
        waiting_total=len(waiting),
        queue=[
            QueueLine(rank=rank, id=i.id, title=i.title, score=i.score, state=State(i.state))
            for rank, i in enumerate(top, start=1)
        ],
        totals=stack_totals(session),
        orphans=find_orphans(session=session) if actor.is_admin else [],
        orphan_tools=find_orphan_tools(session=session) if actor.is_admin else [],
        to_assess=unassessed_tools(session=session, owner_id=actor.user_id),
    )


def app_home(*, session: Session, actor: Actor, policy: Policy, now: datetime) -> Home:
    """Everything App Home shows: the dashboard, and the run health of its live and suspended integrations."""
    found = home(session=session, actor=actor, policy=policy, today=now.date())
    watched = [i.id for i in found.integrations if i.state in WATCHED]
    return found.model_copy(
        update={"health": health_of_each(session=session, integration_ids=watched, now=now)}
    )
