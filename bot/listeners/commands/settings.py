"""`/patchbay settings`: the workspace policy, for admins."""

from __future__ import annotations

from bot.listeners.commands.router import SlashRequest, Subcommand
from bot.middleware import transaction
from bot.views.settings import settings_modal
from commands.workspace_policy import policy_to_edit


def settings(cmd: SlashRequest) -> None:
    with transaction(cmd.context) as session:
        state = policy_to_edit(session=session, actor=cmd.request.actor, defaults=cmd.request.default_policy)
    cmd.ack()
    cmd.client.views_open(trigger_id=cmd.body["trigger_id"], view=settings_modal(state))


SUBCOMMANDS = [
    Subcommand(
        ("settings",),
        "settings",
        "Change the workspace policy: rates, caps, review cadence, reminders, governance channel (admins).",
        "/patchbay settings",
        settings,
    ),
]
