"""`/patchbay map [category | tool]`: the stack map as a PNG in the channel, and `impact TOOL`."""

from __future__ import annotations

from bot.listeners.commands.router import SlashRequest, Subcommand
from bot.middleware import transaction
from bot.text import escape, fill
from bot.views.fallbacks import impact_fallback
from bot.views.impact import impact_blocks
from bot.views.stackmap import map_comment, map_title
from bot.views.stackmap_drawing import to_dot
from commands.graphviz import GraphvizMissing, ImageFormat, dot_binary, draw
from commands.impact import tool_impact
from commands.stackmap import stack_map


def show_map(cmd: SlashRequest) -> None:
    if dot_binary() is None:
        missing = GraphvizMissing()
        cmd.ack(text=fill(missing.template, **missing.quoted))
        return
    with transaction(cmd.context) as session:
        graph = stack_map(session=session, focus=cmd.args or None)
    if not graph.nodes and not graph.collapsed:
        cmd.ack(text="No tools are registered yet: start with `/patchbay tool add`.")
        return
    cmd.ack(text=f"Drawing the map of {graph.tools} tools…")
    png = draw(to_dot(graph), ImageFormat.PNG)
    cmd.client.files_upload_v2(
        channel=cmd.body["channel_id"],
        content=png,
        filename="stack-map.png",
        title=escape(map_title(graph)),
        initial_comment=map_comment(graph),
    )


def show_impact(cmd: SlashRequest) -> None:
    name = cmd.args.strip()
    if not name:
        cmd.ack(text="Which tool? Try `/patchbay impact Salesforce`.")
        return
    with transaction(cmd.context) as session:
        found = tool_impact(session=session, name=name)
    cmd.ack(blocks=impact_blocks(found), text=impact_fallback(found.tool.name))


SUBCOMMANDS = [
    Subcommand(
        ("map",),
        "map [category | tool]",
        "Post the stack map: integrations, proposals and manual handoffs.",
        "/patchbay map crm",
        show_map,
    ),
    Subcommand(
        ("impact",),
        "impact TOOL",
        "What breaks if this tool changes or goes: flows, integrations, owners, data.",
        "/patchbay impact Salesforce",
        show_impact,
    ),
]
