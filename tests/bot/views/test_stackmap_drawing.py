"""The stack map drawn and worded from its data: DOT text, titles, edge labels and orphans."""

from __future__ import annotations

from decimal import Decimal

from bot.views.stackmap import map_summary, map_title, orphan_why
from bot.views.stackmap_drawing import _manual_width, edge_label, quote, to_dot
from commands.stackmap import EdgeKind, MapEdge, MapNode, Orphan, OrphanReason, StackMap
from commands.vocabulary import Category, State


def graph(**data: object) -> StackMap:
    return StackMap.model_validate(
        {"nodes": [], "edges": [], "tools": 0, "counts": {}, "manual_hours": 0, **data}
    )


def test_dot_groups_tools_by_category_and_styles_each_kind_of_edge() -> None:
    drawn = graph(
        nodes=[
            MapNode(id=1, name='Sales "force"', category=Category.CRM),
            MapNode(id=2, name="Asana", category=Category.PROJECT, retired=True),
        ],
        edges=[
            MapEdge(source=1, target=2, kind=EdgeKind.LIVE, name="Deals", integration_id=1),
            MapEdge(source=1, target=2, kind=EdgeKind.MANUAL, name="Won deals", hours=Decimal(8)),
            MapEdge(
                source=2, target=1, kind=EdgeKind.ORPHANED, name="Sync", integration_id=2, both_ways=True
            ),
        ],
        collapsed={Category.HR: 3},
        tools=5,
        counts={EdgeKind.LIVE: 1, EdgeKind.MANUAL: 1, EdgeKind.ORPHANED: 1},
        manual_hours=Decimal(8),
        orphans=[
            Orphan(id=2, title="Sync", state=State.LIVE, owner_id="U0BOB0002", reason=OrphanReason.OWNER_LEFT)
        ],
    )
    dot = to_dot(drawn)
    assert dot.startswith("digraph stack {") and dot.rstrip().endswith("}")
    assert 'labelloc=t, label="Stack map",' in dot
    assert 'subgraph cluster_crm {\n    label="CRM";' in dot
    assert 't1 [label="Sales \\"force\\""];' in dot
    assert 't2 [label="Asana (retired)", style="rounded,dashed"' in dot
    assert 'more_hr [label="+3 more tools with no connections"' in dot
    assert (
        't1 -> t2 [style=solid, color="#2e7d32", fontcolor="#1b5e20", penwidth=1.8, xlabel="#1 Deals"];'
        in dot
    )
    assert (
        'style=dashed, color="#d32f2f", fontcolor="#b71c1c", xlabel="Won deals (8 h/wk)", penwidth=5.5' in dot
    )
    assert 'xlabel="ORPHANED: #2 Sync", dir=both' in dot
    assert "Orphaned integrations (1):\\l#2 Sync (live): its owner left Slack\\l" in dot
    assert map_summary(drawn) == (
        "Stack map: 5 tools, 1 live integration, 0 proposals, 1 manual handoff (8 h/week); 1 orphaned."
    )


def test_the_map_by_category_counts_each_box_and_arrow() -> None:
    drawn = graph(
        nodes=[MapNode(id=1, name="CRM", category=Category.CRM, size=1)],
        edges=[MapEdge(source=1, target=1, kind=EdgeKind.MANUAL, hours=Decimal("2.5"), count=3)],
        overview=True,
    )
    dot = to_dot(drawn)
    assert 'label="Stack map by category",' in dot
    assert 't1 [label="CRM (1 tool)", fillcolor="#f3f6f9", fontsize=13];' in dot
    assert 'xlabel="3 manual, 2.5 h/wk"' in dot
    live = MapEdge(source=1, target=1, kind=EdgeKind.LIVE, count=2)
    assert edge_label(live, overview=True) == "2 live"


def test_titles_labels_and_orphans_are_worded_from_data() -> None:
    assert map_title(graph(around="Sales <force>", focus="sales <force>")) == "Stack map around Sales <force>"
    assert map_title(graph(category=Category.CRM, focus="crm")) == "Stack map of CRM"
    long = "A title that is longer than the label allows"
    retiring = MapEdge(source=1, target=2, kind=EdgeKind.RETIRING, name=long, integration_id=9)
    assert edge_label(retiring) == "RETIRING: #9 A title that is longer than the…"
    assert edge_label(retiring.model_copy(update={"kind": EdgeKind.PROPOSED})).startswith("#9 A title")
    retired = Orphan(
        id=3, title="x", state=State.APPROVED, owner_id="U1", reason=OrphanReason.TOOL_RETIRED, tool="Old"
    )
    assert orphan_why(retired) == "Old is retired"


def test_quote_keeps_dot_syntax_intact() -> None:
    assert quote('a "b"\\c\nd') == '"a \\"b\\"\\\\c d"'


def test_manual_handoffs_differ_in_width_at_a_glance() -> None:
    assert [_manual_width(Decimal(h)) for h in (0, 1, 5, 15, 40)] == ["1.5", "2.0", "4.0", "9.0", "9.0"]
