"""The stack map as data: tools by category, and the integrations and manual handoffs between them.

`stack_map` reads the registry into plain data; `bot/views/stackmap_drawing.py` draws and words it.
Big stacks stay readable: tools with no connections collapse into one "N more" box per category, and
the map can focus on one tool or one category (that and its direct neighbours).
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from enum import StrEnum
from typing import Any

from pydantic import BaseModel
from sqlalchemy.orm import Session

from commands.errors import NotFound
from commands.flows import MANUAL_MODES, hours_per_week
from commands.vocabulary import IN_FLIGHT, OPEN_PROPOSAL, Category, Direction, State
from storage.models import Integration, Tool
from storage.repositories import dashboard as dash_repo
from storage.repositories import flows as flow_repo
from storage.repositories import tools as tool_repo

COLLAPSE_ABOVE = 40  # more tools than this: unconnected ones collapse into one box per category
DETAIL_LIMIT = 80  # more connected tools than this: the whole-stack map shows categories, not tools


class EdgeKind(StrEnum):
    LIVE = "live"
    PROPOSED = "proposed"
    MANUAL = "manual"
    SUSPENDED = "suspended"
    RETIRING = "retiring"
    ORPHANED = "orphaned"


class OrphanReason(StrEnum):
    TOOL_RETIRED = "tool_retired"
    OWNER_LEFT = "owner_left"


class Orphan(BaseModel):
    """A live or in-flight integration nobody can answer for: a tool of it is retired, or its owner left."""

    id: int
    title: str
    state: State
    owner_id: str
    reason: OrphanReason
    tool: str = ""  # the retired tool, for TOOL_RETIRED


class OrphanTool(BaseModel):
    """A tool nobody answers for: its owner left Slack."""

    id: int
    name: str
    owner_id: str


class MapNode(BaseModel):
    """A tool, or on the map by category a category's box (`size`: its active tools)."""

    id: int
    name: str
    category: Category
    retired: bool = False
    focus: bool = False
    size: int | None = None


class MapEdge(BaseModel):
    """An integration (its id and title), a manual handoff (the data it carries and its hours a
    week), or on the map by category `count` of either kind between two categories."""

    source: int
    target: int
    kind: EdgeKind
    name: str = ""
    hours: Decimal | None = None
    both_ways: bool = False
    integration_id: int | None = None
    count: int = 1


class StackMap(BaseModel):
    """The map: of the whole stack, around one tool (`around`) or of one category (`category`)."""

    nodes: list[MapNode]
    edges: list[MapEdge]
    collapsed: dict[Category, int] = {}
    focus: str = ""
    around: str = ""
    category: Category | None = None
    tools: int
    counts: dict[EdgeKind, int]
    manual_hours: Decimal
    overview: bool = False
    orphans: list[Orphan] = []
    orphan_tools: list[OrphanTool] = []

    def count(self, kind: EdgeKind) -> int:
        return self.counts.get(kind, 0)


def _graph(nodes: list[MapNode], edges: list[MapEdge], **extra: Any) -> StackMap:
    counts: dict[EdgeKind, int] = defaultdict(int)
    for edge in edges:
        counts[edge.kind] += 1
    hours = sum((e.hours or Decimal(0) for e in edges if e.kind is EdgeKind.MANUAL), Decimal(0))
    tools = extra.pop("tools", len(nodes) + sum(extra.get("collapsed", {}).values()))
    return StackMap(nodes=nodes, edges=edges, tools=tools, counts=dict(counts), manual_hours=hours, **extra)


def _overview(tools: list[Tool], edges: list[MapEdge]) -> StackMap:
    """One box per category, and one arrow per category pair and kind, counted and weighted."""
    base = _graph([], edges, tools=len(tools))
    category_of = {tool.id: Category(tool.category) for tool in tools}
    index = {category: n for n, category in enumerate(Category, start=1)}
    sizes: dict[Category, int] = defaultdict(int)
    for tool in tools:
        if tool.retired_at is None:
            sizes[category_of[tool.id]] += 1
    grouped: dict[tuple[Category, Category, EdgeKind], list[MapEdge]] = defaultdict(list)
    for edge in edges:
        grouped[(category_of[edge.source], category_of[edge.target], edge.kind)].append(edge)
    used = {c for key in grouped for c in key[:2]} | set(sizes)
    nodes = [MapNode(id=index[c], name=c.label, category=c, size=sizes[c]) for c in Category if c in used]
    merged = []
    for (source, target, kind), members in grouped.items():
        hours = sum((e.hours or Decimal(0) for e in members), Decimal(0))
        merged.append(
            MapEdge(
                source=index[source],
                target=index[target],
                kind=kind,
                hours=hours if kind is EdgeKind.MANUAL else None,
                count=len(members),
            )
        )
    return base.model_copy(update={"nodes": nodes, "edges": merged, "overview": True})


ORPHANABLE = frozenset({State.LIVE, State.SUSPENDED, *IN_FLIGHT})


