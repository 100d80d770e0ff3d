"""`/patchbay map [category | tool]`: the stack map as a PNG in the channel, and `impact TOOL`."""

from __future__ import annotations

from bot.listeners.commands.router import SlashRequest, Subcommand
from bot.middleware import transaction
from bot.text import escape
from bot.views.fallbacks import impact_fallback
from bot.views.impact import impact_blocks
from bot.views.stackmap import map_comment
from commands.graphviz import GraphvizMissing, ImageFormat, dot_binary, draw
from commands.impact import tool_impact
from commands.stackmap import stack_map, to_dot


def show_map(req: SlashRequest) -> None:
    if dot_binary() is None:
        req.ack(text=GraphvizMissing().message)
        return
    with transaction(req.context) as session:
        graph = stack_map(session=session, focus=req.args or None)
    if not graph.nodes and not graph.collapsed:
        req.ack(text="No tools are registered yet: start with `/patchbay tool add`.")
        return
    req.ack(text=f"Drawing the map of {graph.tools} tools…")
    png = draw(to_dot(graph), ImageFormat.PNG)
    req.client.files_upload_v2(
        channel=req.body["channel_id"],
        content=png,
        filename="stack-map.png",
        title=escape(graph.title),
        initial_comment=map_comment(graph),
    )


def show_impact(req: SlashRequest) -> None:
    name = req.args.strip()
    if not name:
        req.ack(text="Which tool? Try `/patchbay impact Salesforce`.")
        return
    with transaction(req.context) as session:
        found = tool_impact(session=session, name=name)
    req.ack(blocks=impact_blocks(found), text=impact_fallback(found.tool.name))


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
