"""Block Kit for `/patchbay impact TOOL`: what depends on a tool, and who to tell."""

from __future__ import annotations

from slack_sdk.models.blocks import Block as SlackBlock

from bot.text import escape
from bot.views.elements import chunk_lines, context, section, user
from bot.views.flows import flow_text
from commands.impact import Impact, Link

MAX_BLOCKS = 45


def link_line(link: Link) -> str:
    arrow = f"{escape(link.other_tool)} ->" if link.inbound else f"-> {escape(link.other_tool)}"
    return (
        f"• {arrow}  #{link.id} {escape(link.title)}  ·  _{link.state.label}_  ·  {link.method.label}  ·  "
        f"owner {user(link.owner_id)}"
    )


def _part(heading: str, lines: list[str], empty: str) -> list[SlackBlock]:
    if not lines:
        return [section(f"*{heading}*: {empty}")]
    chunks = chunk_lines(lines)
    blocks: list[SlackBlock] = [section(f"*{heading}* ({len(lines)})\n" + "\n".join(chunks[0]))]
    return blocks + [section("\n".join(chunk)) for chunk in chunks[1:]]


def impact_blocks(found: Impact) -> list[SlackBlock]:
    tool = found.tool
    shown = escape(tool.name)
    classes = ", ".join(c.label for c in found.data_classes) or "none recorded"
    kinds = ", ".join(k.label for k in found.data_kinds) or "none recorded"
    blocks: list[SlackBlock] = [
        section(
            f"*What depends on {shown}*  ·  {tool.category.label}  ·  owned by {user(tool.owner_id)}"
            + ("  ·  _retired_" if tool.retired else "")
            + f"\nData passing through: {kinds}\nData classes: {classes}"
        ),
    ]
    blocks += _part("Integrations into it", [link_line(x) for x in found.inbound], "none")
    blocks += _part("Integrations out of it", [link_line(x) for x in found.outbound], "none")
    blocks += _part("Flows into it", ["• " + flow_text(f) for f in found.inbound_flows], "none recorded")
    blocks += _part("Flows out of it", ["• " + flow_text(f) for f in found.outbound_flows], "none recorded")
    blocks += _part("Open proposals touching it", [link_line(x) for x in found.proposals], "none")
    people = " ".join(user(p) for p in found.people)
    blocks = blocks[:MAX_BLOCKS]
    blocks.append(context(f"Tell before changing or dropping {shown}: {people}"))
    return blocks
