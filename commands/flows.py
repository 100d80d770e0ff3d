"""Data flows between tools: record them, rank the manual ones as opportunities, automate them."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from commands.actor import Actor
from commands.audit import record_change
from commands.errors import Command, InvalidInput, NotFound
from commands.fields import Form, RequiredText, RowId, UserId, raise_errors
from commands.policy import Policy
from commands.proposal_card import IntegrationCard
from commands.proposal_form import ProposalDraft, tool_pair_errors
from commands.proposal_writes import propose_integration
from commands.vocabulary import ENDED, DataKind, Direction, Labelled, State, Timing
from storage.models import Flow, Integration
from storage.repositories import flows as repo
from storage.repositories import integrations as integration_repo
from storage.repositories import tools as tool_repo

OPPORTUNITIES_SHOWN = 15


class FlowMode(Labelled):
    """How the data moves today."""

    MANUAL = ("manual", "By hand")
    CSV = ("csv", "CSV export / import")
    AUTOMATED = ("automated", "Automated by an integration")


MANUAL_MODES = frozenset({FlowMode.MANUAL, FlowMode.CSV})

TimesPerWeek = Annotated[Decimal, Field(gt=0, le=Decimal("10000"), decimal_places=2)]
MinutesEach = Annotated[int, Field(ge=0, le=10080)]


class FlowDraft(Form):
    """What a person fills in to record a flow."""

    field_messages = {
        "source_tool_id": "Pick the tool the data comes from.",
        "target_tool_id": "Pick the tool the data goes to.",
        "times_per_week": "Say how many times a week it happens, like 5 (or 0.5 for every other week).",
        "done_by": "Pick who moves the data.",
    }

    source_tool_id: RowId
    target_tool_id: RowId
    data: RequiredText
    data_kinds: list[DataKind] = Field(default_factory=list)
    mode: FlowMode
    integration_id: RowId | None = None
    times_per_week: TimesPerWeek
    minutes_each: MinutesEach
    done_by: UserId | None = None


class FlowLine(BaseModel):
    """A flow as people see it."""

    id: int
    source_tool_id: int
    target_tool_id: int
    source_tool: str
    target_tool: str
    data: str
    data_kinds: list[DataKind]
    mode: FlowMode
    integration_id: int | None
    integration_state: State | None
    times_per_week: Decimal
    minutes_each: int
    hours_per_week: Decimal
    done_by: str | None

    @property
    def proposed(self) -> bool:
        """A proposal made from this flow is still on its way (not rejected or retired)."""
        return self.integration_state is not None and self.integration_state not in ENDED


class Opportunities(BaseModel):
    lines: list[FlowLine]
    total: int
    total_hours: Decimal


def hours_per_week(times_per_week: Decimal, minutes_each: int) -> Decimal:
    return (times_per_week * minutes_each / 60).quantize(Decimal("0.01"))


def suggested_frequency(times_per_week: Decimal) -> int:
    """The proposal's frequency score (1-5) that matches how often the work happens."""
    if times_per_week >= 15:
        return 5  # many times a day
    if times_per_week >= 4:
        return 4  # daily
    if times_per_week >= 1:
        return 3  # weekly
    if times_per_week >= Decimal("0.2"):
        return 2  # monthly
    return 1


def line_of(flow: Flow, names: dict[int, str], states: dict[int, str]) -> FlowLine:
    state = states.get(flow.integration_id) if flow.integration_id is not None else None
    return FlowLine(
        id=flow.id,
        source_tool_id=flow.source_tool_id,
        target_tool_id=flow.target_tool_id,
        source_tool=names.get(flow.source_tool_id, "?"),
        target_tool=names.get(flow.target_tool_id, "?"),
        data=flow.data,
        data_kinds=[DataKind(k) for k in flow.data_kinds],
        mode=FlowMode(flow.mode),
        integration_id=flow.integration_id,
        integration_state=State(state) if state else None,
        times_per_week=flow.times_per_week,
        minutes_each=flow.minutes_each,
        hours_per_week=hours_per_week(flow.times_per_week, flow.minutes_each),
        done_by=flow.done_by,
    )


