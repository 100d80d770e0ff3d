"""The proposal form: what a person fills in to propose or edit an integration, and its rules."""

from __future__ import annotations

from decimal import Decimal
from enum import Enum
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, Field
from sqlalchemy.orm import Session

from commands.errors import InvalidInput
from commands.fields import Form, Hours, Lines, LongText, Money, NoSecret, RequiredText, RowId, Score, UserId
from commands.mapping import FieldPair, format_mapping, parse_mapping
from commands.vocabulary import ConflictRule, DataKind, Direction, Method, Timing
from storage.models import Integration, Tool
from storage.repositories import tools as tool_repo


def _mapping(value: Any) -> Any:
    return parse_mapping(value) if isinstance(value, str) else value


Title = Annotated[str, Field(min_length=1, max_length=120), NoSecret]
Mapping = Annotated[list[FieldPair], BeforeValidator(_mapping), Lines(3000)]


class ProposalDraft(Form):
    """What a person fills in to propose (or edit) an integration; each field is a column of its row."""

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


def draft_of(integration: Integration) -> ProposalDraft:
    """The draft an integration's row holds, read field by field from the row's attributes."""
    return ProposalDraft.model_validate(integration, from_attributes=True)


def _column(value: Any) -> Any:
    """A draft's value as its column stores it: enums by value, nested models as dicts."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, BaseModel):
        return value.model_dump()
    if isinstance(value, list):
        return [_column(item) for item in value]
    return value


def write_draft(integration: Integration, draft: ProposalDraft) -> None:
    """Put every field of the draft into the row's column of the same name.

    How often a batch runs is kept only for a batch integration.
    """
    for name in ProposalDraft.model_fields:
        setattr(integration, name, _column(getattr(draft, name)))
    if draft.timing is not Timing.BATCH:
        integration.batch_minutes = None


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
