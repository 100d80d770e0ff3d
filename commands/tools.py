"""Use-cases of the tool registry: register, edit, hand over, retire, find."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from commands.actor import Actor
from commands.audit import record_change
from commands.errors import InvalidInput, Mention, NotAllowed, NotFound
from commands.fields import Day, Form, LongText, Money, Name, ShortText, Ticked, UserId, WebUrl, raise_errors
from commands.vocabulary import Category, DataKind, IntegrationOption
from storage.models import Tool
from storage.repositories import tools as repo

PAGE_SIZE = 15


class ToolDraft(Form):
    """What a person fills in to register or edit a tool."""

    name: Name
    category: Category
    owner_id: UserId
    data_kinds: list[DataKind] = Field(default_factory=list)
    data_other: ShortText = ""
    integration_options: list[IntegrationOption] = Field(default_factory=list)
    vendor_url: WebUrl = ""
    monthly_cost: Money | None = None
    notes: LongText = ""
    renews_on: Day | None = None
    auto_renews: Ticked = False


class ToolCard(BaseModel):
    """A tool as shown to people."""

    id: int
    name: str
    category: Category
    owner_id: str
    data_kinds: list[DataKind]
    data_other: str
    integration_options: list[IntegrationOption]
    vendor_url: str
    monthly_cost: Decimal | None
    notes: str
    renews_on: date | None = None
    auto_renews: bool = False
    successor: str = ""
    assessed: bool = True
    retired: bool

    @classmethod
    def of(cls, tool: Tool) -> ToolCard:
        return cls(
            id=tool.id,
            name=tool.name,
            category=Category(tool.category),
            owner_id=tool.owner_id,
            data_kinds=[DataKind(kind) for kind in tool.data_kinds],
            data_other=tool.data_other,
            integration_options=[IntegrationOption(option) for option in tool.integration_options],
            vendor_url=tool.vendor_url,
            monthly_cost=tool.monthly_cost,
            notes=tool.notes,
            renews_on=tool.renews_on,
            auto_renews=tool.auto_renews,
            successor=tool.successor.name if tool.successor_id and tool.successor else "",
            assessed=tool.assessed_at is not None,
            retired=tool.retired_at is not None,
        )

    def draft(self) -> ToolDraft:
        return ToolDraft.model_validate(self.model_dump(exclude={"id", "retired", "successor", "assessed"}))


class ToolPage(BaseModel):
    tools: list[ToolCard]
    total: int
    page: int
    pages: int


class ToolQuery(BaseModel):
    """How `/patchbay tools` narrows the list."""

    category: Category | None = None
    owner_id: str | None = None
    fragment: str | None = None


def _snapshot(tool: Tool) -> dict[str, Any]:
    return ToolCard.of(tool).model_dump(mode="json", exclude={"id"})


def _duplicate_message(existing: Tool) -> str:
    retired = " (retired)" if existing.retired_at else ""
    return f"{existing.name}{retired} is already in the registry. Pick another name or edit that tool."


def _get(session: Session, tool_id: int) -> Tool:
    tool = repo.get(session, tool_id)
    if tool is None:
        raise NotFound("That tool is no longer in the registry.")
    return tool


def _require_steward(actor: Actor, tool: Tool, doing: str) -> None:
    if actor.user_id != tool.owner_id and not actor.is_admin:
        raise NotAllowed(
            "Only {name}'s owner {owner} or a Patchbay admin can {doing}.",
            name=tool.name,
            owner=Mention(tool.owner_id),
            doing=doing,
        )


def tool_errors(*, session: Session, values: dict[str, Any], tool_id: int | None = None) -> dict[str, str]:
    """What the registry refuses in a tool form (a name already taken), given its valid values."""
    name = values.get("name")
    other = repo.by_name(session, name) if name else None
    if other is not None and other.id != tool_id:
        return {"name": _duplicate_message(other)}
    return {}


def register_tool(*, session: Session, actor: Actor, draft: ToolDraft, now: datetime) -> ToolCard:
    """Add a tool to the registry."""
    raise_errors(tool_errors(session=session, values=dict(draft)))
    tool = Tool(
        name=draft.name,
        name_key=repo.name_key(draft.name),
        category=draft.category.value,
        owner_id=draft.owner_id,
        data_kinds=[kind.value for kind in draft.data_kinds],
        data_other=draft.data_other,
        integration_options=[option.value for option in draft.integration_options],
        vendor_url=draft.vendor_url,
        monthly_cost=draft.monthly_cost,
        notes=draft.notes,
        renews_on=draft.renews_on,
        auto_renews=draft.auto_renews,
        created_at=now,
        updated_at=now,
    )
    try:
        with session.begin_nested():
            repo.add(session, tool)
    except IntegrityError:
        raise InvalidInput({"name": f"{draft.name} was registered a moment ago by someone else."}) from None
    record_change(
        session,
        actor=actor,
        now=now,
        action="tool.registered",
        entity_type="tool",
        entity_id=tool.id,
        before=None,
        after=_snapshot(tool),
    )
    return ToolCard.of(tool)


def update_tool(*, session: Session, actor: Actor, tool_id: int, draft: ToolDraft, now: datetime) -> ToolCard:
    """Save an edit of a tool's details (owner or admin)."""
    tool = _get(session, tool_id)
    _require_steward(actor, tool, "edit it")
    raise_errors(tool_errors(session=session, values=dict(draft), tool_id=tool.id))
    before = _snapshot(tool)
    tool.name = draft.name
    tool.name_key = repo.name_key(draft.name)
    tool.category = draft.category.value
    tool.owner_id = draft.owner_id
    tool.data_kinds = [kind.value for kind in draft.data_kinds]
    tool.data_other = draft.data_other
    tool.integration_options = [option.value for option in draft.integration_options]
    tool.vendor_url = draft.vendor_url
    tool.monthly_cost = draft.monthly_cost
    tool.notes = draft.notes
    tool.renews_on = draft.renews_on
    tool.auto_renews = draft.auto_renews
    if tool.owner_id != before["owner_id"]:
        tool.owner_left_at = None
    tool.updated_at = now
    session.flush()
    after = _snapshot(tool)
    if after != before:
        record_change(
            session,
            actor=actor,
            now=now,
            action="tool.updated",
            entity_type="tool",
            entity_id=tool.id,
            before=before,
            after=after,
        )
    return ToolCard.of(tool)