def lines_of(session: Session, flows: list[Flow]) -> list[FlowLine]:
    names = {tool.id: tool.name for tool in tool_repo.all_tools(session)}
    ids = {f.integration_id for f in flows if f.integration_id is not None}
    states = {i: row.state for i in ids if (row := integration_repo.get(session, i)) is not None}
    return [line_of(flow, names, states) for flow in flows]


def flow_errors(*, session: Session, values: dict[str, Any]) -> dict[str, str]:
    """Rules that span fields or need the registry, over the valid values; each at its field."""
    source_id, target_id = values.get("source_tool_id"), values.get("target_tool_id")
    errors = tool_pair_errors(
        session,
        source_id,
        target_id,
        same="The data has to go to a different tool from the one it comes from.",
    )
    integration_id, mode = values.get("integration_id"), values.get("mode")
    if mode is FlowMode.AUTOMATED and "integration_id" in values:
        integration = integration_repo.get(session, integration_id) if integration_id is not None else None
        if integration_id is None:
            errors["integration_id"] = "Give the number of the integration that automates it, like 12."
        elif integration is None:
            errors["integration_id"] = f"There is no integration #{integration_id}."
        elif {integration.source_tool_id, integration.target_tool_id} != {source_id, target_id}:
            errors["integration_id"] = f"#{integration.id} {integration.title} connects two other tools."
    elif mode in MANUAL_MODES and "done_by" in values and values["done_by"] is None:
        errors["done_by"] = "Pick who moves the data by hand."
    return errors


def _snapshot(flow: Flow) -> dict[str, Any]:
    return {
        "source_tool_id": flow.source_tool_id,
        "target_tool_id": flow.target_tool_id,
        "data": flow.data,
        "data_kinds": list(flow.data_kinds),
        "mode": flow.mode,
        "integration_id": flow.integration_id,
        "times_per_week": str(flow.times_per_week),
        "minutes_each": flow.minutes_each,
        "done_by": flow.done_by,
    }


def record_flow(*, session: Session, actor: Actor, draft: FlowDraft, now: datetime) -> FlowLine:
    """Record how data moves between two tools today."""
    raise_errors(flow_errors(session=session, values=dict(draft)))
    automated = draft.mode is FlowMode.AUTOMATED
    flow = Flow(
        source_tool_id=draft.source_tool_id,
        target_tool_id=draft.target_tool_id,
        data=draft.data,
        data_kinds=[kind.value for kind in draft.data_kinds],
        mode=draft.mode.value,
        integration_id=draft.integration_id if automated else None,
        times_per_week=draft.times_per_week,
        minutes_each=draft.minutes_each,
        done_by=draft.done_by,
        created_by=actor.user_id,
        created_at=now,
        updated_at=now,
        automated_at=now if automated else None,
    )
    repo.add(session, flow)
    record_change(
        session,
        actor=actor,
        now=now,
        action="flow.recorded",
        entity_type="flow",
        entity_id=flow.id,
        before=None,
        after=_snapshot(flow),
    )
    return lines_of(session, [flow])[0]


def opportunities(*, session: Session, limit: int = OPPORTUNITIES_SHOWN) -> Opportunities:
    """Flows still done by hand or by CSV, the most hours a week first."""
    manual = lines_of(session, list(repo.in_modes(session, modes=[m.value for m in MANUAL_MODES])))
    manual.sort(key=lambda line: (-line.hours_per_week, line.id))
    return Opportunities(
        lines=manual[:limit],
        total=len(manual),
        total_hours=sum((x.hours_per_week for x in manual), Decimal(0)),
    )


def get_flow(*, session: Session, flow_id: int) -> FlowLine:
    flow = repo.get(session, flow_id)
    if flow is None:
        raise NotFound(
            f"There is no flow #{flow_id}. {{command}} lists the manual ones.",
            command=Command("/patchbay opportunities"),
        )
    return lines_of(session, [flow])[0]


