"""The stack map drawn as Graphviz DOT: one cluster per category, one styled and labelled edge per
connection, the legend and the orphans beside it (a pure function of `commands.stackmap` data)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from bot.views.stackmap import map_title, orphan_why
from commands.stackmap import EdgeKind, MapEdge, MapNode, StackMap
from commands.vocabulary import Category, counted

LABEL_CHARS = 32
FLAGGED = (EdgeKind.SUSPENDED, EdgeKind.RETIRING, EdgeKind.ORPHANED)  # labelled with their kind


def _short(text: str) -> str:
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "…"


def edge_label(edge: MapEdge, *, overview: bool = False) -> str:
    """What an edge says beside its line: how many of a kind (by category), a manual handoff's data
    and hours, or an integration's number and title (flagged when suspended, retiring or orphaned)."""
    if overview:
        return f"{edge.count} {edge.kind.value}" + (
            f", {edge.hours} h/wk" if edge.kind is EdgeKind.MANUAL else ""
        )
    if edge.kind is EdgeKind.MANUAL:
        return f"{_short(edge.name)} ({edge.hours} h/wk)"
    label = f"#{edge.integration_id} {_short(edge.name)}"
    return f"{edge.kind.value.upper()}: {label}" if edge.kind in FLAGGED else label


def _box(node: MapNode) -> str:
    """A category's box on the map by category: its name and how many tools it holds."""
    return f"{node.name} ({counted(node.size or 0, 'tool')})"


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
        f"  graph [rankdir=LR, fontname=Helvetica, fontsize=13, labelloc=t, label={quote(map_title(graph))}, "
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
            f'  t{n.id} [label={quote(_box(n))}, fillcolor="#f3f6f9", fontsize=13];' for n in graph.nodes
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
        attrs = [STYLE[edge.kind], f"xlabel={quote(edge_label(edge, overview=graph.overview))}"]
        if edge.kind is EdgeKind.MANUAL:
            attrs.append(f"penwidth={_manual_width(edge.hours)}")
        if edge.both_ways:
            attrs.append("dir=both")
        lines.append(f"  t{edge.source} -> t{edge.target} [{', '.join(attrs)}];")
    lines.append(f"  legend [shape=plaintext, style=solid, fontsize=9, label={quote(LEGEND)}];")
    if graph.orphans:
        listed = [
            f"#{o.id} {_short(o.title)} ({o.state.label.lower()}): {orphan_why(o)}" for o in graph.orphans
        ]
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
