"""`/patchbay renewals`: tools that renew in the next 90 days."""

from __future__ import annotations

from bot.listeners.commands.router import SlashRequest, Subcommand
from bot.middleware import transaction
from bot.views.renewals import renewals_list
from commands.renewals import upcoming_renewals


def renewals(cmd: SlashRequest) -> None:
    with transaction(cmd.context) as session:
        page = upcoming_renewals(session=session, today=cmd.request.now.date())
    cmd.ack(blocks=renewals_list(page), text="Renewals")


SUBCOMMANDS = [
    Subcommand(
        ("renewals",),
        "renewals",
        "Tools that renew in the next 90 days: renew, replace or drop each before it does.",
        "/patchbay renewals",
        renewals,
    ),
]
