"""The help message: every subcommand with its one line and an example."""

from __future__ import annotations

from slack_sdk.models.blocks import Block as SlackBlock

from bot.text import escape
from bot.views.elements import context, section


def help_blocks(entries: list[tuple[str, str, str]]) -> list[SlackBlock]:
    """`entries` are (usage, summary, example) triples."""
    lines = [
        f"`/patchbay {usage}`  {summary}\n      _e.g._ `{example}`" for usage, summary, example in entries
    ]
    return [
        section("*Patchbay* keeps your tool stack honest. Here is what you can ask:"),
        section("\n".join(lines)),
        context("Admins, security reviewers and approvers are set by your Patchbay admin."),
    ]


def unknown_text(typed: str, suggestion: str | None) -> str:
    guess = f" Did you mean `/patchbay {suggestion}`?" if suggestion else ""
    return f"I don't know `{escape(typed)}`.{guess} Type `/patchbay help` to see everything I can do."