def change_tool_owner(
    *, session: Session, actor: Actor, tool_id: int, owner_id: str, now: datetime
) -> ToolCard:
    """Hand a tool to a new owner (owner or admin)."""
    tool = _get(session, tool_id)
    _require_steward(actor, tool, "change its owner")
    if tool.owner_id == owner_id:
        return ToolCard.of(tool)
    before = _snapshot(tool)
    tool.owner_id, tool.owner_left_at = owner_id, None
    tool.updated_at = now
    session.flush()
    record_change(
        session,
        actor=actor,
        now=now,
        action="tool.owner_changed",
        entity_type="tool",
        entity_id=tool.id,
        before=before,
        after=_snapshot(tool),
    )
    return ToolCard.of(tool)


def retire_tool(*, session: Session, actor: Actor, tool_id: int, now: datetime) -> ToolCard:
    """Mark a tool retired; it stays in the history but leaves the lists (owner or admin)."""
    tool = _get(session, tool_id)
    _require_steward(actor, tool, "retire it")
    if tool.retired_at is not None:
        return ToolCard.of(tool)
    before = _snapshot(tool)
    tool.retired_at = now
    tool.updated_at = now
    session.flush()
    record_change(
        session,
        actor=actor,
        now=now,
        action="tool.retired",
        entity_type="tool",
        entity_id=tool.id,
        before=before,
        after=_snapshot(tool),
    )
    return ToolCard.of(tool)


def get_tool(*, session: Session, tool_id: int) -> ToolCard:
    """One tool by id."""
    return ToolCard.of(_get(session, tool_id))


def find_tool(*, session: Session, name: str) -> ToolCard:
    """One tool by name (case- and space-insensitive)."""
    tool = repo.by_name(session, name)
    if tool is None:
        page, _ = repo.search(session, fragment=name, limit=3)
        if page:
            raise NotFound(
                "No tool called {name} is registered. Did you mean {names}?",
                name=name,
                names=", ".join(t.name for t in page),
            )
        raise NotFound("No tool called {name} is registered.", name=name)
    return ToolCard.of(tool)


def list_tools(*, session: Session, query: ToolQuery, page: int = 1) -> ToolPage:
    """One page of the registry, narrowed by `query`."""
    page = max(page, 1)
    found, total = repo.search(
        session,
        category=query.category.value if query.category else None,
        owner_id=query.owner_id,
        fragment=query.fragment,
        offset=(page - 1) * PAGE_SIZE,
        limit=PAGE_SIZE,
    )
    pages = max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    return ToolPage(tools=[ToolCard.of(t) for t in found], total=total, page=page, pages=pages)


def search_tool_names(*, session: Session, fragment: str, limit: int = 50) -> list[ToolCard]:
    """Active tools whose name contains `fragment`, for type-ahead pickers."""
    found, _ = repo.search(session, fragment=fragment or None, limit=limit)
    return [ToolCard.of(t) for t in found]


def tool_for_steward(*, session: Session, actor: Actor, tool_id: int, doing: str) -> ToolCard:
    """The tool, if the actor may change it; otherwise NotAllowed saying who may."""
    tool = _get(session, tool_id)
    _require_steward(actor, tool, doing)
    return ToolCard.of(tool)


def tool_names(*, session: Session, ids: list[int]) -> dict[int, str]:
    """Names of the tools with these ids (for prefilled pickers)."""
    found = (repo.get(session, tool_id) for tool_id in set(ids))
    return {tool.id: tool.name for tool in found if tool is not None}