def orphan_of(integration: Integration, tools: dict[int, Tool]) -> Orphan | None:
    """Why a live or in-flight integration is orphaned, if it is."""
    if State(integration.state) not in ORPHANABLE:
        return None
    for tool_id in (integration.source_tool_id, integration.target_tool_id):
        tool = tools.get(tool_id)
        if tool is None or tool.retired_at is not None:
            name = tool.name if tool else "?"
            reason = OrphanReason.TOOL_RETIRED
            return Orphan(
                id=integration.id,
                title=integration.title,
                state=State(integration.state),
                owner_id=integration.owner_id,
                reason=reason,
                tool=name,
            )
    if integration.orphaned_at is not None:
        return Orphan(
            id=integration.id,
            title=integration.title,
            state=State(integration.state),
            owner_id=integration.owner_id,
            reason=OrphanReason.OWNER_LEFT,
        )
    return None


def find_orphans(*, session: Session) -> list[Orphan]:
    """Every live or in-flight integration whose tool is retired or whose owner left, oldest first."""
    tools = {tool.id: tool for tool in tool_repo.all_tools(session)}
    shown = [s.value for s in ORPHANABLE]
    found = (orphan_of(i, tools) for i in dash_repo.integrations_in(session, states=shown))
    return sorted((o for o in found if o is not None), key=lambda o: o.id)


def find_orphan_tools(*, session: Session) -> list[OrphanTool]:
    """Every active tool whose owner left Slack, longest orphaned first."""
    return [OrphanTool(id=t.id, name=t.name, owner_id=t.owner_id) for t in tool_repo.owner_left(session)]


def _edges(session: Session, tools: dict[int, Tool]) -> list[MapEdge]:
    edges: list[MapEdge] = []
    shown = [s.value for s in (State.LIVE, State.SUSPENDED, State.RETIRING, *OPEN_PROPOSAL, *IN_FLIGHT)]
    for i in dash_repo.integrations_in(session, states=shown):
        state = State(i.state)
        if orphan_of(i, tools) is not None:
            kind = EdgeKind.ORPHANED
        elif state is State.LIVE:
            kind = EdgeKind.LIVE
        elif state is State.SUSPENDED:
            kind = EdgeKind.SUSPENDED
        elif state is State.RETIRING:
            kind = EdgeKind.RETIRING
        else:
            kind = EdgeKind.PROPOSED
        edges.append(
            MapEdge(
                source=i.source_tool_id,
                target=i.target_tool_id,
                kind=kind,
                name=i.title,
                both_ways=i.direction == Direction.BI_DIRECTIONAL.value,
                integration_id=i.id,
            )
        )
    for flow in flow_repo.in_modes(session, modes=[m.value for m in MANUAL_MODES]):
        hours = hours_per_week(flow.times_per_week, flow.minutes_each)
        edges.append(
            MapEdge(
                source=flow.source_tool_id,
                target=flow.target_tool_id,
                kind=EdgeKind.MANUAL,
                name=flow.data,
                hours=hours,
            )
        )
    return edges


def _node(tool: Tool, focus: bool = False) -> MapNode:
    return MapNode(
        id=tool.id,
        name=tool.name,
        category=Category(tool.category),
        retired=tool.retired_at is not None,
        focus=focus,
    )


def stack_map(*, session: Session, focus: str | None = None) -> StackMap:
    """The map of the whole stack, or of one tool or category and what connects to it."""
    tools = {tool.id: tool for tool in tool_repo.all_tools(session)}
    edges = [e for e in _edges(session, tools) if e.source in tools and e.target in tools]
    orphans = find_orphans(session=session)
    orphan_tools = find_orphan_tools(session=session)
    focus = (focus or "").strip()
    if focus:
        picked = tool_repo.by_name(session, focus)
        category = None if picked else Category.from_text(focus)
        if picked is not None:
            centre = {picked.id}
        elif category is not None:
            centre = {t.id for t in tools.values() if t.category == category.value and t.retired_at is None}
        else:
            names = ", ".join(c.value for c in Category)
            raise NotFound(
                "No tool or category called {focus}. Categories: {names}.", focus=focus, names=names
            )
        edges = [e for e in edges if e.source in centre or e.target in centre]
        ids = centre | {e.source for e in edges} | {e.target for e in edges}
        nodes = [_node(tools[i], focus=i in centre) for i in sorted(ids, key=lambda i: tools[i].name_key)]
        shown = {e.integration_id for e in edges}
        return _graph(
            nodes,
            edges,
            focus=focus,
            around=picked.name if picked is not None else "",
            category=category,
            orphans=[o for o in orphans if o.id in shown],
            orphan_tools=[t for t in orphan_tools if t.id in ids],
        )
    active = [t for t in tools.values() if t.retired_at is None]
    connected = {e.source for e in edges} | {e.target for e in edges}
    if len(connected) > DETAIL_LIMIT:
        overview = _overview(list(tools.values()), edges)
        return overview.model_copy(update={"orphans": orphans, "orphan_tools": orphan_tools})
    collapsed: dict[Category, int] = defaultdict(int)
    nodes = []
    for tool in sorted(tools.values(), key=lambda t: t.name_key):
        if tool.id in connected or (tool.retired_at is None and len(active) <= COLLAPSE_ABOVE):
            nodes.append(_node(tool))
        elif tool.retired_at is None:
            collapsed[Category(tool.category)] += 1
    return _graph(nodes, edges, collapsed=dict(collapsed), orphans=orphans, orphan_tools=orphan_tools)
