"""The `/patchbay` subcommands: each one's words, help line, example and handler."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot.request import Request


@dataclass(frozen=True)
class SlashRequest:
    """What a subcommand handler gets: the words after its name, the typed request, Bolt's utilities.

    `context` is for `transaction(context)`; everything else about the request is in `request`.
    """

    args: str
    request: Request
    ack: Ack
    respond: Respond
    client: WebClient
    body: dict[str, Any]
    context: BoltContext

    @property
    def user_id(self) -> str:
        return str(self.body["user_id"])


Handler = Callable[[SlashRequest], None]


@dataclass(frozen=True)
class Subcommand:
    words: tuple[str, ...]
    usage: str
    summary: str
    example: str
    handler: Handler


def match(subcommands: Sequence[Subcommand], text: str) -> tuple[Subcommand, str] | None:
    """The subcommand whose words start `text` (longest first), and the rest of the text."""
    tokens = text.split()
    lowered = [token.lower() for token in tokens]
    best: Subcommand | None = None
    for sub in subcommands:
        n = len(sub.words)
        if tuple(lowered[:n]) == sub.words and (best is None or n > len(best.words)):
            best = sub
    if best is None:
        return None
    rest = text.split(None, len(best.words))
    return best, rest[len(best.words)] if len(rest) > len(best.words) else ""


def closest(subcommands: Sequence[Subcommand], text: str) -> str | None:
    """The usage line nearest to what was typed, for "did you mean"."""
    typed = " ".join(text.split()[:2]).lower()
    names = {" ".join(sub.words): sub.usage for sub in subcommands}
    found = difflib.get_close_matches(typed, list(names), n=1, cutoff=0.5)
    if not found:
        first = typed.split()[0] if typed else ""
        found = difflib.get_close_matches(first, list(names), n=1, cutoff=0.5)
    return names[found[0]] if found else None
