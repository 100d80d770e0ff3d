"""The stack map's DOT text and the flow arithmetic: pure functions of plain data."""

from __future__ import annotations

from decimal import Decimal

from bot.views.stackmap import map_summary
from commands.flows import hours_per_week, suggested_frequency
from commands.stackmap import EdgeKind, MapEdge, MapNode, StackMap, quote, to_dot
from commands.vocabulary import Category


def test_dot_groups_tools_by_category_and_styles_each_kind_of_edge() -> None:
    graph = StackMap(
        title="Stack map",
        nodes=[
            MapNode(id=1, name='Sales "force"', category=Category.CRM),
            MapNode(id=2, name="Asana", category=Category.PROJECT, retired=True),
        ],
        edges=[
            MapEdge(source=1, target=2, kind=EdgeKind.LIVE, label="#1 Deals"),
            MapEdge(source=1, target=2, kind=EdgeKind.MANUAL, label="Won deals", hours=Decimal(8)),
            MapEdge(source=2, target=1, kind=EdgeKind.ORPHANED, label="ORPHANED: #2", both_ways=True),
        ],
        collapsed={Category.HR: 3},
        tools=5,
        counts={EdgeKind.LIVE: 1, EdgeKind.MANUAL: 1, EdgeKind.ORPHANED: 1},
        manual_hours=Decimal(8),
    )
    dot = to_dot(graph)
    assert dot.startswith("digraph stack {") and dot.rstrip().endswith("}")
    assert 'subgraph cluster_crm {\n    label="CRM";' in dot
    assert 't1 [label="Sales \\"force\\""];' in dot
    assert 't2 [label="Asana (retired)", style="rounded,dashed"' in dot
    assert 'more_hr [label="+3 more tools with no connections"' in dot
    assert 't1 -> t2 [style=solid, color="#2e7d32"' in dot
    assert 'style=dashed, color="#d32f2f", fontcolor="#b71c1c", xlabel="Won deals", penwidth=5.5' in dot
    assert "dir=both" in dot
    assert map_summary(graph) == (
        "Stack map: 5 tools, 1 live integration, 0 proposals, 1 manual handoff (8 h/week); 1 orphaned."
    )


def test_quote_keeps_dot_syntax_intact() -> None:
    assert quote('a "b"\\c\nd') == '"a \\"b\\"\\\\c d"'


def test_hours_and_frequency_from_a_flow() -> None:
    assert hours_per_week(Decimal(5), 20) == Decimal("1.67")
    assert [suggested_frequency(Decimal(n)) for n in ("0.1", "0.25", "1", "5", "20")] == [1, 2, 3, 4, 5]


def test_manual_handoffs_differ_in_width_at_a_glance() -> None:
    from commands.stackmap import _manual_width

    assert [_manual_width(Decimal(h)) for h in (0, 1, 5, 15, 40)] == ["1.5", "2.0", "4.0", "9.0", "9.0"]
