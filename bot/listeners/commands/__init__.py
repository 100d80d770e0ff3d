"""The `/patchbay` slash command and its subcommands."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.ids import Command
from bot.listeners.commands import (
    documents,
    flows,
    proposals,
    renewals,
    run_health,
    settings,
    stackmap,
    tools,
)
from bot.listeners.commands.router import SlashRequest, Subcommand, closest, match
from bot.request import request_of
from bot.views.help import help_blocks, unknown_text
from commands.fields import secret_refusal


def _help(cmd: SlashRequest) -> None:
    entries = [(sub.usage, sub.summary, sub.example) for sub in SUBCOMMANDS]
    cmd.ack(blocks=help_blocks(entries), text="Patchbay help")


SUBCOMMANDS: list[Subcommand] = [
    Subcommand(("help",), "help", "Show this list.", "/patchbay help", _help),
    *tools.SUBCOMMANDS,
    *renewals.SUBCOMMANDS,
    *proposals.SUBCOMMANDS,
    *flows.SUBCOMMANDS,
    *stackmap.SUBCOMMANDS,
    *documents.SUBCOMMANDS,
    *run_health.SUBCOMMANDS,
    *settings.SUBCOMMANDS,
]


def patchbay(
    ack: Ack, respond: Respond, client: WebClient, body: dict[str, Any], context: BoltContext
) -> None:
    text = (body.get("text") or "").strip()
    refused = secret_refusal(text)
    if refused:
        ack(text=refused)
        return
    found = match(SUBCOMMANDS, text) if text else (SUBCOMMANDS[0], "")
    if found is None:
        ack(text=unknown_text(text, closest(SUBCOMMANDS, text)))
        return
    sub, args = found
    request = request_of(context)
    sub.handler(
        SlashRequest(
            args=args, request=request, ack=ack, respond=respond, client=client, body=body, context=context
        )
    )


def register(app: App) -> None:
    app.command(Command.PATCHBAY)(patchbay)
