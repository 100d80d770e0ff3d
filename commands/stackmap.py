"""The stack map: tools by category, integrations and manual handoffs between them, as Graphviz DOT.

`stack_map` reads the registry into plain data; `to_dot` turns that into DOT text (a pure function).
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
from commands.vocabulary import IN_FLIGHT, OPEN_PROPOSAL, Category, Direction, State, counted
from storage.models import Integration, Tool
from storage.repositories import dashboard as dash_repo
from storage.repositories import flows as flow_repo
from storage.repositories import tools as tool_repo

COLLAPSE_ABOVE = 40  # more tools than this: unconnected ones collapse into one box per category
DETAIL_LIMIT = 80  # more connected tools than this: the whole-stack map shows categories, not tools
LABEL_CHARS = 32


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

    def why(self) -> str:
        if self.reason is OrphanReason.TOOL_RETIRED:
            return f"{self.tool} is retired"
        return "its owner left Slack"


class OrphanTool(BaseModel):
    """A tool nobody answers for: its owner left Slack."""

    id: int
    name: str
    owner_id: str


class MapNode(BaseModel):
    id: int
    name: str
    category: Category
    retired: bool = False
    focus: bool = False


class MapEdge(BaseModel):
    source: int
    target: int
    kind: EdgeKind
    label: str
    hours: Decimal | None = None
    both_ways: bool = False
    integration_id: int | None = None


class StackMap(BaseModel):
    title: str
    nodes: list[MapNode]
    edges: list[MapEdge]
    collapsed: dict[Category, int] = {}
    focus: str = ""
    tools: int
    counts: dict[EdgeKind, int]
    manual_hours: Decimal
    overview: bool = False
    orphans: list[Orphan] = []
    orphan_tools: list[OrphanTool] = []

    def count(self, kind: EdgeKind) -> int:
        return self.counts.get(kind, 0)


def _graph(title: str, nodes: list[MapNode], edges: list[MapEdge], **extra: Any) -> StackMap:
    counts: dict[EdgeKind, int] = defaultdict(int)
    for edge in edges:
        counts[edge.kind] += 1
    hours = sum((e.hours or Decimal(0) for e in edges if e.kind is EdgeKind.MANUAL), Decimal(0))
    tools = extra.pop("tools", len(nodes) + sum(extra.get("collapsed", {}).values()))
    return StackMap(
        title=title, nodes=nodes, edges=edges, tools=tools, counts=dict(counts), manual_hours=hours, **extra
    )


def _overview(title: str, tools: list[Tool], edges: list[MapEdge]) -> StackMap:
    """One box per category, and one arrow per category pair and kind, counted and weighted."""
    base = _graph(title, [], edges, tools=len(tools))
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
    nodes = [
        MapNode(id=index[c], name=f"{c.label} ({counted(sizes[c], 'tool')})", category=c)
        for c in Category
        if c in used
    ]
    merged = []
    for (source, target, kind), members in grouped.items():
        hours = sum((e.hours or Decimal(0) for e in members), Decimal(0))
        words = {
            EdgeKind.LIVE: "live",
            EdgeKind.PROPOSED: "proposed",
            EdgeKind.MANUAL: "manual",
            EdgeKind.SUSPENDED: "suspended",
            EdgeKind.RETIRING: "retiring",
            EdgeKind.ORPHANED: "orphaned",
        }[kind]
        label = f"{len(members)} {words}" + (f", {hours} h/wk" if kind is EdgeKind.MANUAL else "")
        merged.append(
            MapEdge(
                source=index[source],
                target=index[target],
                kind=kind,
                label=label,
                hours=hours if kind is EdgeKind.MANUAL else None,
            )
        )
    return base.model_copy(update={"nodes": nodes, "edges": merged, "overview": True})


def _short(text: str) -> str:
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "…"


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
        label = f"#{i.id} {_short(i.title)}"
        if kind in (EdgeKind.SUSPENDED, EdgeKind.RETIRING, EdgeKind.ORPHANED):
            label = f"{kind.value.upper()}: {label}"
        edges.append(
            MapEdge(
                source=i.source_tool_id,
                target=i.target_tool_id,
                kind=kind,
                label=label,
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
                label=f"{_short(flow.data)} ({hours} h/wk)",
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
            centre, title = {picked.id}, f"Stack map around {picked.name}"
        elif category is not None:
            centre = {t.id for t in tools.values() if t.category == category.value and t.retired_at is None}
            title = f"Stack map of {category.label}"
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
            title,
            nodes,
            edges,
            focus=focus,
            orphans=[o for o in orphans if o.id in shown],
            orphan_tools=[t for t in orphan_tools if t.id in ids],
        )
    active = [t for t in tools.values() if t.retired_at is None]
    connected = {e.source for e in edges} | {e.target for e in edges}
    if len(connected) > DETAIL_LIMIT:
        overview = _overview("Stack map by category", list(tools.values()), edges)
        return overview.model_copy(update={"orphans": orphans, "orphan_tools": orphan_tools})
    collapsed: dict[Category, int] = defaultdict(int)
    nodes = []
    for tool in sorted(tools.values(), key=lambda t: t.name_key):
        if tool.id in connected or (tool.retired_at is None and len(active) <= COLLAPSE_ABOVE):
            nodes.append(_node(tool))
        elif tool.retired_at is None:
            collapsed[Category(tool.category)] += 1
    return _graph(
        "Stack map", nodes, edges, collapsed=dict(collapsed), orphans=orphans, orphan_tools=orphan_tools
    )


# ---- DOT -------------------------------------------------------------------------------------

STYLE = {
    EdgeKind.LIVE: 'style=solid, color="#2e7d32", fontcolor="#1b5e20", penwidth=1.8',
    EdgeKind.PROPOSED: 'style=solid, color="#b8bec6", fontcolor="#9aa1aa", penwidth=0.8, arrowhead=open',
    EdgeKind.MANUAL: 'style=dashed, color="#d32f2f", fontcolor="#b71c1c"',
    EdgeKind.SUSPENDED: 'style="bold,dotted", color="#ef6c00", fontcolor="#e65100", penwidth=2',
    EdgeKind.RETIRING: 'style=dashed, color="#8d6e63", fontcolor="#5d4037", penwidth=1.4, arrowhead=tee',
    EdgeKind.ORPHANED: 'style="bold,dotted", color="#6a1b9a", fontcolor="#4a148c", penwidth=2',
}
LEGEND = (
    "green: live integration · grey: proposal · dashed red: manual handoff, the thicker the more hours a "
    "week (each labelled h/wk) · "
    "dotted orange: suspended · dashed brown, ending in a bar: retiring (its teardown is open) · "
    "dotted purple: orphaned (its owner left, or a tool is retired)"
)
ORPHANS_SHOWN = 12


def quote(text: str) -> str:
    """A DOT double-quoted string: backslashes, quotes and line breaks made harmless."""
    cleaned = " ".join(text.replace("\\", "\\\\").replace('"', '\\"').split())
    return f'"{cleaned}"'


def _manual_width(hours: Decimal | None) -> str:
    """From 1.5 (a few minutes a week) to 9 (15 hours or more): the difference shows at a glance."""
    return f"{1.5 + min(float(hours or 0), 15.0) / 2:.1f}"


def to_dot(graph: StackMap) -> str:
    """The map as Graphviz DOT: one cluster per category, one styled edge per connection."""
    lines = [
        "digraph stack {",
        f"  graph [rankdir=LR, fontname=Helvetica, fontsize=13, labelloc=t, label={quote(graph.title)}, "
        "nodesep=0.25, ranksep=1.0, pad=0.3, newrank=true, outputorder=edgesfirst, forcelabels=true];",
        '  node [shape=box, style="rounded,filled", fillcolor="#ffffff", color="#5c6b7a", '
        "fontname=Helvetica, fontsize=11];",
        "  edge [fontname=Helvetica, fontsize=9, arrowsize=0.7];",
    ]
    by_category: dict[Category, list[MapNode]] = defaultdict(list)
    for node in graph.nodes:
        by_category[node.category].append(node)
    if graph.overview:
        lines += [
            f'  t{n.id} [label={quote(n.name)}, fillcolor="#f3f6f9", fontsize=13];' for n in graph.nodes
        ]
        by_category.clear()
    for category in Category:
        members = by_category.get(category, [])
        hidden = graph.collapsed.get(category, 0)
        if not members and not hidden:
            continue
        lines.append(f"  subgraph cluster_{category.value} {{")
        lines.append(
            f"    label={quote(category.label)}; "
            'style="rounded,filled"; fillcolor="#f3f6f9"; color="#c9d3dd";'
        )
        for node in members:
            extra = ""
            if node.retired:
                extra = ', style="rounded,dashed", fontcolor="#8a8f96"'
            elif node.focus:
                extra = ', fillcolor="#fff4c2", penwidth=2'
            name = node.name + (" (retired)" if node.retired else "")
            lines.append(f"    t{node.id} [label={quote(name)}{extra}];")
        if hidden:
            label = f"+{hidden} more tool{'s' if hidden != 1 else ''} with no connections"
            lines.append(
                f'    more_{category.value} [label={quote(label)}, shape=note, fillcolor="#eef1f4", '
                'color="#c9d3dd", fontcolor="#5c6b7a", fontsize=9];'
            )
        lines.append("  }")
    for edge in graph.edges:
        # xlabel sits beside its edge; a plain label becomes a node of its own, far from the line.
        attrs = [STYLE[edge.kind], f"xlabel={quote(edge.label)}"]
        if edge.kind is EdgeKind.MANUAL:
            attrs.append(f"penwidth={_manual_width(edge.hours)}")
        if edge.both_ways:
            attrs.append("dir=both")
        lines.append(f"  t{edge.source} -> t{edge.target} [{', '.join(attrs)}];")
    lines.append(f"  legend [shape=plaintext, style=solid, fontsize=9, label={quote(LEGEND)}];")
    if graph.orphans:
        listed = [f"#{o.id} {_short(o.title)} ({o.state.label.lower()}): {o.why()}" for o in graph.orphans]
        more = len(listed) - ORPHANS_SHOWN
        listed = listed[:ORPHANS_SHOWN] + ([f"and {more} more"] if more > 0 else [])
        heading = f"Orphaned integrations ({len(graph.orphans)}):"
        text = "".join(quote(line)[1:-1] + "\\l" for line in [heading, *listed])  # \l: a left-aligned line
        lines.append(
            f'  orphans [shape=plaintext, style=solid, fontsize=10, fontcolor="#4a148c", label="{text}"];'
        )
        lines.append("  legend -> orphans [style=invis];")
    lines.append("}")
    return "\n".join(lines) + "\n"
