"""`/patchbay tool add`, `/patchbay tools` and `/patchbay tool NAME`."""

from __future__ import annotations

from bot.forms import parse_filter
from bot.listeners.commands.router import SlashRequest, Subcommand
from bot.middleware import transaction
from bot.text import escape
from bot.views.tools import tool_card, tool_modal, tools_list
from commands.tools import find_tool, list_tools


def tool_add(cmd: SlashRequest) -> None:
    cmd.ack()
    cmd.client.views_open(
        trigger_id=cmd.body["trigger_id"], view=tool_modal(owner_id=cmd.user_id, name=cmd.args.strip()[:80])
    )


def tools(cmd: SlashRequest) -> None:
    with transaction(cmd.context) as session:
        page = list_tools(session=session, query=parse_filter(cmd.args))
    cmd.ack(blocks=tools_list(page, filter_text=cmd.args.strip()))


def tool_show(cmd: SlashRequest) -> None:
    name = cmd.args.strip()
    if not name:
        cmd.ack(text="Which tool? Try `/patchbay tool HubSpot`, or `/patchbay tools` to list them.")
        return
    with transaction(cmd.context) as session:
        card = find_tool(session=session, name=name)
    cmd.ack(blocks=tool_card(card, today=cmd.request.now.date()), text=escape(card.name))


SUBCOMMANDS = [
    Subcommand(
        ("tool", "add"),
        "tool add [NAME]",
        "Register a tool in the stack.",
        "/patchbay tool add HubSpot",
        tool_add,
    ),
    Subcommand(
        ("tools",), "tools [category | @owner | text]", "List registered tools.", "/patchbay tools crm", tools
    ),
    Subcommand(
        ("tool",),
        "tool NAME",
        "Show a tool's card: edit, change owner, retire.",
        "/patchbay tool Salesforce",
        tool_show,
    ),
]