class ProposalPrefill(BaseModel):
    """What a manual flow gives the proposal that would automate it (`bot/views` words its title
    and purpose from `flow`)."""

    model_config = ConfigDict(frozen=True)

    draft: ProposalDraft
    flow: FlowLine
    tool_names: dict[int, str]


def proposal_prefill(*, session: Session, actor: Actor, flow_id: int) -> ProposalPrefill:
    """A partial proposal for automating a manual flow, the flow itself and its two tools' names.

    Source, target, data, hours per week and a frequency score come from the flow; what only the
    proposer can judge (method, effort, impact, feasibility, mapping) is left empty for them.
    """
    line = get_flow(session=session, flow_id=flow_id)
    if line.mode not in MANUAL_MODES:
        raise InvalidInput({"flow": f"Flow #{line.id} is already automated by #{line.integration_id}."})
    partial: dict[str, Any] = dict(
        title="",
        purpose="",
        source_tool_id=line.source_tool_id,
        target_tool_id=line.target_tool_id,
        trigger="",
        actions="",
        data_kinds=list(line.data_kinds),
        mapping=[],
        direction=Direction.ONE_WAY,
        source_of_truth="",
        conflict_rule=None,
        timing=Timing.REALTIME,
        batch_minutes=None,
        method=None,
        method_reason="",
        effort_hours=None,
        owner_id=actor.user_id,
        frequency=suggested_frequency(line.times_per_week),
        impact=None,
        feasibility=None,
        hours_per_week=line.hours_per_week,
        monthly_cost=Decimal(0),
    )
    return ProposalPrefill(
        draft=ProposalDraft.model_construct(**partial),
        flow=line,
        tool_names={line.source_tool_id: line.source_tool, line.target_tool_id: line.target_tool},
    )


def link_proposal(
    *, session: Session, actor: Actor, flow_id: int, integration_id: int, now: datetime
) -> None:
    """Remember that a proposal was made from this flow, so its go-live automates the flow."""
    flow = repo.get(session, flow_id)
    if flow is None or flow.integration_id == integration_id:
        return
    before = _snapshot(flow)
    flow.integration_id = integration_id
    flow.updated_at = now
    session.flush()
    record_change(
        session,
        actor=actor,
        now=now,
        action="flow.proposed",
        entity_type="flow",
        entity_id=flow.id,
        before=before,
        after=_snapshot(flow),
    )


def propose_from_flow(
    *,
    session: Session,
    actor: Actor,
    flow_id: int,
    draft: ProposalDraft,
    policy: Policy,
    now: datetime,
    confirmed: bool = False,
) -> IntegrationCard:
    """Propose the integration that would automate a manual flow, and remember the flow."""
    card = propose_integration(
        session=session, actor=actor, draft=draft, policy=policy, now=now, confirmed=confirmed
    )
    link_proposal(session=session, actor=actor, flow_id=flow_id, integration_id=card.id, now=now)
    return card


def automate_flows_of(session: Session, integration: Integration, *, actor: Actor, now: datetime) -> int:
    """The go-live hook: flows the integration was built from are automated from now on."""
    changed = 0
    for flow in repo.of_integration(session, integration.id):
        if flow.mode == FlowMode.AUTOMATED.value:
            continue
        before = _snapshot(flow)
        flow.mode = FlowMode.AUTOMATED.value
        flow.automated_at = now
        flow.updated_at = now
        session.flush()
        record_change(
            session,
            actor=actor,
            now=now,
            action="flow.automated",
            entity_type="flow",
            entity_id=flow.id,
            before=before,
            after=_snapshot(flow),
            note=f"#{integration.id} {integration.title} went live",
        )
        changed += 1
    return changed


def flow_lines(*, session: Session) -> list[FlowLine]:
    """Every recorded flow, oldest first."""
    return lines_of(session, list(repo.all_flows(session)))


def manual_flow_id(*, session: Session, source: str, target: str, data: str) -> int | None:
    """The manual flow between two named tools that moves `data`, if one is recorded."""
    for line in flow_lines(session=session):
        found = (line.source_tool, line.target_tool, line.data) == (source, target, data)
        if found and line.mode in MANUAL_MODES:
            return line.id
    return None
