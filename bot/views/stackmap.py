"""Wording around the stack map: its title, its one-line summary (under the picture in Slack, and
after `patchbay export map`) and the orphaned integrations and tools listed under it."""

from __future__ import annotations

from bot.text import escape
from bot.views.elements import user
from commands.stackmap import EdgeKind, Orphan, OrphanReason, OrphanTool, StackMap
from commands.vocabulary import counted

FOCUS_HINT = "Focus on one part with `/patchbay map crm` or `/patchbay map Salesforce`."
ORPHANS_LISTED = 10


def map_title(graph: StackMap) -> str:
    """The map's title (people's text: a tool's name)."""
    if graph.around:
        return f"Stack map around {graph.around}"
    if graph.category is not None:
        return f"Stack map of {graph.category.label}"
    return "Stack map by category" if graph.overview else "Stack map"


def orphan_why(orphan: Orphan) -> str:
    """Why nobody can answer for an orphaned integration, in plain text (a tool's name unescaped)."""
    if orphan.reason is OrphanReason.TOOL_RETIRED:
        return f"{orphan.tool} is retired"
    return "its owner left Slack"


def map_summary(graph: StackMap, *, for_slack: bool = True) -> str:
    """What the map shows, in one line (escaped for Slack unless it is for the terminal)."""
    parts = [
        counted(graph.tools, "tool"),
        counted(graph.count(EdgeKind.LIVE), "live integration"),
        counted(graph.count(EdgeKind.PROPOSED), "proposal"),
        counted(graph.count(EdgeKind.MANUAL), "manual handoff") + f" ({graph.manual_hours} h/week)",
    ]
    flagged = [
        f"{n} {kind.value}"
        for kind in (EdgeKind.SUSPENDED, EdgeKind.RETIRING, EdgeKind.ORPHANED)
        if (n := graph.count(kind))
    ]
    shape = " Drawn by category: the stack is too big to show every tool at once." if graph.overview else ""
    heading = escape(map_title(graph)) if for_slack else map_title(graph)
    return f"{heading}: " + ", ".join(parts) + (f"; {', '.join(flagged)}" if flagged else "") + "." + shape


def orphan_line(orphan: Orphan) -> str:
    state = orphan.state.label.lower()
    return (
        f"• #{orphan.id} {escape(orphan.title)} ({state}, owner {user(orphan.owner_id)}):"
        f" {escape(orphan_why(orphan))}  ·  `/patchbay show {orphan.id}`"
    )


def orphans_text(orphans: list[Orphan]) -> str:
    """The orphaned integrations, a line each (the first few, then how many more)."""
    lines = [f"*Orphaned integrations ({len(orphans)})*: retire them or give them a new home."]
    lines += [orphan_line(o) for o in orphans[:ORPHANS_LISTED]]
    if len(orphans) > ORPHANS_LISTED:
        lines.append(f"…and {len(orphans) - ORPHANS_LISTED} more.")
    return "\n".join(lines)


def orphan_tools_heading(tools: list[OrphanTool]) -> str:
    return (
        f"*Tools whose owner left Slack ({len(tools)})*: give each a new owner with *Change owner*"
        " on its card."
    )


def orphan_tool_line(tool: OrphanTool) -> str:
    return f"• *{escape(tool.name)}* (owner {user(tool.owner_id)})  ·  `/patchbay tool {escape(tool.name)}`"


def orphan_tools_text(tools: list[OrphanTool]) -> str:
    """The tools whose owner left, a line each (the first few, then how many more)."""
    lines = [orphan_tools_heading(tools)] + [orphan_tool_line(t) for t in tools[:ORPHANS_LISTED]]
    if len(tools) > ORPHANS_LISTED:
        lines.append(f"…and {len(tools) - ORPHANS_LISTED} more.")
    return "\n".join(lines)


def map_comment(graph: StackMap) -> str:
    """The text posted with the map: what it shows, then its orphaned integrations and tools."""
    comment = map_summary(graph) + ("" if graph.focus else f" {FOCUS_HINT}")
    if graph.orphans:
        comment += "\n" + orphans_text(graph.orphans)
    if graph.orphan_tools:
        comment += "\n" + orphan_tools_text(graph.orphan_tools)
    return comment
