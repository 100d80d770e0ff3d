"""`/patchbay flow add` and `/patchbay opportunities`."""

from __future__ import annotations

from bot.listeners.commands.router import SlashRequest, Subcommand
from bot.middleware import transaction
from bot.views.flows import flow_modal, opportunities_blocks
from commands.flows import opportunities


def flow_add(cmd: SlashRequest) -> None:
    cmd.ack()
    cmd.client.views_open(trigger_id=cmd.body["trigger_id"], view=flow_modal(user_id=cmd.user_id))


def show_opportunities(cmd: SlashRequest) -> None:
    with transaction(cmd.context) as session:
        found = opportunities(session=session)
    cmd.ack(blocks=opportunities_blocks(found), text="Integration opportunities")


SUBCOMMANDS = [
    Subcommand(
        ("flow", "add"),
        "flow add",
        "Record how data moves between two tools today.",
        "/patchbay flow add",
        flow_add,
    ),
    Subcommand(
        ("opportunities",),
        "opportunities",
        "Manual flows by hours per week, ready to propose.",
        "/patchbay opportunities",
        show_opportunities,
    ),
]
