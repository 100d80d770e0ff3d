"""`/patchbay health` and `/patchbay health ID`: live integrations worst first, or one in full."""

from __future__ import annotations

from bot.listeners.commands.proposals import parse_id
from bot.listeners.commands.router import SlashRequest, Subcommand
from bot.middleware import transaction
from bot.views.run_health import health_board_blocks, health_detail_blocks
from commands.run_health import health_board, health_of


def show_health(cmd: SlashRequest) -> None:
    now = cmd.request.now
    with transaction(cmd.context) as session:
        if not cmd.args.strip():
            board = health_board(session=session, now=now)
            cmd.ack(blocks=health_board_blocks(board, now), text="Run health")
            return
        health = health_of(session=session, integration_id=parse_id(cmd.args), now=now, failed=True)
    cmd.ack(blocks=health_detail_blocks(health, now), text=f"Run health of #{health.integration_id}")


SUBCOMMANDS = [
    Subcommand(
        ("health",),
        "health [ID]",
        "Run health of live integrations, worst first; with an ID, 24h / 7d / 30d and the failed runs.",
        "/patchbay health 12",
        show_health,
    ),
]
