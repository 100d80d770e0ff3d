"""Retiring a tool without orphaning what depends on it: its live and in-flight integrations."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from sqlalchemy.orm import Session

from commands.actor import Actor
from commands.errors import Mention, NotAllowed
from commands.lifecycle import RULES, Step, refusal
from commands.notices import ReasonKind, StepReason
from commands.policy import Policy
from commands.tools import ToolCard, retire_tool, tool_for_steward
from commands.vocabulary import State
from commands.workflow import facts_of, take_step
from storage.repositories import integrations as repo

DEPENDENT_STATES = frozenset(RULES[Step.RETIRE].sources)


class Dependent(BaseModel):
    """An integration that stops when the tool goes."""

    id: int
    title: str
    state: State
    owner_id: str


class ToolRetirement(BaseModel):
    """The tool, what depends on it, and whether it was retired (and whose teardown started)."""

    tool: ToolCard
    dependents: list[Dependent]
    retired: bool
    started: list[int] = []


def retire_tool_safely(
    *, session: Session, actor: Actor, tool_id: int, policy: Policy, now: datetime, with_dependents: bool
) -> ToolRetirement:
    """Retire the tool; with live or in-flight integrations, only together with their retirement."""
    card = tool_for_steward(session=session, actor=actor, tool_id=tool_id, doing="retire it")
    found = repo.touching_tool(session, tool_id, states=[s.value for s in DEPENDENT_STATES])
    dependents = [Dependent(id=i.id, title=i.title, state=State(i.state), owner_id=i.owner_id) for i in found]
    if card.retired:
        return ToolRetirement(tool=card, dependents=dependents, retired=True)
    if dependents and not with_dependents:
        return ToolRetirement(tool=card, dependents=dependents, retired=False)
    refused = [i for i in found if refusal(Step.RETIRE, actor, facts_of(session, i)) is not None]
    if refused:
        owners = ", ".join(f"#{i.id} ({{owner_{i.id}}})" for i in refused)
        raise NotAllowed(
            "Retiring {name} starts the retirement of its integrations, and only their owners or a"
            f" Patchbay admin can do that: {owners}. Ask them or an admin.",
            name=card.name,
            **{f"owner_{i.id}": Mention(i.owner_id) for i in refused},
        )
    for dependent in dependents:
        take_step(
            session=session,
            actor=actor,
            integration_id=dependent.id,
            step=Step.RETIRE,
            expected=dependent.state,
            policy=policy,
            now=now,
            because=StepReason(kind=ReasonKind.TOOL_RETIRING, tool=card.name),
        )
    card = retire_tool(session=session, actor=actor, tool_id=tool_id, now=now)
    return ToolRetirement(tool=card, dependents=dependents, retired=True, started=[d.id for d in dependents])
