"""Wording around the stack map: the comment posted with its image, orphans listed under it."""

from __future__ import annotations

from bot.text import escape
from bot.views.elements import user
from commands.stackmap import Orphan, StackMap

FOCUS_HINT = "Focus on one part with `/patchbay map crm` or `/patchbay map Salesforce`."
ORPHANS_LISTED = 10


def orphan_line(orphan: Orphan) -> str:
    state = orphan.state.label.lower()
    return (
        f"• #{orphan.id} {escape(orphan.title)} ({state}, owner {user(orphan.owner_id)}):"
        f" {escape(orphan.why())}  ·  `/patchbay show {orphan.id}`"
    )


def orphans_text(orphans: list[Orphan]) -> str:
    """The orphaned integrations, a line each (the first few, then how many more)."""
    lines = [f"*Orphaned integrations ({len(orphans)})*: retire them or give them a new home."]
    lines += [orphan_line(o) for o in orphans[:ORPHANS_LISTED]]
    if len(orphans) > ORPHANS_LISTED:
        lines.append(f"…and {len(orphans) - ORPHANS_LISTED} more.")
    return "\n".join(lines)


def map_comment(graph: StackMap) -> str:
    """The text posted with the map: what it shows, then its orphans."""
    comment = escape(graph.summary()) + ("" if graph.focus else f" {FOCUS_HINT}")
    if graph.orphans:
        comment += "\n" + orphans_text(graph.orphans)
    return comment
