"""The stack map's one-line summary: under the picture in Slack, and after `patchbay export map`."""

from __future__ import annotations

from bot.text import escape
from commands.stackmap import EdgeKind, StackMap
from commands.vocabulary import counted


def map_summary(graph: StackMap, *, for_slack: bool = True) -> str:
    """What the map shows, in one line (escaped for Slack unless it is for the terminal)."""
    parts = [
        counted(graph.tools, "tool"),
        counted(graph.count(EdgeKind.LIVE), "live integration"),
        counted(graph.count(EdgeKind.PROPOSED), "proposal"),
        counted(graph.count(EdgeKind.MANUAL), "manual handoff") + f" ({graph.manual_hours} h/week)",
    ]
    flagged = [
        f"{n} {kind.value}" for kind in (EdgeKind.SUSPENDED, EdgeKind.ORPHANED) if (n := graph.count(kind))
    ]
    shape = " Drawn by category: the stack is too big to show every tool at once." if graph.overview else ""
    heading = escape(graph.title) if for_slack else graph.title
    return f"{heading}: " + ", ".join(parts) + (f"; {', '.join(flagged)}" if flagged else "") + "." + shape
