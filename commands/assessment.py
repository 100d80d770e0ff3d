"""A new tool's assessment: which registered tools it shares data with, recorded as flows."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from commands.actor import Actor
from commands.audit import record_change
from commands.errors import Command, PatchbayError
from commands.fields import Form, RowId, ShortText, UserId
from commands.flows import MANUAL_MODES, FlowDraft, FlowLine, FlowMode, MinutesEach, TimesPerWeek, record_flow
from commands.tools import ToolCard, tool_for_steward
from commands.vocabulary import DataKind
from storage.repositories import tools as repo

PICKS = ("receives_from", "sends_to")


class AssessmentForm(Form):
    """Which registered tools the new one receives data from and sends data to, and how it moves today."""

    field_messages = {
        "times_per_week": "Say how many times a week it happens, like 5 (or 0.5 for every other week).",
        "done_by": "Pick who moves the data by hand.",
    }

    receives_from: list[RowId] = Field(default_factory=list)
    sends_to: list[RowId] = Field(default_factory=list)
    data: ShortText = ""
    mode: FlowMode = FlowMode.MANUAL
    times_per_week: TimesPerWeek = Decimal(1)
    minutes_each: MinutesEach = 15
    done_by: UserId | None = None


def assessment_errors(*, session: Session, tool_id: int, values: dict[str, Any]) -> dict[str, str]:
    """Rules over the valid values that need the registry or span fields; each at its field."""
    errors: dict[str, str] = {}
    for field in PICKS:
        for picked in values.get(field) or []:
            other = repo.get(session, picked)
            if picked == tool_id:
                errors[field] = "A tool does not share data with itself: pick others."
            elif other is None:
                errors[field] = "That tool is not in the registry. Register it first."
            elif other.retired_at is not None:
                errors[field] = f"{other.name} is retired. Pick a tool still in use."
    if any(values.get(field) for field in PICKS):
        if "data" in values and not values["data"]:
            errors["data"] = "Say what data moves, like Contacts and deals."
        if values.get("mode", FlowMode.MANUAL) not in MANUAL_MODES:
            errors["mode"] = "Pick by hand or CSV: an automated flow is recorded with /patchbay flow add."
        if "done_by" in values and values["done_by"] is None:
            errors["done_by"] = "Pick who moves the data by hand."
    return errors


class AssessmentStart(BaseModel):
    """What the assessment form opens with."""

    tool: ToolCard
    data: str  # the kinds of data the tool holds, to start the "what data" answer


def _start(card: ToolCard) -> AssessmentStart:
    data = ", ".join(kind.label for kind in card.data_kinds if kind is not DataKind.OTHER)
    return AssessmentStart(tool=card, data=", ".join(p for p in (data, card.data_other) if p)[:200])


def assessment_after_registering(*, session: Session, actor: Actor, tool_id: int) -> AssessmentStart | None:
    """The assessment to ask right after registering, when there is anything to ask and the actor may."""
    card = ToolCard.of(tool) if (tool := repo.get(session, tool_id)) else None
    if card is None or card.assessed or repo.active_count(session) < 2:
        return None
    if actor.user_id != card.owner_id and not actor.is_admin:
        return None  # its owner finds it on their App Home
    return _start(card)


def _assessed_already(card: ToolCard) -> PatchbayError:
    return PatchbayError(
        "{name} was assessed already: see its flows with {command} {name}.",
        name=card.name,
        command=Command("/patchbay impact"),
    )


def start_assessment(*, session: Session, actor: Actor, tool_id: int) -> AssessmentStart:
    """The assessment form of a tool, for its owner or an admin, unless it was assessed already."""
    card = tool_for_steward(session=session, actor=actor, tool_id=tool_id, doing="assess it")
    if card.assessed:
        raise _assessed_already(card)
    return _start(card)


class Assessment(BaseModel):
    tool: ToolCard
    flows: list[FlowLine]

    @property
    def skipped(self) -> bool:
        return not self.flows


def assess_tool(
    *, session: Session, actor: Actor, tool_id: int, form: AssessmentForm, now: datetime
) -> Assessment:
    """Record the answers as flows (none picked: the assessment was skipped), once per tool."""
    card = tool_for_steward(session=session, actor=actor, tool_id=tool_id, doing="assess it")
    if not repo.mark_assessed(session, tool_id, now):
        raise _assessed_already(card)
    picked = {
        "receives_from": [repo.get(session, i) for i in form.receives_from],
        "sends_to": [repo.get(session, i) for i in form.sends_to],
    }
    record_change(
        session,
        actor=actor,
        now=now,
        action="tool.assessed" if form.receives_from or form.sends_to else "tool.assessment_skipped",
        entity_type="tool",
        entity_id=tool_id,
        before=None,
        after={field: [t.name for t in tools if t] for field, tools in picked.items()},
    )
    pairs = [(i, tool_id) for i in form.receives_from] + [(tool_id, i) for i in form.sends_to]
    flows = []
    for source, target in pairs:
        draft = FlowDraft.model_validate(
            {
                "source_tool_id": source,
                "target_tool_id": target,
                "data": form.data,
                "data_kinds": card.data_kinds,
                "mode": form.mode,
                "times_per_week": form.times_per_week,
                "minutes_each": form.minutes_each,
                "done_by": form.done_by,
            }
        )
        flows.append(record_flow(session=session, actor=actor, draft=draft, now=now))
    tool = repo.get(session, tool_id)
    assert tool is not None
    return Assessment(tool=ToolCard.of(tool), flows=flows)


def unassessed_tools(*, session: Session, owner_id: str) -> list[ToolCard]:
    """The owner's tools still to assess (none while the registry holds only one tool)."""
    if repo.active_count(session) < 2:
        return []
    return [ToolCard.of(t) for t in repo.unassessed_of(session, owner_id)]
